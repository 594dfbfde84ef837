"""The welcome screen's gentle invitation while nobody uses the kiosk: "Touch the screen to start", in turn in
every language that has translated it, so a passer-by who reads none of the others still finds their own."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.i18n import SOURCE_LANGUAGE, Language, gettext_in, lazy_gettext as _l, request_translations

# TRANSLATORS: Shown in turn in every language on the welcome screen while nobody uses the kiosk. At most 30 characters.
TOUCH_TO_START = _l("Touch the screen to start")


def touch_to_start(languages: Iterable[Language]) -> list[tuple[Language, str]]:
    """Return the invitation in each language that has it translated (and the source language), in order."""
    offered = tuple(languages)
    # Kept on the current catalog, which is replaced whenever any catalog changes on disk.
    cache: dict[tuple[str, ...], list[tuple[Language, str]]]
    cache = request_translations().__dict__.setdefault("kiosk_touch_to_start", {})
    key = tuple(language.code for language in offered)
    if key not in cache:
        found = []
        for language in offered:
            text = gettext_in(language.code, TOUCH_TO_START.message_id)
            if language.code == SOURCE_LANGUAGE or text != TOUCH_TO_START.message_id:
                found.append((language, text))
        cache[key] = found
    return list(cache[key])
