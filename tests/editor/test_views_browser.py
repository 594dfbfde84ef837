"""The translation editor in Chromium: accessible pages, saving with htmx, and the kiosk showing the result."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from kiosk.core import db
from kiosk.staff import accounts
from tests.helpers.app import make_app
from tests.helpers.browser import AXE_JS
from tests.helpers.desk import PASSWORD, add_account
from tests.helpers.editor import entry_for, save_text, store_of
from tests.helpers.servers import LiveServer

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 900}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own, since these tests change its catalogs."""
    app = make_app(tmp_path_factory.mktemp("editor"))
    add_account(app, "Tran", "translator")
    save_text(store_of(app), "es", "Causes", "")
    served = LiveServer(app)
    yield served
    served.stop()


def signed_in(new_page: Any, server: LiveServer) -> Any:
    """A desk-sized page signed in as a translator."""
    page = new_page(DESK)
    page.goto(server.url + "/staff/login")
    page.fill("#login-name", "Tran")
    page.fill("#login-password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/staff/**")
    return page


def wcag_aa(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2 A and AA violations on the page; staff pages need AA, not the kiosk's AAA."""
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async () => (await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa', 'wcag22aa']}})).violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/staff/translations/",
        "/staff/translations/add",
        "/staff/translations/es/",
        "/staff/translations/ar/",
        "/staff/translations/es/?filter=untranslated",
        "/staff/translations/es/history",
        "/staff/translations/es/upload",
    ],
)
def test_every_editor_page_passes_axe_wcag_aa(new_page: Any, server: LiveServer, path: str) -> None:
    page = signed_in(new_page, server)
    page.goto(server.url + path)
    assert wcag_aa(page) == []


def test_an_entry_with_problems_and_its_history_pass_axe(new_page: Any, server: LiveServer) -> None:
    page = signed_in(new_page, server)
    store = store_of(server.app)
    entry = entry_for(store, "es", "Home")
    page.goto(f"{server.url}/staff/translations/es/entries/{entry.id}")
    page.fill(f"#t-{entry.id}-0", "Inicio <b>")
    page.click(f"#save-{entry.id}")
    page.wait_for_selector(f"#t-{entry.id}-0[aria-invalid=true]")
    expect(page.locator(f"#entry-{entry.id}")).to_contain_text("Remove <b>:", use_inner_text=True)
    assert wcag_aa(page) == []


def test_saving_in_the_browser_shows_on_the_kiosk_without_a_reload_of_the_editor(
    new_page: Any, server: LiveServer
) -> None:
    page = signed_in(new_page, server)
    entry = entry_for(store_of(server.app), "es", "Causes")
    page.goto(server.url + "/staff/translations/es/?filter=untranslated")
    page.evaluate("window.__sameDocument = true")
    page.fill(f"#t-{entry.id}-0", "Causas")
    page.click(f"#save-{entry.id}")
    page.wait_for_selector(f"#entry-{entry.id} .editor-outcome--saved")
    expect(page.locator("#editor-status")).to_have_text(re.compile(r"^Saved\."), use_inner_text=True)
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator(f"#entry-{entry.id}")).to_contain_text("Translated", use_inner_text=True)
    kiosk = new_page(DESK)
    kiosk.goto(server.url + "/es/topics")
    expect(kiosk.locator("main")).to_contain_text("Causas", use_inner_text=True)


def test_a_warning_is_confirmed_with_save_anyway(new_page: Any, server: LiveServer) -> None:
    page = signed_in(new_page, server)
    entry = entry_for(store_of(server.app), "es", "Symptoms")
    page.goto(server.url + "/staff/translations/es/?q=Symptoms")
    page.fill(f"#t-{entry.id}-0", "Síntomas: cómo se siente el dolor")
    page.click(f"#save-{entry.id}")
    page.wait_for_selector(f"#confirm-{entry.id}")
    expect(page.locator(f"#entry-{entry.id}")).to_contain_text("Too long for its button", use_inner_text=True)
    page.click(f"#confirm-{entry.id}")
    page.wait_for_selector(f"#entry-{entry.id} .editor-outcome--saved")
    assert entry_for(store_of(server.app), "es", "Symptoms").state.strings == ("Síntomas: cómo se siente el dolor",)


