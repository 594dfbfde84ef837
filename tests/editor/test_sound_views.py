"""Each message's own Listen button in the editor, and the "How it sounds" panel of a language's lexicon."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.core.paths import REPO_ROOT
from kiosk.speech.audio import check_mp3
from tests.helpers.app import make_app
from tests.helpers.desk import add_account, csrf_token, login
from tests.helpers.editor import entry_for, list_page, store_of
from tests.helpers.sox import measure


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app for the module, with CSRF on, a translator and a front-desk account."""
    built = make_app(tmp_path_factory.mktemp("sound"), WTF_CSRF_ENABLED=True, SPEECH_ENGINE="espeak-ng")
    add_account(built, "Tran", "translator")
    add_account(built, "Desk", "front_desk")
    yield built
    built.extensions["kiosk_speech"].close()


@pytest.fixture
def translator(app: Flask) -> FlaskClient:
    """A browser signed in as a translator."""
    client = app.test_client()
    login(client, "Tran")
    return client


def seconds(data: bytes, tmp_path: Path) -> float:
    """How long an MP3 lasts, as sox hears it."""
    path = tmp_path / "heard.mp3"
    path.write_bytes(data)
    return measure(path).seconds


def test_every_entry_of_a_voiced_language_has_its_own_listen_button(translator: FlaskClient, app: Flask) -> None:
    message = "Sciatica is pain that comes from the sciatic nerve."
    page = translator.get(list_page(store_of(app), "fr", message)).get_data(as_text=True)
    entry = entry_for(store_of(app), "fr", message)
    block = page[page.index(f'id="entry-{entry.id}"') :]
    block = block[: block.index("</li>")]
    assert f'href="/staff/translations/fr/entries/{entry.id}/listen.mp3"' in block
    assert f'data-sound-text="t-{entry.id}-0"' in block
    assert f'href="/staff/recordings/fr/{entry.id}"' in block
    assert "No recording" in block
    # One control per entry, inside the entry's English column, on every page of the list.
    assert block.index("data-sound-listen") < block.index('class="editor-entry__translation"')
    assert page.count("data-sound-listen") == page.count('class="editor-entry ') <= 25
    # Filipino has no voice: the entries offer recording, not a synthetic Listen.
    filipino = translator.get("/staff/translations/fil/").get_data(as_text=True)
    assert "data-sound-listen" not in filipino
    assert "/staff/recordings/fil/" in filipino


