"""The audit's server errors from hostile input, now clear 4xx answers on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from tests.helpers.desk import PASSWORD, add_account, login


def test_the_audits_hostile_inputs_get_clear_4xx_answers(storage_apps: Callable[..., Flask]) -> None:
    app = storage_apps()
    add_account(app, "Ana")
    desk = app.test_client()
    login(desk, "Ana")
    # A ticket id past any integer column: no such request, on both databases.
    for ticket_id in (2**31, 2**63, 2**64, 10**40):
        assert desk.post(f"/staff/requests/{ticket_id}/done").status_code == 404
    # A NUL byte in the login name (PostgreSQL cannot store or compare one).
    visitor = app.test_client()
    refused = visitor.post("/staff/login", data={"name": "Ana\x00", "password": PASSWORD})
    assert refused.status_code == 400
    assert "characters that cannot be used, so nothing was done" in refused.get_data(as_text=True)
    # A newline in next: the login page and the sign-in both answer, and the sign-in stays on the kiosk.
    assert visitor.get("/staff/login?next=/%0a/evil.example").status_code == 200
    signed_in = visitor.post("/staff/login?next=/%0d%0a/evil.example", data={"name": "Ana", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/"


def test_a_nul_byte_in_a_visitor_form_is_refused_in_the_visitors_page(app: Flask) -> None:
    response = app.test_client().post("/en/talk-to-staff", data={"reason": "book", "first_name": "A\x00"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "characters that cannot be used" in body
    assert 'data-nav="home"' in body
