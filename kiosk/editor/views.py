"""Translation editor routes: the overview, languages, the entry list, saving one entry and preview."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from htmx_flask import request as htmx_request
from werkzeug.wrappers import Response as WerkzeugResponse

from kiosk import i18n
from kiosk.editor import (
    history as editor_history,
    languages as editor_languages,
    preview as editor_preview,
    saving,
    service as editor,
)
from kiosk.editor.blueprint import allow_preview, answer, bp, entry_labels, language, store, user
from kiosk.i18n import gettext as _
from kiosk.staff.guard import login_required


@bp.get("/")
@login_required("translator")
def overview() -> ResponseReturnValue:
    """Every language: how complete, how much to review, who edited it last, and whether the kiosk shows it."""
    shown, _known = editor_languages.offered(current_app)
    return answer(
        "editor/overview.html",
        title=_("Translations"),
        summaries=editor.overview(store(), list(current_app.config["LANGUAGES"])),
        shown={language.code for language in shown.values()},
    )


@bp.get("/alive")
@login_required("translator")
def alive() -> ResponseReturnValue:
    """Tell an editor page being typed in that its session is still on; reading the session renews it."""
    response = Response(status=204)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/add", methods=["GET", "POST"])
@login_required("translator")
def add_language() -> ResponseReturnValue:
    """Start a new language from Babel's list of locales, found by its name or code."""
    choices = editor_languages.addable_for(store().languages())
    title = _("Add a language")
    if request.method == "GET":
        return answer("editor/add.html", title=title, choices=choices, matches=[], typed="", error=None)
    typed = request.form.get("language") or request.form.get("code", "")
    matches = editor_languages.resolve(typed, choices)
    if typed.strip() in store().languages():
        error = _("That language already has a catalog.")
    elif not matches:
        error = _("No language matches “%(typed)s”. Type its name or choose from the list.", typed=typed[:80])
    elif len(matches) > 1:
        error = _("Several languages match “%(typed)s”. Which one?", typed=typed[:80])
    else:
        code = matches[0][0]
        try:
            editor_languages.add(store(), code, user())
        except ValueError:
            error = _("Choose a language from the list.")
        except FileExistsError:
            error = _("That language already has a catalog.")
        else:
            flash(
                _("%(name)s was added. Translate it, then switch it on for the kiosk.", name=i18n.describe(code).name),
                "info",
            )
            return redirect(url_for(".overview") + f"#language-{code}", code=303)
    many = matches if len(matches) > 1 else []
    return answer("editor/add.html", 422, title=title, choices=choices, matches=many[:40], typed=typed, error=error)


@bp.post("/<lang>/settings")
@login_required("translator")
def choose(lang: str) -> ResponseReturnValue:
    """Switch a language on or off for the kiosk and set the completion it needs first."""
    described = language(lang)
    try:
        threshold = int(request.form.get("threshold", "0"))
        if not 0 <= threshold <= 100:
            raise ValueError(threshold)
    except ValueError:
        flash(_("The threshold must be a whole number from 0 to 100. Nothing was changed."), "error")
    else:
        setting = editor_languages.choose(store(), lang, request.form.get("enabled") == "on", threshold)
        if not setting.enabled:
            flash(_("%(name)s is off: the kiosk does not offer it.", name=described.name), "info")
        elif setting.visible:
            flash(_("%(name)s is on the kiosk now.", name=described.name), "info")
        else:
            flash(
                _(
                    "%(name)s is on, but the kiosk hides it until %(threshold)d%% is translated (now %(done)d%%).",
                    name=described.name,
                    threshold=setting.threshold,
                    done=setting.completion or 0,
                ),
                "info",
            )
    return redirect(url_for(".overview") + f"#language-{lang}", code=303)


def render_list(lang: str) -> Response:
    """Render one page of a language's entry list, filtered and searched."""
    status_filter = request.values.get("filter", "all")
    if status_filter not in editor.FILTERS:
        status_filter = "all"
    query = request.values.get("q", "")[:200]
    try:
        page = int(request.values.get("page", "1"))
    except ValueError:
        page = 1
    listing = editor.listing(store(), lang, status_filter, query, page)
    return answer(
        "editor/list.html",
        title=_("Translations: %(name)s", name=language(lang).name),
        target=language(lang),
        lang=lang,
        listing=listing,
        filter=status_filter,
        query=query,
        common=entry_labels(lang, language(lang)),
        result=None,
    )


@bp.get("/<lang>/")
@login_required("translator")
def entries(lang: str) -> ResponseReturnValue:
    """The entry list, filtered and searched."""
    language(lang)
    return render_list(lang)


@bp.post("/<lang>/entries/<entry_id>")
@login_required("translator")
def save_entry(lang: str, entry_id: str) -> ResponseReturnValue:
    """Save one entry: checked, then live on the kiosk's next page, or explained next to the field."""
    return answer_save(
        lang, entry_id, request.form.getlist("translation"), "fuzzy" in request.form, request.form.get("confirm") == "1"
    )


@bp.post("/<lang>/entries/<entry_id>/take-update")
@login_required("translator")
def take_update(lang: str, entry_id: str) -> ResponseReturnValue:
    """Settle a merge conflict by saving the repo update's text, like any save (checked, with history)."""
    found = entry_or_404(lang, entry_id)
    if found.conflict is None:
        return answer_save(lang, entry_id, list(found.state.strings), found.state.fuzzy, confirmed=True)
    return answer_save(lang, entry_id, list(found.conflict.strings), found.conflict.fuzzy, confirmed=True)


