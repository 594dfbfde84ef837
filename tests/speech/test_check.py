"""`kiosk speech check` and the entry validator: espeak-ng's phonemes show mistakes without a listener."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kiosk.core.paths import REPO_ROOT, TRANSLATIONS
from kiosk.speech import arabic
from kiosk.speech.engines.base import EngineSettings
from kiosk.speech.phonemes import Reader, reader, switches
from kiosk.speech.validate import check_entries, problems
from tests.helpers.app import make_app

SETTINGS = EngineSettings("pyttsx3", "bundled", "espeak-ng")


@pytest.fixture(scope="module")
def read() -> Reader:
    """libespeak-ng in this process (the tests never run pyttsx3 in it)."""
    return reader(SETTINGS)


@pytest.fixture(scope="module")
def check_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app whose live catalogs are a copy of the repo's."""
    app = make_app(tmp_path_factory.mktemp("check"))
    yield app
    app.extensions["kiosk_speech"].close()


def run(app: Flask, *args: str) -> tuple[int, str]:
    """Run `kiosk speech check` and return its exit code and output."""
    result = app.test_cli_runner().invoke(args=["speech", "check", *args])
    return result.exit_code, result.output


def row(output: str, lang: str, scope: str) -> list[str]:
    """The counts of one language and scope in the check's table."""
    return next(line.split() for line in output.splitlines() if line.split()[:2] == [lang, scope])


def test_the_repo_catalogs_pass_the_check_with_the_lexicon(check_app: Flask) -> None:
    # What CI runs: every voiced catalog, with the shipped lexicon and the accepted exceptions.
    code, output = run(check_app, "--catalogs", str(TRANSLATIONS))
    assert code == 0, output
    assert "0 new." in output
    for lang in ["fr", "ru", "es", "pt_BR", "vi", "zh_Hans"]:
        assert row(output, lang, "content")[3:6] == ["0", "0", "0"], lang  # switches to English, messages, numbers
    arabic_rows = [line.split() for line in output.splitlines() if line.split()[:1] == ["content"]]
    assert arabic_rows[-1][2:6] == ["0", "0", "0", "0"], output  # vowel-less content and function words


def test_without_the_lexicon_the_known_mistakes_come_back(check_app: Flask) -> None:
    code, output = run(check_app, "--catalogs", str(TRANSLATIONS), "--no-lexicon")
    assert code == 1
    # Counts follow the catalogs (7 and 16 when the lexicon was written); each must come back, not vanish.
    assert int(row(output, "fr", "content")[3]) >= 7  # "dos" in "bas du dos", read as English
    assert int(row(output, "ru", "content")[6]) >= 16  # ишиас stressed on the first syllable
    assert "fr\tswitch\tdos" in output
    assert "zh_Hans\tswitch\t一会儿" in output
    assert "ar\tarabic\t" in output  # vowel-less Arabic words (the wording changed; some always need marks)


def test_a_new_mistake_fails_the_check_and_names_the_word(check_app: Flask, tmp_path: Path) -> None:
    catalogs = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, catalogs)
    po = catalogs / "fr" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "La sciatique est', 'msgstr "Le weekend, la sciatique est', 1), encoding="utf-8")
    code, output = run(check_app, "--catalogs", str(catalogs), "--lang", "fr")
    assert code == 1
    assert "fr\tswitch\tweekend" in output


def test_an_exception_without_a_reason_is_refused(check_app: Flask, tmp_path: Path) -> None:
    exceptions = tmp_path / "exceptions.tsv"
    exceptions.write_text((REPO_ROOT / "pronunciation" / "exceptions.tsv").read_text() + "fr\tdos\t\n")
    code, output = run(check_app, "--catalogs", str(TRANSLATIONS), "--exceptions", str(exceptions), "--lang", "fr")
    assert code == 1
    assert "needs lang, word and a reason" in output


def test_the_russian_entries_are_stressed_on_the_last_syllable(read: Reader) -> None:
    assert read.phonemes("ишиас", "ru") == "'ISyVs"  # espeak-ng alone: the first syllable
    assert read.spoken("[[ISy'As]]", "ru") == "ISy'As"


@pytest.mark.parametrize(
    ("lang", "voice", "replacement", "code"),
    [
        ("ru", "ru", "[[ISy%Qx]]", "phonemes"),  # espeak-ng drops the unknown names: 'ISyxx
        ("fr", "fr", "do", "switch"),  # read as English "do"
        ("zh_Hans", "cmn", "yi hui", "switch"),
        ("ar", "ar", "اطلب", "arabic"),  # no vowel marks: /at̪lb/
        ("fr", "fr", "...", "silent"),
        ("ru", "ru", "[[_:_:]]", "silent"),  # nothing but pauses
    ],
)
def test_entries_that_the_engine_would_misread_are_refused(
    read: Reader, lang: str, voice: str, replacement: str, code: str
) -> None:
    found = problems(read, lang, voice, replacement)
    assert [problem[0] for problem in found] == [code]


@pytest.mark.parametrize(
    ("lang", "voice", "replacement"),
    [("ru", "ru", "[[ISy'As]]"), ("ru", "ru", "[[ISyAs]]"), ("fr", "fr", "dau"), ("ar", "ar", "اُطْلُبْ")],
)
def test_entries_read_as_meant_pass(read: Reader, lang: str, voice: str, replacement: str) -> None:
    assert problems(read, lang, voice, replacement) == []


def test_the_editor_checks_entries_in_a_child_process() -> None:
    jobs = [
        {"lang": "ru", "voice": "ru", "replacement": "[[ISy'As]]"},
        {"lang": "ru", "voice": "ru", "replacement": "[[ISy%Qx]]"},
        {"lang": "xx", "voice": "no-such-voice", "replacement": "a"},
    ]
    answers = check_entries(SETTINGS, jobs)
    assert answers[0] == []
    assert answers[1][0][0] == "phonemes"
    assert answers[1][0][1]["read"] == "'ISyxx"
    assert answers[2][0][0] == "engine"


def test_arabic_rules_catch_consonant_runs_and_pass_vowelled_words(read: Reader) -> None:
    assert arabic.broken_rules(read.phonemes("يضغط", "ar", ipa=True)) == ["R1"]
    assert "R3" in arabic.broken_rules(read.phonemes("اطلب", "ar", ipa=True))
    assert arabic.broken_rules(read.phonemes("يَضْغَطُ", "ar", ipa=True)) == []
    assert switches(read.phonemes("bas du dos", "fr")) == [("en", "d'0s")]
