"""The visitor's language on the dashboard, in history and in the CSV: own script, then the staff's language."""

from __future__ import annotations

import csv
import io
from datetime import UTC

from flask import Flask
from flask.testing import FlaskClient

from kiosk.core import db
from kiosk.staff.languages import language_label
from kiosk.talk import tickets
from tests.helpers.desk import add_account, login


def desk_with_requests(app: Flask) -> FlaskClient:
    """Store an Arabic, a Chinese and an older (unrecorded) request; return a logged-in desk."""
    with db.session_scope(app) as session:
        for number, language in enumerate(["ar", "zh_Hans", None]):
            tickets.create(
                session,
                visit=f"visit-{number}".ljust(20, "x"),
                kiosk="Hall",
                reason="question",
                when=None,
                first_name=None,
                zone=UTC,
                language=language,
            )
    add_account(app, "Ana")
    client = app.test_client()
    login(client, "Ana")
    return client


def test_labels_name_a_language_in_its_own_script_and_the_staffs() -> None:
    arabic = language_label("ar", "en")
    assert arabic is not None
    assert (arabic.own, arabic.staff, arabic.direction, arabic.text) == ("العربية", "Arabic", "rtl", "العربية · Arabic")
    french_desk = language_label("zh_Hans", "fr")
    assert french_desk is not None
    assert french_desk.text == "中文 (简体) · Chinois (simplifié)"
    english = language_label("en", "en")
    assert english is not None
    assert english.text == "English"
    assert language_label(None, "en") is None


def test_the_dashboard_and_history_show_each_requests_language(app: Flask) -> None:
    desk = desk_with_requests(app)
    for page in (desk.get("/staff/").get_data(as_text=True), desk.get("/staff/history").get_data(as_text=True)):
        assert '<bdi lang="ar" dir="rtl">العربية</bdi> · <span>Arabic</span>' in page
        assert '<bdi lang="zh-Hans" dir="ltr">中文 (简体)</bdi> · <span>Chinese (Simplified)</span>' in page
        assert "not recorded" in page
    # The second name follows the staff screens' own language (chosen per account), never a visitor's.
    assert desk.get("/fr/").status_code == 200
    assert "Arabe" not in desk.get("/staff/").get_data(as_text=True)
    assert desk.post("/staff/language", data={"language": "fr"}).status_code == 303
    assert '<bdi lang="ar" dir="rtl">العربية</bdi> · <span>Arabe</span>' in desk.get("/staff/").get_data(as_text=True)


def test_the_csv_has_the_language_code_and_its_names(app: Flask) -> None:
    desk = desk_with_requests(app)
    rows = list(csv.DictReader(io.StringIO(desk.get("/staff/history.csv").get_data(as_text=True))))
    assert [(row["language"], row["language_name"]) for row in rows] == [
        ("ar", "العربية · Arabic"),
        ("zh-Hans", "中文 (简体) · Chinese (Simplified)"),
        ("", ""),
    ]
