"""The phonetic check behind `kiosk speech check`: how espeak-ng reads every voiced catalog's speech text.

Each translated message a visitor sees (page content, and the other visitor screens) is made into the
text the engine reads: placeholders become a sample digit, then the lexicon and the Arabic fixes apply.
espeak-ng's phoneme output of it then shows, without a listener:

- words that switch to another language ("(en)d'0s(fr)" for French "dos");
- Arabic words read without their vowels (kiosk.speech.arabic's rules);
- numbers read in another language;
- known stress mistakes (Russian ишиас, stressed on the last syllable).

Staff-only screens are left out: they are never read to a visitor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.i18n import catalogs
from kiosk.i18n.live import parse
from kiosk.speech import arabic
from kiosk.speech.lexicon import Lexicon, engine_text
from kiosk.speech.phonemes import Reader, switches
from kiosk.speech.text import normalize

SAMPLE_DIGIT = "3"
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeExXr]")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_PUNCTUATION = "，。、：；！？（）《》「」『』【】“”‘’…—·"
OPENING = "«“‘\"'([{¿¡（「『【《"
CLOSING = "»”’\"')]},;:!?….،؛؟。，、：；！？）」』】》"
# Where a message is shown, from its catalog locations; the old flat module names still count.
CONTENT = ("kiosk/visitor/content.py", "kiosk/content.py")
VISITOR = (
    "templates/visitor/",
    "templates/components/",
    "templates/talk/",
    "templates/errors/",
    "templates/speech/",
    "templates/base.html",
    "kiosk/visitor/",
    "kiosk/talk/",
    "kiosk/speech/views.py",
    "kiosk/speech/say.py",
    "kiosk/speech/mode_strings.py",
    "kiosk/errors.py",
    "kiosk/talk.py",
    "kiosk/display.py",
    "kiosk/listen.py",
    "kiosk/visitor.py",
    "kiosk/keyboard.py",
    "kiosk/tickets.py",
)
SCOPES = ("content", "visitor")
# Words whose stress espeak-ng gets wrong: every form must come out with these phonemes.
KNOWN_STRESS = {"ru": (re.compile(r"(?<!\w)ишиас\w*", re.IGNORECASE), "ISy'As")}


@dataclass(frozen=True)
class Message:
    """One translated form of a message, as the engine reads it."""

    lang: str
    msgid: str
    scope: str
    text: str  # the speech text before the lexicon
    speech: str  # what the engine gets


@dataclass
class Finding:
    """One word read wrongly, with every message it is in."""

    lang: str
    kind: str  # "switch", "arabic", "number", "stress" or "lexicon"
    word: str
    detail: str
    scopes: set[str] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)

    def seen_in(self, message: Message) -> None:
        """Note a message the word is in."""
        self.scopes.add(message.scope)
        if message.msgid not in self.messages:
            self.messages.append(message.msgid)


@dataclass
class LanguageReport:
    """What the check found in one language, with counts per scope."""

    lang: str
    findings: dict[tuple[str, str], Finding] = field(default_factory=dict)
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def add(self, message: Message, kind: str, word: str, detail: str) -> None:
        """Record a finding in a message."""
        finding = self.findings.setdefault((kind, word), Finding(message.lang, kind, word, detail))
        finding.seen_in(message)


def scope_of(locations: Iterable[tuple[str, int | None]]) -> str:
    """Return "content" (read aloud on the pages), "visitor" (other visitor screens) or "staff"."""
    paths = [path for path, _line in locations]
    if any(path.endswith(CONTENT) for path in paths):
        return "content"
    if any(path.startswith(VISITOR) for path in paths):
        return "visitor"
    return "staff"


def speech_text(msgstr: str) -> str:
    """Return a msgstr as it is spoken: placeholders as a sample digit, %% as %, one canonical form."""
    return normalize(PLACEHOLDER.sub(SAMPLE_DIGIT, msgstr.replace("%%", "\0")).replace("\0", "%"))


def catalog_messages(po: Path, lang: str, lexicon: Lexicon, fixes: bool = True) -> list[Message]:
    """Return every translated, reviewed form of every visitor message in a catalog."""
    messages = []
    for message in parse(po.read_bytes(), lang):
        if not message.id or message.fuzzy:
            continue
        scope = scope_of(message.locations)
        if scope not in SCOPES:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for form in forms:
            if form:
                text = speech_text(form)
                speech = engine_text(text, lang if fixes else "", lexicon)
                messages.append(Message(lang, msgid, scope, text, speech))
    return messages


def words(text: str, lang: str) -> list[str]:
    """Cut speech text into words to blame; Chinese into runs of Han characters and the rest."""
    found = []
    for chunk in text.split():
        chunk = chunk.lstrip(OPENING).rstrip(CLOSING)
        if chunk.endswith(".") and not chunk.startswith("."):
            chunk = chunk.rstrip(".")
        if not chunk or chunk.startswith("[["):
            continue
        if lang == "zh_Hans":
            pieces = re.findall(rf"{HAN.pattern}+|[^\s{CJK_PUNCTUATION}\u3400-\u9fff]+", chunk)
            stripped = (piece.lstrip(OPENING).rstrip(CLOSING) for piece in pieces)
            found += [piece for piece in stripped if piece]
        else:
            found.append(chunk)
    return found


class Checker:
    """Runs the check for one language on one libespeak-ng, remembering what each text reads as."""

    def __init__(self, read: Reader, lang: str, voice: str) -> None:
        self.read = read
        self.lang = lang
        self.voice = voice
        self._heard: dict[tuple[str, bool], str] = {}

    def heard(self, text: str, ipa: bool = False) -> str:
        """Return what the engine says for text (synthesis when it holds phoneme input)."""
        key = (text, ipa)
        if key not in self._heard:
            self._heard[key] = self.read.read(text, self.voice, ipa)
        return self._heard[key]

    def _smallest_switch(self, run: str) -> str:
        """Return the shortest piece of a Han run that switches language on its own (一会儿, not the sentence)."""
        for length in range(1, len(run) + 1):
            for start in range(len(run) - length + 1):
                if switches(self.heard(run[start : start + length])):
                    return run[start : start + length]
        return run

    def check(self, messages: list[Message]) -> LanguageReport:
        """Check every message of the language."""
        report = LanguageReport(self.lang)
        for message in messages:
            counts = report.counts[message.scope]
            counts["messages"] += 1
            heard = self.heard(message.speech)
            found = switches(heard)
            counts["switch_runs"] += len(found)
            counts["switch_runs_en"] += sum(1 for code, _ in found if code.startswith("en"))
            counts["messages_with_switch"] += bool(found)
            message_words = words(message.speech, self.lang)
            if found:
                self._blame_switches(report, message, message_words)
            self._numbers(report, message, message_words)
            self._stress(report, message, heard)
            if self.lang == "ar":
                self._arabic(report, message)
        return report

    def _blame_switches(self, report: LanguageReport, message: Message, message_words: list[str]) -> None:
        """Find the words that switch language on their own."""
        blamed = False
        for word in message_words:
            if not switches(self.heard(word)):
                continue
            if self.lang == "zh_Hans" and HAN.search(word):
                word = self._smallest_switch(word)
            blamed = True
            codes = ",".join(sorted({code for code, _ in switches(self.heard(word))}))
            report.add(message, "switch", word, f"read in {codes}: {self.heard(word)}")
        if not blamed:
            heard = self.heard(message.speech)
            report.add(message, "switch", message.speech, f"the message switches language: {heard}")

    def _numbers(self, report: LanguageReport, message: Message, message_words: list[str]) -> None:
        """Find numbers whose digits are read in another language."""
        for word in message_words:
            if not any(char.isdigit() for char in word):
                continue
            digits = re.findall(r"\d+(?:[.,]\d+)*", word)
            without = re.sub(r"\d", "", word).strip(".,:;-()")
            digits_switch = any(switches(self.heard(run)) for run in digits)
            word_switch = bool(switches(self.heard(word))) and (not without or not switches(self.heard(without)))
            if digits_switch or word_switch:
                report.add(message, "number", word, f"the digits are read in another language: {self.heard(word)}")
                report.counts[message.scope]["numbers_wrong_language"] += 1

    def _stress(self, report: LanguageReport, message: Message, heard: str) -> None:
        """Check the known stress mistakes: each occurrence must come out with the right phonemes."""
        if self.lang not in KNOWN_STRESS:
            return
        pattern, expected = KNOWN_STRESS[self.lang]
        occurrences = pattern.findall(message.text)
        if occurrences and heard.count(expected) < len(occurrences):
            report.add(message, "stress", occurrences[0].lower(), f"stressed wrongly: {heard}")
            report.counts[message.scope]["stress_wrong"] += 1

    def _arabic(self, report: LanguageReport, message: Message) -> None:
        """Check every Arabic word alone: it must read with its vowels."""
        counts = report.counts[message.scope]
        for word in arabic.WORD.findall(message.speech):
            ipa = self.heard(word, ipa=True)
            broken = arabic.broken_rules(ipa)
            counts["arabic_words"] += 1
            if not broken:
                continue
            vowelless = bool(set(broken) & arabic.VOWELLESS_RULES)
            marked = arabic.has_vowel_marks(word)
            kind = "vowel-less" if vowelless and not marked else "misread" if vowelless else "hiatus"
            label = "function word" if word in arabic.FUNCTION_WORDS else "content word"
            report.add(message, "arabic", word, f"{kind} {label} ({', '.join(broken)}): /{ipa}/")


def distinct(report: LanguageReport, kind: str, scope: str, detail: str = "") -> int:
    """Count the distinct words of a kind found in a scope, whose detail starts with a given text."""
    return sum(
        1
        for finding in report.findings.values()
        if finding.kind == kind and scope in finding.scopes and finding.detail.startswith(detail)
    )


def load_exceptions(path: Path) -> tuple[dict[tuple[str, str], str], list[str]]:
    """Read accepted findings (lang, word, reason); a row without a reason is a problem, not an exception."""
    accepted: dict[tuple[str, str], str] = {}
    problems: list[str] = []
    if not path.is_file():
        return accepted, [f"{path} is missing"]
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith(("#", "lang\t")):
            continue
        cells = line.split("\t")
        if len(cells) != 3 or not cells[2].strip():
            problems.append(f"{path.name}:{number}: needs lang, word and a reason, separated by tabs")
            continue
        accepted[(cells[0], normalize(cells[1]))] = cells[2].strip()
    return accepted, problems


def catalog_path(folder: Path, lang: str) -> Path:
    """Return a language's .po file in a catalogs folder."""
    return catalogs.po_path(folder, lang)
