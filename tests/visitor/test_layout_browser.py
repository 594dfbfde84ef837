"""Every visitor screen on the glass (static/visitor/layout.css), in both orientations at normal and largest
text: a screenshot of each, and the checks a visitor in pain needs from it. The screenshots land in
build/screenshots/ to look at; the README's own are kept in docs/, rewritten only when they really change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import ViewportSize, expect

from kiosk.core.paths import REPO_ROOT
from kiosk.visitor import content
from tests.helpers.browser import LANDSCAPE, PORTRAIT, has_horizontal_scroll, save_screenshot
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

SHOTS = REPO_ROOT / "build" / "screenshots"
DOCS = REPO_ROOT / "docs"
SCREENS = [
    ("home", "/"),
    ("topics", "/topics"),
    *[(topic.slug, f"/topics/{topic.slug}") for topic in content.TOPICS],
    ("language", "/language?next=/en/topics/symptoms"),
    ("talk", "/talk-to-staff"),
    ("talk-when", "/talk-to-staff/when?reason=book"),
    ("talk-name", "/talk-to-staff/name?reason=book"),
    ("not-found", "/no-such-page"),
]
# Screens that need the visit to have an open request.
TICKET_SCREENS = [
    ("ticket", "/talk-to-staff/ticket"),
    ("ticket-cancel", "/talk-to-staff/ticket/cancel"),
    ("ticket-chip", "/topics/symptoms"),
    ("new-visit", "/new-visit?next=/en/talk-to-staff/ticket"),
]
# The dock's controls: on the glass, whole, uncovered, and in portrait within reach.
DOCK = ".kiosk-dock a[href], .kiosk-dock button"

ON_GLASS = """(selector) => [...document.querySelectorAll(selector)].filter(el => el.getClientRects().length)
  .map(el => { const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return {name: el.textContent.trim().replace(/\\s+/g, " ").slice(0, 40), top: r.top, bottom: r.bottom,
            left: r.left, right: r.right, covered: !(hit && (hit === el || el.contains(hit)))}; })"""


@pytest.fixture(params=[PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def viewport(request: pytest.FixtureRequest) -> ViewportSize:
    """Both orientations of a 1080p kiosk screen."""
    size: ViewportSize = request.param
    return size


@dataclass
class Glass:
    """A kiosk page at one orientation and text size, and the folder its screenshots go to."""

    page: Any
    name: str

    def shoot(self, screen: str) -> None:
        """Save the screen as it is now, once the page has settled."""
        self.page.wait_for_load_state("networkidle")
        folder = SHOTS / self.name
        folder.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(folder / f"{screen}.png"))


@pytest.fixture(params=["normal", "largest"])
def glass(live_server: LiveServer, new_page: Any, viewport: ViewportSize, request: pytest.FixtureRequest) -> Glass:
    """A page on the kiosk at one orientation and text size."""
    page = new_page(viewport)
    page.goto(live_server.url + "/en/")
    page.click(f"button[data-text-size={request.param}]")
    page.wait_for_selector(f"html[data-text-size={request.param}]")
    return Glass(page, f"{'portrait' if viewport == PORTRAIT else 'landscape'}-{request.param}")


def check_screen(glass: Glass, screen: str) -> list[str]:
    """Take the screen's screenshot and return what a visitor would struggle with on it."""
    glass.shoot(screen)
    page = glass.page
    viewport = page.viewport_size
    problems = []
    for control in page.evaluate(ON_GLASS, DOCK):
        if control["top"] < 0 or control["bottom"] > viewport["height"] + 0.5 or control["right"] > viewport["width"]:
            problems.append(f"{control['name']!r} is off the glass")
        if control["covered"]:
            problems.append(f"{control['name']!r} is covered")
        # ADA 308: in portrait the controls sit in the lower part of a tall screen, within reach.
        if viewport["height"] > viewport["width"] and control["top"] < viewport["height"] * 0.5:
            problems.append(f"{control['name']!r} is above reach")
    heading = page.locator("h1").bounding_box()
    if heading is None or heading["y"] < 0 or heading["y"] > viewport["height"] / 2:
        problems.append("the heading is not at the top of the page")
    if has_horizontal_scroll(page):
        problems.append("the page scrolls sideways")
    return problems