def test_upload_review_and_rollback_pages_pass_axe_and_work(new_page: Any, server: LiveServer) -> None:
    page = signed_in(new_page, server)
    store = store_of(server.app)
    data = store.po("es").read_bytes().replace(b'msgstr "Inicio"', b'msgstr "Portada"')
    page.goto(server.url + "/staff/translations/es/upload")
    page.set_input_files("#upload-file", files=[{"name": "es.po", "mimeType": "text/plain", "buffer": data}])
    page.click("form.staff-form button[type=submit]")
    page.wait_for_selector("h1:has-text('What the file would change')")
    expect(page.locator("main")).to_contain_text("Portada", use_inner_text=True)
    assert wcag_aa(page) == []
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Applied 1 translations")
    assert entry_for(store, "es", "Home").state.strings == ("Portada",)
    page.goto(server.url + "/staff/translations/es/history")
    page.click("a:has-text('and undo every later change') >> nth=0")
    page.wait_for_selector("h1:has-text('Roll')")
    expect(page.locator("main")).to_contain_text("Portada", use_inner_text=True)
    assert wcag_aa(page) == []
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Rolled back")
    assert entry_for(store, "es", "Home").state.strings == ("Inicio",)


def test_text_typed_before_the_session_ended_is_put_back_after_logging_in(new_page: Any, server: LiveServer) -> None:
    page = signed_in(new_page, server)
    entry = entry_for(store_of(server.app), "es", "Topics")
    page.goto(server.url + "/staff/translations/es/?q=Topics")
    page.fill(f"#t-{entry.id}-0", "Los temas de hoy")
    with db.session_scope(server.app) as session:
        staff = accounts.find(session, "Tran")
        assert staff is not None
        accounts.end_sessions(session, staff.id)  # as if the session had timed out
    page.click(f"#save-{entry.id}")
    page.wait_for_url("**/staff/login**")
    page.fill("#login-name", "Tran")
    page.fill("#login-password", PASSWORD)
    page.click("form.staff-form--login button[type=submit]")
    page.wait_for_url("**/staff/translations/es/**")
    expect(page.locator(f"#t-{entry.id}-0")).to_have_value("Los temas de hoy")
    expect(page.locator(f"#entry-{entry.id} .editor-draft")).to_contain_text("not saved yet", use_inner_text=True)
    page.click(f"#save-{entry.id}")
    page.wait_for_selector(f"#entry-{entry.id} .editor-outcome--saved")
    assert entry_for(store_of(server.app), "es", "Topics").state.strings == ("Los temas de hoy",)
    page.reload()
    expect(page.locator(f"#entry-{entry.id} .editor-draft")).to_have_count(0)


@pytest.fixture(scope="module")
def short_sessions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose staff sessions end after 3 quiet seconds, to see typing keep one alive."""
    app = make_app(tmp_path_factory.mktemp("short"), STAFF_IDLE_SECONDS=3)
    add_account(app, "Tran", "translator")
    served = LiveServer(app)
    yield served
    served.stop()


def test_typing_keeps_the_session_alive_past_the_idle_limit(new_page: Any, short_sessions: LiveServer) -> None:
    page = signed_in(new_page, short_sessions)
    entry = entry_for(store_of(short_sessions.app), "es", "Causes")
    page.goto(short_sessions.url + "/staff/translations/es/?q=Causes")
    box = page.locator(f"#t-{entry.id}-0")
    box.fill("")
    started = time.monotonic()
    for letter in "Las causas posibles":  # typed at a person's pace for about 7 s, twice the idle limit
        box.press_sequentially(letter)
        page.wait_for_timeout(350)
    assert time.monotonic() - started > 6
    page.click(f"#save-{entry.id}")
    page.wait_for_selector(f"#entry-{entry.id} .editor-outcome--saved")
    assert entry_for(store_of(short_sessions.app), "es", "Causes").state.strings == ("Las causas posibles",)
