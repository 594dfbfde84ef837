"""Checks on a translation before it is saved: blocking errors, warnings, and plural form labels."""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Message

from kiosk.editor import language_check
from kiosk.i18n import gettext as _, rules

ENTRY = -1  # findings about the whole entry rather than one plural form
EXAMPLES_UP_TO = 1000
EXAMPLE_RUNS = 3
MAX_LENGTH = re.compile(
    r"(?:at most|no more than|maximum(?: of)?|max\.?|up to)\s+(\d+)\s+(?:characters|chars|letters)", re.IGNORECASE
)
# Sentence-ending marks, with the forms other scripts use for the same job.
ENDINGS = {
    ".": ".",
    "。": ".",
    "．": ".",
    "۔": ".",
    "?": "?",
    "？": "?",
    "؟": "?",
    "!": "!",
    "！": "!",
    ":": ":",
    "：": ":",
    ";": ";",
    "；": ";",
    "؛": ";",
    ",": ",",
    "，": ",",
    "、": ",",
    "،": ",",
    "…": "…",
}
ALLOWED_CONTROLS = {"\n", "\t"}
SOFT_HYPHEN = "\u00ad"
ZERO_WIDTH_SPACE = "\u200b"
JOINERS = {"\u200c", "\u200d"}  # ZWNJ and ZWJ: they shape letters in Arabic-script and Indic languages
DIRECTION_MARKS = {"\u200e", "\u200f", "\u061c"}  # LRM, RLM, ALM: order numbers and names in RTL text
DIRECTION_CONTROLS = {chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
JOINER_SCRIPTS = {
    "Arab",
    "Deva",
    "Beng",
    "Guru",
    "Gujr",
    "Orya",
    "Taml",
    "Telu",
    "Knda",
    "Mlym",
    "Sinh",
    "Khmr",
    "Mymr",
    "Tibt",
    "Syrc",
    "Thaa",
    "Mong",
    "Nkoo",
}
WORD_BREAK_SCRIPTS = {"Thai", "Khmr", "Laoo", "Mymr", "Tibt"}  # no spaces between words: U+200B marks breaks
MAX_TEXT = 5_000  # characters; the longest kiosk paragraph is a few hundred


@dataclass
class Findings:
    """What the checks found, by plural form index (ENTRY for the entry as a whole)."""

    errors: dict[int, list[str]] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)

    def error(self, index: int, text: str) -> None:
        """Record a blocking problem."""
        self.errors.setdefault(index, []).append(text)

    def warn(self, index: int, text: str) -> None:
        """Record something worth a second look."""
        self.warnings.setdefault(index, []).append(text)

    @property
    def blocked(self) -> bool:
        """True when anything blocks the save."""
        return any(self.errors.values())

    @property
    def warned(self) -> bool:
        """True when anything deserves a second look."""
        return any(self.warnings.values())

    def all_errors(self) -> list[str]:
        """Every blocking problem, in form order."""
        return [text for index in sorted(self.errors) for text in self.errors[index]]


def sources(message: Message) -> tuple[str, ...]:
    """Return the English: the singular, then the plural if there is one."""
    return tuple(message.id) if isinstance(message.id, tuple | list) else (str(message.id),)


def plural_examples(plural_expr: str, nplurals: int) -> list[str]:
    """Give example numbers for each plural form, worked out from the catalog's own Plural-Forms rule."""
    try:
        rule = gettext.c2py(plural_expr)
    except (ValueError, SyntaxError):
        return ["" for _ in range(nplurals)]
    runs: list[list[list[int]]] = [[] for _ in range(nplurals)]
    for number in range(EXAMPLES_UP_TO + 1):
        form = rule(number)
        if not 0 <= form < nplurals:
            continue
        found = runs[form]
        if found and found[-1][1] == number - 1:
            found[-1][1] = number
        else:
            found.append([number, number])
    labels = []
    for found in runs:
        parts = [str(a) if a == b else f"{a}–{b}" for a, b in found[:EXAMPLE_RUNS]]
        labels.append(", ".join(parts) + (", …" if len(found) > EXAMPLE_RUNS else ""))
    return labels


def max_length(comments: Sequence[str]) -> int | None:
    """Read a length limit such as "at most 30 characters" from the notes for translators."""
    for comment in comments:
        found = MAX_LENGTH.search(comment)
        if found:
            return int(found.group(1))
    return None


