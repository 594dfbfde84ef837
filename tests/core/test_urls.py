"""safe_next: only paths on this kiosk, against the known open-redirect bypasses."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from kiosk.core.urls import safe_next

ORIGIN = "https://kiosk.clinic.example"
# Each of these has taken some web app's users to another site.
BYPASSES = [
    "//evil.example",
    "///evil.example",
    "////evil.example/",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\r\n/evil.example/",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x0b/evil.example",
    "/\u3000/evil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "/%09/evil.example",
    "/%0a/evil.example",
    "https://evil.example",
    "HTTPS://evil.example",
    "http:evil.example",
    "http:/evil.example",
    "http:\\\\evil.example",
    "//kiosk@evil.example",
    "https://kiosk.clinic.example@evil.example/",
    "/@evil.example",
    "/\\@evil.example",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/..//evil.example",
    "/./..//evil.example",
    "/%2e%2e//evil.example",
    "evil.example",
    "",
]
KEPT = {
    "/staff/": "/staff/",
    "/staff/history?day=2026-03-02": "/staff/history?day=2026-03-02",
    "/staff/translations/fr/": "/staff/translations/fr/",
    "/en/topics/symptoms#top": "/en/topics/symptoms",
    "/ar/topics?q=é": "/ar/topics?q=%C3%A9",
}


@pytest.mark.parametrize("target", BYPASSES)
def test_a_bypass_never_leaves_the_kiosk(target: str) -> None:
    result = safe_next(target)
    assert result.startswith("/")
    assert not result.startswith(("//", "/\\"))
    # As a browser resolves the Location header against the login page.
    assert urlsplit(urljoin(f"{ORIGIN}/staff/login", result)).netloc == "kiosk.clinic.example"
    assert all(ch.isprintable() and ch != " " for ch in result)


@pytest.mark.parametrize(("target", "expected"), KEPT.items())
def test_a_path_on_the_kiosk_is_kept(target: str, expected: str) -> None:
    assert safe_next(target) == expected
