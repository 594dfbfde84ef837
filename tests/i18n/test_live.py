"""The live catalogs: seeded from the repo, merged with repo updates, written so a crash never breaks them."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.request
from pathlib import Path

import pytest

from kiosk.core.files import atomic_write
from kiosk.core.paths import REPO_ROOT
from kiosk.editor import languages as editor_languages
from kiosk.i18n import catalogs, problems as catalog_problems
from kiosk.i18n.live import CatalogRejected, commit, locked, parse, version_of
from tests.helpers.app import make_app
from tests.helpers.catalogs import copy_translations, set_translation
from tests.helpers.editor import save_text, store_of
from tests.helpers.servers import ServeProcess

REPO_TRANSLATIONS = REPO_ROOT / "translations"


def fingerprint(folder: Path) -> dict[str, str]:
    """Hash every file under a folder."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_live_catalogs_are_seeded_into_the_data_directory_and_the_repo_is_never_written(tmp_path: Path) -> None:
    before = fingerprint(REPO_TRANSLATIONS)
    app = make_app(tmp_path / "data")
    live = tmp_path / "data" / "translations"
    assert app.config["LIVE_TRANSLATIONS_DIR"] == str(live)
    assert (live / "es" / "LC_MESSAGES" / "messages.mo").exists()
    assert (live / "messages.pot").exists()
    save_text(store_of(app), "es", "Symptoms", "Qué se siente")
    assert "Qué se siente" in app.test_client().get("/es/topics").get_data(as_text=True)
    assert fingerprint(REPO_TRANSLATIONS) == before


def test_a_configured_translations_folder_is_served_and_edited_in_place(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    app = make_app(tmp_path / "data", TRANSLATIONS_DIR=str(translations))
    assert store_of(app).live == translations
    assert store_of(app).source is None
    assert not (tmp_path / "data" / "translations").exists()


def test_a_repo_update_reaches_the_live_copy_and_keeps_what_staff_changed(tmp_path: Path) -> None:
    repo = copy_translations(tmp_path / "repo")
    config = {"TRANSLATIONS_DIR": str(repo), "LIVE_TRANSLATIONS_DIR": str(tmp_path / "data" / "translations")}
    app = make_app(tmp_path / "data", **config)
    assert save_text(store_of(app), "es", "Symptoms", "Qué se siente").saved
    set_translation(repo, "es", "Symptoms", "Síntomas (nuevo)")
    set_translation(repo, "es", "Causes", "Las causas")
    again = make_app(tmp_path / "data", **config).test_client().get("/es/topics").get_data(as_text=True)
    assert "Qué se siente" in again
    assert "Las causas" in again
    assert "Síntomas (nuevo)" not in again


def test_a_new_template_reaches_a_language_staff_added(tmp_path: Path) -> None:
    repo = copy_translations(tmp_path / "repo")
    config = {"TRANSLATIONS_DIR": str(repo), "LIVE_TRANSLATIONS_DIR": str(tmp_path / "data" / "translations")}
    app = make_app(tmp_path / "data", **config)
    editor_languages.add(store_of(app), "de", "ana")
    template = catalogs.read_catalog(repo / "messages.pot")
    template.add("A brand new message")
    atomic_write(repo / "messages.pot", catalogs.po_bytes(template))
    make_app(tmp_path / "data", **config)
    german = catalogs.read_catalog(store_of(app).po("de"), "de")
    assert german.get("A brand new message") is not None


def test_an_mo_older_than_its_po_is_compiled_on_start(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    store = store_of(app)
    catalog = catalogs.read_catalog(store.po("fr"), "fr")
    catalog["Symptoms"].string = "Ce qu'on ressent"
    atomic_write(store.po("fr"), catalogs.po_bytes(catalog))
    os.utime(store.mo("fr"), ns=(0, 0))
    client = make_app(tmp_path / "data").test_client()
    assert "Ce qu&#39;on ressent" in client.get("/fr/topics").get_data(as_text=True)


def test_msgfmt_blocks_what_babel_misses(tmp_path: Path) -> None:
    app = make_app(tmp_path / "data")
    catalog = catalogs.read_catalog(store_of(app).po("es"), "es")
    catalog["Symptoms"].string = "Síntomas\n"
    data = catalogs.po_bytes(catalog)
    found = catalog_problems.by_entry(data, "es", version_of(data))
    assert found == {"Symptoms": ["Start and end with a line break exactly where the English does."]}


def test_a_catalog_that_would_not_compile_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    store = store_of(make_app(tmp_path / "data"))
    before = fingerprint(store.live)
    catalog = parse(store.po("es").read_bytes(), "es")
    catalog["Back"].string = "Atrás %(name)s"
    with locked(store.live), pytest.raises(CatalogRejected) as rejected:
        commit(store, "es", catalog, "ana", checked={"Back"})
    assert "cannot have any: remove %(name)s" in rejected.value.problems[0]
    assert fingerprint(store.live) == before


def fetch(url: str) -> str:
    """Return a page's text."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode()


def test_a_save_shows_in_another_server_process_on_its_next_page_without_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app = make_app(data)
    server = ServeProcess(data)
    try:
        assert "Síntomas" in fetch(f"{server.url}/es/topics")  # the other process has the old catalog cached
        assert save_text(store_of(app), "es", "Symptoms", "Qué se siente").saved
        assert "Qué se siente" in fetch(f"{server.url}/es/topics")
    finally:
        server.stop()


def test_the_language_settings_file_is_replaced_whole(tmp_path: Path) -> None:
    store = store_of(make_app(tmp_path / "data"))
    editor_languages.choose(store, "fr", enabled=False, threshold=50)
    saved = json.loads((store.live / "languages.json").read_text())
    assert saved["fr"] == {"enabled": False, "threshold": 50, "completion": 100}
