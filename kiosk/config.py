"""Default settings; instance/config.py and KIOSK_* environment variables override them."""

from __future__ import annotations

from typing import Any

# Only known kiosk screens may send requests to the front desk. The kiosk on the server itself
# (loopback) is KIOSK_NAME; screens elsewhere are listed by network address, e.g. {"10.0.0.21": "Upstairs"},
# or hold a kiosk key (`kiosk kiosks add NAME`), which also tells apart several screens behind one proxy.
KIOSK_NAME = "Waiting room"
KIOSK_NAMES: dict[str, str] = {}
# False refuses requests from the server's own loopback address (every kiosk then needs a key).
KIOSK_LOOPBACK = True
# Requests one kiosk may send in a window; more are refused calmly and logged.
REQUEST_LIMIT_PER_KIOSK = 6
REQUEST_LIMIT_WINDOW_SECONDS = 60

# Reverse proxies (nginx for TLS) whose X-Forwarded-For, -Proto and -Host are believed: addresses or
# networks, such as ["127.0.0.1", "::1"]. Empty: no proxy, and those headers are ignored.
TRUSTED_PROXIES: list[str] = []
# Strict-Transport-Security on answers that came over HTTPS (0 leaves it out).
HSTS_SECONDS = 31_536_000

# Catalog identifiers, in the order the language picker shows them.
LANGUAGES = ["en", "es", "fr", "pt_BR", "zh_Hans", "vi", "ar", "ru", "fil"]
DEFAULT_LANGUAGE = "en"

# Seconds of no touch before "Are you still there?", then seconds of countdown before the reset. The
# timer starts with a visit's first touch, so an untouched welcome screen never asks.
IDLE_SECONDS = 90
IDLE_COUNTDOWN_SECONDS = 30
# The text size a visit starts with: "normal" (24 px), "large" (30 px) or "largest" (36 px).
DEFAULT_TEXT_SIZE = "large"

# Cookie session for the visit; the idle reset clears it.
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

SEND_FILE_MAX_AGE_DEFAULT = 3600

# The database: None means a SQLite file in the data directory; KIOSK_DATABASE_URL sets any SQLAlchemy URL.
DATABASE_URL = None
# How long a write waits for another to finish before the visitor is told to try again.
DATABASE_LOCK_TIMEOUT_SECONDS = 15
# The clinic's time zone (such as "Europe/Lisbon") for ticket days and "today"; None uses the server's.
TIMEZONE = None

# Talk to staff: seconds without acknowledgement before the kiosk apologises and the desk is alerted,
# and how long a visitor's first name is kept (None: until the end of the day it was given).
ESCALATE_AFTER_SECONDS = 180
# An open request keeps the kiosk on its visit (no idle reset) until it is done, a no-show or cancelled,
# or until it has waited this long: then the visitor has most likely gone, and the kiosk may reset.
TICKET_WAIT_MAX_SECONDS = 30 * 60
FIRST_NAME_RETENTION_SECONDS = None
# The emergency telephone number visitors are told to call, in digits ("999", "112", "911"). Unset, the
# kiosk shows 112 and logs a warning at every start: set it to this clinic's number.
EMERGENCY_NUMBER: str | None = None
# Get help now: the urgent screen stays, whatever the idle timer says, until staff answer or this many
# seconds pass; after URGENT_ANSWER_SECONDS without an answer it tells the visitor to call the number.
URGENT_HOLD_SECONDS = 900
URGENT_ANSWER_SECONDS = 60
# The day the sciatica pages were last checked against their sources (shown on every page).
CONTENT_REVIEWED = "2026-11-30"
PURGE_INTERVAL_SECONDS = 300
# How often the kiosk and the front-desk dashboard ask for news.
KIOSK_POLL_SECONDS = 2
# Half a second keeps a new request's p95 on the dashboard near 0.5 s; an unchanged poll costs ~2 ms.
STAFF_POLL_SECONDS = 0.5

# Kiosk heartbeat: each kiosk's browser says it is alive every HEARTBEAT_SECONDS; the front desk sees a kiosk
# silent for more than HEARTBEAT_OFFLINE_AFTER seconds as offline (and hears it once). Environment:
# KIOSK_HEARTBEAT_SECONDS, KIOSK_HEARTBEAT_OFFLINE_AFTER. Only known kiosks (see KIOSK_NAME) beat.
HEARTBEAT_SECONDS = 30
HEARTBEAT_OFFLINE_AFTER = 90
# How often the dashboard asks which kiosks are online.
STAFF_KIOSKS_POLL_SECONDS = 5

