"""A clinic chain for real: PostgreSQL, two `kiosk serve` processes on one shared data directory, and Debian's
nginx sharing the requests between them. What one server takes in, the other shows; clinics stay apart."""

from __future__ import annotations

import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from kiosk.clinics import service as clinics
from kiosk.core import db
from kiosk.core.models import Ticket
from kiosk.editor.service import entry_id
from kiosk.staff import accounts
from tests.helpers.app import make_app
from tests.helpers.chain import Chain, eventually, start_chain
from tests.helpers.desk import PASSWORD
from tests.helpers.http import FromAddress, WebClient
from tests.helpers.storage import dispose

pytestmark = pytest.mark.chain

NORTH_KIOSK, SOUTH_KIOSK = "127.0.0.2", "127.0.0.3"
RENDERED = re.compile(r"Rendered the clip (\S+\.mp3)")


def set_up_clinics(work: Path, url: str) -> None:
    """Two clinics, each with its kiosk; Nia at North's desk, Sol at South's, and Tran translating."""
    app = make_app(work / "setup", DATABASE_URL=url)
    with db.session_scope(app) as session:
        north, south = clinics.add(session, "North"), clinics.add(session, "South")
        clinics.place_kiosk(session, "North hall", north)
        clinics.place_kiosk(session, "South hall", south)
        accounts.add(session, "Nia", PASSWORD, ["front_desk"], north)
        accounts.add(session, "Sol", PASSWORD, ["front_desk"], south)
        accounts.add(session, "Tran", PASSWORD, ["translator"], north)
    dispose(app)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chain]:
    """The running chain, shared by this module's tests."""
    work = tmp_path_factory.mktemp("chain")
    running = start_chain(work, lambda url: set_up_clinics(work, url))
    yield running
    running.stop()


def ask_for_staff(base: str, kiosk: str, first_name: str) -> str:
    """A visitor at the kiosk with this address asks to book; return the ticket number the kiosk shows."""
    visitor = WebClient(base, source=kiosk)
    visitor.get("/en/talk-to-staff/name?reason=book")
    status, page = visitor.post("/en/talk-to-staff", reason="book", first_name=first_name)
    assert status == 200, page
    found = re.search(r"data-ticket-number>(\d+)<", page)
    assert found, page
    return found.group(1)


def desk(chain: Chain, name: str, base: str | None = None) -> WebClient:
    """A front-desk browser signed in as name, through nginx unless a server's own address is given."""
    client = WebClient(base or chain.nginx.url, context=chain.nginx.tls())
    client.login(name, PASSWORD)
    return client


def ticket_id(chain: Chain, first_name: str) -> int:
    """Return the id of the request a visitor of this name made."""
    engine = sa.create_engine(chain.database_url, poolclass=NullPool)
    with engine.connect() as connection:
        found = connection.scalar(sa.select(Ticket.id).where(Ticket.first_name == first_name))
    engine.dispose()
    assert found is not None
    return int(found)


def test_a_request_made_through_one_server_shows_on_a_dashboard_served_by_the_other(chain: Chain) -> None:
    number = ask_for_staff(chain.a.url, NORTH_KIOSK, "Rui")
    on_b = desk(chain, "Nia", chain.b.url)
    eventually(lambda: "Rui" in on_b.get("/staff/requests")[1], what="server B's dashboard to show Rui")
    # Through nginx, a front desk's polls go to both servers in turn, and each shows the request.
    through_nginx = desk(chain, "Nia")
    for _ in range(4):
        status, panel = through_nginx.get("/staff/requests")
        assert status == 200
        assert "Rui" in panel
        assert f'aria-label="Number {number}"' in panel
    assert set(chain.nginx.served("/staff/requests")) == {f"127.0.0.1:{chain.a.port}", f"127.0.0.1:{chain.b.port}"}


def test_a_translation_saved_through_one_server_is_live_on_the_other_without_a_restart(chain: Chain) -> None:
    kiosk_on_b = WebClient(chain.b.url)
    assert "Síntomas y señales" not in kiosk_on_b.get("/es/topics")[1]  # B has loaded the Spanish catalog
    translator = desk(chain, "Tran", chain.a.url)
    path = f"/staff/translations/es/entries/{entry_id('Symptoms')}"
    page = translator.get(path)[1]
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    status, _ = translator.post(path, base=fields["base"], version=fields["version"], translation="Síntomas y señales")
    assert status == 200  # the editor's page after the save's redirect
    eventually(lambda: "Síntomas y señales" in kiosk_on_b.get("/es/topics")[1], what="server B to show the edit")
    assert chain.b.process.poll() is None


