"""Read-aloud routes: a page's sentences with their audio addresses, and the audio itself."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, send_file, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.i18n import lazy_gettext as _l
from kiosk.speech.recordings import Recording
from kiosk.speech.service import MIMETYPE, SpeechUnavailable, service
from kiosk.speech.text import normalize, page_messages, page_sentences, segments, sentences as split, speakable
from kiosk.visitor import content, emergency
from kiosk.visitor.language_urls import language_prefixed

bp = language_prefixed(Blueprint("listen", __name__, url_prefix="/<lang>/listen"), exact=True)

# TRANSLATORS: Shown instead of the Listen button in a language the kiosk has no voice for.
NO_VOICE = _l("Reading aloud is not available in this language.")
# TRANSLATORS: Shown instead of the Listen button when the speech engine is missing or broken.
UNAVAILABLE = _l("Reading aloud is not working right now. Please ask at the front desk.")
# TRANSLATORS: Shown when the page changed (a translation was edited) while it was being read.
CHANGED = _l("This page has changed. Please tap Listen again.")


@dataclass(frozen=True)
class PageClips:
    """A page's clips in reading order, and how many messages have a synthetic voice or nothing at all."""

    clips: list[dict[str, Any]]
    synthetic: int  # messages read by the engine
    missing: int  # messages with neither an approved recording nor a voice


def _clips(page: content.Topic, code: str) -> PageClips:
    """List a page's clips in reading order: a staff recording for a whole message, else one per sentence.

    Each clip names the sentences it covers, numbered as the page numbers them for highlighting.
    """
    speech = service()
    voice = speech.voice(code)
    clips: list[dict[str, Any]] = []
    missing = synthetic = 0
    first = 0
    shown = page_messages(page, emergency.number(current_app.config))
    # Speech reads the emergency number digit by digit ("1 1 2"); it splits into the same sentences.
    spoken = page_messages(page, speech.number)
    for (key, text), (_, said) in zip(shown, spoken, strict=True):
        pieces = split(text)
        numbers = list(range(first, first + len(pieces)))
        first += len(pieces)
        if not pieces:
            continue
        recording = speech.recordings.playable(code, key, text)
        if recording is not None:
            audio = url_for("listen.recording", slug=page.slug, recording_id=recording.id)
            clips.append({"index": numbers[0], "sentences": numbers, "text": normalize(text), "audio": audio})
        elif voice is not None:
            synthetic += 1
            for number, sentence, sentence_said in zip(numbers, pieces, split(said), strict=True):
                token = speech.key(voice, sentence_said).token
                audio = url_for("listen.audio", slug=page.slug, index=number, token=token)
                clips.append({"index": number, "sentences": [number], "text": sentence, "audio": audio})
        else:
            missing += 1
    return PageClips(clips, synthetic, missing)


def _page_clips(page: content.Topic, code: str) -> PageClips:
    """Return a page's clips, worked out once per loaded catalog, lexicon and set of recordings."""
    speech = service()
    # The addresses follow the text, the lexicon and the recordings: an edited translation reloads the
    # catalog (and this cache with it), and a new lexicon or recording gives the key a new version.
    cache: dict[tuple[str, str, str], PageClips] = i18n.request_translations().__dict__.setdefault(
        "kiosk_sentence_audio", {}
    )
    key = (page.slug, speech.pronunciation.version(code), speech.recordings.version(code))
    if key not in cache:
        cache[key] = _clips(page, code)
    return cache[key]


def player(page: content.Topic) -> dict[str, Any]:
    """Describe the Listen control of a page: its state, a note, and each clip's audio address."""
    code = i18n.current_language().code
    found = _page_clips(page, code)
    # Staff recordings of every message give a page its Listen button with no voice, or a broken engine.
    if found.missing:
        status = "no-voice"
    elif found.synthetic and service().problem():
        status = "unavailable"
    else:
        status = "ready"
    note = {"no-voice": NO_VOICE, "unavailable": UNAVAILABLE}.get(status)
    return {"status": status, "note": str(note) if note else None, "sentences": found.clips}


@bp.app_template_global("listen_player")
def listen_player(page: content.Topic) -> dict[str, Any]:
    """Give the topic template its Listen control."""
    return player(page)


@bp.app_template_global("sentence_segments")
def sentence_segments(text: Any) -> list[tuple[str, str, bool]]:
    """Split a text on the page into sentences exactly as reading aloud does, marking the ones it reads."""
    return [(sentence, space, speakable(sentence)) for sentence, space in segments(" ".join(str(text).split()))]


def _error(message: str, status: int) -> Response:
    """Answer with a message the page can show."""
    response = jsonify(error=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response


@bp.get("/<slug>")
def sentences(slug: str) -> ResponseReturnValue:
    """List a page's sentences and their audio addresses, as JSON."""
    page = content.topic(slug)
    if page is None:
        abort(404)
    return jsonify(language=g.language.tag, **player(page))


@bp.get("/<slug>/<int:index>-<token>.mp3")
def audio(slug: str, index: int, token: str) -> ResponseReturnValue:
    """Serve one sentence's audio, rendering it first if the cache does not have it yet."""
    page = content.topic(slug)
    if page is None:
        abort(404)
    speech = service()
    voice = speech.voice(g.language.code)
    if voice is None:
        return _error(str(NO_VOICE), 404)
    texts = page_sentences(page, speech.number)
    if index >= len(texts) or speech.key(voice, texts[index]).token != token:
        return _error(str(CHANGED), 404)
    try:
        path = speech.render(voice, texts[index])
    except SpeechUnavailable:
        return _error(str(UNAVAILABLE), 503)
    return clip_response(path, token)


def clip_response(path: Path, token: str) -> Response:
    """Serve one rendered clip, cached for good: its address names the exact text, voice and engine."""
    # Clips are small, so they are served from memory: a visitor who leaves mid-download can never
    # leave a file open (werkzeug's development server skips close() when a client resets).
    stat = path.stat()
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=MIMETYPE,
        conditional=True,
        etag=f"{token}-{stat.st_mtime_ns:x}",
        last_modified=stat.st_mtime,
        max_age=31536000,
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def _page_recording(page: content.Topic, recording_id: str) -> Recording | None:
    """Return an approved recording of a message on this page that still matches what it says."""
    code = g.language.code
    recording = service().recordings.find(code, recording_id)
    if recording is None or not recording.approved:
        return None
    current = dict(page_messages(page, emergency.number(current_app.config))).get(recording.key)
    return recording if recording.fresh(current) else None


@bp.get("/<slug>/rec-<recording_id>.mp3")
def recording(slug: str, recording_id: str) -> ResponseReturnValue:
    """Serve a staff recording of a message on this page, only while it is approved and still matches the text."""
    page = content.topic(slug)
    if page is None:
        abort(404)
    found = _page_recording(page, recording_id)
    if found is None:
        return _error(str(CHANGED), 404)
    path = service().recordings.audio(found)
    response = send_file(
        io.BytesIO(path.read_bytes()), mimetype=MIMETYPE, conditional=True, etag=recording_id, max_age=31536000
    )
    # A new take gets a new address, so what this one serves never changes.
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
