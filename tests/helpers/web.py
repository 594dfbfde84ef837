"""A cookie-keeping HTTP client for tests against a real server process, posting forms as a browser does."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """Keeps cookies and the CSRF token of the page it last read."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.token = ""

    def get(self, path: str) -> str:
        """Fetch a page and remember its CSRF token."""
        with self.opener.open(self.base + path, timeout=10) as response:
            body: str = response.read().decode()
        found = TOKEN.search(body)
        self.token = found.group(1) if found else self.token
        return body

    def post(self, path: str, form: dict[str, str] | list[tuple[str, str]], timeout: float = 10) -> tuple[int, str]:
        """Post a form with the remembered token; return the status and the final page."""
        pairs = list(form.items()) if isinstance(form, dict) else list(form)
        data = urllib.parse.urlencode([("csrf_token", self.token), *pairs]).encode()
        try:
            with self.opener.open(self.base + path, data=data, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, name: str, password: str) -> None:
        """Sign in through the real form."""
        self.get("/staff/login")
        status, _page = self.post("/staff/login", {"name": name, "password": password})
        assert status == 200, status
