"""Helpers for the translation editor's tests: find an entry, save a translation as a staff member would."""

from __future__ import annotations

from flask import Flask

from kiosk.editor import saving, service as editor
from kiosk.editor.saving import Saved
from kiosk.editor.service import Entry
from kiosk.i18n.live import Store, load


def store_of(app: Flask) -> Store:
    """Return the live catalog store of an app."""
    return Store.for_app(app)


def entry_for(store: Store, lang: str, msgid: str) -> Entry:
    """Return the entry whose English (singular) is msgid."""
    return next(entry for entry in editor.listing(store, lang).entries if entry.sources[0] == msgid)


def save_text(
    store: Store, lang: str, msgid: str, *strings: str, user: str = "ana", fuzzy: bool = False, confirmed: bool = True
) -> Saved:
    """Save a translation of msgid the way the editor form does, from a freshly loaded page."""
    entry = entry_for(store, lang, msgid)
    version = load(store, lang).version
    return saving.save(store, lang, entry.id, list(strings), fuzzy, entry.state.token(), version, user, confirmed)
