"""Security headers on every response: a strict CSP, no framing, no sniffing, and browser features per route."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, Response, current_app, request

View = TypeVar("View", bound=Callable[..., object])

# No inline script, style or handler anywhere: JavaScript and CSS come from static files, data from
# <script type="application/json"> blocks (which are never run). frame-ancestors 'none' keeps Done and
# No-show from being clickjacked inside another site's frame.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "font-src 'self'",
        "connect-src 'self'",
        # The kiosk's service worker (/sw.js, kiosk.visitor.outage_views) and nothing else.
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Every powerful feature is off unless a route grants it with @allow_features(...).
FEATURES = (
    "accelerometer",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
)
GRANTS_ATTRIBUTE = "kiosk_allowed_features"


def allow_features(*features: str) -> Callable[[View], View]:
    """Let the page a view renders use these browser features (such as "microphone"), on this origin only.

    Apply it to the view of a full page (the header of the document is what counts), for example the
    staff recording screen: ``@allow_features("microphone")``.
    """
    unknown = set(features) - set(FEATURES)
    if unknown:
        raise ValueError(f"Unknown browser features {sorted(unknown)}; choose from {', '.join(FEATURES)}.")

    def decorator(view: View) -> View:
        setattr(view, GRANTS_ATTRIBUTE, frozenset(features))
        return view

    return decorator


def permissions_policy(granted: frozenset[str]) -> str:
    """Return the Permissions-Policy header with only the granted features allowed, for this origin."""
    return ", ".join(f"{feature}=(self)" if feature in granted else f"{feature}=()" for feature in FEATURES)


def _granted() -> frozenset[str]:
    """Return the features the matched view grants, from its decorator or from config."""
    endpoint = request.endpoint or ""
    view = current_app.view_functions.get(endpoint)
    granted: frozenset[str] = getattr(view, GRANTS_ATTRIBUTE, frozenset())
    configured = current_app.config.get("PERMISSIONS_POLICY_GRANTS", {}).get(endpoint, ())
    return granted | frozenset(configured)


def add_security_headers(response: Response) -> Response:
    """Put the security headers on a response (pages, errors, redirects and static files alike)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # The same origin needs the Referer (Flask-WTF checks it on HTTPS); no other site ever gets it.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", permissions_policy(_granted()))
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    seconds = int(current_app.config["HSTS_SECONDS"])
    if request.is_secure and seconds > 0:
        headers.setdefault("Strict-Transport-Security", f"max-age={seconds}")
    return response


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    app.config.setdefault("PERMISSIONS_POLICY_GRANTS", {})
    app.after_request(add_security_headers)
