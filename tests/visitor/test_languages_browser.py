"""Every language in a real browser: the accessibility audit, right-to-left mirroring and font coverage."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.core.paths import REPO_ROOT
from kiosk.i18n import catalogs
from tests.helpers.browser import PORTRAIT, axe_violations, save_screenshot, small_targets, small_text
from tests.helpers.visitor_pages import AUDIT_PLAN, AUDITED_PATHS, open_screen

pytestmark = pytest.mark.browser

TAGS = ["en", "es", "fr", "pt-BR", "zh-Hans", "vi", "ar", "ru", "fil"]
# The font that must draw each script; the catalogs' own characters prove coverage.
SCRIPT_FONTS = {"ar": "Noto Sans Arabic", "zh_Hans": "Noto Sans CJK SC", "vi": "Noto Sans", "ru": "Noto Sans"}
DOCS = REPO_ROOT / "docs"


def choose_display(page: Any, base_url: str, tag: str, size: str, contrast: str) -> None:
    """Choose a text size and contrast on the welcome screen, as a visitor would."""
    page.goto(f"{base_url}/{tag}/")
    page.click(f"button[data-text-size={size}]")
    page.wait_for_selector(f"html[data-text-size={size}]")
    if contrast == "high":
        page.click("[data-contrast-toggle]")
        page.wait_for_selector("html[data-contrast=high]")


def audit(page: Any) -> dict[str, Any]:
    """Return what the audit finds on the page: axe-core, small targets and small text."""
    found = {"axe": axe_violations(page), "targets": small_targets(page), "text": small_text(page)}
    return {kind: problems for kind, problems in found.items() if problems}


@pytest.mark.parametrize("tag", TAGS)
def test_every_page_in_every_language_passes_the_audit(live_server: Any, new_page: Any, tag: str) -> None:
    viewport, size, contrast = AUDIT_PLAN[tag]
    page = new_page(viewport)
    choose_display(page, live_server.url, tag, size, contrast)
    problems = {}
    for path in AUDITED_PATHS:
        open_screen(page, f"{live_server.url}/{tag}{path}")
        expect(page.locator("html")).to_have_attribute("lang", tag)
        if found := audit(page):
            problems[path] = found
    # The ticket, its chip on another screen, and the cancel question.
    page.goto(f"{live_server.url}/{tag}/talk-to-staff/name?reason=other")
    page.click("button[name=skip_name]")
    page.locator("[data-ticket-number]").wait_for()
    for path in ["/talk-to-staff/ticket", "/topics/massage", "/talk-to-staff/ticket/cancel", "/new-visit"]:
        page.goto(f"{live_server.url}/{tag}{path}")
        if found := audit(page):
            problems[path + " (ticket open)"] = found
    assert problems == {}


@pytest.mark.parametrize(
    "path",
    ["/topics", "/topics/spinal-stenosis", "/talk-to-staff/when?reason=book", "/talk-to-staff/ticket", "/"],
)
def test_changing_language_keeps_the_screen(live_server: Any, new_page: Any, path: str) -> None:
    page = new_page(PORTRAIT)
    if path == "/talk-to-staff/ticket":
        page.goto(live_server.url + "/en/talk-to-staff/name?reason=other")
        page.tap("text=Send without a name")
        page.locator("[data-ticket-number]").wait_for()
        number = page.locator("[data-ticket-number]").inner_text()
    page.goto(f"{live_server.url}/en{path}")
    if path == "/":
        page.tap("a[hreflang=ru]")
    else:
        page.tap("[data-nav=language]")
        expect(page.locator("h1")).to_have_text("Choose your language")
        page.tap("a[hreflang=ru]")
    page.wait_for_url(f"{live_server.url}/ru{path}")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    if path == "/talk-to-staff/ticket":
        expect(page.locator("[data-ticket-number]")).to_have_text(number)
    # Back on the language screen leads to the screen the visitor came from, too.
    if path != "/":
        page.tap("[data-nav=language]")
        page.tap("[data-nav=back]")
        page.wait_for_url(f"{live_server.url}/ru{path}")


def test_arabic_layout_is_mirrored(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    boxes = {}
    for tag in ["en", "ar"]:
        page.goto(f"{live_server.url}/{tag}/topics/symptoms")
        back = page.locator("[data-nav=back]").bounding_box()
        heading = page.locator(".kiosk-topic__head").bounding_box()  # the picture, then the title
        arrow = page.evaluate("getComputedStyle(document.querySelector('[data-nav=back] svg')).transform")
        boxes[tag] = (back["x"], heading["x"] + heading["width"], arrow)
    width = PORTRAIT["width"]
    assert boxes["en"][0] < width / 2 < boxes["ar"][0]  # Back sits on the reading side
    assert boxes["ar"][1] > width - 100  # the heading starts at the right edge
    picture = page.locator(".kiosk-topic__picture").bounding_box()
    title = page.locator("h1").bounding_box()
    assert picture["x"] > title["x"]  # and reads from the right: the picture first
    assert boxes["en"][2] == "none"
    assert boxes["ar"][2].startswith("matrix(-1")


def test_mixed_direction_text_keeps_its_order(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.clock.install()
    page.goto(f"{live_server.url}/ar/topics")
    page.clock.run_for(90_000)
    # The digits survive, in order, inside Arabic text.
    expect(page.locator("#kiosk-idle-countdown")).to_contain_text("30", use_inner_text=True)
    names = page.goto(f"{live_server.url}/ar/")
    assert names is not None
    # Latin names keep left-to-right inside RTL.
    expect(page.locator("a[hreflang=en]")).to_have_attribute("dir", "ltr")


def families_covering(chars: set[str]) -> set[str]:
    """Return the installed font families that have a glyph for every one of chars."""
    charset = " ".join(f"{ord(ch):x}" for ch in sorted(chars))
    result = subprocess.run(
        ["fc-list", "--format=%{family}\n", f":charset={charset}"], capture_output=True, text=True, check=True
    )
    return {name for line in result.stdout.splitlines() for name in line.split(",")}


@pytest.mark.parametrize(("lang", "family"), sorted(SCRIPT_FONTS.items()))
def test_installed_fonts_draw_every_character_of_the_language(lang: str, family: str) -> None:
    catalog = catalogs.read_catalog(catalogs.po_path(REPO_ROOT / "translations", lang), lang)
    chars = {
        ch
        for m in catalog
        if m.id
        for s in (m.string if isinstance(m.string, tuple) else (m.string,))
        for ch in s
        if not ch.isspace()
    }
    # The page's font stack is the script's font, then Noto Sans for Latin digits and punctuation (ASCII,
    # Latin-1 and general punctuation such as the ellipsis, which Noto Sans Arabic leaves to it).
    shared = {ch for ch in chars if ord(ch) <= 0xFF or 0x2000 <= ord(ch) <= 0x206F}
    assert family in families_covering(chars - shared), f"{family} lacks glyphs for {lang}"
    assert "Noto Sans" in families_covering(shared)


@pytest.mark.parametrize(("tag", "family"), [("ar", "Noto Sans Arabic"), ("zh-Hans", "Noto Sans CJK SC")])
def test_pages_use_the_script_font_and_screenshots_for_the_docs(
    live_server: Any, new_page: Any, tag: str, family: str
) -> None:
    page = new_page(PORTRAIT)
    page.goto(f"{live_server.url}/{tag}/topics/what-is-sciatica")
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": "h1 span"})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    assert fonts
    assert all(font["familyName"] == family for font in fonts if font["glyphCount"])
    save_screenshot(page, DOCS / f"screenshot-{tag}.png")


def test_screenshots_for_the_readme(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    for path, name in [("/en/", "home"), ("/en/topics", "menu"), ("/en/topics/urgent-help", "urgent")]:
        page.goto(live_server.url + path)
        shot = DOCS / f"screenshot-{name}.png"
        save_screenshot(page, shot)
        assert Path(shot).stat().st_size > 10_000
