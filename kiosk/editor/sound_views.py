"""Hearing a message from the entry list: its own Listen button, and where its recording stands."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import Response, g, jsonify, request, send_file, url_for
from flask.typing import ResponseReturnValue

from kiosk.editor import sound
from kiosk.editor.blueprint import bp, language
from kiosk.editor.service import Entry
from kiosk.editor.views import entry_or_404
from kiosk.i18n import gettext as _
from kiosk.speech.service import MIMETYPE, NothingToSay, SpeechUnavailable, service
from kiosk.staff.guard import login_required

MAX_LISTEN_CHARACTERS = 2000


def _sound_index(lang: str) -> dict[str, Any]:
    """Work out once per page what every entry's sound control repeats: the voice, the takes, the labels."""
    cached: dict[str, dict[str, Any]] = g.setdefault("editor_sound", {})
    if lang not in cached:
        speech = service()
        takes: dict[str, list[Any]] = {}
        for take in speech.recordings.all(lang):
            takes.setdefault(take.key, []).append(take)
        cached[lang] = {
            "voiced": speech.voice(lang) is not None,
            "takes": takes,
            # Addresses made once and filled in per entry: url_for for each of hundreds of entries is slow.
            "listen": url_for("editor.entry_listen", lang=lang, entry_id="ENTRY"),
            "record": url_for("recordings.record", lang=lang, entry_id="ENTRY"),
            "labels": {
                # TRANSLATORS: Button in the translation editor that reads one message aloud. Short.
                "listen": _("Listen"),
                # TRANSLATORS: Link in the translation editor to record a message with a microphone. Short.
                "record": _("Record"),
                sound.APPROVED: _("Recording approved"),
                sound.PENDING: _("Recording waiting for approval"),
                sound.STALE: _("Recording is for an older translation"),
                sound.NONE: _("No recording"),
            },
        }
    return cached[lang]


@bp.app_template_global("entry_sound")
def entry_sound(lang: str, entry: Entry) -> dict[str, Any]:
    """Describe one entry's sound control: whether it can be heard or recorded, and its recording state."""
    index = _sound_index(lang)
    takes = index["takes"].get(entry.key, [])
    current = sound.shown_text(entry)
    recordable = sound.can_record(entry)
    audible = index["voiced"] or sound.playable(takes, current or "") is not None
    return {
        "listen": index["listen"].replace("ENTRY", entry.id) if audible else None,
        "record": index["record"].replace("ENTRY", entry.id) if recordable else None,
        "state": sound.state_of(takes, current) if recordable else None,
        "labels": index["labels"],
    }


def refuse(message: str, status: int) -> Response:
    """Answer the Listen button with a message it shows next to the entry."""
    response = jsonify(error=message)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def send_clip(path: Path) -> Response:
    """Send a clip to a staff browser, which must not keep it: the text behind the address may change."""
    response = send_file(io.BytesIO(path.read_bytes()), mimetype=MIMETYPE, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<lang>/entries/<entry_id>/listen.mp3")
@login_required("translator")
def entry_listen(lang: str, entry_id: str) -> ResponseReturnValue:
    """Read a message aloud as the kiosk would: the text in the box (or the saved one), lexicon applied."""
    language(lang)
    found = entry_or_404(lang, entry_id)
    text = request.args.get("text")
    if text is None:
        text = sound.shown_text(found) or (found.state.strings[0] if found.state.strings else "")
    if len(text) > MAX_LISTEN_CHARACTERS:
        return refuse(_("This text is too long to read aloud here."), 413)
    speech = service()
    # An approved recording of exactly this text is what the kiosk plays, so that is what is heard here.
    recording = sound.playable(speech.recordings.for_message(lang, found.key), text)
    if recording is not None:
        return send_clip(speech.recordings.audio(recording))
    voice = speech.voice(lang)
    if voice is None:
        return refuse(_("This language has no voice. Record the message to hear it on the kiosk."), 404)
    try:
        return send_clip(speech.render(voice, sound.sample_text(text)))
    except NothingToSay:
        return refuse(_("There is nothing to read aloud: write the translation first."), 422)
    except SpeechUnavailable:
        return refuse(_("Reading aloud is not working right now. Try again in a minute."), 503)
