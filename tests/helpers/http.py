"""A cookie-keeping HTTP client for tests against a real server: every answer, errors included, as (status, body)."""

from __future__ import annotations

import functools
import http.client
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class FromAddress(urllib.request.HTTPHandler):
    """Plain HTTP from a chosen local address."""

    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        """Open the connection from the chosen address."""
        connect = functools.partial(http.client.HTTPConnection, source_address=(self.source, 0))
        return self.do_open(connect, req)


class WebClient:
    """Gets pages and posts forms with the CSRF token of the page it read last, like a browser would."""

    def __init__(
        self, base: str, timeout: float = 15, *, source: str | None = None, context: ssl.SSLContext | None = None
    ) -> None:
        self.base = base
        self.timeout = timeout
        handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPCookieProcessor(CookieJar())]
        if source is not None:
            # A loopback address of its own (127.0.0.2...), as a kiosk screen on another machine has its own.
            handlers.append(FromAddress(source))
        if context is not None:
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self.opener = urllib.request.build_opener(*handlers)
        self.token = ""
        self.headers: dict[str, str] = {}
        self.page = ""  # the address of the page read last, which a browser's form post names as its Referer

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        """Send a request and return its status and body, whatever the status."""
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, body = response.status, response.read().decode()
                self.headers = dict(response.headers)
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
            self.headers = dict(error.headers)
        found = TOKEN.search(body)
        self.token = found.group(1) if found else self.token
        return status, body

    def get(self, path: str, htmx: bool = False) -> tuple[int, str]:
        """GET a path, as htmx does when htmx is true."""
        headers = {"HX-Request": "true"} if htmx else {}
        if not htmx:
            self.page = self.base + path
        return self._open(urllib.request.Request(self.base + path, headers=headers))

    def post(self, path: str, htmx: bool = False, **form: str) -> tuple[int, str]:
        """POST a form with the remembered token."""
        data = urllib.parse.urlencode({"csrf_token": self.token, **form}).encode()
        headers = {"HX-Request": "true"} if htmx else {}
        # Over HTTPS the server checks the Referer of a form, as Flask-WTF does; browsers send it on this origin.
        if self.page:
            headers["Referer"] = self.page
        return self._open(urllib.request.Request(self.base + path, data=data, headers=headers))

    def login(self, name: str, password: str) -> None:
        """Log in to the staff pages through the real form."""
        self.get("/staff/login")
        status, _body = self.post("/staff/login", name=name, password=password)
        assert status == 200, "login failed"
