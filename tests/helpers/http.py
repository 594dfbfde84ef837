"""A cookie-keeping HTTP client for tests against a real server: every answer, errors included, as (status, body)."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class WebClient:
    """Gets pages and posts forms with the CSRF token of the page it read last, like a browser would."""

    def __init__(self, base: str, timeout: float = 15) -> None:
        self.base = base
        self.timeout = timeout
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.token = ""

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        """Send a request and return its status and body, whatever the status."""
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode()
        found = TOKEN.search(body)
        self.token = found.group(1) if found else self.token
        return status, body

    def get(self, path: str, htmx: bool = False) -> tuple[int, str]:
        """GET a path, as htmx does when htmx is true."""
        headers = {"HX-Request": "true"} if htmx else {}
        return self._open(urllib.request.Request(self.base + path, headers=headers))

    def post(self, path: str, htmx: bool = False, **form: str) -> tuple[int, str]:
        """POST a form with the remembered token."""
        data = urllib.parse.urlencode({"csrf_token": self.token, **form}).encode()
        headers = {"HX-Request": "true"} if htmx else {}
        return self._open(urllib.request.Request(self.base + path, data=data, headers=headers))

    def login(self, name: str, password: str) -> None:
        """Log in to the staff pages through the real form."""
        self.get("/staff/login")
        status, _body = self.post("/staff/login", name=name, password=password)
        assert status == 200, "login failed"
