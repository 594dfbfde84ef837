"""The recording screen and coverage pages: uploads checked, bad files refused with nothing written, approval."""

from __future__ import annotations

import io
import re
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from kiosk.editor import sound
from kiosk.visitor import content
from tests.helpers.app import make_app
from tests.helpers.audio import encode, speech
from tests.helpers.desk import add_account, csrf_token, login
from tests.helpers.editor import entry_for, list_page, save_text, store_of

MESSAGE = "Sciatica is pain that comes from the sciatic nerve."


@pytest.fixture(scope="module")
def take() -> bytes:
    """A WebM/Opus take of real speech."""
    samples, rate = speech("Ang sciatica ay pananakit na nagmumula sa sciatic nerve.")
    return encode(samples, rate, "webm")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app with CSRF on, a translator and a front-desk account."""
    built = make_app(tmp_path / "data", WTF_CSRF_ENABLED=True, RECORDING_MAX_UPLOAD_BYTES=3_000_000)
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


def screen(app: Flask, lang: str = "fil", msgid: str = MESSAGE) -> str:
    """The recording screen's address for a message."""
    return f"/staff/recordings/{lang}/{entry_for(store_of(app), lang, msgid).id}"


def send(
    client: FlaskClient, address: str, data: bytes, name: str = "take.webm", token: str | None = None
) -> tuple[int, str]:
    """Upload a file through the recording screen's form; return the status and the page."""
    page = client.get(address).get_data(as_text=True)
    found = re.search(r'name="token" value="([^"]*)"', page)
    assert found, page
    form = {
        "csrf_token": csrf_token(page),
        "token": found.group(1) if token is None else token,
        "source": "upload",
        "audio": FileStorage(io.BytesIO(data), name),
    }
    # Encoded here, so the test client holds the body in memory rather than in a temporary file.
    boundary, body = encode_multipart(form)
    response = client.post(
        address, data=body, content_type=f"multipart/form-data; boundary={boundary}", follow_redirects=True
    )
    return response.status_code, response.get_data(as_text=True)


def files(app: Flask) -> list[str]:
    """Every file under the recordings folder but the lock and the change marker."""
    root = Path(app.instance_path) / "recordings"
    found = (path for path in root.rglob("*") if path.is_file() and path.name not in {".lock", ".generation"})
    return sorted(str(path.relative_to(root)) for path in found)


