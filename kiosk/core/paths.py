"""Where the repository's own folders are, as absolute paths: Flask would resolve relative ones against kiosk/."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
TEMPLATES = REPO_ROOT / "templates"
STATIC = REPO_ROOT / "static"
TRANSLATIONS = REPO_ROOT / "translations"
NODE_MODULES = REPO_ROOT / "node_modules"
