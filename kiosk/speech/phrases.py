"""A phrasebook: every text the kiosk can show in one language, and how a text on screen is spoken as clips.

Speech mode says what is on the screen, and only that. A text is spoken as one or more clips, each the
rendering of a text the phrasebook holds:
- a sentence of a message ("Start", "Reading aloud is not working right now."), a language's own name,
  a key of the on-screen keyboard, or a text another feature added;
- a message with placeholders, such as "Your number is %(number)d", as its fixed words and the number:
  the clip of "Your number is" and the clip of "42";
- a number: a whole number below a limit ("42"), else digit by digit ("1", "2", "3"), as are spaced
  digits ("1 1 2") and digits a message fills in as text (%(number)s: a telephone number, "1", "5");
- a paragraph, as its sentences; a label made of known pieces ("Book a massage · Today"), as its pieces;
- a first name typed on the kiosk's keyboard, letter by letter, when the screen marks it as a name.
Anything else is not the kiosk's text, and is never rendered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from kiosk.i18n.rules import PLACEHOLDER
from kiosk.speech.text import normalize, sentences, speakable

# "Book a massage · Today", "Text size: large": pieces a template joins with a separator.
_SEPARATOR = re.compile(r"\s*[·•|/:–—]\s+|\s+[·•|/–—]\s*")
_LEADING = re.compile(r"^[\W_]+")
_SPACED_DIGITS = re.compile(r"\d(?:[\s-]\d)+")
MAX_SPELLED = 60  # letters; a first name has at most 40


@dataclass(frozen=True)
class Pattern:
    """A message with placeholders, as a regular expression over the text on screen."""

    regex: re.Pattern[str]
    literals: tuple[tuple[str, ...], ...]  # the sentences of the fixed words before each value, and after the last
    spelled: tuple[bool, ...] = ()  # per value: digits given as text (%s, a telephone number) are read one by one


def _digits_value(value: str) -> bool:
    """Tell whether a placeholder's value is a number, or digits spaced so a voice reads them one by one."""
    return value.isdigit() or bool(_SPACED_DIGITS.fullmatch(value))


def _pieces(literal: str) -> tuple[str, ...]:
    """Return the sentences of a message's fixed words, without the punctuation left over from a placeholder."""
    text = _LEADING.sub("", normalize(literal))
    return tuple(sentence for sentence in sentences(text) if speakable(sentence))


