"""Kiosk-grade accessibility measured in Debian's Chromium: axe-core, target and text sizes, zoom."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.browser import (
    LANDSCAPE,
    PORTRAIT,
    axe_violations,
    choose_text_size,
    has_horizontal_scroll,
    small_targets,
    small_text,
)
from tests.helpers.visitor_pages import AUDITED_PATHS, VISITOR_PATHS, open_screen

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
@pytest.mark.parametrize("contrast", ["normal", "high"])
def test_every_visitor_page_passes_axe_aaa(
    live_server: Any, new_page: Any, viewport: dict[str, int], contrast: str
) -> None:
    page = new_page(viewport)
    if contrast == "high":
        page.goto(live_server.url + "/en/")
        page.click("[data-contrast-toggle]")
        page.wait_for_selector("html[data-contrast=high]")
    failures = {}
    for path in AUDITED_PATHS:
        open_screen(page, f"{live_server.url}/en{path}")
        found = axe_violations(page)
        if found:
            failures[path] = found
    assert failures == {}


@pytest.mark.parametrize("size", ["normal", "largest"])
def test_targets_are_at_least_72px_and_text_at_least_24px(live_server: Any, new_page: Any, size: str) -> None:
    page = new_page(PORTRAIT)
    choose_text_size(page, live_server.url, size)
    problems = {}
    for path in AUDITED_PATHS:
        open_screen(page, f"{live_server.url}/en{path}")
        targets, text = small_targets(page), small_text(page)
        if targets or text:
            problems[path] = {"targets": targets, "text": text}
    assert problems == {}


@pytest.mark.parametrize("viewport", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_no_horizontal_scrolling_at_200_percent_text(live_server: Any, new_page: Any, viewport: dict[str, int]) -> None:
    page = new_page(viewport)
    scrolling = []
    for path in VISITOR_PATHS:
        page.goto(f"{live_server.url}/en{path}")
        # The kiosk's base is 150% of the browser default; 200% text doubles that.
        page.evaluate("document.documentElement.style.fontSize = '300%'")
        if has_horizontal_scroll(page):
            scrolling.append(path)
    assert scrolling == []


def test_the_audit_catches_planted_faults(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/topics")
    page.evaluate("""() => { const main = document.querySelector('main');
      main.insertAdjacentHTML('beforeend',
        '<p style="color:#777;background:#fff">grey text</p><button style="width:30px;height:30px"></button>' +
        '<p style="font-size:12px">tiny</p>'); }""")
    ids = {violation["id"] for violation in axe_violations(page)}
    assert {"color-contrast-enhanced", "button-name"} <= ids or {"color-contrast", "button-name"} <= ids
    assert any(target["w"] == 30 for target in small_targets(page))
    assert any(text["text"] == "tiny" for text in small_text(page))


def test_high_contrast_keeps_urgent_apart_from_the_staff_call_and_the_rest(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/")
    page.click("[data-contrast-toggle]")
    page.wait_for_selector("html[data-contrast=high]")
    page.goto(live_server.url + "/en/topics")
    look = """(el) => { const s = getComputedStyle(el); return {fill: s.backgroundColor, ink: s.color,
      border: s.borderTopStyle, width: parseFloat(s.borderTopWidth)}; }"""
    urgent = page.eval_on_selector(".kiosk-dock [data-get-help] button", look)
    urgent_tile = page.eval_on_selector(".kiosk-button--topic.kiosk-button--urgent", look)
    staff_call = page.eval_on_selector(".kiosk-dock__cta", look)
    tile = page.eval_on_selector(".kiosk-button--topic:not(.kiosk-button--urgent)", look)
    plain = page.eval_on_selector("[data-nav=back]", look)
    # Urgent: the only solid yellow, with black words.
    for control in (urgent, urgent_tile):
        assert (control["fill"], control["ink"]) == ("rgb(255, 255, 0)", "rgb(0, 0, 0)")
    for control in (staff_call, tile, plain):
        assert control["fill"] == "rgb(0, 0, 0)"
    # Then the staff call by its double border, then primary tiles by a heavier line than plain buttons.
    assert staff_call["border"] == "double"
    assert tile["border"] == plain["border"] == "solid"
    assert tile["width"] > plain["width"]
