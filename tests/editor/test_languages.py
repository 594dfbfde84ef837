"""Adding a language from Babel's locales, enabling it, and hiding it until it is complete enough."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from kiosk.editor import languages as editor_languages
from kiosk.i18n import catalogs
from tests.helpers.app import make_app
from tests.helpers.editor import save_text, store_of


def shown(app: Flask) -> list[str]:
    """The language tags the kiosk offers right now."""
    return app.test_client().get("/health").get_json()["languages"]


def test_a_language_added_from_babels_locales_starts_from_the_template_and_stays_off(app: Flask) -> None:
    store = store_of(app)
    path = editor_languages.add(store, "de", "ana")
    german = catalogs.read_catalog(path, "de")
    template = catalogs.read_catalog(store.template)
    assert {m.id for m in german if m.id} == {m.id for m in template if m.id}
    assert german.num_plurals == 2
    assert store.mo("de").exists()
    assert "de" not in shown(app)
    assert app.test_client().get("/de/topics").headers["Location"] == "/en/topics"


def test_an_enabled_language_appears_on_the_kiosk_once_it_reaches_its_threshold(tmp_path: Path) -> None:
    editor_app, kiosk_app = make_app(tmp_path / "data"), make_app(tmp_path / "data")
    store = store_of(editor_app)
    editor_languages.add(store, "de", "ana")
    editor_languages.choose(store, "de", enabled=True, threshold=1)
    assert "de" not in shown(kiosk_app)  # 0% translated
    for msgid, text in [("Symptoms", "Symptome"), ("Causes", "Ursachen")]:
        assert save_text(store, "de", msgid, text).saved
    # 1% of however many messages the catalog holds today, counting the two above.
    total = len([m for m in catalogs.read_catalog(store.template) if m.id])
    simple = [
        m.id
        for m in catalogs.read_catalog(store.template)
        if m.id and isinstance(m.id, str) and "%" not in m.id and m.id not in ("Symptoms", "Causes")
    ]
    assert "de" not in shown(kiosk_app) or total <= 200
    for msgid in simple[: max(0, -(-total // 100) - 2)]:
        assert save_text(store, "de", msgid, f"DE {msgid}").saved
    assert "de" in shown(kiosk_app)
    body = kiosk_app.test_client().get("/de/topics").get_data(as_text=True)
    assert 'lang="de"' in body
    assert "Symptome" in body
    assert "Ursachen" in body
    assert ">Deutsch</a>" in kiosk_app.test_client().get("/en/").get_data(as_text=True)


def test_a_language_below_its_threshold_is_hidden_until_it_is_complete_again(tmp_path: Path) -> None:
    editor_app, kiosk_app = make_app(tmp_path / "data"), make_app(tmp_path / "data")
    store = store_of(editor_app)
    editor_languages.choose(store, "es", enabled=True, threshold=100)
    assert "es" in shown(kiosk_app)
    save_text(store, "es", "Symptoms", "")
    assert "es" not in shown(kiosk_app)
    save_text(store, "es", "Symptoms", "Síntomas")
    assert "es" in shown(kiosk_app)


def test_staff_can_take_a_configured_language_off_the_kiosk_and_back(app: Flask) -> None:
    store = store_of(app)
    editor_languages.choose(store, "ru", enabled=False, threshold=0)
    assert "ru" not in shown(app)
    assert app.test_client().get("/ru/").status_code == 302
    editor_languages.choose(store, "ru", enabled=True, threshold=0)
    assert "ru" in shown(app)


def test_an_unknown_or_existing_language_is_refused(app: Flask) -> None:
    store = store_of(app)
    with pytest.raises(ValueError, match="xx_NOPE"):
        editor_languages.add(store, "xx_NOPE", "ana")
    with pytest.raises(FileExistsError):
        editor_languages.add(store, "es", "ana")


def test_the_choice_of_languages_names_each_in_english_and_in_itself() -> None:
    choices = dict(editor_languages.addable())
    assert choices["de"] == "German – Deutsch"
    assert choices["en"] == "English"
    assert len(choices) > 500


def test_unreadable_settings_are_ignored_and_every_configured_language_stays(app: Flask) -> None:
    (store_of(app).live / "languages.json").write_text("{not json")
    assert len(shown(app)) == 9
