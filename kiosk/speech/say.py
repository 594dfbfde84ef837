"""Speech mode's clip service: say any label, status or number the kiosk shows, from the shared clip cache.

Other features call these small functions and need nothing else: a new screen's messages are speakable
as soon as its template uses them (kiosk.speech.sources reads them from the code), and `add_texts`
lets a feature add plain texts it builds another way, such as a countdown in every second's words.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app

from kiosk import i18n
from kiosk.i18n import gettext as _, lazy_gettext as _l
from kiosk.i18n.rules import placeholders
from kiosk.speech import recordings, sources
from kiosk.speech.phrases import Phrasebook
from kiosk.speech.recordings import Recording
from kiosk.speech.service import Voice, in_language, service
from kiosk.speech.text import normalize
from kiosk.talk import keyboard
from kiosk.visitor import emergency
from kiosk.visitor.visit import countdown_texts

log = logging.getLogger(__name__)

# The volume steps of speech and reading aloud, in dB from the default (EN 301 549 §5.1.3.12): twelve
# decibels louder for a noisy room, twelve quieter, in steps a listener can tell apart.
VOLUME_STEPS_DB = (-12, -9, -6, -3, 0, 3, 6, 9, 12)
DEFAULT_VOLUME_STEP = VOLUME_STEPS_DB.index(0)
# Counts that reach every plural form of the kiosk's languages (Arabic has one for 100-102).
PLURAL_SAMPLES = (*range(112), 1000, 1001, 1_000_000)

# TRANSLATORS: The welcome screen says this aloud, one language at a time, to a visitor who cannot read it.
INVITATION = _l("Touch the screen and hold to hear it.")

TextSource = Callable[[], Iterable[str]]
RECORDED = "rec-"  # a clip token that names a staff recording rather than a rendered text


@dataclass(frozen=True)
class Said:
    """How a text is spoken: "ready" with its clips' texts and tokens, "no-voice", or "unknown" (not the kiosk's)."""

    status: str
    clips: tuple[tuple[str, str], ...] = ()


def add_texts(app: Flask, source: TextSource) -> None:
    """Let speech mode say more texts; source is called in each language and returns them translated."""
    app.extensions.setdefault("kiosk_speech_texts", []).append(source)


def _volume_texts() -> list[str]:
    """Every volume announcement, so each is spoken as one sentence."""
    levels = len(VOLUME_STEPS_DB)
    return [_("Volume %(level)s of %(levels)s.", level=level, levels=levels) for level in range(1, levels + 1)]


def _letters() -> dict[str, str]:
    """Map each character of the on-screen keyboard to what its key says: its capital, or its name."""
    letters: dict[str, str] = {}
    for layout in keyboard.LAYOUTS.values():
        for key in "".join(layout.rows):
            said = keyboard.key_name(key) or keyboard.mark_label(key)
            for char in {key, keyboard.capital(key), key.lower()}:
                letters.setdefault(char, said)
    return letters


def _build(app: Flask, code: str) -> Phrasebook:
    """Gather one language's texts: its visitor messages in every plural form, its name, keys and extras."""
    translations = i18n.request_translations()
    formats: list[str] = []
    recordable: dict[str, str] = {}
    for message in sources.visitor_messages():
        if message.plural is None:
            forms = {translations.ugettext(message.singular)}
            if recordings.recordable(message.singular, plural=False):
                recordable[translations.ugettext(message.singular).replace("%%", "%")] = message.singular
        else:
            forms = {translations.ungettext(message.singular, message.plural, n) for n in PLURAL_SAMPLES}
        formats += sorted(forms)
        # A translation whose placeholders are broken shows its English instead (kiosk.i18n.messages).
        expected = set(placeholders(message.singular)) | set(placeholders(message.plural or ""))
        if any(set(placeholders(form)) - expected for form in forms):
            formats.append(message.singular)
    language = next(language for language in i18n.languages().values() if language.code == code)
    # A language with no voice has its name said in the voice of the screen it is shown on.
    voiceless = [other.name for other in i18n.languages().values() if service().voice(other.code) is None]
    keys = [keyboard.mark_label(key) for layout in keyboard.LAYOUTS.values() for row in layout.rows for key in row]
    texts = [language.name, *voiceless, *keys, *(layout.label for layout in keyboard.LAYOUTS.values())]
    for source in app.extensions.get("kiosk_speech_texts", []):
        texts += list(source())
    return Phrasebook(formats, texts, _letters(), int(app.config["SPEECH_WHOLE_NUMBERS_BELOW"]), recordable)