@bp.post("/<lang>/entries/<entry_id>/keep")
@login_required("translator")
def keep(lang: str, entry_id: str) -> ResponseReturnValue:
    """Settle a merge conflict by keeping what the kiosk shows; the update's text is dropped."""
    described = language(lang)
    found = entry_or_404(lang, entry_id)
    saving.keep_live_version(store(), lang, found.key)
    message = _("Kept. The kiosk goes on showing this text.")
    response: WerkzeugResponse
    if htmx_request.htmx:
        response = answer(
            "editor/_entry_swap.html",
            target=described,
            lang=lang,
            entry=entry_or_404(lang, entry_id),
            common=entry_labels(lang, described),
            listing=editor.listing(store(), lang),
            result=None,
            status_message=message,
            filter=request.form.get("filter", "all"),
            query=request.form.get("q", ""),
        )
    else:
        flash(message, "info")
        response = redirect(url_for(".entry", lang=lang, entry_id=entry_id), code=303)
    response.vary.add("HX-Request")
    return response


def answer_save(lang: str, entry_id: str, strings: list[str], fuzzy: bool, confirmed: bool) -> ResponseReturnValue:
    """Save one entry from a form and answer: the entry again for htmx, else the list or a redirect."""
    described = language(lang)
    result = saving.save(
        store(),
        lang,
        entry_id,
        strings,
        fuzzy,
        request.form.get("base", ""),
        request.form.get("version", ""),
        user(),
        confirmed=confirmed,
        overwrite=request.form.get("overwrite", ""),
    )
    if result.entry is None:
        abort(404)
    status = 200 if result.saved else 409 if result.conflict_state is not None else 422
    response: WerkzeugResponse
    if htmx_request.htmx:
        listing = editor.listing(store(), lang)
        response = answer(
            "editor/_entry_swap.html",
            status,
            target=described,
            lang=lang,
            entry=result.entry,
            common=entry_labels(lang, described),
            listing=listing,
            result=result,
            filter=request.form.get("filter", "all"),
            query=request.form.get("q", ""),
        )
    elif result.saved:
        flash(_("Saved. The kiosk shows it on its next page."), "info")
        target = url_for(
            ".entries",
            lang=lang,
            filter=request.form.get("filter", "all"),
            q=request.form.get("q") or None,
            page=request.form.get("page") or None,
        )
        response = redirect(f"{target}#entry-{entry_id}", code=303)
    else:
        # Without htmx, the entry's own page shows the problem next to the text, whatever page it was on.
        response = render_entry(lang, result.entry, result, status)
    response.vary.add("HX-Request")
    return response


def entry_or_404(lang: str, entry_id: str) -> editor.Entry:
    """Return one entry of a language's catalog, or answer 404."""
    found = editor.find_entry(store(), lang, entry_id)
    if found is None:
        abort(404)
    return found


@bp.get("/<lang>/entries/<entry_id>")
@login_required("translator")
def entry(lang: str, entry_id: str) -> ResponseReturnValue:
    """One entry on its own page: its form, where it appears, and its history to restore from."""
    return render_entry(lang, entry_or_404(lang, entry_id))


def render_entry(lang: str, found: editor.Entry, result: saving.Saved | None = None, status: int = 200) -> Response:
    """Render one entry's own page, with the outcome of a save that did not go through, if any."""
    described = language(lang)
    return answer(
        "editor/entry.html",
        status,
        title=_("Translation: %(text)s", text=found.sources[0][:60]),
        target=described,
        common=entry_labels(lang, described),
        lang=lang,
        entry=found,
        listing=editor.listing(store(), lang, "all", ""),
        result=result,
        history=editor_history.changes(store(), lang, found.key),
        filter="all",
        query="",
    )


@bp.post("/<lang>/entries/<entry_id>/restore")
@login_required("translator")
def restore(lang: str, entry_id: str) -> ResponseReturnValue:
    """Put an entry back to what it said before one recorded change."""
    language(lang)
    result = saving.restore(store(), lang, request.form.get("change", ""), user())
    if result.changes:
        flash(_("Restored. The kiosk shows it on its next page."), "info")
    else:
        reasons = [reason for reasons in result.rejected.values() for reason in reasons] + result.problems
        flash(
            _("Nothing was restored: %(reasons)s", reasons=" ".join(reasons) or _("it already says that.")),
            "error" if reasons else "info",
        )
    return redirect(url_for(".entry", lang=lang, entry_id=entry_id), code=303)


@bp.get("/<lang>/entries/<entry_id>/preview")
@login_required("translator")
def preview(lang: str, entry_id: str) -> ResponseReturnValue:
    """Open the kiosk page where a message appears, in this language, even if the kiosk hides the language."""
    described = language(lang)
    found = entry_or_404(lang, entry_id)
    pages = editor_preview.pages_for(found.sources, found.locations)
    wanted = request.args.get("page")
    if wanted is not None:
        if wanted not in pages:
            abort(404)
        pages = [wanted]
    if not pages:
        flash(
            _(
                "This message is not on a kiosk page that can be opened directly (it may be on a staff screen, "
                "an error page or a step of the talk-to-staff flow)."
            ),
            "info",
        )
        return redirect(url_for(".entry", lang=lang, entry_id=entry_id), code=303)
    allow_preview(lang)
    return redirect(f"/{described.tag}{pages[0]}", code=303)
