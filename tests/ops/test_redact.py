"""Redaction: a visitor's name, reason or words never survive into a log line, whatever shape they arrive in."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from kiosk.core import db
from kiosk.core.models import Ticket
from kiosk.ops import redact


@pytest.mark.parametrize(
    "text",
    [
        "GET /en/talk-to-staff/name?reason=book&when=today&first_name=Zo%C3%A9 HTTP/1.1",
        "first_name=Zoé&reason=other",
        "{'first_name': 'Zoé', 'reason': 'other'}",
        '{"first_name": "Zoé", "reason": "other", "notes": "my left leg"}',
        "ValueError: bad input first_name='Zoé O\\'Neil' reason=\"other\"",
        "note: my left leg hurts; comment=sciatica since May",
    ],
)
def test_sensitive_values_are_replaced_in_every_shape(text: str) -> None:
    scrubbed = redact.scrub(text)
    for secret in ("Zoé", "Zo%C3%A9", "other", "left leg", "since May"):
        assert secret not in scrubbed, (secret, scrubbed)
    assert redact.REDACTED in scrubbed


def test_harmless_text_is_left_as_it_is() -> None:
    text = "Served /en/topics/symptoms in 12 ms for kiosk=Upstairs; staff Ana acknowledged number 4"
    assert redact.scrub(text) == text


def test_structured_fields_with_sensitive_names_are_blanked() -> None:
    assert redact.field("first_name", "Zoé") == redact.REDACTED
    assert redact.field("Reason", "book") == redact.REDACTED
    assert redact.field("kiosk", "Upstairs") == "Upstairs"
    assert redact.field("bytes", 1200) == 1200
    assert redact.field("path", "/x?first_name=Zoé") == f"/x?first_name={redact.REDACTED}"


def test_a_database_error_never_carries_the_row_it_failed_on(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    db.migrate(engine)
    row = {"day": "2026-01-01", "number": 1, "visit": "v" * 20, "kiosk": "k", "reason": "book"}
    insert = sa.text(
        "INSERT INTO tickets (day, number, visit, kiosk, reason, first_name, status, created_at) "
        "VALUES (:day, :number, :visit, :kiosk, :reason, :first_name, 'waiting', '2026-01-01')"
    )
    with engine.begin() as connection:
        connection.execute(insert, {**row, "first_name": "Zoé"})
    with pytest.raises(sa.exc.IntegrityError) as hidden, engine.begin() as connection:
        connection.execute(insert, {**row, "first_name": "Zoé"})
    # The kiosk's engines hide parameters at the source...
    assert "Zoé" not in str(hidden.value)
    # ...and an engine that did not would still be scrubbed on its way to the log.
    plain = sa.create_engine(f"sqlite:///{tmp_path / 'k.sqlite3'}")
    with pytest.raises(sa.exc.IntegrityError) as shown, plain.begin() as connection:
        connection.execute(insert, {**row, "first_name": "Zoé"})
    assert "Zoé" in str(shown.value)
    assert "Zoé" not in redact.scrub(str(shown.value))
    assert Ticket.__tablename__ in redact.scrub(str(shown.value))
    plain.dispose()
    engine.dispose()
