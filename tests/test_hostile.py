"""Every route against hostile input, on SQLite and PostgreSQL: never a 5xx, never unescaped markup,
never a redirect off the kiosk."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from kiosk.core import db
from kiosk.talk import tickets
from tests.helpers import hostile
from tests.helpers.desk import add_account, login

ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
SLOW_SECONDS = 0.03
# A valid value for each path argument, so one argument at a time can be made hostile.
VALID = {
    "lang": "en",
    "slug": "symptoms",
    "ticket_id": "1",
    "action": "done",
    "entry_id": "1",
    "token": "x",
    "index": "0",
    "name": "htmx.min.js",
    "filename": "core/tokens.css",
}


@dataclass
class Findings:
    """What the suite saw: inputs tried, and every 5xx, unescaped payload and off-site redirect."""

    inputs: set[tuple[str, str, str]] = field(default_factory=set)
    requests: int = 0
    problems: list[str] = field(default_factory=list)

    def check(self, where: str, response: object) -> None:
        """Record a response's problems."""
        self.requests += 1
        status = response.status_code  # type: ignore[attr-defined]
        headers = response.headers  # type: ignore[attr-defined]
        if status >= 500:
            self.problems.append(f"{status} on {where}")
        for name in ("Location", "HX-Redirect", "HX-Location"):
            if hostile.off_site(headers.get(name)):
                self.problems.append(f"off-site {name} {headers.get(name)!r} on {where}")
        if response.mimetype == "text/html":  # type: ignore[attr-defined]
            for payload in hostile.unescaped(response.get_data(as_text=True)):  # type: ignore[attr-defined]
                self.problems.append(f"unescaped {payload!r} on {where}")
        response.close()  # type: ignore[attr-defined]  # a file response holds its file open until closed


def path_for(rule: Rule, hostile_argument: str | None = None, payload: str = "", lang: str = "en") -> str:
    """Build a URL for rule, with one argument set to payload (percent-encoded, as a browser sends it)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == hostile_argument:
            return quote(payload, safe="")
        return lang if name == "lang" else VALID.get(name, "x")

    # Absolute, so a path that starts with "//" stays a path and is not read as a host name.
    return "http://localhost" + ARGUMENT.sub(value, rule.rule)


def routes(app: Flask) -> Iterator[tuple[Rule, str]]:
    """Yield every rule of the URL map with each of its methods."""
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.fixture
def hostile_app(storage_apps: Callable[..., Flask]) -> Flask:
    """An app with data in every table a route reads, a live catalog to edit, and no speech workers."""
    app = storage_apps(SPEECH_PRESTART=False, REQUEST_LIMIT_PER_KIOSK=100_000, LOGIN_FAILURES_PER_ADDRESS=100_000)
    add_account(app, "Desk", "front_desk", "translator")
    with db.session_scope(app) as session:
        for visit in ("visit-aaaaaaaaaaaaaaaa", "visit-bbbbbbbbbbbbbbbb"):
            tickets.create(session, visit=visit, kiosk="Hall", reason="book", when="today", first_name="Ana", zone=UTC)
    return app


def test_no_route_gives_a_server_error_unescaped_markup_or_an_off_site_redirect(hostile_app: Flask) -> None:
    findings = Findings()
    staff = hostile_app.test_client()
    login(staff, "Desk")
    visitor = hostile_app.test_client()
    names = hostile.fields()
    timings: dict[tuple[str, str], float] = {}

    def slow(endpoint: str, method: str) -> bool:
        return timings.get((endpoint, method), 0.0) > SLOW_SECONDS

    for number, (rule, method) in enumerate(routes(hostile_app)):
        client: FlaskClient = staff if number % 2 else visitor
        if rule.endpoint in {"auth.logout"}:
            client = visitor  # signing the staff client out would end the rest of the run early
        # Path segments, one argument at a time.
        arguments = ARGUMENT.findall(rule.rule)
        for argument in arguments:
            # Under a wrong language prefix too, which redirects to the right one with the rest of the path.
            for lang in ("en", "xx") if "lang" in arguments and argument != "lang" else ("en",):
                # Half the values per segment, alternating, so every value is tried on some segment.
                for index, payload in enumerate(hostile.PAYLOADS):
                    if (index + len(argument)) % 2 or (index % 6 and slow(rule.endpoint, method)):
                        continue
                    url = path_for(rule, argument, payload, lang)
                    findings.inputs.add((rule.endpoint, f"path:{argument}:{lang}", payload))
                    began = time.perf_counter()
                    response = client.open(url, method=method)
                    timings.setdefault((rule.endpoint, method), time.perf_counter() - began)
                    findings.check(f"{method} {url!r}", response)
        # Every field the app reads, in the query and (for POST) the form. A route slower than SLOW_SECONDS
        # (a page listing every locale, a login that hashes) gets every sixth payload, to keep this fast.
        payloads = hostile.PAYLOADS
        for index, payload in enumerate(payloads):
            if index % 6 and slow(rule.endpoint, method):
                continue
            values = dict.fromkeys(names, payload)
            url = path_for(rule) + "?" + urlencode(values)
            headers = {"HX-Request": "true"} if index % 2 else {}
            data = values if method == "POST" else None
            for name in names:
                findings.inputs.add((rule.endpoint, f"field:{name}", payload))
            began = time.perf_counter()
            response = client.open(url, method=method, data=data, headers=headers)
            timings.setdefault((rule.endpoint, method), time.perf_counter() - began)
            findings.check(f"{method} {rule.rule} fields={payload!r}", response)
    # Headers, on a page each of the visitor, the talk flow and the staff screens.
    for url, client in (("/en/talk-to-staff", visitor), ("/staff/", staff)):
        for name in hostile.HEADERS:
            for payload in hostile.PAYLOADS[name in {"Cookie", "Referer"} :: 3]:
                value = hostile.header_value(payload)
                if value is None:
                    continue
                sent = f"session={value}" if name == "Cookie" and client is visitor else value
                if name == "Cookie" and client is staff:
                    continue  # the staff client's own session cookie must survive
                findings.inputs.add((url, f"header:{name}", payload))
                findings.check(f"GET {url} {name}={payload!r}", client.get(url, headers={name: sent}))
    assert findings.problems == [], "\n".join(findings.problems[:40])
    # Each (route, field or header, value) is one input; most requests carry one value in many fields.
    assert len(findings.inputs) >= 2000
    assert findings.requests >= 2000
