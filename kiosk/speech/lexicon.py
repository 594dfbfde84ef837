"""The pronunciation lexicon: whole-word replacements applied to the text sent to the engine, never the screen.

A language's lexicon is a list of entries: a word as the catalog writes it, and what the engine gets
instead: a respelling in the same language (Arabic with its vowel marks, French "dau" for "dos") or
espeak-ng phoneme input in double brackets (`[[ISy'As]]`). The shipped entries are tab-separated files
in `pronunciation/` (word, replacement, reason); staff add to them in the translation editor.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.speech.problems import Problem, describe
from kiosk.speech.text import normalize

HEADER = ["word", "replacement", "reason"]
MAX_WORD = 80
MAX_REPLACEMENT = 300
# Combining marks count as part of a word, so Arabic vowel marks and shadda never end one.
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0900-\u0903\u093a-\u094f"
_WORD = rf"[\w{_MARKS}]"
# Chinese and Japanese write no spaces between words, so an edge on these needs no word boundary.
_HAN = re.compile(r"[\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PHONEMES = re.compile(r"\[\[([^\[\]]+)\]\]")


class LexiconError(ValueError):
    """An entry that cannot be used; the problem says why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(describe(problem))
        self.problem = problem


@dataclass(frozen=True)
class Entry:
    """One word and what the engine reads instead."""

    word: str
    replacement: str
    reason: str
    origin: str = "repo"  # "repo" (shipped) or "staff" (added or changed in the editor)

    @property
    def phonemes(self) -> bool:
        """True when the replacement is espeak-ng phoneme input rather than a respelling."""
        return self.replacement.startswith("[[")


def _clean(text: str) -> str:
    """Return text in the kiosk's canonical form (NFC, single spaces)."""
    return normalize(text)


def structure_problem(word: str, replacement: str) -> Problem | None:
    """Say what is wrong with an entry's shape, without asking the engine; None when it is well formed."""
    if not any(unicodedata.category(char)[0] in "LN" for char in word) or "[" in word or "]" in word:
        return ("word", {})
    if len(word) > MAX_WORD:
        return ("long", {"limit": str(MAX_WORD)})
    if not replacement:
        return ("empty", {})
    if len(replacement) > MAX_REPLACEMENT:
        return ("long", {"limit": str(MAX_REPLACEMENT)})
    if ("[" in replacement or "]" in replacement) and (
        not _PHONEMES.fullmatch(replacement) or not replacement[2:-2].strip()
    ):
        return ("brackets", {})
    return None


def entry(word: str, replacement: str, reason: str, origin: str = "repo") -> Entry:
    """Make an entry from raw text, refusing a malformed one."""
    word, replacement, reason = _clean(word), _clean(replacement), " ".join(reason.split())
    problem = structure_problem(word, replacement)
    if problem:
        raise LexiconError(problem)
    return Entry(word, replacement, reason, origin)


def parse(text: str, source: str) -> tuple[list[Entry], list[str]]:
    """Read a lexicon file; return its good entries and a message for each line that was skipped."""
    entries: list[Entry] = []
    problems: list[str] = []
    seen: set[str] = set()
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    rows = [(number, line) for number, line in lines if not line.startswith("#")]
    if not rows or [cell.strip() for cell in rows[0][1].split("\t")] != HEADER:
        return [], [f"{source}: the first line must be the header word<TAB>replacement<TAB>reason"]
    for number, line in rows[1:]:
        cells = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) != 3:
            problems.append(f"{source}:{number}: needs exactly three tab-separated fields")
            continue
        try:
            found = entry(*cells)
        except LexiconError as exc:
            problems.append(f"{source}:{number}: {exc}")
            continue
        if found.word.casefold() in seen:
            problems.append(f"{source}:{number}: {found.word!r} is listed twice; the first is used")
            continue
        seen.add(found.word.casefold())
        entries.append(found)
    return entries, problems


