"""Staff recordings: coverage per language and page, and the recording screen of one message.

The recording screen (endpoint `recordings.record`) is the only staff page that uses the microphone: its
Permissions-Policy allows `microphone=(self)` (kiosk.core.headers.allow_features), every other page `()`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from kiosk.core.headers import allow_features
from kiosk.editor import service as editor, sound
from kiosk.editor.blueprint import answer, language, store, user
from kiosk.editor.service import Entry
from kiosk.editor.sound_views import send_clip
from kiosk.extensions import csrf
from kiosk.i18n import gettext as _
from kiosk.speech.processing import RecordingRefused, process
from kiosk.speech.service import service
from kiosk.staff.guard import current_staff, login_required

bp = Blueprint("recordings", __name__, url_prefix="/staff/recordings")


@bp.context_processor
def recordings_context() -> dict[str, Any]:
    """Give the pages the account and the staff menu's current page."""
    return {"staff": current_staff(), "page": "translations"}


def text_token(text: str | None) -> str:
    """Fingerprint the text a recording is made for, so a save can tell the translation changed meanwhile."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:16]


def _entry(lang: str, entry_id: str) -> Entry:
    """Return one entry, or answer 404."""
    found = editor.find_entry(store(), lang, entry_id)
    if found is None:
        abort(404)
    return found


@bp.get("/")
@login_required("translator")
def overview() -> ResponseReturnValue:
    """Every language: how many messages of the kiosk's pages have an approved recording."""
    speech = service()
    summaries = []
    for code in store().languages():
        pages = sound.coverage(editor.current_entries(store(), code)[1], speech.recordings.all(code))
        summaries.append((language(code), sound.summarize(code, speech.voice(code) is not None, pages)))
    return answer("editor/recordings.html", title=_("Recordings"), summaries=summaries)


@bp.get("/<lang>/")
@login_required("translator")
def pages(lang: str) -> ResponseReturnValue:
    """One language: every page, how much of it is recorded, and each message's recording."""
    described = language(lang)
    speech = service()
    found = sound.coverage(editor.current_entries(store(), lang)[1], speech.recordings.all(lang))
    return answer(
        "editor/recording_pages.html",
        title=_("Recordings: %(name)s", name=described.name),
        target=described,
        lang=lang,
        voiced=speech.voice(lang) is not None,
        pages=found,
        summary=sound.summarize(lang, speech.voice(lang) is not None, found),
        list_pages=editor.list_pages(store(), lang),
    )


def _screen(lang: str, found: Entry, status: int = 200, error: str | None = None) -> ResponseReturnValue:
    """Render the recording screen of one message."""
    described = language(lang)
    speech = service()
    current = sound.shown_text(found)
    takes = speech.recordings.for_message(lang, found.key)
    return answer(
        "editor/record.html",
        status,
        title=_("Record: %(text)s", text=found.sources[0][:60]),
        target=described,
        lang=lang,
        entry=found,
        current=current,
        token=text_token(current),
        takes=takes,
        state=sound.state_of(takes, current),
        recordable=sound.can_record(found),
        read_aloud=found.key in sound.READ_ALOUD,
        voiced=speech.voice(lang) is not None,
        max_seconds=int(current_app.config["RECORDING_MAX_SECONDS"]),
        error=error,
        list_page=editor.list_pages(store(), lang).get(found.id, 1),
    )


@bp.route("/<lang>/<entry_id>", methods=["GET", "POST"])
# The page is a full load (the document's header is what counts), and its POST re-renders it on a bad take.
@allow_features("microphone")
@login_required("translator")
def record(lang: str, entry_id: str) -> ResponseReturnValue:
    """The recording screen: record in the browser or upload a file; the take waits for approval."""
    language(lang)
    found = _entry(lang, entry_id)
    if request.method == "GET":
        return _screen(lang, found)
    limit = int(current_app.config["RECORDING_MAX_UPLOAD_BYTES"])
    too_big = _("The file is larger than %(limit)s MB. Nothing was saved.", limit=f"{limit / 1_000_000:.0f}")
    # Refused unread when the size is known; a body without one stops being read at the limit.
    if (request.content_length or 0) > limit:
        return _screen(lang, found, 413, too_big)
    request.max_content_length = limit
    try:
        csrf.protect()
        upload = request.files.get("audio")
    except RequestEntityTooLarge:
        return _screen(lang, found, 413, too_big)
    current = sound.shown_text(found)
    if not sound.can_record(found) or current is None:
        return _screen(lang, found, 409, _("This message cannot be recorded now. Nothing was saved."))
    if request.form.get("token") != text_token(current):
        message = _("The translation changed while you were recording. Read the new text below and record again.")
        return _screen(lang, found, 409, message)
    if upload is None or not upload.filename:
        return _screen(lang, found, 422, _("Choose an audio file, or record in the browser."))
    try:
        processed = process(upload.stream.read(limit + 1), float(current_app.config["RECORDING_MAX_SECONDS"]))
    except RecordingRefused as refused:
        return _screen(lang, found, 422, refused.describe())
    source = "microphone" if request.form.get("source") == "microphone" else "upload"
    speech = service()
    take = speech.recordings.add(lang, found.key, current, processed, user(), source, upload.filename or "")
    message = _(
        "Recording saved: %(seconds)s seconds. Listen to it, then approve it for the kiosk.",
        seconds=f"{take.seconds:.1f}",
    )
    flash(message, "info")
    return redirect(url_for(".record", lang=lang, entry_id=entry_id) + "#takes", code=303)


# CSRF is checked inside the view, once it has raised the upload limit: the form is read only then.
csrf.exempt(record)


@bp.post("/<lang>/<entry_id>/<recording_id>/approve")
@login_required("translator")
def approve(lang: str, entry_id: str, recording_id: str) -> ResponseReturnValue:
    """Approve a take: the kiosk plays it for this message from its next page on."""
    language(lang)
    found = _entry(lang, entry_id)
    speech = service()
    take = speech.recordings.find(lang, recording_id)
    if take is None or take.key != found.key:
        flash(_("That recording is gone. Nothing was changed."), "error")
    elif not take.fresh(sound.shown_text(found)):
        flash(_("That recording is for an older translation. Record the message again."), "error")
    else:
        speech.recordings.approve(lang, recording_id, user())
        flash(_("Approved. The kiosk plays this recording from its next page on."), "info")
    return redirect(url_for(".record", lang=lang, entry_id=entry_id) + "#takes", code=303)


@bp.post("/<lang>/<entry_id>/<recording_id>/delete")
@login_required("translator")
def delete(lang: str, entry_id: str, recording_id: str) -> ResponseReturnValue:
    """Delete a take."""
    language(lang)
    found = _entry(lang, entry_id)
    speech = service()
    take = speech.recordings.find(lang, recording_id)
    if take is None or take.key != found.key:
        flash(_("That recording is gone. Nothing was changed."), "error")
    else:
        speech.recordings.delete(lang, recording_id)
        flash(_("Recording deleted."), "info")
    return redirect(url_for(".record", lang=lang, entry_id=entry_id) + "#takes", code=303)


@bp.get("/<lang>/<entry_id>/<recording_id>.mp3")
@login_required("translator")
def audio(lang: str, entry_id: str, recording_id: str) -> ResponseReturnValue:
    """Play a take to staff, approved or not."""
    language(lang)
    found = _entry(lang, entry_id)
    speech = service()
    take = speech.recordings.find(lang, recording_id)
    if take is None or take.key != found.key:
        abort(404)
    return send_clip(speech.recordings.audio(take))
