"""Surviving an outage: the shell the service worker keeps, its version, and the calm offline page's words.

The kiosk's pages carry the visit (its session, its ticket), so the worker never keeps them; it keeps only
the shell (styles and scripts), and one offline page per language with the urgent-help topic's red flags.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kiosk.i18n import gettext as _
from kiosk.visitor import content

# What every visitor page loads, in order; the service worker keeps each of them for when the server is away.
SHELL_STYLES = (
    "core/tokens.css",
    "visitor/kiosk.css",
    "visitor/cards.css",
    "visitor/layout.css",
    "talk/talk.css",
    "speech/listen.css",
    "speech/mode.css",
)
SHELL_SCRIPTS = (
    "visitor/heal.js",
    "visitor/kiosk.js",
    "visitor/idle.js",
    "visitor/feedback.js",
    "visitor/shell.js",
    "talk/talk.js",
    # Speech mode's voice first: reading aloud plays through it, and the rest of speech mode builds on it.
    "speech/voice.js",
    "speech/listen.js",
    "speech/screen.js",
    "speech/mode.js",
    "speech/touch.js",
    "speech/keys.js",
    "speech/announce.js",
    "speech/outage.js",
    "clinics/heartbeat.js",
)
# What the offline page loads: a subset of the shell, so it shows with no server at all.
# In a visit with speech mode on, the offline page is said aloud from clips kept while the server answered.
OFFLINE_STYLES = ("core/tokens.css", "visitor/kiosk.css", "visitor/cards.css", "visitor/layout.css", "speech/mode.css")
OFFLINE_SCRIPTS = ("visitor/heal.js", "visitor/offline.js", "speech/outage.js")
# Every static file the worker keeps, once each.
KEPT_FILES = tuple(dict.fromkeys((*SHELL_STYLES, *SHELL_SCRIPTS, *OFFLINE_STYLES, *OFFLINE_SCRIPTS)))
WORKER_SOURCE = "visitor/sw.js"
OFFLINE_TEMPLATE = "visitor/offline.html"
# The templates the offline page is made of: an edit to any of them changes what the worker must keep.
OFFLINE_TEMPLATES = (OFFLINE_TEMPLATE, "visitor/_red_flags.html", "components/icons.html")
RED_FLAGS = "urgent-help"


def restarting_message(number: str) -> str:
    """Return the calm words the kiosk shows while its server is away, with the number to call."""
    # TRANSLATORS: Shown while the kiosk's server restarts. %(number)s is the local emergency telephone number.
    return _("The kiosk is restarting. If you need urgent help, call %(number)s or ask at the desk.", number=number)


def red_flags() -> content.Topic:
    """Return the topic whose blocks the offline page shows: the signs that need help now."""
    return content.BY_SLUG[RED_FLAGS]


def shell_files(static: Path) -> list[Path]:
    """Return every static file the worker keeps, its own source included."""
    return [static / name for name in (*KEPT_FILES, WORKER_SOURCE)]


def page_files(templates: Path) -> list[Path]:
    """Return the files the offline page is made from: its templates, and the content's English words."""
    return [templates / name for name in OFFLINE_TEMPLATES] + [Path(content.__file__)]


def catalog_files(translations: Path) -> list[Path]:
    """Return the compiled catalogs, whose words the offline pages carry."""
    try:
        folders = sorted(entry.path for entry in os.scandir(translations) if entry.is_dir())
    except FileNotFoundError:
        return []
    return [Path(folder, "LC_MESSAGES", "messages.mo") for folder in folders]


def shell_version(files: Iterable[Path], settings: Mapping[str, Any]) -> str:
    """Return a short fingerprint of the shell: it changes whenever a kept file or a setting it shows changes."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for path in files:
        try:
            stat = path.stat()
        except FileNotFoundError:
            digest.update(f"{path}:missing".encode())
            continue
        digest.update(f"{path}:{stat.st_mtime_ns}:{stat.st_size}".encode())
    return digest.hexdigest()[:16]


def worker_script(source: str, shell: Mapping[str, Any]) -> str:
    """Return the service worker: its settings as one line of JSON, then its source.

    The settings carry the version, so a deployment changes the script's bytes, which is what makes
    the browser install the new worker and drop the old caches.
    """
    return f"self.KIOSK_SHELL = {json.dumps(shell, sort_keys=True)};\n{source}"
