"""Reading an uploaded .po file strictly: anything wrong with the file as a whole is refused in plain words."""

from __future__ import annotations

import codecs
import gettext
import re
from dataclasses import dataclass

from babel.messages.catalog import Catalog
from babel.messages.pofile import unescape
from babel.numbers import format_decimal

from kiosk.i18n import gettext as _
from kiosk.i18n.languages import SOURCE_LANGUAGE
from kiosk.i18n.live import parse, syntax_error

HEADER = re.compile(r'\A(?:\s*#[^\n]*\n)*\s*msgid ""\s*\nmsgstr ((?:"(?:[^"\\]|\\.)*"\s*)+)')
CHARSET = re.compile(r"charset=([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# One entry's keys: an optional msgctxt, then msgid, each possibly continued on the lines after.
KEYWORD = re.compile(r'^(msgctxt|msgid)\s+("(?:[^"\\]|\\.)*")\s*$')
CONTINUED = re.compile(r'^("(?:[^"\\]|\\.)*")\s*$')


class UploadError(Exception):
    """An upload refused as a whole, with the reason in plain words."""


@dataclass(frozen=True)
class Read:
    """An uploaded file as read: its catalog, its own header fields, and the encoding it was converted from."""

    catalog: Catalog
    headers: dict[str, str]
    converted_from: str | None = None


def human_size(size: int, locale: str = SOURCE_LANGUAGE) -> str:
    """Say a file size the way people do: "3 MB", "850 KB"."""
    if size >= 1_000_000:
        return _("%(size)s MB", size=format_decimal(round(size / 1_000_000, 1), locale=locale))
    return _("%(size)s KB", size=format_decimal(max(1, round(size / 1000)), locale=locale))


def too_big(size: int | None, limit: int, locale: str = SOURCE_LANGUAGE) -> str:
    """Explain a file over the limit, with its size when it is known."""
    if size is None:
        return _("The file is larger than the limit of %(limit)s.", limit=human_size(limit, locale))
    return _(
        "The file is %(size)s; the limit is %(limit)s.",
        size=human_size(size, locale),
        limit=human_size(limit, locale),
    )


def _decode(data: bytes) -> tuple[str, str | None]:
    """Return the file's text and the encoding it was converted from (None for UTF-8)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    # UTF-16 without a byte order mark: every other byte of the (mostly ASCII) syntax is zero.
    sample = data[:200]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-le"), "UTF-16"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-be"), "UTF-16"
    if b"\x00" in data:
        raise UploadError(_("This is not a .po text file: it contains binary data."))
    return data.removeprefix(codecs.BOM_UTF8).decode("utf-8"), None


def raw_headers(text: str) -> dict[str, str]:
    """Return the header fields exactly as the file states them (Babel fills in defaults for missing ones)."""
    found = HEADER.search(text)
    if found is None:
        return {}
    value = "".join(unescape(f'"{part}"') for part in re.findall(r'"((?:[^"\\]|\\.)*)"', found.group(1)))
    pairs = (line.split(":", 1) for line in value.split("\n") if ":" in line)
    return {name.strip(): field_value.strip() for name, field_value in pairs}


def duplicates(text: str) -> list[tuple[str, int, int]]:
    """Return each message defined twice, with the lines of both definitions, as msgfmt would refuse them."""
    seen: dict[tuple[str | None, str], int] = {}
    found = []
    context: str | None = None
    current: list[str] | None = None
    keyword, start = "", 0

    def finish() -> None:
        nonlocal context
        if current is None:
            return
        if keyword == "msgctxt":
            context = "".join(current)
            return
        key = (context, "".join(current))
        context = None
        if key[1] and key in seen:
            found.append((key[1], seen[key], start))
        seen.setdefault(key, start)

    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        match = KEYWORD.match(stripped)
        if match:
            finish()
            keyword, start, current = match.group(1), number, [unescape(match.group(2))]
            continue
        more = CONTINUED.match(stripped)
        if more and current is not None:
            current.append(unescape(more.group(1)))
            continue
        finish()
        current = None
    finish()
    return found


def read_upload(data: bytes, lang: str, nplurals: int, max_bytes: int, max_entries: int, locale: str = "en") -> Read:
    """Read an uploaded .po file strictly; anything odd about the file as a whole raises UploadError."""
    if len(data) > max_bytes:
        raise UploadError(too_big(len(data), max_bytes, locale))
    if not data.strip():
        raise UploadError(_("The file is empty."))
    try:
        text, converted = _decode(data)
    except UnicodeDecodeError as exc:
        raise UploadError(
            _(
                "The file is not UTF-8 text (byte %(position)d cannot be read). Save it as UTF-8 and upload it again.",
                position=exc.start,
            )
        ) from exc
    headers = raw_headers(text)
    declared = CHARSET.search(headers.get("Content-Type", ""))
    if declared and converted is None and declared.group(1).lower().replace("_", "-") not in {"utf-8", "utf8"}:
        raise UploadError(
            _(
                "The file says its charset is %(charset)s. The kiosk needs UTF-8: save it as UTF-8, "
                "set charset=UTF-8 in its header, and upload it again.",
                charset=declared.group(1),
            )
        )
    if converted is not None:
        # Read from now on as the UTF-8 it was converted to.
        text = CHARSET.sub("charset=UTF-8", text, count=1)
    count = len(re.findall(r"^msgid\s", text, re.MULTILINE)) - (1 if HEADER.search(text) else 0)
    if count > max_entries:
        raise UploadError(
            _(
                "The file has %(count)s entries; at most %(limit)s are accepted.",
                count=format_decimal(count, locale=locale),
                limit=format_decimal(max_entries, locale=locale),
            )
        )
    bad = syntax_error(text)
    if bad is not None:
        raise UploadError(_("Line %(number)d is not valid .po syntax: %(line)s", number=bad[0], line=bad[1][:80]))
    twice = duplicates(text)
    if twice:
        msgid, first, second = twice[0]
        raise UploadError(
            _(
                "“%(message)s” is in the file twice (lines %(first)d and %(second)d). Keep one of them and "
                "upload the file again.",
                message=msgid[:80],
                first=first,
                second=second,
            )
        )
    if HEADER.search(text) is None:
        raise UploadError(
            _(
                "The file has no header: the first entry, with an empty msgid, that names the language and its "
                "plural rule. Export the file again from your translation tool, or download it from here."
            )
        )
    try:
        catalog = parse(text.encode("utf-8"), lang)
    except Exception as exc:
        raise UploadError(_("The file is not a valid .po file: %(reason)s", reason=str(exc)[:200])) from exc
    if catalog.fuzzy:
        raise UploadError(
            _(
                "The file's header is marked fuzzy (“#, fuzzy” above the first msgid), which means "
                "the translation is not finished. Remove that mark when it is, and upload it again."
            )
        )
    _check_header(headers, lang, nplurals)
    return Read(catalog, headers, converted)


def _check_header(headers: dict[str, str], lang: str, nplurals: int) -> None:
    """Refuse a file for another language, or one whose plural rule does not match the kiosk's."""
    language = headers.get("Language", "").strip().replace("-", "_")
    if language and language.lower() != lang.lower():
        raise UploadError(
            _("This file is for the language “%(found)s”, not “%(wanted)s”.", found=language, wanted=lang)
        )
    rule = headers.get("Plural-Forms", "").strip()
    if not rule:
        return
    found = re.search(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*$", rule)
    try:
        if found is None:
            raise ValueError(rule)
        gettext.c2py(found.group(2))
    except (ValueError, SyntaxError) as exc:
        raise UploadError(_("The file's Plural-Forms header cannot be read: %(rule)s", rule=rule[:120])) from exc
    if int(found.group(1)) != nplurals:
        raise UploadError(
            _(
                "The file's plural rule has %(found)d forms, but this language has %(wanted)d. Plural "
                "translations in it would be wrong.",
                found=int(found.group(1)),
                wanted=nplurals,
            )
        )