def _invisible(text: str, source: str, lang: str) -> list[str]:
    """Refuse invisible formatting characters, except those the language's script really needs."""
    script = language_check.script_of(lang) if lang else None
    try:
        rtl = bool(lang) and Locale.parse(lang).text_direction == "rtl"
    except (UnknownLocaleError, ValueError):
        rtl = False
    allowed = {SOFT_HYPHEN} | {ch for ch in source if unicodedata.category(ch) == "Cf"}
    if script in JOINER_SCRIPTS:
        allowed |= JOINERS
    if script in WORD_BREAK_SCRIPTS:
        allowed.add(ZERO_WIDTH_SPACE)
    if rtl:
        allowed |= DIRECTION_MARKS
    found = sorted({ch for ch in text if unicodedata.category(ch) == "Cf" and ch not in allowed})
    if not found:
        return []
    named = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '').title()}".strip() for ch in found)
    if any(ch in DIRECTION_CONTROLS for ch in found):
        return [
            _(
                "Remove the invisible direction controls (%(codes)s): they make the text show in a different "
                "order from the one it was typed in. The kiosk sets each language's direction itself.",
                codes=named,
            )
        ]
    return [
        _(
            "Remove the invisible characters (%(codes)s): this language does not need them, and they stop "
            "searching and reading aloud from working.",
            codes=named,
        )
    ]


def _form_problems(message: Message, index: int, text: str, nplurals: int, lang: str = "") -> list[str]:
    """Blocking problems of one filled form of a translation."""
    english = sources(message)
    problems = rules.form_errors(tuple(english), text, nplurals)
    source = english[min(index, len(english) - 1)]
    if len(text) > MAX_TEXT:
        problems.append(
            _(
                "This is far too long for the kiosk: %(length)d characters (at most %(limit)d).",
                length=len(text),
                limit=MAX_TEXT,
            )
        )
    controls = sorted(
        {f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROLS}
    )
    if controls:
        problems.append(_("Remove the invisible control characters (%(codes)s).", codes=", ".join(controls)))
    problems.extend(_invisible(text, source, lang))
    if source.startswith("\n") != text.startswith("\n") or source.endswith("\n") != text.endswith("\n"):
        problems.append(_("Start and end with a line break exactly where the English does."))
    return problems


def check(message: Message, strings: Sequence[str], nplurals: int, lang: str = "") -> Findings:
    """Check a proposed translation of one entry into lang; an empty one just makes the entry untranslated."""
    findings = Findings()
    if not any(strings):
        return findings
    if message.pluralizable and len(strings) != nplurals:
        findings.error(ENTRY, _("This language needs %(count)d plural forms.", count=nplurals))
        return findings
    for index, text in enumerate(strings):
        if not text:
            findings.error(index, _("Fill in this form too: every plural form is needed."))
            continue
        for problem in _form_problems(message, index, text, nplurals, lang):
            findings.error(index, problem)
    if not findings.blocked:
        _warn(message, strings, findings)
    return findings


def _ending(text: str) -> str:
    """Return the sentence-ending mark of a text, in a script-neutral form, or "" for none."""
    stripped = text.rstrip()
    if stripped.endswith("..."):
        return "…"
    return ENDINGS.get(stripped[-1:], "") if stripped else ""


def _warn(message: Message, strings: Sequence[str], findings: Findings) -> None:
    """Add the warnings: punctuation or spacing unlike the English, English left as is, too long."""
    english = sources(message)
    limit = max_length(message.auto_comments)
    for index, text in enumerate(strings):
        source = english[min(index, len(english) - 1)]
        if _ending(source) != _ending(text):
            nothing = _("no punctuation")
            findings.warn(
                index,
                _(
                    "The English ends with “%(source)s” but the translation ends with “%(translation)s”.",
                    source=_ending(source) or nothing,
                    translation=_ending(text) or nothing,
                ),
            )
        if (source[:1].isspace(), source[-1:].isspace(), source.count("\n")) != (
            text[:1].isspace(),
            text[-1:].isspace(),
            text.count("\n"),
        ):
            findings.warn(index, _("Spaces or line breaks at the start or end differ from the English."))
        elif "  " in text and "  " not in source:
            findings.warn(index, _("The translation has a double space."))
        if text.strip() == source.strip() and any(ch.isalpha() for ch in rules.PLACEHOLDER.sub("", source)):
            findings.warn(index, _("The translation is the same as the English."))
        if limit is not None and len(text) > limit:
            findings.warn(
                index,
                _(
                    "Too long for its button: %(length)d characters, and the note for "
                    "translators allows at most %(limit)d.",
                    length=len(text),
                    limit=limit,
                ),
            )
