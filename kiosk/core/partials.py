"""Rendering a screen as a whole page or as the htmx fragment that replaces the screen."""

from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template
from htmx_flask import request


def is_partial() -> bool:
    """Tell whether this request wants only the swappable fragment."""
    # A history restore after a cache miss needs the whole page, even though htmx sent it.
    return bool(request.htmx) and not request.htmx.history_restore_request


def render_screen(partial: str, status: int = 200, **context: Any) -> Response:
    """Render a screen's partial alone for htmx, or inside the full page otherwise."""
    if is_partial():
        body = render_template("components/_swap.html", partial=partial, **context)
    else:
        body = render_template("base.html", partial=partial, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response
