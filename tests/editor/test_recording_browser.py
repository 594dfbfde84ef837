"""Recording in Chromium with its fake microphone, through the real recording screen, to a Filipino page that reads.

Chromium is started here with its fake media flags (the session's browser has none): the fake microphone
plays a WAV of real speech, and the permission prompt answers itself, as a front-desk PC's policy does.
"""

from __future__ import annotations

import re
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.editor import sound
from kiosk.speech.processing import process
from kiosk.visitor import content
from tests.helpers.app import make_app
from tests.helpers.audio import encode, speech
from tests.helpers.browser import CHROMIUM, CHROMIUM_FLAGS, CSP_VIOLATIONS, PORTRAIT
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.editor import entry_for, store_of
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 900}
PAGE = "causes"
STUB_PLAY = """
window.__plays = [];
HTMLMediaElement.prototype.play = function () {
  window.__plays.push(this.getAttribute("src") || "");
  return Promise.resolve();
};
"""


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WAV of real speech for Chromium's fake microphone to play."""
    samples, rate = speech("Ang sciatica ay pananakit na nagmumula sa sciatic nerve.")
    path = tmp_path_factory.mktemp("microphone") / "voice.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own, with a translator."""
    app = make_app(tmp_path_factory.mktemp("recording"))
    add_account(app, "Tran", "translator")
    served = LiveServer(app)
    yield served
    served.stop()
    app.extensions["kiosk_speech"].close()


@pytest.fixture(scope="module")
def chromium(browser: Any, microphone: Path) -> Iterator[Any]:
    """A second Chromium, from the session's Playwright, with a fake microphone that plays speech."""
    flags = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={microphone}",
    ]
    with_microphone = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS + flags)
    yield with_microphone
    with_microphone.close()


@pytest.fixture
def open_page(chromium: Any) -> Iterator[Any]:
    """Open pages in fresh contexts, closed after the test.

    As the session's new_page does, they bypass the app's CSP unless asked not to: axe-core is injected as
    an inline script, which the CSP forbids. The recording itself runs with the CSP (and the Permissions-Policy)
    in force, as on the front-desk PC.
    """
    contexts = []

    def make(viewport: Any = DESK, bypass_csp: bool = True) -> Any:
        context = chromium.new_context(viewport=viewport, has_touch=True, bypass_csp=bypass_csp)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def signed_in(open_page: Any, server: LiveServer, bypass_csp: bool = True) -> Any:
    """A desk-sized page signed in as the translator."""
    page = open_page(bypass_csp=bypass_csp)
    page.add_init_script(CSP_VIOLATIONS)
    page.goto(server.url + "/staff/login")
    page.fill("#login-name", "Tran")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/**")
    return page


def wcag_aa(page: Any) -> list[str]:
    """axe-core's WCAG 2 A and AA violations (staff pages need AA)."""
    from tests.helpers.browser import AXE_JS

    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa', 'wcag22aa']}})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))"
    )


def test_a_message_recorded_with_the_microphone_is_played_on_the_filipino_page(
    open_page: Any, server: LiveServer
) -> None:
    keys = sound.page_keys(content.BY_SLUG[PAGE])
    entry = entry_for(store_of(server.app), "fil", keys[0])
    screen = f"{server.url}/staff/recordings/fil/{entry.id}"
    # axe needs the CSP bypassed, so it looks at the screen in a second, signed-in page.
    checker = signed_in(open_page, server)
    checker.goto(screen)
    assert wcag_aa(checker) == []
    page = signed_in(open_page, server, bypass_csp=False)
    page.goto(screen)
    panel = page.locator("#record-panel")
    expect(panel).to_be_visible()
    panel.get_by_role("button", name="Start recording").click()
    status = panel.locator("[data-record-status]")
    expect(status).to_contain_text("0:02", timeout=10_000)
    expect(panel.locator("[data-record-level]")).to_be_visible()
    panel.get_by_role("button", name="Stop").click()
    expect(panel.locator("[data-record-review]")).to_be_visible()
    expect(panel.locator("[data-record-preview]")).to_have_attribute("src", re.compile("^blob:"))
    panel.get_by_role("button", name="Send this recording").click()
    expect(page.locator(".staff-notice")).to_contain_text("Recording saved", use_inner_text=True)
    expect(page.locator(".editor-take")).to_contain_text("Waiting for approval.", use_inner_text=True)
    checker.goto(screen)
    assert wcag_aa(checker) == []
    page.get_by_role("button", name="Approve for the kiosk").click()
    expect(page.locator(".editor-take")).to_contain_text("Approved: the kiosk plays this one.", use_inner_text=True)
    assert page.evaluate("window.__cspViolations") == []
    recordings = server.app.extensions["kiosk_speech"].recordings
    (take,) = recordings.all("fil")
    assert take.source == "microphone"
    assert 2 < take.seconds < 12

    # The rest of the page is recorded too (straight into the store), and the page reads aloud.
    samples, rate = speech("Isa pang pangungusap.")
    processed = process(encode(samples, rate, "webm"), 120)
    for key in keys[1:]:
        other = entry_for(store_of(server.app), "fil", key)
        text = sound.shown_text(other)
        assert text is not None
        recordings.approve("fil", recordings.add("fil", other.key, text, processed, "Tran", "upload").id, "Tran")
    kiosk = open_page(PORTRAIT)
    kiosk.add_init_script(STUB_PLAY)
    kiosk.goto(f"{server.url}/fil/topics/{PAGE}")
    listen = kiosk.locator("#kiosk-listen [data-listen-action=toggle]")
    expect(listen).to_be_visible()
    listen.tap()
    kiosk.wait_for_function("() => window.__plays.length >= 1")
    title = kiosk.locator('.kiosk-sentence[data-sentence="0"]')
    expect(title).to_have_class(re.compile("kiosk-sentence--current"))


def test_each_message_has_its_own_listen_button_that_reads_the_box(open_page: Any, server: LiveServer) -> None:
    entry = entry_for(store_of(server.app), "ru", "Causes")
    page = signed_in(open_page, server)
    page.add_init_script(STUB_PLAY)
    page.goto(f"{server.url}/staff/translations/ru/?q=Causes")
    page.fill(f"#t-{entry.id}-0", "Причины ишиаса")
    with page.expect_response(re.compile(r"/listen\.mp3\?text=")) as answer:
        page.locator(f"#sound-{entry.id} [data-sound-listen]").click()
    assert answer.value.status == 200
    assert answer.value.headers["content-type"] == "audio/mpeg"
    page.wait_for_function("() => window.__plays.length >= 1")
    assert wcag_aa(page) == []


def test_the_how_it_sounds_panel_refuses_a_bad_entry_in_the_browser(open_page: Any, server: LiveServer) -> None:
    page = signed_in(open_page, server)
    page.goto(f"{server.url}/staff/translations/ru/pronunciation")
    assert wcag_aa(page) == []
    page.fill("#lexicon-word", "ишиас")
    page.fill("#lexicon-replacement", "[[ISy%Qx]]")
    page.get_by_role("button", name="Check and save").click()
    expect(page.locator("#lexicon-errors")).to_contain_text("does not know some of these phonemes")
    expect(page.locator("#lexicon-replacement")).to_have_value("[[ISy%Qx]]")
    for path in ("/staff/recordings/", "/staff/recordings/fil/"):
        page.goto(server.url + path)
        assert wcag_aa(page) == []
