"""Default settings; instance/config.py and KIOSK_* environment variables override them."""

from __future__ import annotations

# The kiosk's name on the staff dashboard, when several kiosks share one server.
KIOSK_NAME = "Waiting room"

# Catalog identifiers, in the order the language picker shows them.
LANGUAGES = ["en", "es", "fr", "pt_BR", "zh_Hans", "vi", "ar", "ru", "fil"]
DEFAULT_LANGUAGE = "en"

# Seconds of no touch before "Are you still there?", then seconds of countdown before the reset.
IDLE_SECONDS = 90
IDLE_COUNTDOWN_SECONDS = 30

# Cookie session for the visit; the idle reset clears it.
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

SEND_FILE_MAX_AGE_DEFAULT = 3600