class Phrasebook:
    """The texts of one language that may be spoken, and the rules that split a text on screen into them."""

    def __init__(
        self,
        formats: Iterable[str],
        texts: Iterable[str] = (),
        letters: Mapping[str, str] | None = None,
        whole_below: int = 100,
        messages: Mapping[str, str] | None = None,
    ) -> None:
        """Learn the messages (translated, placeholders and all), extra plain texts and the keyboard's letters.

        messages maps the text of each message that reads the same every time to the message's id, so a
        staff recording of it can be played instead.
        """
        self.whole_below = whole_below
        self.messages = {normalize(text): key for text, key in (messages or {}).items()}
        self.letters = {char: normalize(label) for char, label in (letters or {}).items()}
        self.patterns: list[Pattern] = []
        self._known: dict[str, None] = {}  # an ordered set: the warm-up renders in this order
        for number in range(whole_below):
            self._add(str(number))
        for fmt in formats:
            self._learn(fmt)
        for text in texts:
            self._learn_text(text)
        for label in self.letters.values():
            self._learn_text(label)

    def _add(self, text: str) -> None:
        if speakable(text):
            self._known.setdefault(text, None)

    def _learn_text(self, text: str) -> None:
        """Know a plain text by its sentences, and as a whole when it is one sentence."""
        for sentence in sentences(text):
            self._add(sentence)

    def _learn(self, fmt: str) -> None:
        """Know a message: as plain text, or as a pattern when it has placeholders."""
        fmt = normalize(fmt)
        found = [match for match in PLACEHOLDER.finditer(fmt) if match.group("type") != "%"]
        if not found:
            self._learn_text(fmt.replace("%%", "%"))
            return
        regex, literals, spelled, position = "", [], [], 0
        for match in found:
            literal = fmt[position : match.start()].replace("%%", "%")
            literals.append(_pieces(literal))
            whole = match.group("type") in "diu"
            regex += re.escape(literal) + (r"(\d+)" if whole else r"(.+?)")
            spelled.append(not whole)
            position = match.end()
        tail = fmt[position:].replace("%%", "%")
        literals.append(_pieces(tail))
        if not any(literals):
            return  # a bare placeholder says nothing of its own, and would match any text
        self.patterns.append(Pattern(re.compile(regex + re.escape(tail)), tuple(literals), tuple(spelled)))
        for pieces in literals:
            for piece in pieces:
                self._add(piece)

    def texts(self) -> list[str]:
        """Return every text this phrasebook may speak, for the warm-up."""
        return list(self._known)

    def knows(self, text: str) -> bool:
        """Tell whether a text is one clip's worth of the kiosk's own words."""
        return text in self._known

    def number(self, value: str) -> list[str]:
        """Speak a number whole when it is small, else digit by digit."""
        digits = [char for char in value if char.isdigit()]
        whole = "".join(digits)
        if value.isdigit() and (len(whole) == 1 or whole[0] != "0") and int(whole) < self.whole_below:
            return [str(int(whole))]
        return [str(int(digit)) for digit in digits]

    def parts(self, text: str, segments: Iterable[str] = (), spell: bool = False) -> list[str] | None:
        """Return the clips' texts that speak a text on screen, in order; None when it is not the kiosk's.

        spell=True spells a name the visitor typed on the kiosk's keyboard, and nothing else.
        """
        text = normalize(text)
        if spell:
            return self._spelled(text) if text else []
        if not speakable(text):
            return []
        found = self._whole(text)
        if found is None:
            found = self._sentences(text)
        if found is None:
            found = self._segments([normalize(segment) for segment in segments])
        return found

    def _whole(self, text: str) -> list[str] | None:
        """Speak a text that is one known text, a number, or a message with its placeholders filled."""
        if text in self._known:
            return [text]
        if _digits_value(text):
            return self.number(text)
        for pattern in self.patterns:
            match = pattern.regex.fullmatch(text)
            if match is None:
                continue
            spoken = list(pattern.literals[0])
            for value, after, spelled in zip(match.groups(), pattern.literals[1:], pattern.spelled, strict=True):
                said = self._value(value.strip(), spelled)
                if said is None:
                    break
                spoken += said + list(after)
            else:
                return spoken
        return None

    def _value(self, value: str, spelled: bool = False) -> list[str] | None:
        """Speak what fills a placeholder: a count whole, a telephone number digit by digit, or a known text."""
        if _digits_value(value):
            return [digit for digit in value if digit.isdigit()] if spelled else self.number(value)
        if value in self._known:
            return [value]
        return self._sentences(value)

    def _piece(self, text: str) -> list[str] | None:
        """Speak one sentence: whole, or as the pieces a separator joins."""
        found = self._whole(text)
        if found is not None:
            return found
        pieces = [piece for piece in _SEPARATOR.split(text) if speakable(piece)]
        if len(pieces) < 2:
            return None
        spoken: list[str] = []
        for piece in pieces:
            said = self._whole(piece)
            if said is None:
                return None
            spoken += said
        return spoken

    def _sentences(self, text: str) -> list[str] | None:
        """Speak a text sentence by sentence."""
        spoken: list[str] = []
        for sentence in sentences(text):
            said = self._piece(sentence)
            if said is None:
                return None
            spoken += said
        return spoken

    def _segments(self, segments: list[str]) -> list[str] | None:
        """Speak a text as the separate pieces of text its element holds, such as "A" and "larger"."""
        if len(segments) < 2:
            return None
        spoken: list[str] = []
        for segment in segments:
            if not speakable(segment):
                continue
            said = self._whole(segment)
            if said is None:
                said = self._sentences(segment)
            if said is None:
                return None
            spoken += said
        return spoken

    def _spelled(self, text: str) -> list[str] | None:
        """Spell a name typed on the kiosk's own keyboard, letter by letter."""
        if len(text) > MAX_SPELLED:
            return None
        spoken: list[str] = []
        for char in text:
            if char.isspace():
                continue
            label = self.letters.get(char)
            if label is None:
                return None
            if speakable(label):
                spoken.append(label)
        return spoken
