"""The on-screen keyboard for a visitor's first name: its layouts and what each key does."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from kiosk.core.models import FIRST_NAME_MAX
from kiosk.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Layout:
    """One set of keys, shown a row at a time."""

    code: str
    label: str  # what the switch button shows: the first letters of the set, in its own script
    name: object  # a translated description for screen readers
    rows: tuple[str, ...]


# Tone and accent marks that combine with the letter before them, as Vietnamese names need.
COMBINING_MARKS = "\u0301\u0300\u0309\u0303\u0323"

LAYOUTS: dict[str, Layout] = {
    layout.code: layout
    for layout in (
        Layout("latin", "ABC", _l("Letters A to Z"), ("qwertyuiop", "asdfghjkl'", "zxcvbnm-")),
        Layout(
            "accents",
            "ÀÉÑ",
            _l("Letters with accents"),
            ("áàâäãåæ", "éèêëēę", "íìîïóòôöõø", "úùûüçñßýÿ", "ăđơưœłšž" + COMBINING_MARKS),
        ),
        Layout("cyrillic", "АБВ", _l("Cyrillic letters"), ("йцукенгшщзх", "фывапролджэ", "ячсмитьбюъё")),
        Layout("arabic", "أبت", _l("Arabic letters"), ("ضصثقفغعهخحج", "شسيبلاتنمكط", "ذءؤرىةوزظدأإآ")),
    )
}
# The layout a language starts with; any other can be switched to.
LANGUAGE_LAYOUTS = {"ru": "cyrillic", "ar": "arabic"}
BACKSPACE, SPACE, CLEAR = "backspace", "space", "clear"
# Keys that show a symbol rather than a letter, named for screen readers and speech mode.
KEY_NAMES = {
    # TRANSLATORS: The name of the ' key of the on-screen keyboard, read aloud (as in O'Brien).
    "'": _l("apostrophe"),
    # TRANSLATORS: The name of the - key of the on-screen keyboard, read aloud (as in Jean-Luc).
    "-": _l("hyphen"),
    # TRANSLATORS: Names of the Vietnamese tone-mark keys of the on-screen keyboard, read aloud.
    "\u0301": _l("acute accent"),
    "\u0300": _l("grave accent"),
    "\u0309": _l("hook above"),
    "\u0303": _l("tilde"),
    "\u0323": _l("dot below"),
}


def layout_for(language_code: str, wanted: str | None = None) -> Layout:
    """Return the layout asked for, or the one that suits the language."""
    if wanted in LAYOUTS:
        return LAYOUTS[wanted]
    return LAYOUTS[LANGUAGE_LAYOUTS.get(language_code.split("_")[0], "latin")]


def mark_label(key: str) -> str:
    """Return what a key shows: a combining mark sits on a dotted circle so it can be seen."""
    return "\u25cc" + key if unicodedata.combining(key) else capital(key)


def key_name(key: str) -> str | None:
    """Return the spoken name of a key that shows a symbol, or None for a letter, which names itself."""
    name = KEY_NAMES.get(key)
    return str(name) if name is not None else None


def capital(key: str) -> str:
    """Return the capital of a letter, or the letter itself when its capital is not one letter (ß)."""
    upper = key.upper()
    return upper if len(upper) == 1 else key


def tidy(typed: str | None) -> str:
    """Return letters typed so far without control characters, keeping spaces (the next key may need one)."""
    text = unicodedata.normalize("NFC", typed or "")
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    return text[:FIRST_NAME_MAX]


def press(name: str, key: str) -> str:
    """Return the name after one key press; a word's first letter is a capital."""
    if key == BACKSPACE:
        # Remove a whole letter with its marks, not just its last code point.
        trimmed = name[:-1]
        while trimmed and unicodedata.combining(trimmed[-1]):
            trimmed = trimmed[:-1]
        return unicodedata.normalize("NFC", trimmed)
    if key == CLEAR:
        return ""
    if key == SPACE:
        typed = " " if name and not name.endswith(" ") else ""
    elif len(key) == 1 and (key.isalpha() or key in "'-" or unicodedata.combining(key)):
        if unicodedata.combining(key) and not (name and name[-1].isalpha()):
            return name
        typed = capital(key) if not name or name[-1] in " -" else key
    else:
        return name
    result = unicodedata.normalize("NFC", name + typed)
    return result if len(result) <= FIRST_NAME_MAX else name
