"""Addresses with the language first (/es/topics): every visitor blueprint keeps, reads and checks it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, g, redirect, request, session
from flask.typing import ResponseReturnValue

from kiosk import i18n


def this_page() -> str:
    """Return this screen's address with its query, for a control that brings the visitor back to it."""
    query = request.query_string.decode() if request.method == "GET" else ""
    return request.path + ("?" + query if query else "")


def page_language(path: str) -> i18n.Language | None:
    """Return the language a kiosk address is in (/es/topics: Spanish), or None for any other address."""
    first = path.split("/", 2)[1] if path.startswith("/") else ""
    return i18n.match(first.split("?", 1)[0], i18n.languages()) if first else None


def in_language(path: str, tag: str) -> str:
    """Return the same kiosk address in another language (/en/topics to /es/topics); else that language's home."""
    if page_language(path) is None:
        return f"/{tag}/"
    rest = path.split("/", 2)[2] if path.count("/") >= 2 else ""
    return f"/{tag}/{rest}"


def add_language(endpoint: str, values: dict[str, Any]) -> None:
    """Keep the visitor's language in every link."""
    values.setdefault("lang", i18n.current_language().tag)


def pull_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Set the request's language from the URL prefix."""
    tag = (values or {}).pop("lang", None)
    g.url_language_tag = tag
    g.language = i18n.match(tag, i18n.languages())


def canonical_language() -> ResponseReturnValue | None:
    """Send an unknown or oddly spelled language prefix to the right address, and remember the choice."""
    language = g.language
    if language is None or g.url_language_tag != language.tag:
        language = language or i18n.visit_language()
        rest = request.path.split("/", 2)[2] if request.path.count("/") >= 2 else ""
        # Re-encoded: a newline or other control character in the path must not reach the Location header.
        return redirect(f"/{language.tag}/{quote(rest, safe='/')}")
    # Written only when it changes: a cookie sent with every answer (every poll) could land after the idle
    # reset's and bring the last visit's session back.
    if session.get("lang") != language.tag:
        session["lang"] = language.tag
    return None


def exact_language(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Set the request's language from the URL prefix, which must be exact: a wrong one is a 404."""
    language = i18n.languages().get((values or {}).pop("lang", ""))
    if language is None:
        abort(404)
    g.language = language


def language_prefixed(bp: Blueprint, *, exact: bool = False) -> Blueprint:
    """Put a blueprint under /<lang>: links keep the language, and the URL sets it for the request.

    exact=True answers a wrong prefix with 404 instead of a redirect, for addresses such as audio
    clips that only the kiosk's own pages ever ask for.
    """
    bp.url_defaults(add_language)
    if exact:
        bp.url_value_preprocessor(exact_language)
    else:
        bp.url_value_preprocessor(pull_language)
        bp.before_request(canonical_language)
    return bp
