"""Translation editor routes for whole catalogs: history and rollback, download and upload."""

from __future__ import annotations

import os
from datetime import timedelta

from flask import Response, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from kiosk import i18n
from kiosk.core.clock import zone_of
from kiosk.editor import history as editor_history, po_file, saving, service as editor, upload as editor_upload
from kiosk.editor.blueprint import answer, bp, language, store, user
from kiosk.i18n import gettext as _
from kiosk.staff.guard import login_required

HISTORY_SHOWN = 300


@bp.get("/<lang>/history")
@login_required("translator")
def history(lang: str) -> ResponseReturnValue:
    """Every recorded change to a language, newest first, with ways to roll back."""
    described = language(lang)
    changes = editor_history.changes(store(), lang)
    return answer(
        "editor/history.html",
        title=_("History: %(name)s", name=described.name),
        target=described,
        lang=lang,
        changes=changes[:HISTORY_SHOWN],
        hidden=max(0, len(changes) - HISTORY_SHOWN),
    )


@bp.route("/<lang>/rollback", methods=["GET", "POST"])
@login_required("translator")
def rollback(lang: str) -> ResponseReturnValue:
    """Show what rolling a language back to a moment would change, then do it."""
    described = language(lang)
    where = zone_of(current_app.config.get("TIMEZONE"))
    before = editor_history.find(store(), lang, request.values.get("before", ""))
    try:
        moment = (
            before.time - timedelta(microseconds=1)
            if before is not None
            else editor_history.moment_from(request.values.get("when", ""), where)
        )
    except ValueError:
        flash(_("Choose a date and time to roll back to."), "error")
        return redirect(url_for(".history", lang=lang), code=303)
    if request.method == "GET":
        current = {entry.key: entry for entry in editor.listing(store(), lang).entries}
        plan = [
            (current[key], state)
            for key, state in editor_history.states_at(store(), lang, moment).items()
            if key in current and current[key].state != state
        ]
        return answer(
            "editor/rollback.html",
            title=_("Roll back %(name)s", name=described.name),
            target=described,
            lang=lang,
            moment=moment,
            plan=plan,
        )
    result = saving.rollback(store(), lang, moment, user())
    rejected = len(result.rejected) + len(result.problems)
    flash(
        _("Rolled back %(count)d entries. The kiosk shows them on its next page.", count=len(result.changes))
        + (
            " " + _("%(count)d could not be rolled back because they no longer pass the checks.", count=rejected)
            if rejected
            else ""
        ),
        "error" if rejected else "info",
    )
    return redirect(url_for(".history", lang=lang), code=303)


@bp.get("/<lang>/download")
@login_required("translator")
def download(lang: str) -> ResponseReturnValue:
    """Download a language's .po file, for a professional translator."""
    language(lang)
    response = Response(editor_upload.exported(store(), lang), mimetype="text/x-gettext-translation")
    response.headers["Content-Disposition"] = f'attachment; filename="{lang}.po"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<lang>/upload", methods=["GET", "POST"])
@login_required("translator")
def upload(lang: str) -> ResponseReturnValue:
    """Upload a .po file: checked as a whole, then each entry, with a summary before anything is applied."""
    described = language(lang)
    title = _("Upload a translation: %(name)s", name=described.name)
    if request.method == "GET":
        return answer("editor/upload.html", title=title, target=described, lang=lang, error=None)
    limit = int(current_app.config.get("EDITOR_MAX_UPLOAD_BYTES", editor_upload.MAX_BYTES))
    file = request.files.get("file")
    error = None
    if file is None or not file.filename:
        error = _("Choose a .po file to upload.")
    else:
        # The whole body is already here (MAX_CONTENT_LENGTH caps it), so its real size can be told.
        file.stream.seek(0, os.SEEK_END)
        size = file.stream.tell()
        file.stream.seek(0)
        try:
            if size > limit:
                raise editor_upload.UploadError(po_file.too_big(size, limit, str(i18n.current_language().code)))
            found = editor_upload.review(
                store(),
                lang,
                file.stream.read(),
                max_bytes=limit,
                max_entries=int(current_app.config.get("EDITOR_MAX_UPLOAD_ENTRIES", editor_upload.MAX_ENTRIES)),
                locale=i18n.current_language().code,
            )
        except editor_upload.UploadError as refused:
            error = str(refused)
        else:
            return answer("editor/review.html", title=title, target=described, lang=lang, review=found)
    return answer("editor/upload.html", 422, title=title, target=described, lang=lang, error=error)


@bp.post("/<lang>/upload/<token>")
@login_required("translator")
def apply(lang: str, token: str) -> ResponseReturnValue:
    """Apply the entries of a reviewed upload that staff ticked; each is checked again as it is applied."""
    language(lang)
    chosen = {entry: request.form.get(f"seen-{entry}", "") for entry in request.form.getlist("accept")}
    applied = editor_upload.apply_upload(store(), lang, token, chosen, user())
    if applied is None:
        flash(_("That upload is no longer waiting to be applied. Upload the file again."), "error")
        return redirect(url_for(".upload", lang=lang), code=303)
    skipped = len(applied.conflicts) + len(applied.rejected) + (len(chosen) if applied.problems else 0)
    flash(
        _(
            "Applied %(count)d translations from the file. The kiosk shows them on its next page.",
            count=len(applied.changes),
        )
        + (
            " "
            + _(
                "%(count)d were not applied: someone changed them after you checked the file, or they no longer "
                "pass the checks. Check the file again to see them.",
                count=skipped,
            )
            if skipped
            else ""
        ),
        "error" if skipped else "info",
    )
    return redirect(url_for("editor.entries", lang=lang), code=303)
