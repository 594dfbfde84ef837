"""Running the phonetic check over every voiced catalog, against the accepted exceptions, and saying what it found."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.speech.check import (
    SCOPES,
    Checker,
    Finding,
    LanguageReport,
    catalog_messages,
    catalog_path,
    distinct,
    load_exceptions,
)
from kiosk.speech.lexicon import EMPTY, Lexicon
from kiosk.speech.phonemes import Reader
from kiosk.speech.problems import describe
from kiosk.speech.validate import problems as entry_problems


@dataclass
class CheckResult:
    """Everything one run found: per-language reports, what is new, and what the exceptions no longer match."""

    reports: list[LanguageReport] = field(default_factory=list)
    new: list[Finding] = field(default_factory=list)
    accepted: int = 0
    stale_exceptions: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # bad exception rows, bad lexicon lines or entries

    @property
    def failed(self) -> bool:
        """True when CI must fail: a finding nobody accepted, or a broken file."""
        return bool(self.new or self.problems)


def run_check(
    read: Reader,
    voices: Mapping[str, str],
    catalogs: Path,
    lexicon_of: Callable[[str], Lexicon] | None,
    exceptions: Path,
    lexicon_problems: Callable[[str], list[str]] = lambda lang: [],
) -> CheckResult:
    """Check each voiced language's catalog; lexicon_of None checks the text as the kiosk had it before the lexicon."""
    result = CheckResult()
    accepted, result.problems = load_exceptions(exceptions)
    used: set[tuple[str, str]] = set()
    for lang, voice in voices.items():
        po = catalog_path(catalogs, lang)
        if not po.is_file():
            continue
        lexicon = lexicon_of(lang) if lexicon_of else EMPTY
        messages = catalog_messages(po, lang, lexicon, fixes=lexicon_of is not None)
        report = Checker(read, lang, voice).check(messages)
        result.reports.append(report)
        for finding in report.findings.values():
            key = (lang, finding.word)
            if key in accepted:
                used.add(key)
                result.accepted += 1
            else:
                result.new.append(finding)
        if lexicon_of is not None:
            result.problems += [f"{lang}: {problem}" for problem in lexicon_problems(lang)]
            for entry in lexicon.entries:
                for problem in entry_problems(read, lang, voice, entry.replacement):
                    result.problems.append(f"{lang}: lexicon entry {entry.word!r}: {describe(problem)}")
    checked = {report.lang for report in result.reports}
    result.stale_exceptions = sorted(key for key in accepted if key not in used and key[0] in checked)
    return result


ARABIC_HEADER = [
    "Arabic",
    "words read",
    "vowel-less content words",
    "vowel-less function words",
    "marked but misread",
    "hiatus",
]
COLUMNS = (
    ("messages", "messages"),
    ("switches to English", "switch_runs_en"),
    ("messages with a switch", "messages_with_switch"),
    ("numbers in another language", "numbers_wrong_language"),
    ("wrong stress", "stress_wrong"),
)


def table(result: CheckResult) -> Iterator[str]:
    """Yield the counts per language and scope, then the Arabic counts, as plain text lines."""
    header = ["language", "scope", *(title for title, _ in COLUMNS), "switch words"]
    rows = []
    for report in result.reports:
        for scope in SCOPES:
            counts = report.counts.get(scope, {})
            values = [str(counts.get(key, 0)) for _, key in COLUMNS]
            rows.append([report.lang, scope, *values, str(distinct(report, "switch", scope))])
    yield from _aligned(header, rows)
    arabic = [report for report in result.reports if report.lang == "ar"]
    if arabic:
        yield ""
        rows = []
        for scope in SCOPES:
            rows.append(
                [
                    scope,
                    str(arabic[0].counts.get(scope, {}).get("arabic_words", 0)),
                    str(distinct(arabic[0], "arabic", scope, "vowel-less content")),
                    str(distinct(arabic[0], "arabic", scope, "vowel-less function")),
                    str(distinct(arabic[0], "arabic", scope, "misread")),
                    str(distinct(arabic[0], "arabic", scope, "hiatus")),
                ]
            )
        yield from _aligned(ARABIC_HEADER, rows)


def _aligned(header: list[str], rows: list[list[str]]) -> Iterator[str]:
    """Yield a header and rows as columns padded to their widest cell."""
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header))]
    for row in [header, *rows]:
        yield "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()


def findings_text(findings: list[Finding]) -> Iterator[str]:
    """Yield one line per finding, with an example message."""
    for finding in sorted(findings, key=lambda item: (item.lang, item.kind, item.word)):
        example = finding.messages[0][:70]
        more = f" and {len(finding.messages) - 1} more" if len(finding.messages) > 1 else ""
        yield (
            f"  {finding.lang}\t{finding.kind}\t{finding.word}\t{finding.detail}  "
            f"[{','.join(sorted(finding.scopes))}; in {example!r}{more}]"
        )
