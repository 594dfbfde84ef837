"""Helpers for the staff tests: accounts, logging in, and the CSRF token a page carries."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from kiosk.core import db
from kiosk.staff import accounts

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_account(app: Flask, name: str, *roles: str) -> int:
    """Add an account with PASSWORD and the given roles (front_desk by default); return its id."""
    with db.session_scope(app) as session:
        return accounts.add(session, name, PASSWORD, roles or ["front_desk"]).id


def csrf_token(html: str) -> str:
    """Return the first CSRF token in a page."""
    found = TOKEN.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> None:
    """Log in through the real form, token and all."""
    token = csrf_token(client.get("/staff/login").get_data(as_text=True))
    response = client.post("/staff/login", data={"name": name, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