def test_listen_reads_the_text_in_the_box_with_the_lexicon_applied(
    translator: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    entry = entry_for(store_of(app), "ru", "Sciatica is pain that comes from the sciatic nerve.")
    address = f"/staff/translations/ru/entries/{entry.id}/listen.mp3"
    saved = translator.get(address)
    assert saved.status_code == 200
    assert saved.mimetype == "audio/mpeg"
    assert "no-store" in saved.headers["Cache-Control"]
    check_mp3(saved.data)
    draft = translator.get(address, query_string={"text": "Ишиас."})
    with app.app_context():
        speech = app.extensions["kiosk_speech"]
        voice = speech.voice("ru")
        assert draft.data == speech.render(voice, "Ишиас.").read_bytes()
        assert draft.data != speech.render(voice, "Ишиас.", lexicon=False).read_bytes()
    # Placeholders are read as a sample number, never as "percent open bracket".
    counted = entry_for(store_of(app), "fr", "Number %(number)d: %(status)s.")
    heard = translator.get(f"/staff/translations/fr/entries/{counted.id}/listen.mp3")
    assert heard.status_code == 200
    assert seconds(heard.data, tmp_path) < 4


def test_listen_explains_what_it_cannot_do(translator: FlaskClient, app: Flask) -> None:
    entry = entry_for(store_of(app), "fr", "Causes")
    address = f"/staff/translations/fr/entries/{entry.id}/listen.mp3"
    empty = translator.get(address, query_string={"text": " … "})
    assert empty.status_code == 422
    assert "nothing to read" in empty.get_json()["error"]
    assert translator.get(address, query_string={"text": "a" * 3000}).status_code == 413
    filipino = entry_for(store_of(app), "fil", "Causes")
    silent = translator.get(f"/staff/translations/fil/entries/{filipino.id}/listen.mp3")
    assert silent.status_code == 404
    assert "no voice" in silent.get_json()["error"]
    desk = app.test_client()
    login(desk, "Desk")
    assert desk.get(address).status_code == 403
    assert app.test_client().get(address).status_code == 302


def panel(client: FlaskClient, lang: str = "fr") -> str:
    """The How it sounds panel."""
    response = client.get(f"/staff/translations/{lang}/pronunciation")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def save(client: FlaskClient, lang: str, **form: str) -> tuple[int, str]:
    """Post the panel's form, token and all, and follow the answer."""
    token = csrf_token(panel(client, lang))
    response = client.post(
        f"/staff/translations/{lang}/pronunciation", data={"csrf_token": token, **form}, follow_redirects=True
    )
    return response.status_code, response.get_data(as_text=True)


def test_the_panel_lists_the_shipped_lexicon_with_listen_buttons(translator: FlaskClient) -> None:
    page = panel(translator, "ru")
    assert "ишиас" in page
    assert "[[ISy&#39;As]]" in page
    assert "shipped with the kiosk" in page
    assert "/staff/translations/ru/pronunciation/listen.mp3?word=%D0%B8%D1%88%D0%B8%D0%B0%D1%81&amp;fix=1" in page
    arabic = panel(translator, "ar")
    lines = (REPO_ROOT / "pronunciation" / "ar.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line.strip() and not line.startswith(("#", "word\t"))]  # not the column names
    assert arabic.count('<tr id="word-') == len(rows)
    assert "has no voice" in panel(translator, "fil")


def test_a_good_entry_is_saved_and_read_again_where_the_pages_use_it(translator: FlaskClient, app: Flask) -> None:
    # The pages' clips are in the cache, as after `kiosk speech warm`.
    with app.app_context():
        speech = app.extensions["kiosk_speech"]
        for voice, sentence in speech.page_jobs(["fr"]):
            speech.render(voice, sentence)
    status, page = save(translator, "fr", word="hanche", replacement="anche", reason="hip", original="")
    assert status == 200
    assert "Saved “hanche”" in page
    assert "sentences on its pages were read again" in page
    assert "added by staff" in page
    with app.app_context():
        assert app.extensions["kiosk_speech"].pronunciation.lexicon("fr").apply("la hanche") == "la anche"
    status, page = save(translator, "fr", word="hanche", replacement="an-che", reason="hip", original="hanche")
    assert "Saved “hanche”" in page
    token = csrf_token(page)
    removed = translator.post(
        "/staff/translations/fr/pronunciation/remove",
        data={"csrf_token": token, "word": "hanche"},
        follow_redirects=True,
    )
    assert "Removed “hanche”" in removed.get_data(as_text=True)
    with app.app_context():
        assert app.extensions["kiosk_speech"].pronunciation.find("fr", "hanche") is None


@pytest.mark.parametrize(
    ("lang", "word", "replacement", "expected"),
    [
        ("ru", "ишиас", "[[ISy%Qx]]", "does not know some of these phonemes"),
        ("fr", "dos", "do", "another language"),
        ("ar", "اطلب", "اطلب", "without all its vowels"),
        ("fr", "dos", "[[d'o", "double brackets"),
        ("fr", "", "dau", "at least one letter"),
    ],
)
def test_an_entry_that_breaks_the_engine_is_refused_and_nothing_changes(
    translator: FlaskClient, app: Flask, lang: str, word: str, replacement: str, expected: str
) -> None:
    data = Path(app.instance_path) / "pronunciation" / f"{lang}.json"
    before = data.read_bytes() if data.exists() else None
    status, page = save(translator, lang, word=word, replacement=replacement, reason="test", original="")
    assert status == 422
    assert expected in page
    assert f'value="{replacement}"' in page.replace("&#39;", "'"), "what was typed stays in the form"
    assert (data.read_bytes() if data.exists() else None) == before


def test_a_changed_shipped_entry_can_be_put_back(translator: FlaskClient, app: Flask) -> None:
    save(translator, "vi", word="Kirin", replacement="Ky-rin", reason="better", original="Kirin")
    assert "shipped, changed by staff" in panel(translator, "vi")
    token = csrf_token(panel(translator, "vi"))
    translator.post("/staff/translations/vi/pronunciation/restore", data={"csrf_token": token, "word": "Kirin"})
    page = panel(translator, "vi")
    assert "Ki-rin" in page
    assert "changed by staff" not in page


def test_the_panel_plays_an_entry_with_and_without_it_and_a_replacement_before_saving(
    translator: FlaskClient, tmp_path: Path
) -> None:
    address = "/staff/translations/fr/pronunciation/listen.mp3"
    fixed = translator.get(address, query_string={"word": "dos", "fix": "1"})
    plain = translator.get(address, query_string={"word": "dos", "fix": "0"})
    assert fixed.status_code == plain.status_code == 200
    assert fixed.data != plain.data
    tried = translator.get(address, query_string={"word": "nuque", "replacement": "[[n'yk]]"})
    assert tried.status_code == 200
    assert seconds(tried.data, tmp_path) > 0.2
    refused = translator.get(address, query_string={"word": "nuque", "replacement": "[[n'yk"})
    assert refused.status_code == 422
    assert "double brackets" in json.loads(refused.data)["error"]


def test_the_lexicon_routes_need_a_translator_and_a_csrf_token(app: Flask) -> None:
    desk = app.test_client()
    login(desk, "Desk")
    assert desk.get("/staff/translations/fr/pronunciation").status_code == 403
    tran = app.test_client()
    login(tran, "Tran")
    forged = tran.post("/staff/translations/fr/pronunciation", data={"word": "x", "replacement": "y"})
    assert forged.status_code == 400
    assert io.BytesIO(forged.data).read()
