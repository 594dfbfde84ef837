"""The staff screens' own language: chosen per account, never the visitor picker's, and the editor's
checks and messages in it."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from kiosk.core import db
from kiosk.core.files import atomic_write
from kiosk.core.models import Staff
from kiosk.core.paths import REPO_ROOT
from kiosk.i18n import catalogs, rules
from tests.helpers.app import make_app
from tests.helpers.catalogs import copy_translations
from tests.helpers.desk import add_account, csrf_token, login
from tests.helpers.editor import entry_for, store_of


def test_staff_choose_their_language_and_it_stays_with_the_account_not_the_visitor_picker(app: Flask) -> None:
    add_account(app, "Words", "translator")
    client = app.test_client()
    client.get("/fr/topics")  # a visitor picked French on this browser earlier
    login(client, "Words")
    page = client.get("/staff/translations/").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Traductions" not in page
    response = client.post("/staff/language", data={"language": "es", "csrf_token": csrf_token(page)})
    assert response.status_code == 303
    page = client.get("/staff/translations/").get_data(as_text=True)
    assert '<html lang="es"' in page
    assert "Traducciones" in page
    with db.session_scope(app) as session:
        assert session.query(Staff).filter_by(name="Words").one().language == "es"
    elsewhere = app.test_client()  # another browser, another day
    login(elsewhere, "Words")
    assert '<html lang="es"' in elsewhere.get("/staff/translations/").get_data(as_text=True)
    assert '<html lang="en"' in elsewhere.get("/en/topics").get_data(as_text=True)  # visitors are not affected


def test_the_login_page_follows_the_browser_until_an_account_chooses(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/staff/login", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}).get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert "Connexion de l’équipe" in page
    assert '<html lang="en"' in app.test_client().get("/staff/login").get_data(as_text=True)


def test_an_unknown_language_is_refused_and_nothing_changes(app: Flask) -> None:
    add_account(app, "Words", "translator")
    client = app.test_client()
    login(client, "Words")
    page = client.get("/staff/translations/").get_data(as_text=True)
    response = client.post("/staff/language", data={"language": "xx", "csrf_token": csrf_token(page)})
    assert response.status_code == 422
    with db.session_scope(app) as session:
        assert session.query(Staff).filter_by(name="Words").one().language is None


def test_the_editors_checks_speak_the_staff_language(tmp_path: Path) -> None:
    # A catalog that knows this branch's new messages, with a Spanish translation of one check.
    translations = copy_translations(tmp_path / "catalogs")
    template = catalogs.extract(REPO_ROOT)
    atomic_write(translations / "messages.pot", catalogs.po_bytes(template))
    catalogs.update(template, translations)
    path = catalogs.po_path(translations, "es")
    catalog = catalogs.read_catalog(path, "es")
    percent = next(m for m in catalog if m.id and str(m.id).startswith("A single %% sign breaks this text."))
    percent.string = "Un signo %% solo rompe este texto. Escriba dos: %%%%."
    percent.flags.discard("fuzzy")
    atomic_write(path, catalogs.po_bytes(catalog))
    assert catalogs.compile_catalog(path, "es") == []
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, TRANSLATIONS_DIR=str(translations))
    add_account(app, "Words", "translator")
    with db.session_scope(app) as session:
        session.query(Staff).filter_by(name="Words").one().language = "es"
        session.commit()
    client = app.test_client()
    login(client, "Words")
    entry = entry_for(store_of(app), "fr", "Symptoms")
    url = f"/staff/translations/fr/entries/{entry.id}"
    body = client.post(url, data={"translation": "100% symptômes", "base": entry.state.token(), "version": "x"})
    text = body.get_data(as_text=True)
    assert "Un signo % solo rompe este texto. Escriba dos: %%." in text
    assert rules.percent_problem() not in text
    assert "/usr/bin" not in text
