"""The pronunciation lexicon: whole words only, the engine's text only, and Arabic that keeps its vowels."""

from __future__ import annotations

import pytest

from kiosk.speech.lexicon import (
    EMPTY,
    Lexicon,
    LexiconError,
    engine_text,
    entry,
    escape_phoneme_input,
    parse,
    shadda_first,
    spell_out_glide_geminates,
    tatweel_before_glides,
)
from kiosk.speech.text import normalize

FR = Lexicon([entry("dos", "dau", "back")])
RU = Lexicon(
    [entry("ишиас", "[[ISy'As]]", "stress"), entry("ишиаса", "[[ISy'Asa#]]", "stress"), entry("A до Z", "а до зет", "")]
)


def test_only_whole_words_change_in_any_case() -> None:
    assert FR.apply("Douleur dans le bas du Dos.") == "Douleur dans le bas du dau."
    assert FR.apply("Le dossier, le dosage et redos.") == "Le dossier, le dosage et redos."
    assert FR.apply("dos-à-dos") == "dau-à-dau"


def test_the_longest_entry_wins_and_phoneme_input_stands_apart() -> None:
    assert RU.apply("Лечение ишиаса.") == "Лечение [[ISy'Asa#]] ."
    assert RU.apply("Ишиас — это боль.") == "[[ISy'As]] — это боль."
    assert RU.apply("Буквы от A до Z") == "Буквы от а до зет"


def test_chinese_words_need_no_spaces_around_them() -> None:
    zh = Lexicon([entry("一会儿", "一会", "erhua")])
    assert zh.apply("请再等一会儿。") == "请再等一会。"


def test_arabic_vowel_marks_belong_to_the_word() -> None:
    ar = Lexicon([entry("اطلب", "اُطْلُبْ", "imperative")])
    assert ar.apply("اطلب المساعدة") == "اُطْلُبْ المساعدة"
    # A word that is already vowelled differently is another word, and left alone.
    assert ar.apply("اطلبَ المساعدة") == "اطلبَ المساعدة"


def test_a_catalogs_own_double_brackets_are_never_taken_as_phoneme_input() -> None:
    assert escape_phoneme_input("Press [[OK]] now") == "Press [ [OK] ] now"
    assert "[[" not in engine_text("Press [[OK]] now", "en", EMPTY)
    assert engine_text("Ишиас [[x]]", "ru", RU) == "[[ISy'As]] [ [x] ]"


def test_the_screen_text_is_never_changed_only_the_engine_text() -> None:
    shown = "Douleur dans le bas du dos."
    spoken = engine_text(shown, "fr", FR)
    assert spoken == "Douleur dans le bas du dau."
    assert shown == "Douleur dans le bas du dos."


def test_arabic_fixes_come_after_the_canonical_form_that_would_undo_them() -> None:
    nfc = normalize("النَّسا")  # NFC puts the fatha before the shadda
    assert nfc.index("\u064e") < nfc.index("\u0651")
    fixed = engine_text("النَّسا", "ar", EMPTY)
    assert fixed.index("\u0651") < fixed.index("\u064e")
    assert shadda_first("\u0628\u064e\u0651") == "\u0628\u0651\u064e"
    assert spell_out_glide_geminates("\u064a\u0651\u064e") == "\u064a\u0652\u064a\u064e"
    assert tatweel_before_glides("\u0637\u064e\u0648\u0650") == "\u0637\u064e\u0640\u0648\u0650"


@pytest.mark.parametrize(
    ("word", "replacement", "code"),
    [
        ("", "x", "word"),
        ("...", "x", "word"),
        ("dos", "", "empty"),
        ("dos", "[[d'o", "brackets"),
        ("dos", "[[d'o]] et [[o]]", "brackets"),
        ("dos", "le [[d'o]]", "brackets"),
        ("dos", "[[ ]]", "brackets"),
        ("d[o]s", "dau", "word"),
        ("x" * 81, "dau", "long"),
        ("dos", "x" * 301, "long"),
    ],
)
def test_malformed_entries_are_refused_with_a_reason(word: str, replacement: str, code: str) -> None:
    with pytest.raises(LexiconError) as refused:
        entry(word, replacement, "")
    assert refused.value.problem[0] == code
    assert str(refused.value)


def test_a_damaged_file_keeps_its_good_lines_and_reports_the_rest() -> None:
    text = "# comment\nword\treplacement\treason\ndos\tdau\tok\nbroken line\nnez\t[[n'e\tbad\nDOS\tdo\ttwice\n"
    entries, problems = parse(text, "fr.tsv")
    assert [item.word for item in entries] == ["dos"]
    assert len(problems) == 3
    assert any("fr.tsv:4" in problem for problem in problems)
    assert any("listed twice" in problem for problem in problems)
    assert parse("dos\tdau\tok\n", "fr.tsv") == (
        [],
        ["fr.tsv: the first line must be the header word<TAB>replacement<TAB>reason"],
    )


def test_the_words_an_entry_changes_are_found() -> None:
    assert RU.matches("Ишиас и ишиаса, A до Z.") == ["ишиас", "ишиаса", "A до Z"]
    assert FR.matches("Le dossier.") == []
