"""Speech mode's routes: how to speak the texts on a screen, and the clip of each of the kiosk's own texts."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, abort, current_app, g, jsonify, request, send_file, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.extensions import csrf
from kiosk.i18n import lazy_gettext as _l
from kiosk.speech import say as phrases
from kiosk.speech.mode_strings import mode_strings
from kiosk.speech.service import MIMETYPE, NothingToSay, SpeechUnavailable, service
from kiosk.speech.views import NO_VOICE, UNAVAILABLE, clip_response
from kiosk.visitor.language_urls import language_prefixed

bp = language_prefixed(Blueprint("say", __name__, url_prefix="/<lang>/say"), exact=True)

# A screen's texts fit easily: the longest topic page has about 60 controls and text blocks.
MAX_PHRASES = 400
MAX_TEXT = 4000
MAX_SEGMENTS = 200

# TRANSLATORS: An error the kiosk's own speech code may meet; a visitor never sees it unless the kiosk is broken.
NOT_KIOSK_TEXT = _l("The kiosk only reads its own words aloud.")


def _error(message: str, status: int) -> Response:
    """Answer with a message the page can show."""
    response = jsonify(error=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    if status == 503:
        response.headers["Retry-After"] = "30"
    return response


def _phrase(raw: Any) -> tuple[i18n.Language | None, str, list[str], bool] | None:
    """Read one phrase of a request: its language (the page's if left out), text, pieces of text, and spelling."""
    if not isinstance(raw, dict):
        return None
    text, segments, tag, spell = raw.get("text"), raw.get("segments", []), raw.get("lang"), raw.get("spell", False)
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return None
    if not isinstance(segments, list) or len(segments) > MAX_SEGMENTS:
        return None
    if not all(isinstance(segment, str) and len(segment) <= MAX_TEXT for segment in segments):
        return None
    if not isinstance(spell, bool):
        return None
    language = g.language if tag is None else i18n.match(tag, i18n.languages()) if isinstance(tag, str) else None
    return language, text, segments, spell


@bp.post("")
def resolve() -> ResponseReturnValue:
    """Say how to speak each text of a screen: the clips, or why there are none. Renders nothing."""
    payload = request.get_json(silent=True)
    raw = payload.get("phrases") if isinstance(payload, dict) else None
    if not isinstance(raw, list) or len(raw) > MAX_PHRASES:
        return _error(f"Send a JSON object with a list of at most {MAX_PHRASES} phrases.", 400)
    answers: list[dict[str, Any]] = []
    for item in raw:
        phrase = _phrase(item)
        if phrase is None:
            return _error(f"Each phrase needs a text of at most {MAX_TEXT} characters, and may name a language.", 400)
        language, text, segments, spell = phrase
        if language is None:
            answers.append({"status": "unknown", "clips": []})
            continue
        said = phrases.say(language.code, text, segments, spell)
        if said.status == "no-voice" and language != g.language:
            # Words in a language with no voice (a language's own name) are said in the screen's voice.
            fallback = phrases.say(g.language.code, text, segments, spell)
            if fallback.status == "ready":
                language, said = g.language, fallback
        clips = [{"text": part, "audio": _address(language.tag, token)} for part, token in said.clips]
        answers.append({"status": said.status, "lang": language.tag, "clips": clips})
    response = jsonify(phrases=answers)
    response.headers["Cache-Control"] = "no-store"
    return response


def _address(tag: str, token: str) -> str:
    """The address of a clip: a rendered text, or a staff recording."""
    if token.startswith(phrases.RECORDED):
        return url_for(".recording", lang=tag, recording_id=token.removeprefix(phrases.RECORDED))
    return url_for(".clip", lang=tag, token=token)


# Working out clips changes nothing and returns only the kiosk's own words, so it needs no form token.
csrf.exempt(resolve)


@bp.get("/<token>.mp3")
def clip(token: str) -> ResponseReturnValue:
    """Serve the clip of one of the kiosk's texts, rendering it first if the cache does not have it yet."""
    code = g.language.code
    speech = service()
    voice = speech.voice(code)
    if voice is None:
        return _error(str(NO_VOICE), 404)
    text = phrases.clip_text(code, token)
    if text is None:
        return _error(str(NOT_KIOSK_TEXT), 404)
    try:
        path = speech.render(voice, text)
    except SpeechUnavailable:
        return _error(str(UNAVAILABLE), 503)
    except NothingToSay:
        abort(404)
    return clip_response(path, token)


@bp.get("/rec-<recording_id>.mp3")
def recording(recording_id: str) -> ResponseReturnValue:
    """Serve a staff recording of a message, only while it is approved and the message still says it."""
    found = phrases.recorded_clip(g.language.code, recording_id)
    if found is None:
        return _error(str(NOT_KIOSK_TEXT), 404)
    path = service().recordings.audio(found)
    response = send_file(
        io.BytesIO(path.read_bytes()), mimetype=MIMETYPE, conditional=True, etag=recording_id, max_age=31536000
    )
    # A new take gets a new address, so what this one serves never changes.
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


@bp.app_template_global("speech_mode")
def speech_mode() -> dict[str, Any]:
    """Give the page speech mode's settings and its words in the page's language."""
    language = i18n.current_language()
    return {
        "lang": language.tag,
        "say": url_for("say.resolve", lang=language.tag),
        "status": service().status(language.code),
        "volume": {"steps": phrases.VOLUME_STEPS_DB, "default": phrases.DEFAULT_VOLUME_STEP},
        "holdMs": round(float(current_app.config["SPEECH_HOLD_SECONDS"]) * 1000),
        "invitationMs": round(float(current_app.config["SPEECH_INVITATION_SECONDS"]) * 1000),
        "strings": mode_strings(),
    }


@bp.app_template_global("speech_invitations")
def speech_invitations() -> list[dict[str, str]]:
    """Give the welcome screen its spoken invitation in each language."""
    return phrases.invitations()
