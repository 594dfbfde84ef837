"""Keeping the live catalogs in step with the repo's: seed them once, then merge repo updates, keeping staff edits."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from flask import Flask

from kiosk.core.files import atomic_write
from kiosk.i18n import catalogs, journal, merge, problems
from kiosk.i18n.changes import REPO_UPDATE
from kiosk.i18n.live import CatalogRejected, Store, commit, entry_key, locked, parse, syntax_error, version_of

log = logging.getLogger(__name__)

UPSTREAM = ".upstream"  # the repo's catalogs as last merged: the common base of a three-way merge
STALE_TEMP_SECONDS = 3600


def _sync_template(store: Store) -> bool:
    """Copy the repo's messages.pot into the live folder; True when it changed."""
    assert store.source is not None
    data = (store.source / f"{catalogs.DOMAIN}.pot").read_bytes()
    if store.template.exists() and store.template.read_bytes() == data:
        return False
    atomic_write(store.template, data)
    return True


def _sync_language(store: Store, lang: str) -> None:
    """Seed or merge one language from the repo, keeping staff edits; the merge is logged as a repo update."""
    assert store.source is not None
    source_po = catalogs.po_path(store.source, lang)
    data = source_po.read_bytes()
    base_path = store.live / UPSTREAM / f"{lang}.po"
    if not store.po(lang).exists():
        atomic_write(store.po(lang), data)
        source_mo = source_po.with_suffix(".mo")
        if source_mo.exists() and source_mo.stat().st_mtime_ns >= source_po.stat().st_mtime_ns:
            atomic_write(store.mo(lang), source_mo.read_bytes())
        atomic_write(base_path, data)
        return
    if base_path.exists() and base_path.read_bytes() == data:
        return
    base = parse(base_path.read_bytes(), lang) if base_path.exists() else None
    merged = merge.merge(base, parse(store.po(lang).read_bytes(), lang), parse(data, lang))
    keys = {entry_key(message) for message in merged.catalog if message.id}
    still_open = {key: state for key, state in merge.conflicts(store, lang).items() if key in keys}
    conflicts = {**still_open, **merged.conflicts}
    try:
        commit(
            store,
            lang,
            merged.catalog,
            REPO_UPDATE,
            [change.as_json() for change in merged.changes],
            [journal.Write(base_path, data), merge.conflicts_write(store, lang, conflicts)],
        )
    except CatalogRejected as rejected:
        # The live copy stays as it was, and so does the base: the next start tries again.
        log.error("The repo's %s catalog was not merged: %s", lang, "; ".join(rejected.problems))
        return
    log.info(
        "Merged the repo's %s catalog: %d entries changed, %d conflicts for review.",
        lang,
        len(merged.changes),
        len(merged.conflicts),
    )


def _update_staff_languages(store: Store) -> None:
    """Bring languages that staff added (and the repo lacks) up to date with a new template."""
    assert store.source is not None
    template = catalogs.read_catalog(store.template)
    ours = set(catalogs.languages_on_disk(store.source))
    for lang in store.languages():
        if lang in ours:
            continue
        try:
            before = catalogs.read_catalog(store.po(lang), lang)
            catalog = catalogs.read_catalog(store.po(lang), lang)
            catalog.update(template, update_header_comment=False)
            changes = merge.changes_between(before, catalog, REPO_UPDATE, "merge")
            commit(store, lang, catalog, REPO_UPDATE, [change.as_json() for change in changes])
        except Exception:
            log.exception("Could not bring the live %s catalog up to date with the new template.", lang)


def _remove_stale_temps(live: Path) -> None:
    """Delete temp files that a killed writer left behind; a live writer's are younger than an hour."""
    cutoff = time.time() - STALE_TEMP_SECONDS
    for temp in live.glob("**/.*.tmp"):
        try:
            if temp.stat().st_mtime < cutoff:
                temp.unlink()
        except FileNotFoundError:
            continue


def _compile(store: Store, lang: str) -> None:
    """Compile a live catalog edited on disk, leaving out (and logging) entries that would break."""
    data = store.po(lang).read_bytes()
    bad = syntax_error(data.decode("utf-8", errors="replace"))
    if bad is not None:
        # Babel would skip the broken lines and compile what is left: keep the old .mo instead.
        log.error("Live catalog %s not compiled: line %d is not .po syntax.", store.po(lang), bad[0])
        return
    found = problems.by_entry(data, lang, version_of(data))
    if problems.HEADER in found:
        log.error("Live catalog %s not compiled: %s", store.po(lang), "; ".join(found[problems.HEADER]))
        return
    for key, said in found.items():
        log.error("Live catalog %s: %r is left out until it is fixed: %s", lang, key, "; ".join(said))
    catalog = parse(data, lang)
    atomic_write(store.mo(lang), catalogs.mo_bytes(problems.without(catalog, set(found)) if found else catalog))


def prepare(store: Store) -> None:
    """Seed the live catalogs from the repo, merge repo updates, and compile any .mo older than its .po."""
    with locked(store.live):
        journal.finish(store.live)
        _remove_stale_temps(store.live)
        if store.source is not None:
            template_changed = _sync_template(store)
            for lang in catalogs.languages_on_disk(store.source):
                try:
                    _sync_language(store, lang)
                except Exception:
                    log.exception("Could not bring the live %s catalog up to date with the repo.", lang)
            if template_changed:
                _update_staff_languages(store)
        for lang in store.languages():
            po, mo = store.po(lang), store.mo(lang)
            if mo.exists() and mo.stat().st_mtime_ns >= po.stat().st_mtime_ns:
                continue
            _compile(store, lang)


def init_app(app: Flask) -> None:
    """Get the live catalogs ready before the kiosk loads them."""
    prepare(Store.for_app(app))
