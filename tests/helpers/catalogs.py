"""Temporary copies of the repo's catalogs that tests may break."""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.core.files import atomic_write
from kiosk.core.paths import REPO_ROOT
from kiosk.i18n import catalogs


def copy_translations(target: Path) -> Path:
    """Copy translations/ (with compiled .mo files) to target and return it."""
    shutil.copytree(REPO_ROOT / "translations", target)
    return target


def set_translation(translations: Path, lang: str, msgid: str, text: str, fuzzy: bool = False) -> None:
    """Change (or add) one translation and write both the .po and a .mo compiled without any checks."""
    path = catalogs.po_path(translations, lang)
    catalog = catalogs.read_catalog(path, lang)
    message = catalog.get(msgid) or catalog.add(msgid)
    message.string = text
    if fuzzy:
        message.flags.add("fuzzy")
    atomic_write(path, catalogs.po_bytes(catalog))
    atomic_write(path.with_suffix(".mo"), catalogs.mo_bytes(catalog))
