"""Hostile inputs for the whole-app suite: values, the fields and headers they go into, and the checks."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from kiosk.core.paths import REPO_ROOT

# Each is something a real attacker, a broken client or a curious visitor has sent to a web app.
PAYLOADS = [
    "<script>alert('kiosk')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "\x00",
    "a\x00b",
    "\r\nSet-Cookie: evil=1",
    "\n",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "https://localhost@evil.example/",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/..//evil.example",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "9223372036854775808",
    "18446744073709551616",
    "99999999999999999999999999999999999999",
    "-1",
    "0",
    "1e308",
    "NaN",
    "2026-13-45",
    "0001-01-01",
    "9999-12-31",
    "' OR '1'='1",
    "1; DROP TABLE tickets; --",
    "{{ 7*7 }}",
    "{% raw %}",
    "${7*7}",
    "%(number)s %s %d %",
    "\u202eevil",
    "\ufeff",
    "\u2028\u2029",
    "مريم",
    "🌸" * 50,
    "A" * 5000,
    "\x01\x02\x1b[31m",
    "",
    " ",
    "[]",
    "{}",
    "null",
    "@evil.example",
]
# Markup that must never come back unescaped in a page.
MARKUP = [payload for payload in PAYLOADS if "<" in payload]
HEADERS = [
    "HX-Request",
    "HX-Current-URL",
    "HX-Target",
    "HX-Trigger",
    "HX-History-Restore-Request",
    "Accept-Language",
    "Referer",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "Cookie",
]
EXTRA_FIELDS = ["lang", "page", "id", "status", "action", "csrf_token"]
FIELD_PATTERN = re.compile(r"""\b(?:args|form|values|files|cookies)(?:\.(?:get|getlist)\(|\[)\s*"([^"]+)\"""")


def fields() -> list[str]:
    """Return every query or form field name the app reads, found in its source, and a few more."""
    found = set(EXTRA_FIELDS)
    for path in (REPO_ROOT / "kiosk").rglob("*.py"):
        found.update(FIELD_PATTERN.findall(path.read_text()))
    return sorted(found)


def header_value(payload: str) -> str | None:
    """Return the payload as it could arrive in a header (raw UTF-8 bytes), or None if no header can carry it."""
    if "\r" in payload or "\n" in payload or "\x00" in payload:
        return None
    return payload.encode().decode("latin-1")


def off_site(location: str | None, host: str = "localhost") -> bool:
    """Tell whether a redirect target, as a browser would resolve it, leaves this host."""
    if not location:
        return False
    cleaned = "".join(ch for ch in location if ch not in "\t\n\r")
    return urlsplit(urljoin(f"http://{host}/staff/login", cleaned)).netloc not in (host, "")


def unescaped(body: str) -> list[str]:
    """Return the markup payloads that appear in a page as raw markup."""
    return [payload for payload in MARKUP if payload in body]