def wav(samples: bytes, rate: int) -> bytes:
    """A plain mono WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()


def test_an_uploaded_take_waits_for_approval_then_plays_on_the_kiosk(
    translator: FlaskClient, app: Flask, take: bytes
) -> None:
    address = screen(app)
    page = translator.get(address).get_data(as_text=True)
    assert "Ang sciatica ay pananakit" in page
    assert "data-record " in page or "data-record\n" in page
    status, page = send(translator, address, take)
    assert status == 200
    assert "Recording saved" in page
    assert "Waiting for approval." in page
    assert len(files(app)) == 2  # the MP3 and its description
    approve = re.search(r'action="([^"]+/approve)"', page)
    assert approve
    approved = translator.post(approve.group(1), data={"csrf_token": csrf_token(page)}, follow_redirects=True)
    assert "Approved: the kiosk plays this one." in approved.get_data(as_text=True)
    entry = entry_for(store_of(app), "fil", MESSAGE)
    listed = translator.get(list_page(store_of(app), "fil", MESSAGE)).get_data(as_text=True)
    block = listed[listed.index(f'id="entry-{entry.id}"') :]
    assert "Recording approved" in block[: block.index("</li>")]
    assert (
        sound.state_of(app.extensions["kiosk_speech"].recordings.for_message("fil", entry.key), sound.shown_text(entry))
        == sound.APPROVED
    )
    listen = translator.get(f"/staff/translations/fil/entries/{entry.id}/listen.mp3")
    assert listen.status_code == 200, "the editor's Listen plays the approved recording in a language with no voice"


@pytest.mark.parametrize(
    ("make", "name", "expected"),
    [
        (lambda take: b"", "empty.webm", "The file is empty"),
        (lambda take: wav(bytes(2 * 44100 * 2), 44100), "silence.wav", "silent"),
        (lambda take: b"MThd not audio at all" * 100, "notes.txt", "not audio the kiosk can read"),
        (lambda take: take[:60] + bytes(len(take) - 60), "corrupt.webm", "Nothing was saved"),
        (lambda take: wav(bytes(2 * 4000), 4000), "low.wav", "4,000 Hz"),
        (lambda take: wav(bytes(2 * 8000 * 130), 8000), "long.wav", "longer than 120 seconds"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_is_written(
    translator: FlaskClient, app: Flask, take: bytes, make: object, name: str, expected: str
) -> None:
    assert callable(make)
    status, page = send(translator, screen(app), make(take), name)
    assert status in {413, 422}
    assert expected in page
    assert "Nothing was saved" in page
    assert files(app) == []


def test_a_file_over_the_upload_limit_is_refused_before_it_is_read(translator: FlaskClient, app: Flask) -> None:
    status, page = send(translator, screen(app), bytes(3_500_000), "huge.wav")
    assert status == 413
    assert "larger than 3 MB" in page
    assert files(app) == []


def test_a_take_made_while_the_translation_changed_is_refused(translator: FlaskClient, app: Flask, take: bytes) -> None:
    address = screen(app)
    page = translator.get(address).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]*)"', page)
    assert token
    save_text(store_of(app), "fil", MESSAGE, "Ang sciatica ay sakit mula sa sciatic nerve.")
    status, page = send(translator, address, take, token=token.group(1))
    assert status == 409
    assert "The translation changed while you were recording" in page
    assert "Ang sciatica ay sakit mula sa sciatic nerve." in page
    assert files(app) == []


def test_messages_that_change_each_time_cannot_be_recorded(translator: FlaskClient, app: Flask, take: bytes) -> None:
    address = screen(app, "es", "Number %(number)d: %(status)s.")
    page = translator.get(address).get_data(as_text=True)
    assert "one recording cannot stand for it" in page
    assert 'name="audio"' not in page
    response = translator.post(address, data={"csrf_token": csrf_token(page), "audio": (io.BytesIO(take), "t.webm")})
    assert response.status_code == 409
    assert files(app) == []


def test_uploads_need_a_translator_and_a_csrf_token(app: Flask, take: bytes) -> None:
    address = screen(app)
    assert app.test_client().post(address).status_code == 302
    desk = app.test_client()
    login(desk, "Desk")
    assert desk.get(address).status_code == 403
    tran = app.test_client()
    login(tran, "Tran")
    forged = tran.post(address, data={"audio": (io.BytesIO(take), "t.webm")}, content_type="multipart/form-data")
    assert forged.status_code == 400
    assert files(app) == []


def test_coverage_is_shown_per_language_and_page(translator: FlaskClient, app: Flask, take: bytes) -> None:
    overview = translator.get("/staff/recordings/").get_data(as_text=True)
    assert 'id="coverage-fil"' in overview
    assert "None: only recordings are heard" in overview
    keys = sound.page_keys(content.BY_SLUG["causes"])
    for key in keys:
        status, page = send(translator, screen(app, "fil", key), take)
        assert status == 200, page
        approve = re.search(r'action="([^"]+/approve)"', page)
        assert approve
        translator.post(approve.group(1), data={"csrf_token": csrf_token(page)})
    pages = translator.get("/staff/recordings/fil/").get_data(as_text=True)
    causes = pages[pages.index('id="page-causes"') :]
    assert "complete" in causes[: causes.index("</h2>")]
    assert f"{len(keys)} of" in pages
    overview = translator.get("/staff/recordings/").get_data(as_text=True)
    row = overview[overview.index('id="coverage-fil"') :]
    assert f'<span class="editor-percent">{len(keys)} / ' in row


def test_only_the_recording_screen_may_use_the_microphone(translator: FlaskClient, app: Flask) -> None:
    address = screen(app)
    shown = translator.get(address)
    assert shown.status_code == 200
    assert "microphone=(self)" in shown.headers["Permissions-Policy"]
    # A refused take re-renders the screen from the POST: the microphone must still work there.
    page = shown.get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]*)"', page)
    assert token, page
    refused = translator.post(address, data={"csrf_token": csrf_token(page), "token": token.group(1)})
    assert refused.status_code == 422
    assert "microphone=(self)" in refused.headers["Permissions-Policy"]
    for elsewhere in ("/staff/recordings/", "/staff/recordings/fil/", "/staff/translations/", "/en/topics", "/staff/"):
        policy = translator.get(elsewhere).headers["Permissions-Policy"]
        assert "microphone=()" in policy, elsewhere
        assert "microphone=(self)" not in policy, elsewhere


LIST_LINK = re.compile(r'href="(/staff/translations/fil/\?page=\d+)#entry-(\w+)"')


def test_coverage_links_each_message_to_its_page_of_the_entry_list(translator: FlaskClient, app: Flask) -> None:
    coverage = translator.get("/staff/recordings/fil/").get_data(as_text=True)
    links = {entry_id: address for address, entry_id in LIST_LINK.findall(coverage)}
    assert len(set(links.values())) > 1, "the pages' messages are spread over several pages of the list"
    shown = {address: translator.get(address).get_data(as_text=True) for address in set(links.values())}
    for entry_id, address in links.items():
        assert f'id="entry-{entry_id}"' in shown[address], address
    # A message's recording screen links to the same place.
    entry = entry_for(store_of(app), "fil", MESSAGE)
    assert f'href="{links[entry.id]}#entry-{entry.id}"' in translator.get(screen(app)).get_data(as_text=True)
