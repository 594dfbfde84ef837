"""Behind a TLS proxy: believe X-Forwarded-* only from the configured proxies, and keep cookies Secure on HTTPS."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_FORWARDED",
)
# Set on a request that carried X-Forwarded-* from a peer not in TRUSTED_PROXIES: its address is the
# proxy's, so a loopback address then does not mean "the kiosk on this machine".
UNTRUSTED_FORWARD = "kiosk.untrusted_forward"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> list[Network]:
    """Return TRUSTED_PROXIES as networks; a plain address is a network of one."""
    return [ipaddress.ip_network(entry.strip(), strict=False) for entry in entries]


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """Return text as an IP address (brackets allowed), or None."""
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: Werkzeug's ProxyFix for requests from a trusted proxy, no forwarded headers otherwise."""

    def __init__(self, app: WSGIApplication, networks: list[Network]) -> None:
        self.app = app
        self.networks = networks
        self._fixers: dict[int, ProxyFix] = {}
        self._warned = False

    def trusted(self, text: str) -> bool:
        """Tell whether an address belongs to a configured proxy."""
        address = _address(text)
        return address is not None and any(address in network for network in self.networks)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Rewrite the client's address, scheme and host from a trusted proxy's headers, or drop them."""
        if not self.trusted(environ.get("REMOTE_ADDR", "")):
            if any(header in environ for header in FORWARDED_HEADERS):
                environ[UNTRUSTED_FORWARD] = True
                if not self._warned:
                    self._warned = True
                    log.warning(
                        "A request from %s carried X-Forwarded-* headers, which were ignored: if a proxy runs "
                        "there, list it in TRUSTED_PROXIES.",
                        environ.get("REMOTE_ADDR"),
                    )
            for header in FORWARDED_HEADERS:
                environ.pop(header, None)
            return self.app(environ, start_response)
        hops = [hop for hop in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        # The peer is one trusted proxy; each trusted hop before it (from the right) is another. The
        # first untrusted hop is the client, as nginx's real_ip_recursive finds it.
        count = 1
        while count < len(hops) and self.trusted(hops[-count]):
            count += 1
        fixer = self._fixers.get(count)
        if fixer is None:
            fixer = self._fixers[count] = ProxyFix(self.app, x_for=count, x_proto=1, x_host=1, x_port=1)
        return fixer(environ, start_response)


class KioskSessionInterface(SecureCookieSessionInterface):
    """The signed cookie session, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Return True for HTTPS requests, so a cookie set over TLS never travels in clear."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def init_app(app: Flask) -> None:
    """Install the proxy middleware and the session interface."""
    wsgi: Any = app.wsgi_app
    app.wsgi_app = TrustedProxies(wsgi, parse_networks(app.config["TRUSTED_PROXIES"]))  # type: ignore[method-assign]
    app.session_interface = KioskSessionInterface()
