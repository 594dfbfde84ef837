"""Staff recordings on the kiosk: Filipino pages read from them, at the voices' loudness, never stale, never listed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk.editor import sound
from kiosk.speech.processing import TARGET_LUFS, process
from kiosk.speech.recordings import RecordingStore
from kiosk.visitor import content
from tests.helpers.app import make_app
from tests.helpers.audio import encode, lufs, speech
from tests.helpers.desk import add_account, csrf_token, login
from tests.helpers.editor import entry_for, save_text, store_of

PAGE = "causes"  # five messages, the disclaimer included


@pytest.fixture(scope="module")
def take() -> bytes:
    """A quiet WebM/Opus take of real speech, with silence around it, as a browser records it."""
    samples, rate = speech("Ang sciatica ay pananakit na nagmumula sa sciatic nerve.")
    return encode(samples, rate, "webm", gain=0.25)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app with a translator; its speech workers are stopped after the test."""
    built = make_app(tmp_path / "data", WTF_CSRF_ENABLED=True)
    add_account(built, "Tran", "translator")
    yield built
    built.extensions["kiosk_speech"].close()


def recordings(app: Flask) -> RecordingStore:
    """The app's recordings."""
    store: RecordingStore = app.extensions["kiosk_speech"].recordings
    return store


def upload(client: FlaskClient, app: Flask, lang: str, msgid: str, data: bytes, name: str = "take.webm") -> str:
    """Upload a take through the recording screen, as staff do; return the page's answer."""
    entry = entry_for(store_of(app), lang, msgid)
    address = f"/staff/recordings/{lang}/{entry.id}"
    page = client.get(address).get_data(as_text=True)
    token = page.split('name="token" value="')[1].split('"')[0]
    import io

    response = client.post(
        address,
        data={"csrf_token": csrf_token(page), "token": token, "source": "upload", "audio": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    return response.get_data(as_text=True)


def approve_all(app: Flask, lang: str) -> None:
    """Approve every pending take, as a staff member would after listening."""
    for recording in recordings(app).all(lang):
        if not recording.approved:
            recordings(app).approve(lang, recording.id, "Tran")


def record_page(client: FlaskClient, app: Flask, lang: str, slug: str, take: bytes) -> None:
    """Record every message of a page: the first through the recording screen, the rest straight into the store."""
    topic = content.BY_SLUG[slug]
    keys = sound.page_keys(topic)
    assert "Recording saved" in upload(client, app, lang, keys[0], take)
    processed = process(take, 120)
    for key in keys[1:]:
        entry = entry_for(store_of(app), lang, key)
        current = sound.shown_text(entry)
        assert current is not None
        recordings(app).add(lang, entry.key, current, processed, "Tran", "upload")
    approve_all(app, lang)


def test_a_filipino_page_gets_listen_once_every_message_is_recorded_at_the_voices_loudness(
    app: Flask, take: bytes, tmp_path: Path
) -> None:
    staff = app.test_client()
    login(staff, "Tran")
    visitor = app.test_client()
    before = visitor.get(f"/fil/listen/{PAGE}").get_json()
    assert before["status"] == "no-voice"
    assert before["sentences"] == []
    record_page(staff, app, "fil", PAGE, take)
    after = visitor.get(f"/fil/listen/{PAGE}").get_json()
    assert after["status"] == "ready"
    keys = sound.page_keys(content.BY_SLUG[PAGE])
    assert len(after["sentences"]) == len(keys)
    page = visitor.get(f"/fil/topics/{PAGE}").get_data(as_text=True)
    assert 'data-listen-action="toggle"' in page
    # Each clip covers all the sentences of its message, numbered as the page highlights them.
    numbers = [number for clip in after["sentences"] for number in clip["sentences"]]
    assert numbers == list(range(len(numbers)))
    assert page.count('class="kiosk-sentence"') == len(numbers)
    clip = visitor.get(after["sentences"][0]["audio"])
    assert clip.status_code == 200
    assert clip.mimetype == "audio/mpeg"
    assert "immutable" in clip.headers["Cache-Control"]
    served = tmp_path / "served.mp3"
    served.write_bytes(clip.data)
    synthetic = tmp_path / "synthetic.mp3"
    english = visitor.get(f"/en/listen/{PAGE}").get_json()["sentences"][1]["audio"]
    synthetic.write_bytes(visitor.get(english).data)
    assert lufs(served) == pytest.approx(lufs(synthetic), abs=2)
    assert lufs(served) == pytest.approx(TARGET_LUFS, abs=1)


def test_changing_the_translation_makes_the_recording_stale(app: Flask, take: bytes) -> None:
    staff = app.test_client()
    login(staff, "Tran")
    visitor = app.test_client()
    record_page(staff, app, "fil", PAGE, take)
    listing = visitor.get(f"/fil/listen/{PAGE}").get_json()
    first = listing["sentences"][0]
    key = sound.page_keys(content.BY_SLUG[PAGE])[0]
    saved = save_text(store_of(app), "fil", key, "Mga sanhi ng sciatica")
    assert saved.saved
    now = visitor.get(f"/fil/listen/{PAGE}").get_json()
    assert now["status"] == "no-voice", "the note takes over until someone records again"
    assert visitor.get(first["audio"]).status_code == 404
    entry = entry_for(store_of(app), "fil", key)
    assert sound.state_of(recordings(app).for_message("fil", entry.key), sound.shown_text(entry)) == sound.STALE
    # In a language with a voice, the synthetic voice takes over instead.
    record_page(staff, app, "es", PAGE, take)
    assert all("/rec-" in clip["audio"] for clip in visitor.get(f"/es/listen/{PAGE}").get_json()["sentences"])
    save_text(store_of(app), "es", key, "Las causas de la ciática")
    clips = visitor.get(f"/es/listen/{PAGE}").get_json()["sentences"]
    assert "/rec-" not in clips[0]["audio"]
    assert "/rec-" in clips[1]["audio"]


def test_a_pending_take_is_not_played_and_addresses_cannot_be_guessed(app: Flask, take: bytes) -> None:
    staff = app.test_client()
    login(staff, "Tran")
    visitor = app.test_client()
    key = sound.page_keys(content.BY_SLUG[PAGE])[0]
    upload(staff, app, "es", key, take)
    pending = recordings(app).all("es")[0]
    assert not pending.approved
    assert all("/rec-" not in clip["audio"] for clip in visitor.get(f"/es/listen/{PAGE}").get_json()["sentences"])
    assert visitor.get(f"/es/listen/{PAGE}/rec-{pending.id}.mp3").status_code == 404
    recordings(app).approve("es", pending.id, "Tran")
    assert visitor.get(f"/es/listen/{PAGE}/rec-{pending.id}.mp3").status_code == 200
    # Only on its own page and language; nothing lists the folder, and ids are 128 random bits.
    assert visitor.get(f"/es/listen/symptoms/rec-{pending.id}.mp3").status_code == 404
    assert visitor.get(f"/fr/listen/{PAGE}/rec-{pending.id}.mp3").status_code == 404
    assert visitor.get(f"/es/listen/{PAGE}/rec-{'0' * 32}.mp3").status_code == 404
    assert visitor.get(f"/es/listen/{PAGE}/rec-..%2F..%2Fsecret_key.mp3").status_code == 404
    assert len(pending.id) == 32
    for path in ("/recordings/", "/es/recordings/", "/es/listen/", f"/es/listen/{PAGE}/", "/static/../recordings/"):
        answer = visitor.get(path, follow_redirects=True)
        assert pending.id not in answer.get_data(as_text=True)
        assert answer.mimetype != "audio/mpeg"
    # Staff hear it in the editor only when signed in.
    address = f"/staff/recordings/es/{entry_for(store_of(app), 'es', key).id}/{pending.id}.mp3"
    assert visitor.get(address).status_code == 302
    assert staff.get(address).status_code == 200


def test_approving_a_new_take_replaces_the_old_one_and_deleting_leaves_nothing(app: Flask, take: bytes) -> None:
    store = recordings(app)
    processed = process(take, 120)
    first = store.add("es", "Causes", "Causas", processed, "Tran", "upload")
    store.approve("es", first.id, "Tran")
    second = store.add("es", "Causes", "Causas", processed, "Ana", "microphone")
    assert store.approved("es")["Causes"].id == first.id, "the old take plays until the new one is approved"
    store.approve("es", second.id, "Ana")
    assert [recording.id for recording in store.all("es")] == [second.id]
    assert not store.audio(first).exists()
    store.delete("es", second.id)
    assert store.all("es") == []
    assert sorted(path.name for path in (store.root / "es").rglob("*") if path.is_file()) == [".generation"]


def test_a_recording_folder_is_only_ever_a_language_code(app: Flask) -> None:
    with pytest.raises(ValueError, match="language code"):
        recordings(app).all("../instance")
