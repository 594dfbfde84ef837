"""Read-aloud routes: a page's sentences with their audio addresses, and the audio itself."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, send_file, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.i18n import lazy_gettext as _l
from kiosk.speech.service import MIMETYPE, SpeechUnavailable, service
from kiosk.speech.text import page_sentences, segments, speakable
from kiosk.visitor import content, emergency
from kiosk.visitor.language_urls import language_prefixed

bp = language_prefixed(Blueprint("listen", __name__, url_prefix="/<lang>/listen"), exact=True)

# TRANSLATORS: Shown instead of the Listen button in a language the kiosk has no voice for.
NO_VOICE = _l("Reading aloud is not available in this language.")
# TRANSLATORS: Shown instead of the Listen button when the speech engine is missing or broken.
UNAVAILABLE = _l("Reading aloud is not working right now. Please ask at the front desk.")
# TRANSLATORS: Shown when the page changed (a translation was edited) while it was being read.
CHANGED = _l("This page has changed. Please tap Listen again.")


def _sentence_audio(page: content.Topic, code: str) -> list[dict[str, Any]]:
    """List a page's sentences with their audio addresses, in the current language."""
    speech = service()
    voice = speech.voice(code)
    if voice is None:
        return []
    # The addresses follow only the text and the voice, so each loaded catalog keeps its own list:
    # an edited translation reloads the catalog, and with it the addresses.
    cache: dict[str, list[dict[str, Any]]] = i18n.request_translations().__dict__.setdefault("kiosk_sentence_audio", {})
    if page.slug not in cache:
        # Each sentence as the page shows it, with the address of its audio, which reads the number digit by digit.
        shown = page_sentences(page, emergency.number(current_app.config))
        spoken = page_sentences(page, speech.number)
        cache[page.slug] = [
            {
                "index": index,
                "text": text,
                "audio": url_for("listen.audio", slug=page.slug, index=index, token=speech.key(voice, said).token),
            }
            for index, (text, said) in enumerate(zip(shown, spoken, strict=True))
        ]
    return cache[page.slug]


def player(page: content.Topic) -> dict[str, Any]:
    """Describe the Listen control of a page: its state, a note, and each sentence's audio address."""
    code = i18n.current_language().code
    status = service().status(code)
    note = {"no-voice": NO_VOICE, "unavailable": UNAVAILABLE}.get(status)
    return {"status": status, "note": str(note) if note else None, "sentences": _sentence_audio(page, code)}


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
    # The address names the exact text, voice and engine, so what it serves never changes.
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
