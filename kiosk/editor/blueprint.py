"""The translation editor's blueprint, shared by its view modules: its error pages, context and helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, current_app, make_response, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import generate_csrf

from kiosk import i18n
from kiosk.core.clock import zone_of
from kiosk.editor import po_file, preview as editor_preview, upload as editor_upload
from kiosk.i18n import gettext as _, rules
from kiosk.i18n.live import CatalogUnreadable, Store
from kiosk.staff.guard import current_staff
from kiosk.visitor import content

KEEPALIVE_SECONDS = 300
PREVIEW_KEY = "translation_preview"  # languages this browser may preview before the kiosk shows them

bp = Blueprint("editor", __name__, url_prefix="/staff/translations")


@bp.app_errorhandler(CatalogUnreadable)
def unreadable(error: CatalogUnreadable) -> ResponseReturnValue:
    """Explain a catalog damaged on disk instead of failing; the kiosk keeps its last good compiled copy."""
    return answer(
        "staff/error.html",
        500,
        title=_("Nothing was changed"),
        message=_(
            "The %(lang)s catalog on disk cannot be read (%(reason)s). The kiosk keeps showing the last good version. "
            "Put back a good copy from the history folder in the data directory, or ask whoever edited the file.",
            lang=error.lang,
            reason=error.reason[:200],
        ),
    )


@bp.errorhandler(413)
def too_big(_error: Exception) -> ResponseReturnValue:
    """Refuse a request body over the app's limit, before it is read, in plain words."""
    limit = int(current_app.config.get("EDITOR_MAX_UPLOAD_BYTES", editor_upload.MAX_BYTES))
    sent = request.content_length
    message = po_file.too_big(sent, limit, i18n.current_language().code) + " " + _("Nothing was changed.")
    lang = (request.view_args or {}).get("lang", "")
    staff = current_staff()
    # The body was refused before the login check ran, so only a translator gets the form back.
    translator = staff is not None and staff.can("translator")
    if request.endpoint != "editor.upload" or not translator or lang not in store().languages():
        return answer(
            "staff/error.html",
            413,
            title=_("Nothing was changed"),
            message=_("That was too much to send. Nothing was changed."),
        )
    return answer(
        "editor/upload.html",
        413,
        title=_("Upload a translation: %(name)s", name=language(lang).name),
        target=language(lang),
        lang=lang,
        error=message,
    )


@bp.context_processor
def editor_context() -> dict[str, Any]:
    """Give editor templates the account and the staff menu's current page."""
    return {"staff": current_staff(), "page": "translations"}


def page_name(path: str) -> str:
    """Name a kiosk page the way staff know it, in their language."""
    if path.startswith("/topics/"):
        topic = content.topic(path.removeprefix("/topics/"))
        if topic is not None:
            return str(topic.title)
    names = {"/": _("Welcome screen"), "/topics": _("Topic menu"), "/talk-to-staff": _("Talk to staff")}
    return names.get(path, path)


@bp.app_template_global("entry_pages")
def entry_pages(lang: str, entry: Any) -> list[tuple[str, str]]:
    """The kiosk pages a message appears on, each with the address that previews it in this language."""
    base = url_for("editor.preview", lang=lang, entry_id=entry.id)
    return [
        (page_name(path), f"{base}?{urlencode({'page': path}, safe='/')}")
        for path in editor_preview.pages_for(entry.sources, entry.locations)
    ]


@bp.app_template_global("keepalive_ms")
def keepalive_ms() -> int:
    """How often an editor page that is being typed in tells the server, well inside the idle timeout."""
    idle = float(current_app.config["STAFF_IDLE_SECONDS"])
    return int(min(KEEPALIVE_SECONDS, idle / 3) * 1000)


@bp.app_template_global("translation_help")
def translation_help(sources: tuple[str, ...]) -> list[str]:
    """Explain the placeholders and percent signs of a message before anyone types, in the staff's language."""
    return list(rules.help_for(sources))


@bp.app_template_filter("editor_time")
def editor_time(moment: datetime | None) -> str:
    """Show a moment as date, hours and minutes in the clinic's time zone."""
    return moment.astimezone(zone_of(current_app.config.get("TIMEZONE"))).strftime("%Y-%m-%d %H:%M") if moment else ""


def store() -> Store:
    """Return the app's live catalogs."""
    return Store.for_app(current_app)


def user() -> str:
    """Return the signed-in staff member's name, for the history."""
    staff = current_staff()
    return staff.name if staff is not None else ""


def language(lang: str) -> i18n.Language:
    """Return a language that has a live catalog, or answer 404."""
    if lang not in store().languages():
        abort(404)
    return i18n.describe(lang)


def entry_labels(lang: str, target: i18n.Language) -> dict[str, str]:
    """Words and values every entry form repeats, worked out once per page rather than once per entry."""
    return {
        "untranslated": _("Untranslated"),
        "review": _("Needs review"),
        "translated": _("Translated"),
        "plural": _("Plural:"),
        "note": _("Note for translators:"),
        "appears": _("On the kiosk:"),
        "nowhere": _("Not on a kiosk page (a staff screen, or a message the kiosk shows only sometimes)."),
        "code": _("Where the code uses it (for developers)"),
        "new_tab": _("(opens a preview in a new tab)"),
        "translation": _("Translation into %(name)s", name=target.name),
        "fuzzy": _("Needs review: the kiosk shows English until it is reviewed"),
        "save": _("Save"),
        "more": _("History and preview"),
        "csrf": generate_csrf(),
        "entries": url_for("editor.entries", lang=lang),
    }


def answer(template: str, status: int = 200, **context: Any) -> Response:
    """Render a staff page."""
    return make_response(render_template(template, **context), status)


def allow_preview(code: str) -> None:
    """Let this browser open a language's kiosk pages even while the kiosk hides it."""
    allowed = set(session.get(PREVIEW_KEY, []))
    allowed.add(code)
    session[PREVIEW_KEY] = sorted(allowed)


def previewed() -> set[str]:
    """Return the languages this browser may preview."""
    return set(session.get(PREVIEW_KEY, []))
