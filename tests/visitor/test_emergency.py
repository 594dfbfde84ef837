"""The EMERGENCY_NUMBER and CONTENT_REVIEWED settings: checked at start, a loud default, digits read one by one."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kiosk.visitor import emergency
from tests.helpers.app import make_app


def test_an_unset_number_shows_112_and_startup_warns_clearly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.visitor.emergency"):
        app = make_app(tmp_path / "data")
    (warning,) = [record for record in caplog.records if record.name == "kiosk.visitor.emergency"]
    assert "EMERGENCY_NUMBER is not set" in warning.getMessage()
    assert "112" in warning.getMessage()
    assert emergency.number(app.config) == "112"


def test_a_set_number_is_used_and_nothing_is_said(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kiosk.visitor.emergency"):
        app = make_app(tmp_path / "data", EMERGENCY_NUMBER="999")
    assert [record for record in caplog.records if record.name == "kiosk.visitor.emergency"] == []
    assert emergency.number(app.config) == "999"


def test_the_number_may_come_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_EMERGENCY_NUMBER", "911")  # read as JSON: the number 911
    assert emergency.number(make_app(tmp_path / "a").config) == "911"
    monkeypatch.setenv("KIOSK_EMERGENCY_NUMBER", "000")  # not JSON: kept as written, zeros and all
    assert emergency.number(make_app(tmp_path / "b").config) == "000"


@pytest.mark.parametrize("wrong", ["", "11 2", "call 112", "+112", "1", "123456789", "１１２"])
def test_a_number_that_cannot_be_dialled_stops_the_start_with_a_clear_message(tmp_path: Path, wrong: str) -> None:
    with pytest.raises(emergency.SettingError, match="EMERGENCY_NUMBER must be the emergency telephone number"):
        make_app(tmp_path / "data", EMERGENCY_NUMBER=wrong)


def test_a_review_date_that_is_not_a_date_stops_the_start(tmp_path: Path) -> None:
    with pytest.raises(emergency.SettingError, match="CONTENT_REVIEWED must be a date written YYYY-MM-DD"):
        make_app(tmp_path / "data", CONTENT_REVIEWED="last Tuesday")


def test_speech_reads_the_number_digit_by_digit() -> None:
    assert emergency.spoken("112") == "1 1 2"
    assert emergency.spoken("000") == "0 0 0"