def _is_word_char(char: str) -> bool:
    """True for a letter, digit, underscore or combining mark that is not a Han character."""
    return bool(re.fullmatch(_WORD, char)) and not _HAN.fullmatch(char)


class Lexicon:
    """One language's entries, compiled into one pattern: whole words, case-insensitive, longest first."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = sorted(entries, key=lambda item: item.word.casefold())
        self._table = {item.word.casefold(): item.replacement for item in self.entries}
        parts = []
        for item in sorted(self.entries, key=lambda found: len(found.word), reverse=True):
            # A boundary only on an edge that is itself a word character, so ".po" or "3%" still match.
            before = f"(?<!{_WORD})" if _is_word_char(item.word[0]) else ""
            after = f"(?!{_WORD})" if _is_word_char(item.word[-1]) else ""
            parts.append(f"{before}{re.escape(item.word)}{after}")
        self._pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def __len__(self) -> int:
        return len(self.entries)

    def matches(self, text: str) -> list[str]:
        """Return the entries' words found in a text, in the order they appear."""
        if self._pattern is None:
            return []
        return [self._word(match.group(0)) for match in self._pattern.finditer(_clean(text))]

    def _word(self, found: str) -> str:
        """Return the entry word a match stands for."""
        return next(item.word for item in self.entries if item.word.casefold() == found.casefold())

    def apply(self, text: str) -> str:
        """Replace every whole-word match; replacements are not scanned again."""
        if self._pattern is None:
            return text

        def replace(match: re.Match[str]) -> str:
            replacement = self._table[match.group(0).casefold()]
            # Phoneme input gets a space on each side, so it never fuses with a neighbouring letter.
            return f" {replacement} " if replacement.startswith("[[") else replacement

        return " ".join(self._pattern.sub(replace, text).split())


EMPTY = Lexicon([])


def escape_phoneme_input(text: str) -> str:
    """Keep a catalog's own square brackets from being read as phoneme input, which the engines honour."""
    return text.replace("[[", "[ [").replace("]]", "] ]")


# --- Arabic: fixes that must come after NFC, which undoes the first one ---------------------------

_VOWEL_THEN_SHADDA = re.compile("([\u064b-\u0650\u0652])\u0651")
_GLIDE_GEMINATE = re.compile("([\u0648\u064a])\u0651([\u064b-\u0650])")
_GLIDE_AFTER_VOWEL = re.compile("([\u064e\u064f\u0650\u0651])([\u0648\u064a])(?=[\u064b-\u0650\u0652])")


def shadda_first(text: str) -> str:
    """Put shadda before its vowel mark: after NFC's order, espeak-ng 1.52 drops the vowel (النَّسا: ʔannnsaː)."""
    return _VOWEL_THEN_SHADDA.sub("\u0651\\1", text)


def spell_out_glide_geminates(text: str) -> str:
    """Write a doubled w or y as two letters (يَّ becomes يْيَ): espeak-ng reads the shadda form as a vowel."""
    return _GLIDE_GEMINATE.sub("\\1\u0652\\1\\2", text)


def tatweel_before_glides(text: str) -> str:
    """Put a tatweel between a vowel mark and a vowelled w or y, so espeak-ng reads a consonant (طَوِيلَة)."""
    return _GLIDE_AFTER_VOWEL.sub("\\1\u0640\\2", text)


def engine_text(text: str, lang: str, lexicon: Lexicon) -> str:
    """Return the text the engine reads: canonical form, brackets escaped, the lexicon, then Arabic fixes."""
    text = lexicon.apply(escape_phoneme_input(_clean(text)))
    if lang == "ar":
        text = tatweel_before_glides(spell_out_glide_geminates(shadda_first(text)))
    return text


def replacement_text(replacement: str, lang: str) -> str:
    """Return what the engine reads for a replacement on its own, to try it before it is saved."""
    replacement = _clean(replacement)
    return replacement if replacement.startswith("[[") else engine_text(replacement, lang, EMPTY)
