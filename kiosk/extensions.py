"""The Flask extensions the app shares, created here so no module imports the factory for them."""

from __future__ import annotations

from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx

csrf = CSRFProtect()
htmx = Htmx()
