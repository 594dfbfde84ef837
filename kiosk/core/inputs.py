"""Input no route can use is refused up front with a clear 400: NUL bytes, and ids past the database's integers."""

from __future__ import annotations

from flask import Flask, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, ValidationError

from kiosk.i18n import lazy_gettext as _l

# Ids are INTEGER columns: 32 bits on PostgreSQL. A larger number in a URL matches no route (a 404)
# instead of reaching the database and failing there.
ID_MAX = 2**31 - 1


class BoundedInt(IntegerConverter):
    """Werkzeug's int converter, limited to what an id column can hold."""

    def to_python(self, value: str) -> int:
        """Convert the path segment, refusing (no route matches) a number no id can be."""
        number = int(super().to_python(value))
        if number > ID_MAX:
            raise ValidationError()
        return number


class UnusableInput(BadRequest):
    """A request with characters no form or address of the kiosk accepts; nothing was done."""

    message = _l("This address or form has characters that cannot be used, so nothing was done.")


def _has_nul(values: MultiDict[str, str]) -> bool:
    """Tell whether a MultiDict's keys or values hold a NUL byte."""
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_unusable_input() -> None:
    """Refuse a NUL byte in the query or form: text never has one, and PostgreSQL cannot store one."""
    if _has_nul(request.args) or (request.method == "POST" and _has_nul(request.form)):
        raise UnusableInput()


def init_app(app: Flask) -> None:
    """Bound the int converter and check every request's input."""
    app.url_map.converters["int"] = BoundedInt
    app.before_request(refuse_unusable_input)