def phrasebook(code: str) -> Phrasebook:
    """Return a language's phrasebook, built once per loaded catalog (an edited translation rebuilds it)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug's proxy API
    with in_language(code):
        translations = i18n.request_translations()
        # Per app as well: tests build many apps, which share catalogs but not settings.
        books: weakref.WeakKeyDictionary[Flask, Phrasebook] = translations.__dict__.setdefault(
            "kiosk_phrasebooks", weakref.WeakKeyDictionary()
        )
        book = books.get(app)
        if book is None:
            book = books[app] = _build(app, code)
        return book


def _tokens(book: Phrasebook, voice: Voice) -> dict[str, str]:
    """Map each clip token of a phrasebook's texts, in one voice and lexicon, to its text."""
    speech = service()
    cache: dict[tuple[str, str, int, str], dict[str, str]] = book.__dict__.setdefault("kiosk_tokens", {})
    # The tokens follow what the engine reads, so a changed pronunciation entry gives new ones.
    key = (speech.engine_id, voice.name, voice.rate, speech.pronunciation.version(voice.language))
    if key not in cache:
        cache[key] = {speech.key(voice, text).token: text for text in book.texts()}
    return cache[key]


def recording(code: str, text: str) -> Recording | None:
    """Return the staff recording that says a whole message as the screen shows it now, if there is one."""
    key = phrasebook(code).messages.get(normalize(text))
    return service().recordings.playable(code, key, text) if key is not None else None


def say(code: str, text: str, segments: Iterable[str] = (), spell: bool = False) -> Said:
    """Work out the clips that speak a text shown in a language; each clip's text is the kiosk's own.

    A message staff have recorded is played from their recording, in a language with a voice or not.
    """
    recorded = None if spell else recording(code, text)
    if recorded is not None:
        return Said("ready", ((recorded.text, RECORDED + recorded.id),))
    voice = service().voice(code)
    if voice is None:
        return Said("no-voice")
    parts = phrasebook(code).parts(text, segments, spell)
    if parts is None:
        return Said("unknown")
    speech = service()
    return Said("ready", tuple((part, speech.key(voice, part).token) for part in parts))


def clip_text(code: str, token: str) -> str | None:
    """Return the text a clip token stands for in a language, or None when it is none of the kiosk's."""
    voice = service().voice(code)
    if voice is None:
        return None
    return _tokens(phrasebook(code), voice).get(token)


def recorded_clip(code: str, recording_id: str) -> Recording | None:
    """Return an approved recording whose message still says what was recorded, by its id."""
    found = service().recordings.find(code, recording_id)
    if found is None or not found.approved:
        return None
    return found if phrasebook(code).messages.get(found.text) == found.key else None


def phrase_jobs(codes: Iterable[str]) -> list[tuple[Voice, str]]:
    """Return every (voice, text) speech mode may say in the given languages, for the warm-up."""
    jobs: list[tuple[Voice, str]] = []
    for code in codes:
        voice = service().voice(code)
        if voice is not None:
            jobs += [(voice, text) for text in phrasebook(code).texts()]
    return jobs


def invitations() -> list[dict[str, str]]:
    """Return the welcome screen's spoken invitation in each voiced language that has it translated."""
    found = []
    for language in i18n.languages().values():
        if service().voice(language.code) is None:
            continue
        with in_language(language.code):
            text = str(INVITATION)
        if text != INVITATION.message_id or language.code == i18n.SOURCE_LANGUAGE:
            found.append({"lang": language.tag, "text": text})
    return found


def _prepare(app: Flask) -> None:
    """Read the code's messages and build every phrasebook, so the first visitor in speech mode never waits."""
    try:
        with app.app_context():
            for language in i18n.languages().values():
                phrasebook(language.code)
    except Exception:  # a failure here only costs the first visitor a moment; the log says why
        log.exception("Speech mode's phrasebooks could not be prepared ahead; they are built when first needed")


def init_app(app: Flask) -> None:
    """Add the texts speech mode builds rather than finds (volume steps, the idle countdown, the review date),
    and build the phrasebooks in the background when the server answers its first request."""
    add_texts(app, _volume_texts)
    add_texts(app, lambda: countdown_texts(int(app.config["IDLE_COUNTDOWN_SECONDS"])))
    add_texts(app, lambda: [i18n.long_date(emergency.reviewed(app.config))])
    if app.config["SPEECH_PRESTART"] and not app.testing:
        started = threading.Event()

        @app.before_request
        def prepare_phrasebooks() -> None:
            """Start building the phrasebooks once, with the kiosk's first request."""
            if not started.is_set():
                started.set()
                threading.Thread(target=_prepare, args=(app,), name="speech-phrasebooks", daemon=True).start()
