"""Behind nginx: X-Forwarded-* believed only from TRUSTED_PROXIES, and cookies Secure over HTTPS."""

from __future__ import annotations

import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

from flask import Flask, request

from tests.helpers.app import make_app
from tests.helpers.desk import csrf_token
from tests.helpers.servers import ServeProcess


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        """Follow nothing."""
        return


FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "desk.clinic.lan"}


def echo_app(tmp_path: Path, **config: object) -> Flask:
    """An app with a route that reports what it believes about the client."""
    app = make_app(tmp_path / "data", **config)

    @app.get("/whoami")
    def whoami() -> dict[str, object]:
        return {"address": request.remote_addr, "secure": request.is_secure, "host": request.host}

    return app


def test_forwarded_headers_from_an_untrusted_peer_are_ignored(tmp_path: Path) -> None:
    app = echo_app(tmp_path)
    seen = app.test_client().get("/whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.7"}).json
    assert seen == {"address": "10.0.0.7", "secure": False, "host": "localhost"}


def test_a_trusted_proxy_gives_the_client_address_scheme_and_host(tmp_path: Path) -> None:
    app = echo_app(tmp_path, TRUSTED_PROXIES=["127.0.0.1", "::1"])
    seen = app.test_client().get("/whoami", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"}).json
    assert seen == {"address": "203.0.113.9", "secure": True, "host": "desk.clinic.lan"}


def test_a_spoofed_hop_before_the_proxy_is_not_believed(tmp_path: Path) -> None:
    app = echo_app(tmp_path, TRUSTED_PROXIES=["10.0.0.0/24"])
    client = app.test_client()
    headers = {"X-Forwarded-For": "127.0.0.1, 198.51.100.4, 10.0.0.3"}
    seen = client.get("/whoami", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.2"}).json
    assert seen is not None
    assert seen["address"] == "198.51.100.4"  # the first hop no trusted proxy vouches for


def test_cookies_are_secure_whenever_the_request_came_over_https(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data", TRUSTED_PROXIES=["127.0.0.1"])
    client = app.test_client()
    plain = client.get("/en/topics")
    assert "Secure" not in plain.headers["Set-Cookie"]
    proxied = app.test_client().get("/en/topics", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in proxied.headers["Set-Cookie"]
    direct = app.test_client().get("/en/topics", base_url="https://localhost")
    assert "Secure" in direct.headers["Set-Cookie"]


def test_kiosk_serve_hands_the_forwarded_headers_to_the_app_which_believes_only_its_proxies(tmp_path: Path) -> None:
    names = '{"203.0.113.9": "Far hall"}'
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    for trusted, expected in (('["127.0.0.1"]', 303), ("[]", 403)):
        data = tmp_path / f"data-{expected}"
        server = ServeProcess(data, env={"KIOSK_TRUSTED_PROXIES": trusted, "KIOSK_KIOSK_NAMES": names})
        try:
            jar = CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
            page = urllib.request.Request(f"{server.url}/en/talk-to-staff/name?reason=book", headers=forwarded)
            with opener.open(page) as answer:
                token = csrf_token(answer.read().decode())
            send = urllib.request.Request(
                f"{server.url}/en/talk-to-staff",
                data=f"reason=book&csrf_token={token}".encode(),
                headers=forwarded,
            )
            try:
                status = opener.open(send).status
            except urllib.error.HTTPError as answer:
                status = answer.code
                answer.close()
        finally:
            server.stop()
        assert status == expected, trusted