def test_a_clinics_staff_cannot_see_another_clinics_requests(chain: Chain) -> None:
    north_number = ask_for_staff(chain.a.url, NORTH_KIOSK, "Nuno")
    south_number = ask_for_staff(chain.b.url, SOUTH_KIOSK, "Sofia")
    assert south_number == "1"  # each clinic counts its own day
    assert int(north_number) > 1
    nia, sol = desk(chain, "Nia"), desk(chain, "Sol")
    for path in ("/staff/", "/staff/requests", "/staff/history", "/staff/history.csv"):
        for _ in range(2):  # both servers answer in turn
            north_view, south_view = nia.get(path)[1], sol.get(path)[1]
            assert ("Nuno" in north_view, "Sofia" in north_view, "South hall" in north_view) == (True, False, False), (
                path
            )
            assert ("Sofia" in south_view, "Nuno" in south_view, "North hall" in south_view) == (True, False, False), (
                path
            )
    # Knowing another clinic's request number is no way in: to Sol it does not exist.
    status, answer = sol.post(f"/staff/requests/{ticket_id(chain, 'Nuno')}/acknowledge", htmx=True)
    assert (status, "There is no such request" in answer) == (404, True)
    assert "Nuno" in nia.get("/staff/requests")[1]


def fetch(url: str) -> tuple[bytes, str]:
    """GET audio; return its bytes and ETag."""
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), str(response.headers["ETag"])


def renders(chain: Chain, clip: str) -> int:
    """Count how many times any server rendered this clip."""
    return RENDERED.findall(chain.log.read_text()).count(clip) if chain.log.exists() else 0


def test_a_clip_rendered_through_one_server_is_served_by_the_other_without_rendering_again(chain: Chain) -> None:
    status, listing = WebClient(chain.a.url).get("/en/listen/what-is-sciatica")
    assert status == 200
    first, second = re.findall(r'"audio":\s*"([^"]+)"', listing)[:2]
    before = set(RENDERED.findall(chain.log.read_text())) if chain.log.exists() else set()
    audio, etag = fetch(chain.a.url + first)
    (clip,) = set(RENDERED.findall(chain.log.read_text())) - before
    (stored,) = (chain.data_dir / "speech").rglob(clip)
    written = stored.stat()
    again, etag_b = fetch(chain.b.url + first)
    assert again == audio
    assert audio[:3] == b"ID3" or audio[0] == 0xFF
    assert etag_b == etag
    assert renders(chain, clip) == 1
    assert (stored.stat().st_ino, stored.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)

    # Asked of both servers at the same moment, a new clip is still rendered once: the other waits for it.
    before = set(RENDERED.findall(chain.log.read_text()))
    barrier, answers = threading.Barrier(4), []

    def ask(base: str) -> None:
        barrier.wait()
        answers.append(fetch(base + second)[0])

    threads = [threading.Thread(target=ask, args=(base,)) for base in (chain.a.url, chain.b.url) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 4
    assert len(set(answers)) == 1
    (new_clip,) = set(RENDERED.findall(chain.log.read_text())) - before
    assert renders(chain, new_clip) == 1


def beat(base: str, kiosk: str) -> int:
    """Send the heartbeat a kiosk page sends, from the kiosk's own address; return the status."""
    opener = urllib.request.build_opener(FromAddress(kiosk))
    request = urllib.request.Request(base + "/kiosk/heartbeat", method="POST", headers={"X-Kiosk-Heartbeat": "1"})
    with opener.open(request, timeout=15) as response:
        return int(response.status)


def test_a_heartbeat_to_one_server_shows_the_kiosk_online_to_its_own_clinic_only(chain: Chain) -> None:
    assert beat(chain.b.url, NORTH_KIOSK) == 204
    assert beat(chain.a.url, SOUTH_KIOSK) == 204
    north_panel = desk(chain, "Nia", chain.a.url).get("/staff/kiosks")[1]
    assert 'data-kiosk="North hall"' in north_panel
    assert 'data-online="true"' in north_panel
    assert "South hall" not in north_panel
    assert "North hall" not in desk(chain, "Sol", chain.b.url).get("/staff/kiosks")[1]
