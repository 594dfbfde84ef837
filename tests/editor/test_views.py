"""The translation editor's pages: only translators get in, forms carry CSRF, saves go live, uploads are reviewed."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from kiosk.editor import history as editor_history, languages as editor_languages, service as editor
from kiosk.i18n.live import Store
from tests.helpers.app import make_app
from tests.helpers.catalogs import copy_translations, set_translation
from tests.helpers.desk import add_account, csrf_token, login
from tests.helpers.editor import entry_for, save_text, store_of


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """An app with CSRF checks on, as in production, and a translator and a front-desk account."""
    built = make_app(tmp_path / "data", WTF_CSRF_ENABLED=True)
    add_account(built, "Tran", "translator")
    add_account(built, "Desk", "front_desk")
    return built


@pytest.fixture
def translator(app: Flask) -> FlaskClient:
    """A browser signed in as a translator."""
    client = app.test_client()
    login(client, "Tran")
    return client


def entry_form(client: FlaskClient, app: Flask, lang: str, msgid: str) -> tuple[str, dict[str, str]]:
    """Open the entry list and return the save address and hidden fields of one entry's form."""
    entry = entry_for(store_of(app), lang, msgid)
    # The list is paginated: walk its pages to the one that holds the entry.
    for page in range(1, 100):
        html = client.get(f"/staff/translations/{lang}/", query_string={"page": page}).get_data(as_text=True)
        if f'id="entry-{entry.id}"' in html:
            break
    block = html[html.index(f'id="entry-{entry.id}"') :]
    block = block[: block.index("</form>")]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', block))
    return f"/staff/translations/{lang}/entries/{entry.id}", fields


def test_a_translator_sees_every_language_and_a_front_desk_account_is_refused(
    app: Flask, translator: FlaskClient
) -> None:
    page = translator.get("/staff/translations/").get_data(as_text=True)
    for name in ["Español", "العربية", "中文 (简体)", "Filipino"]:
        assert name in page
    desk = app.test_client()
    login(desk, "Desk")
    assert desk.get("/staff/translations/").status_code == 403
    assert desk.get("/staff/translations/es/").status_code == 403
    assert app.test_client().get("/staff/translations/").headers["Location"].startswith("/staff/login")


def test_the_staff_menu_links_to_translations_only_for_translators(app: Flask, translator: FlaskClient) -> None:
    assert 'href="/staff/translations/"' in translator.get("/staff/translations/").get_data(as_text=True)
    desk = app.test_client()
    login(desk, "Desk")
    assert "/staff/translations/" not in desk.get("/staff/").get_data(as_text=True)


