"""Using the kiosk as a visitor would: taps, a keyboard or switch, htmx navigation and history."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import PORTRAIT
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser


def test_taps_alone_reach_every_topic_and_back(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/")
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")
    page.get_by_role("link", name="Start", exact=True).tap()
    page.wait_for_selector("h1:has-text('What would you like to know?')")
    page.tap("a:has-text('Causes')")
    page.wait_for_selector("h1:has-text('What causes sciatica?')")
    page.tap("a:has-text('Piriformis syndrome')")
    page.wait_for_selector("h1:has-text('Piriformis syndrome')")
    # The heading arrives with the swap; the address, the breadcrumb and the title follow it.
    expect(page).to_have_url(re.compile(re.escape("/en/topics/piriformis-syndrome") + "$"))
    expect(page.locator("[aria-current=page]")).to_have_text("Piriformis syndrome")
    expect(page).to_have_title(re.compile(re.escape("Piriformis syndrome")))
    page.tap("[data-nav=back]")
    page.wait_for_selector("h1:has-text('What causes sciatica?')")
    page.tap("[data-nav=home]")
    page.wait_for_selector("text=Choose your language")


def back_back_home(page: Any, server: LiveServer) -> None:
    """Tap Back, Back and Home as fast as a finger can, from a cause's page."""
    page.goto(server.url + "/en/topics/spinal-stenosis")
    page.tap("[data-nav=back]")
    page.tap("[data-nav=back]")
    page.tap("[data-nav=home]")


def test_back_back_home_ends_on_home(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    back_back_home(page, live_server)
    expect(page.locator("h1")).to_have_text("Sciatica: questions and answers")
    expect(page).to_have_url(live_server.url + "/en/")


def test_back_back_home_ends_on_home_when_the_server_is_slow(slowed: LiveServer, new_page: Any) -> None:
    assert slowed.slow is not None
    # Back answers late and Home early: without one queue for navigation, a late Back would win.
    slowed.slow.delays.update({"/en/topics/causes": 1.2, "/en/topics": 1.2, "/en/": 0.3})
    page = new_page(PORTRAIT)
    back_back_home(page, slowed)
    expect(page.locator("h1")).to_have_text("Sciatica: questions and answers")
    slowed.slow.wait_idle()  # every late answer has now arrived, or was cancelled
    expect(page.locator("h1")).to_have_text("Sciatica: questions and answers")
    expect(page).to_have_url(slowed.url + "/en/")


def test_navigation_swaps_the_screen_without_reloading_and_history_works(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/topics")
    page.evaluate("window.__sameDocument = true")
    page.tap("a:has-text('Symptoms')")
    page.wait_for_selector("h1:has-text('Symptoms')")
    assert page.evaluate("window.__sameDocument") is True
    page.go_back()
    page.wait_for_selector("h1:has-text('What would you like to know?')")
    page.go_forward()
    page.wait_for_selector("h1:has-text('Symptoms')")


def test_back_and_home_stay_in_the_same_place_on_every_screen(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    boxes = set()
    for path in ["/en/topics", "/en/topics/symptoms", "/en/topics/spinal-stenosis", "/en/talk-to-staff"]:
        page.goto(live_server.url + path)
        back, home = page.locator("[data-nav=back]").bounding_box(), page.locator("[data-nav=home]").bounding_box()
        boxes.add((round(back["x"]), round(back["y"]), round(home["x"]), round(home["y"])))
    assert len(boxes) == 1


def test_keyboard_alone_works_with_a_visible_focus_ring(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/topics")
    reached = []
    # The first key turns speech mode on (static/speech/mode.js), which starts at the screen's title and
    # then visits every control and text block in order.
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.textContent.trim()"))
        ring = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
          return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 3; }""")
        assert ring, reached[-1]
        if reached[-1] == "Symptoms":
            break
    assert "Symptoms" in reached
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Symptoms')")
    # Focus lands on the new page's heading, so a switch user continues from the top; it moves after the swap.
    expect(page.locator("#kiosk-page-title")).to_be_focused()


def test_every_link_and_form_stays_inside_the_kiosk(live_server: Any, new_page: Any) -> None:
    from tests.helpers.visitor_pages import VISITOR_PATHS

    page = new_page(PORTRAIT)
    outside = []
    for path in VISITOR_PATHS:
        page.goto(f"{live_server.url}/en{path}")
        targets = page.evaluate("""() => [...document.querySelectorAll('a[href], form[action]')]
            .map(el => new URL(el.href || el.action, location.href).origin)""")
        outside += [(path, origin) for origin in targets if origin != live_server.url]
        expect(page.locator("a[target], form[target]")).to_have_count(0)
    assert outside == []


def test_no_text_selection_or_long_press_menu(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/topics/symptoms")
    assert page.evaluate("getComputedStyle(document.body).userSelect") == "none"
    assert page.evaluate("getComputedStyle(document.body).touchAction") == "manipulation"
    blocked = page.evaluate("""() => { const e = new MouseEvent('contextmenu', {bubbles: true, cancelable: true});
      return !document.querySelector('p').dispatchEvent(e); }""")
    assert blocked


def test_reduced_motion_is_honoured(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT, reduced_motion="reduce")
    page.goto(live_server.url + "/en/topics")
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
    page2 = new_page(PORTRAIT, reduced_motion="no-preference")
    page2.goto(live_server.url + "/en/topics")
    assert page2.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "smooth"


def test_display_choices_apply_at_once_and_are_announced(live_server: Any, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/topics/symptoms")
    focused_before = page.evaluate("document.activeElement.tagName")
    page.tap("button[data-text-size=largest]")
    page.wait_for_selector("html[data-text-size=largest]")
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "36px"
    expect(page.locator("#kiosk-status")).to_have_text("Text size changed.")
    expect(page.locator("button[data-text-size=largest]")).to_have_attribute("aria-pressed", "true")
    page.tap("[data-contrast-toggle]")
    page.wait_for_selector("html[data-contrast=high]")
    expect(page.locator("#kiosk-status")).to_have_text("High contrast is on.")
    # The choice lasts for the visit: a full reload keeps it.
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-contrast", "high")
    expect(page.locator("html")).to_have_attribute("data-text-size", "largest")
    assert focused_before  # the live region never took focus
    expect(page.locator("#kiosk-status")).not_to_be_focused()