def test_every_visitor_screen_fits_the_glass(live_server: LiveServer, glass: Glass) -> None:
    page = glass.page
    problems = {}
    for name, path in SCREENS:
        page.goto(f"{live_server.url}/en{path}")
        if found := check_screen(glass, name):
            problems[name] = found
    page.goto(f"{live_server.url}/en/talk-to-staff/name?reason=other")
    page.click("button[name=skip_name]")
    page.locator("[data-ticket-number]").wait_for()
    for name, path in TICKET_SCREENS:
        page.goto(f"{live_server.url}/en{path}")
        if found := check_screen(glass, name):
            problems[name] = found
    # The offline page as it shows while the server is away (it goes home as soon as /health answers).
    page.route("**/health", lambda route: route.abort())
    page.goto(f"{live_server.url}/en/offline")
    glass.shoot("offline")
    expect(page.locator("h1")).to_be_in_viewport()
    assert problems == {}


def test_tiles_fill_the_height_in_portrait(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(PORTRAIT)
    for path in ["/en/topics", "/en/", "/en/language"]:
        page.goto(live_server.url + path)
        # The page's column is full: no more than a tenth of it left blank under what it shows.
        blank = page.evaluate("""() => { const main = document.querySelector('.kiosk-main');
          const last = main.lastElementChild.getBoundingClientRect();
          const box = main.getBoundingClientRect(); return (box.bottom - last.bottom) / box.height; }""")
        assert blank < 0.1, path
    page.goto(live_server.url + "/en/topics")
    heights = page.evaluate(
        "[...document.querySelectorAll('.kiosk-menu--tiles .kiosk-button')].map(b => b.offsetHeight)"
    )
    assert min(heights) >= 2 * 72  # tall, easy tiles rather than a strip of buttons above blank glass


def test_landscape_is_two_columns_with_the_controls_in_a_side_rail(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(LANDSCAPE)
    for tag in ["en", "ar"]:
        page.goto(f"{live_server.url}/{tag}/topics")
        main = page.locator(".kiosk-main").bounding_box()
        rail = page.locator(".kiosk-dock").bounding_box()
        assert rail["height"] == LANDSCAPE["height"]
        assert main["height"] == LANDSCAPE["height"]
        if tag == "en":
            assert rail["x"] >= main["x"] + main["width"] - 1
        else:  # mirrored: the rail on the left
            assert rail["x"] + rail["width"] <= main["x"] + 1


def test_the_languages_are_all_on_the_glass_in_landscape_at_the_largest_text(
    live_server: LiveServer, new_page: Any
) -> None:
    page = new_page(LANDSCAPE)
    page.goto(live_server.url + "/en/")
    page.click("button[data-text-size=largest]")
    page.wait_for_selector("html[data-text-size=largest]")
    for language in page.locator("a[hreflang]").all():
        box = language.bounding_box()
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= LANDSCAPE["height"], language.inner_text()
    expect(page.locator("a:has-text('Start')")).to_be_in_viewport()


def test_screenshots_for_the_readme(live_server: LiveServer, new_page: Any) -> None:
    page = new_page(LANDSCAPE)
    page.goto(live_server.url + "/en/topics")
    save_screenshot(page, DOCS / "screenshot-landscape.png")
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/talk-to-staff/name?reason=question")
    page.click("button[name=skip_name]")
    page.locator("[data-ticket-number]").wait_for()
    page.goto(live_server.url + "/en/topics/what-is-sciatica")
    save_screenshot(page, DOCS / "screenshot-ticket-chip.png")
    page = new_page(PORTRAIT)
    page.goto(live_server.url + "/en/")
    page.click("[data-contrast-toggle]")
    page.wait_for_selector("html[data-contrast=high]")
    page.goto(live_server.url + "/en/topics/urgent-help")
    save_screenshot(page, DOCS / "screenshot-contrast.png")
    page.route("**/health", lambda route: route.abort())
    page.goto(live_server.url + "/en/offline")
    save_screenshot(page, DOCS / "screenshot-offline.png")
    for name in ["landscape", "ticket-chip", "contrast", "offline"]:
        assert (DOCS / f"screenshot-{name}.png").stat().st_size > 10_000