def test_saving_through_the_form_goes_live_on_the_kiosk(app: Flask, translator: FlaskClient) -> None:
    url, fields = entry_form(translator, app, "es", "Symptoms")
    response = translator.post(url, data={**fields, "translation": "Qué se siente"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#entry-" + url.rsplit("/", 1)[1])
    assert "Qué se siente" in app.test_client().get("/es/topics").get_data(as_text=True)
    assert editor_history.changes(store_of(app), "es")[0].user == "Tran"


def test_an_htmx_save_answers_with_just_the_entry_and_a_status(app: Flask, translator: FlaskClient) -> None:
    url, fields = entry_form(translator, app, "es", "Symptoms")
    response = translator.post(url, data={**fields, "translation": "Qué se siente"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<li id="entry-')
    assert 'hx-swap-oob="true"' in body
    assert "Saved." in body
    assert "HX-Request" in response.headers["Vary"]


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(app: Flask, translator: FlaskClient) -> None:
    url, fields = entry_form(translator, app, "es", "Symptoms")
    before = store_of(app).po("es").read_bytes()
    fields.pop("csrf_token")
    response = translator.post(url, data={**fields, "translation": "Qué se siente"})
    assert response.status_code == 400
    assert "nothing was changed" in response.get_data(as_text=True)
    assert store_of(app).po("es").read_bytes() == before


def test_problems_appear_next_to_the_field_and_nothing_is_saved(app: Flask, translator: FlaskClient) -> None:
    url, fields = entry_form(translator, app, "es", "Symptoms")
    response = translator.post(url, data={**fields, "translation": "<b>Síntomas</b>"}, headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in body
    assert "Remove &lt;/b&gt;, &lt;b&gt;" in body
    assert "&lt;b&gt;Síntomas&lt;/b&gt;</textarea>" in body  # what was typed stays, escaped
    assert entry_for(store_of(app), "es", "Symptoms").state.strings == ("Síntomas",)


def test_a_warning_offers_save_anyway(app: Flask, translator: FlaskClient) -> None:
    url, fields = entry_form(translator, app, "es", "Symptoms")
    text = "Síntomas: cómo se siente el dolor"
    first = translator.post(url, data={**fields, "translation": text}).get_data(as_text=True)
    assert "Too long for its button" in first
    assert "Save anyway" in first
    second = translator.post(url, data={**fields, "translation": text, "confirm": "1"})
    assert second.status_code == 303
    assert entry_for(store_of(app), "es", "Symptoms").state.strings == (text,)


def test_two_translators_saving_the_same_entry_get_a_conflict(app: Flask, translator: FlaskClient) -> None:
    add_account(app, "Other", "translator")
    other = app.test_client()
    login(other, "Other")
    url, fields = entry_form(translator, app, "es", "Symptoms")
    _, other_fields = entry_form(other, app, "es", "Symptoms")
    assert translator.post(url, data={**fields, "translation": "Qué se siente"}).status_code == 303
    late = other.post(url, data={**other_fields, "translation": "Los síntomas"})
    body = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "Tran changed this message" in body
    assert "Qué se siente" in body
    assert entry_for(store_of(app), "es", "Symptoms").state.strings == ("Qué se siente",)


def test_the_list_filters_and_searches(app: Flask, translator: FlaskClient) -> None:
    save_text(store_of(app), "es", "Causes", "")
    untranslated = translator.get("/staff/translations/es/?filter=untranslated").get_data(as_text=True)
    assert untranslated.count('class="editor-entry ') == 1
    assert ">Causes</p>" in untranslated
    found = translator.get("/staff/translations/es/?q=nervio+ciático").get_data(as_text=True)
    assert 0 < found.count('class="editor-entry ') < 20


def test_arabic_plural_boxes_are_labelled_with_example_numbers(translator: FlaskClient) -> None:
    page = translator.get("/staff/translations/ar/?q=Going+back").get_data(as_text=True)
    assert page.count('name="translation"') == 6
    assert "Form 4, used for 3–10, 103–110, 203–210, …" in page
    assert 'lang="ar" dir="rtl"' in page


def test_the_entry_page_restores_an_older_translation(app: Flask, translator: FlaskClient) -> None:
    store = store_of(app)
    save_text(store, "es", "Symptoms", "Qué se siente", user="Tran")
    entry = entry_for(store, "es", "Symptoms")
    page = translator.get(f"/staff/translations/es/entries/{entry.id}").get_data(as_text=True)
    change = editor_history.changes(store, "es")[0]
    response = translator.post(
        f"/staff/translations/es/entries/{entry.id}/restore", data={"csrf_token": csrf_token(page), "change": change.id}
    )
    assert response.status_code == 303
    assert entry_for(store, "es", "Symptoms").state.strings == ("Síntomas",)


def test_rolling_a_language_back_shows_the_plan_then_applies_it(app: Flask, translator: FlaskClient) -> None:
    store = store_of(app)
    save_text(store, "es", "Symptoms", "Qué se siente")
    save_text(store, "es", "Causes", "Las causas")
    first = editor_history.changes(store, "es")[-1]
    plan = translator.get(f"/staff/translations/es/rollback?before={first.id}").get_data(as_text=True)
    assert "Qué se siente" in plan
    assert "Las causas" in plan
    assert "Síntomas" in plan
    when = re.search(r'name="when" value="([^"]+)"', plan).group(1)
    translator.post("/staff/translations/es/rollback", data={"csrf_token": csrf_token(plan), "when": when})
    assert entry_for(store, "es", "Symptoms").state.strings == ("Síntomas",)
    assert entry_for(store, "es", "Causes").state.strings == ("Causas",)


def test_download_gives_the_po_file(app: Flask, translator: FlaskClient) -> None:
    response = translator.get("/staff/translations/es/download")
    assert response.headers["Content-Disposition"] == 'attachment; filename="es.po"'
    assert response.data.replace(b'\n"X-Kiosk-Revision: 0\\n"', b"") == store_of(app).po("es").read_bytes()


def upload(client: FlaskClient, lang: str, data: bytes) -> str:
    """Send a file through the upload form and return the answer page."""
    token = csrf_token(client.get(f"/staff/translations/{lang}/upload").get_data(as_text=True))
    return client.post(
        f"/staff/translations/{lang}/upload",
        content_type="multipart/form-data",
        data={"csrf_token": token, "file": (io.BytesIO(data), f"{lang}.po")},
    ).get_data(as_text=True)


def test_an_upload_shows_the_differences_and_applies_only_the_ticked_ones(app: Flask, translator: FlaskClient) -> None:
    store: Store = store_of(app)
    data = store.po("es").read_bytes().replace(b'msgstr "S\xc3\xadntomas"', b'msgstr "Qu\xc3\xa9 se siente"')
    data = data.replace(b'msgstr "Causas"', b'msgstr "Las causas"')
    review = upload(translator, "es", data)
    assert "Changes that pass: 2" in review
    assert "Qué se siente" in review
    assert entry_for(store, "es", "Symptoms").state.strings == ("Síntomas",)
    action = re.search(r'action="(/staff/translations/es/upload/[^"]+)"', review).group(1)
    seen = dict(re.findall(r'name="(seen-[^"]+)" value="([^"]+)"', review))
    symptoms = entry_for(store, "es", "Symptoms")
    form = {"csrf_token": csrf_token(review), "accept": symptoms.id, **seen}
    response = translator.post(action, data=form)
    assert response.status_code == 303
    assert "Qué se siente" in app.test_client().get("/es/topics").get_data(as_text=True)
    assert entry_for(store, "es", "Causes").state.strings == ("Causas",)


def test_an_oversized_upload_names_its_size_and_the_real_limit(app: Flask, translator: FlaskClient) -> None:
    token = csrf_token(translator.get("/staff/translations/es/upload").get_data(as_text=True))
    data = b'msgid ""\nmsgstr ""\n\nmsgid "Back"\nmsgstr "' + b"A" * 3_000_000 + b'"\n'
    boundary, body = encode_multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(data), "es.po")})
    response = translator.post(
        "/staff/translations/es/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert "The file is 3 MB; the limit is 2 MB." in response.get_data(as_text=True)


def test_a_hostile_upload_gets_a_clear_error_on_the_form(app: Flask, translator: FlaskClient) -> None:
    before = store_of(app).po("es").read_bytes()
    page = upload(translator, "es", b'#, fuzzy\nmsgid ""\nmsgstr ""\n\nmsgid "Back"\nmsgstr "<script>x</script>"\n')
    assert "marked fuzzy" in page
    assert 'role="alert"' in page
    assert store_of(app).po("es").read_bytes() == before


def test_adding_a_language_and_switching_it_on(app: Flask, translator: FlaskClient) -> None:
    form = translator.get("/staff/translations/add").get_data(as_text=True)
    assert '<option value="German – Deutsch (de)"></option>' in form
    added = translator.post(
        "/staff/translations/add", data={"csrf_token": csrf_token(form), "language": "German – Deutsch (de)"}
    )
    assert added.status_code == 303
    overview = translator.get("/staff/translations/").get_data(as_text=True)
    assert "Deutsch" in overview
    translator.post(
        "/staff/translations/de/settings", data={"csrf_token": csrf_token(overview), "enabled": "on", "threshold": "0"}
    )
    assert "de" in app.test_client().get("/health").get_json()["languages"]
    refused = translator.post("/staff/translations/add", data={"csrf_token": csrf_token(form), "language": "xx_NOPE"})
    assert refused.status_code == 422
    assert "No language matches “xx_NOPE”" in refused.get_data(as_text=True)


def test_preview_opens_the_kiosk_page_even_for_a_hidden_language(app: Flask, translator: FlaskClient) -> None:
    store = store_of(app)
    editor_languages.add(store, "de", "Tran")
    save_text(store, "de", "Piriformis syndrome", "Piriformis-Syndrom")
    entry = entry_for(store, "de", "Piriformis syndrome")
    response = translator.get(f"/staff/translations/de/entries/{entry.id}/preview")
    assert response.headers["Location"] == "/de/topics/piriformis-syndrome"
    assert "Piriformis-Syndrom" in translator.get("/de/topics/piriformis-syndrome").get_data(as_text=True)
    assert app.test_client().get("/de/topics/piriformis-syndrome").status_code == 302  # visitors still cannot


def test_the_list_of_every_message_renders_fast(app: Flask, translator: FlaskClient) -> None:
    translator.get("/staff/translations/ar/")
    started = time.perf_counter()
    response = translator.get("/staff/translations/ar/")
    assert response.status_code == 200
    assert time.perf_counter() - started < 0.5


def test_an_upload_over_the_request_limit_is_refused_before_it_is_read(app: Flask, translator: FlaskClient) -> None:
    before = store_of(app).po("es").read_bytes()
    token = csrf_token(translator.get("/staff/translations/es/upload").get_data(as_text=True))
    boundary, body = encode_multipart({"csrf_token": token, "file": FileStorage(io.BytesIO(b"x" * 5_000_000), "es.po")})
    response = translator.post(
        "/staff/translations/es/upload", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "The file is 5 MB; the limit is 2 MB. Nothing was changed." in response.get_data(as_text=True)
    assert 'id="upload-file"' in response.get_data(as_text=True)
    assert store_of(app).po("es").read_bytes() == before


def test_a_catalog_damaged_on_disk_is_explained_not_a_crash(app: Flask, translator: FlaskClient) -> None:
    store_of(app).po("fr").write_bytes(b'msgid "Back"\nmsgstr "Retour\n')
    overview = translator.get("/staff/translations/").get_data(as_text=True)
    assert "The catalog on disk cannot be read" in overview
    assert "Español" in overview
    page = translator.get("/staff/translations/fr/")
    assert page.status_code == 500
    assert "history folder" in page.get_data(as_text=True)
    for kiosk in [app, make_app(Path(app.instance_path))]:  # the running kiosk, and one started afterwards
        assert 'lang="fr"' in kiosk.test_client().get("/fr/topics").get_data(as_text=True)


def test_a_merge_conflict_is_settled_from_the_entry_with_either_text(tmp_path: Path) -> None:
    repo = copy_translations(tmp_path / "repo")
    config = {"TRANSLATIONS_DIR": str(repo), "LIVE_TRANSLATIONS_DIR": str(tmp_path / "data" / "translations")}
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, **config)
    add_account(app, "Tran", "translator")
    for msgid, ours, theirs in [("Causes", "Las causas", "Causas posibles"), ("Home", "Portada", "Página de inicio")]:
        assert save_text(store_of(app), "es", msgid, ours).saved
        set_translation(repo, "es", msgid, theirs)
    app = make_app(tmp_path / "data", WTF_CSRF_ENABLED=False, **config)
    client = app.test_client()
    login(client, "Tran")
    store = store_of(app)
    causes, home = entry_for(store, "es", "Causes"), entry_for(store, "es", "Home")
    page = client.get(f"/staff/translations/es/entries/{causes.id}").get_data(as_text=True)
    assert "A repo update also changed this translation" in page
    assert "Causas posibles" in page
    base = {"base": causes.state.token(), "version": "x"}
    taken = client.post(
        f"/staff/translations/es/entries/{causes.id}/take-update", data=base, headers={"HX-Request": "true"}
    )
    assert taken.status_code == 200
    assert entry_for(store, "es", "Causes").state.strings == ("Causas posibles",)
    assert entry_for(store, "es", "Causes").conflict is None
    kept = client.post(f"/staff/translations/es/entries/{home.id}/keep", data={"base": home.state.token()})
    assert kept.status_code == 303
    assert entry_for(store, "es", "Home").state.strings == ("Portada",)
    assert entry_for(store, "es", "Home").conflict is None
    assert editor_history.changes(store, "es")[0].user == "Tran"


def test_an_entry_with_placeholders_explains_them_with_an_example_before_anyone_types(translator: FlaskClient) -> None:
    page = translator.get("/staff/translations/es/?q=Going+back").get_data(as_text=True)
    assert "Keep %(num)d exactly as typed here" in page
    assert "is shown as “Going back to the start in 7 seconds.”" in page


TAB_STOPS = re.compile(r"<(?:textarea|button|select|summary)\b|<a [^>]*href=|<input (?![^>]*type=\"hidden\")")


def test_the_list_comes_in_pages_that_keep_the_filter_and_the_search(app: Flask, translator: FlaskClient) -> None:
    first = translator.get("/staff/translations/es/")
    html = first.get_data(as_text=True)
    total = len(editor.listing(store_of(app), "es").entries)
    pages = -(-total // 25)
    assert html.count('class="editor-entry ') == 25
    assert len(first.data) < 150_000
    assert len(TAB_STOPS.findall(html)) < 300
    assert f"Page 1 of {pages}" in html
    last = translator.get(f"/staff/translations/es/?page={pages}").get_data(as_text=True)
    assert last.count('class="editor-entry ') == total - 25 * (pages - 1)
    assert translator.get("/staff/translations/es/?page=999").get_data(as_text=True).count(f"Page {pages} of") == 1
    searched = translator.get("/staff/translations/es/?q=the&filter=translated").get_data(as_text=True)
    links = re.findall(r'href="(/staff/translations/es/\?[^"]*page=2[^"]*)"', searched)
    assert links
    assert all("q=the" in link and "filter=translated" in link for link in links)


def test_an_entry_names_the_kiosk_pages_it_appears_on_with_links_that_preview_each(
    app: Flask, translator: FlaskClient
) -> None:
    entry = entry_for(store_of(app), "es", "Piriformis syndrome")
    page = translator.get(f"/staff/translations/es/entries/{entry.id}").get_data(as_text=True)
    assert "kiosk/visitor/content.py" not in page.split("<details", 1)[0]  # code locations only for developers
    found = re.findall(r'<a class="staff-link editor-page" href="([^"]+)"[^>]*>([^<]+)<', page)
    links = {label: url for url, label in found}
    assert set(links) == {"Piriformis syndrome", "What causes sciatica?"}
    opened = translator.get(links["What causes sciatica?"].replace("&amp;", "&"))
    assert opened.headers["Location"] == "/es/topics/causes"
    refused = translator.get(f"/staff/translations/es/entries/{entry.id}/preview?page=/staff/")
    assert refused.status_code == 404
    idle = entry_for(store_of(app), "es", "Are you still there?")
    listed = translator.get("/staff/translations/es/?q=still+there").get_data(as_text=True)
    assert f"/staff/translations/es/entries/{idle.id}/preview?page=/" in listed
    assert ">Welcome screen<" in listed


def test_add_a_language_leaves_out_english_and_existing_languages_and_finds_one_by_name(
    app: Flask, translator: FlaskClient
) -> None:
    form = translator.get("/staff/translations/add").get_data(as_text=True)
    offered = set(re.findall(r'<option value="[^"]*\((\w+)\)">', form))
    assert "de" in offered
    assert not {"en", "en_GB", "es", "es_MX", "fr_CA", "ar_EG", "zh_Hans", "zh_Hans_CN", "fil_PH"} & offered
    assert "pt" in offered  # European Portuguese is another language than the Brazilian one the kiosk has
    assert 'list="add-languages"' in form
    by_name = translator.post("/staff/translations/add", data={"csrf_token": csrf_token(form), "language": "deutsch"})
    assert by_name.status_code == 303
    assert "de" in store_of(app).languages()
    several = translator.post("/staff/translations/add", data={"csrf_token": csrf_token(form), "language": "Sami"})
    assert several.status_code == 422
    assert "Which one?" in several.get_data(as_text=True)
    existing = translator.post("/staff/translations/add", data={"csrf_token": csrf_token(form), "language": "es"})
    assert existing.status_code == 422
    assert "already has a catalog" in existing.get_data(as_text=True)


def test_undo_buttons_say_which_text_they_put_back(app: Flask, translator: FlaskClient) -> None:
    store = store_of(app)
    save_text(store, "es", "Symptoms", "Qué se siente", user="Tran")
    entry = entry_for(store, "es", "Symptoms")
    page = translator.get(f"/staff/translations/es/entries/{entry.id}").get_data(as_text=True)
    assert "Put back “Síntomas”" in page
    history = translator.get("/staff/translations/es/history").get_data(as_text=True)
    assert "Put back “Síntomas” and undo every later change" in history


def test_after_a_conflict_a_second_save_does_not_silently_overwrite(app: Flask, translator: FlaskClient) -> None:
    url, fields = entry_form(translator, app, "es", "Symptoms")
    save_text(store_of(app), "es", "Symptoms", "Lo que se siente", user="Other")
    first = translator.post(url, data={**fields, "translation": "Qué se siente"}, headers={"HX-Request": "true"})
    assert first.status_code == 409
    again = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', first.get_data(as_text=True)))
    second = translator.post(url, data={**again, "translation": "Qué se siente"}, headers={"HX-Request": "true"})
    assert second.status_code == 409
    assert entry_for(store_of(app), "es", "Symptoms").state.strings == ("Lo que se siente",)
    overwrite = re.search(r'name="overwrite" value="([^"]+)"', second.get_data(as_text=True)).group(1)
    third = translator.post(url, data={**again, "translation": "Qué se siente", "overwrite": overwrite})
    assert third.status_code == 303
    assert entry_for(store_of(app), "es", "Symptoms").state.strings == ("Qué se siente",)