# Staff sign-in: a session lasts at most a shift and ends after a while with no page open.
STAFF_SESSION_MAX_SECONDS = 12 * 3600
STAFF_IDLE_SECONDS = 30 * 60
# Wrong passwords allowed per window from one address, and against one account name from anywhere; past
# that, that source waits for the window to end (never longer). A browser that signed in to the account
# before has its own allowance, so guesses from elsewhere never keep the front desk out.
LOGIN_WINDOW_SECONDS = 60
LOGIN_FAILURES_PER_ADDRESS = 10
LOGIN_FAILURES_PER_ACCOUNT = 5

# Reading aloud. SPEECH_ENGINE is "pyttsx3" (libespeak-ng in worker processes) or "espeak-ng" (the
# command). SPEECH_ESPEAK_LIBRARY is "bundled" (the espeakng-loader wheel's libespeak-ng 1.52, whose
# Mandarin reads Chinese characters; Debian's 1.51 speaks tone digits as English numbers), "system",
# or a path to a libespeak-ng.so. Both engines use it; the command is run on it through LD_LIBRARY_PATH.
SPEECH_ENGINE = "pyttsx3"
SPEECH_ESPEAK_LIBRARY = "bundled"
SPEECH_ESPEAK_COMMAND = "espeak-ng"
# Voices by catalog identifier, with words a minute; a language left out (Filipino: espeak-ng has no
# voice) shows a note instead of the Listen button. Slower than espeak-ng's 175 for clarity.
SPEECH_RATE = 155
SPEECH_VOICES: dict[str, dict[str, Any]] = {
    "en": {"voice": "en-us", "rate": 155},
    "es": {"voice": "es-419", "rate": 155},
    "fr": {"voice": "fr", "rate": 145},
    "pt_BR": {"voice": "pt-br", "rate": 155},
    "zh_Hans": {"voice": "cmn", "rate": 150},
    "vi": {"voice": "vi", "rate": 150},
    "ar": {"voice": "ar", "rate": 150},
    "ru": {"voice": "ru", "rate": 150},
}
# Worker processes (one engine each), seconds a clip may take (plus 1 s per 500 characters), seconds a
# worker may take to start, and seconds to stop trying after the engine fails to start or fails 3 times.
SPEECH_WORKERS = 2
SPEECH_TIMEOUT = 5
SPEECH_START_TIMEOUT = 10
SPEECH_RETRY_SECONDS = 30
# Start the workers with the first request the server answers, so the first tap finds them ready.
SPEECH_PRESTART = True
# The shipped pronunciation lexicon, pronunciation/<lang>.tsv in the repo unless set; staff add to it in the editor.
SPEECH_LEXICON_DIR = None
# Staff recordings: the longest take in seconds, and the largest upload in bytes (two minutes of stereo WAV fit).
RECORDING_MAX_SECONDS = 120
RECORDING_MAX_UPLOAD_BYTES = 25_000_000
# Speech mode (everything on screen can be heard). Numbers below SPEECH_WHOLE_NUMBERS_BELOW are spoken
# whole ("forty-two"), larger ones digit by digit; all of them are rendered by `kiosk speech warm`.
SPEECH_WHOLE_NUMBERS_BELOW = 100
# How long a finger must rest on the screen to turn speech mode on.
SPEECH_HOLD_SECONDS = 2
# The welcome screen's spoken invitation ("Touch the screen and hold to hear it"), one language at a time:
# seconds between two, while nobody has touched the kiosk since it last started afresh. 0 turns it off.
SPEECH_INVITATION_SECONDS = 0

# Translation editor: the largest .po file and the most entries an upload may have, and how many dated
# copies of each language's .po to keep. No request body may be larger than MAX_CONTENT_LENGTH bytes.
EDITOR_MAX_UPLOAD_BYTES = 2_000_000
EDITOR_MAX_UPLOAD_ENTRIES = 5_000
EDITOR_HISTORY_COPIES = 200
MAX_CONTENT_LENGTH = 4_000_000

# Logs: one logfmt line per event on stderr (journald keeps them under systemd), else also a rotating
# file in <data dir>/logs/. `kiosk logs` reads the journal of these systemd units (a glob is fine).
LOG_LEVEL = "INFO"
LOG_FILE_BYTES = 1_000_000
LOG_FILE_COUNT = 5
LOG_JOURNAL_UNITS = ["sciatica-kiosk*"]
# Read the journal files in this folder instead of the system's (journalctl --directory): a copied journal.
LOG_JOURNAL_DIRECTORY = None

# Backups: `kiosk backup` writes one snapshot file into BACKUP_DIR (None: <data dir>/backups) and keeps
# the newest BACKUP_KEEP there.
BACKUP_DIR = None
BACKUP_KEEP = 14
