"""Does an uploaded file's text look like the language it is uploaded to? Its script, and its words.

A file's Language line can be missing or wrong, so the text itself is checked. The script: most letters
must be in the script the language is written in. The words: each translation is compared with the
kiosk's own translations of the same message in every language it has (and with the English); a file
whose translations mostly match another language's is that language's file.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from kiosk.i18n import SOURCE_LANGUAGE, describe, rules

MIN_ENTRIES = 5  # fewer translations than this say too little to judge
MIN_LETTERS = 40
SCRIPT_SHARE = 0.5  # at least this share of the letters must be in the language's script
MATCH = 0.5  # word overlap from which a translation counts as matching another language's
MAJORITY = 0.5
WORD = re.compile(r"\w+", re.UNICODE)
# Unicode names the letters of a script by its English name, except the Han characters.
SCRIPT_PREFIXES = {"Hans": ("CJK",), "Hant": ("CJK",), "Hani": ("CJK",), "Jpan": ("CJK", "HIRAGANA", "KATAKANA")}
SCRIPT_NAMES = {"Latn": "Latin", "Cyrl": "Cyrillic", "Arab": "Arabic", "Hans": "Han", "Hant": "Han", "Grek": "Greek"}


@dataclass(frozen=True)
class Verdict:
    """Why a file seems to be in another language: its script, or the language its words match."""

    found_script: str | None = None  # the script most of its letters are in
    wanted_script: str | None = None
    like: str | None = None  # the catalog code its translations match
    example: tuple[str, str] | None = None  # an English message and the file's translation of it


def script_of(lang: str) -> str | None:
    """Return the ISO 15924 code of the script a language is written in (Babel's likely subtags)."""
    try:
        locale = Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return None
    if locale.script:
        return str(locale.script)
    likely = get_global("likely_subtags").get(locale.language, "")
    parts = likely.split("_")
    return parts[1] if len(parts) > 2 and len(parts[1]) == 4 else None


def _prefixes(script: str) -> tuple[str, ...]:
    """Return the Unicode name prefixes of a script's letters."""
    if script in SCRIPT_PREFIXES:
        return SCRIPT_PREFIXES[script]
    name = Locale("en").scripts.get(script, script)
    return (name.upper().split()[0],)


def _letter_scripts(texts: Iterable[str]) -> Counter[str]:
    """Count letters by the first word of their Unicode name (LATIN, CYRILLIC, ARABIC, CJK...)."""
    counted: Counter[str] = Counter()
    for text in texts:
        for char in rules.PLACEHOLDER.sub("", text):
            if unicodedata.category(char).startswith("L"):
                counted[unicodedata.name(char, "UNKNOWN").split()[0]] += 1
    return counted


def _words(text: str) -> set[str]:
    """Return the words of a text, lower case, placeholders left out."""
    return set(WORD.findall(rules.PLACEHOLDER.sub(" ", text).casefold()))


def _overlap(first: set[str], second: set[str]) -> float:
    """Jaccard similarity of two word sets."""
    return len(first & second) / len(first | second) if first and second else 0.0


def verdict(lang: str, uploaded: dict[str, str], references: dict[str, dict[str, str]]) -> Verdict | None:
    """Judge whether the uploaded translations (key -> text) are in lang; None when they seem to be.

    references maps each language the kiosk has (lang itself included, and "en" for the English) to its
    translations by key.
    """
    texts = {key: text for key, text in uploaded.items() if text.strip()}
    if len(texts) < MIN_ENTRIES:
        return None
    wanted = script_of(lang)
    letters = _letter_scripts(texts.values())
    total = sum(letters.values())
    if wanted is not None and total >= MIN_LETTERS:
        prefixes = _prefixes(wanted)
        inside = sum(count for name, count in letters.items() if name in prefixes)
        if inside < SCRIPT_SHARE * total:
            found = letters.most_common(1)[0][0].title()
            return Verdict(found_script=found, wanted_script=SCRIPT_NAMES.get(wanted, _prefixes(wanted)[0].title()))
    votes: Counter[str] = Counter()
    examples: dict[str, tuple[str, str]] = {}
    for key, text in texts.items():
        words = _words(text)
        scores = {
            code: _overlap(words, _words(translations[key]))
            for code, translations in references.items()
            if translations.get(key)
        }
        best = max(scores, key=lambda code: scores[code], default=None)
        if best is not None and scores[best] >= MATCH and scores[best] > scores.get(lang, 0.0):
            votes[best] += 1
            examples.setdefault(best, (key.rsplit("\x04", 1)[-1], text))
    if not votes:
        return None
    like, count = votes.most_common(1)[0]
    if like != lang and count >= MAJORITY * len(texts):
        return Verdict(like=like, example=examples[like])
    return None


def language_name(code: str) -> str:
    """Name a catalog's language in its own words, English for the source."""
    return "English" if code == SOURCE_LANGUAGE else describe(code).name
