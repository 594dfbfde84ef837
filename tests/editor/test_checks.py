"""The checks a translation passes before it is saved, and the labels of plural boxes."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Message

from kiosk.editor.checks import ENTRY, check, max_length, plural_examples

ARABIC = "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5)"
RUSSIAN = "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"
COUNTDOWN = Message(("Going back to the start in %(num)d second.", "Going back to the start in %(num)d seconds."))
BUTTON = Message("Symptoms", auto_comments=["Menu button label. Keep it short: at most 30 characters."])


def errors(message: Message, *strings: str, nplurals: int = 1) -> list[str]:
    """Every blocking problem of a proposed translation."""
    return check(message, strings, nplurals).all_errors()


def warnings(message: Message, *strings: str) -> list[str]:
    """Every warning about a proposed translation."""
    found = check(message, strings, 1)
    assert not found.blocked, found.errors
    return [text for texts in found.warnings.values() for text in texts]


def test_arabic_plural_boxes_get_six_labels_from_the_plural_forms_header() -> None:
    assert plural_examples(ARABIC, 6) == [
        "0",
        "1",
        "2",
        "3–10, 103–110, 203–210, …",
        "100–102, 200–202, 300–302, …",
        "11–99, 111–199, 211–299, …",
    ]


def test_plural_labels_follow_each_languages_own_rule() -> None:
    assert plural_examples(RUSSIAN, 3) == ["1, 21, 31, …", "2–4, 22–24, 32–34, …", "0, 5–20, 25–30, …"]
    assert plural_examples("(n > 1)", 2) == ["0–1", "2–1000"]
    assert plural_examples("0", 1) == ["0–1000"]


def test_an_unreadable_plural_rule_gives_empty_labels_instead_of_failing() -> None:
    assert plural_examples("n ++ import os", 2) == ["", ""]


@pytest.mark.parametrize(
    ("translation", "expected"),
    [
        ("Volver en %(num)s segundos.", "Keep the placeholders exactly as in the English"),
        ("Volver en %(numero)d segundos.", "Keep the placeholders exactly as in the English"),
        ("Volver en segundos.", "Keep the placeholders exactly as in the English"),
        ("100% Volver en %(num)d segundos.", "A single % sign breaks this text"),
        ("<b>Volver</b> en %(num)d segundos.", "Remove </b>, <b>"),
        ("<script>alert(1)</script> %(num)d", "Remove </script>, <script>"),
        ("Volver\x07 en %(num)d segundos.", "control characters"),
        ("Volver en %(num)d segundos.\n", "line break"),
    ],
)
def test_blocking_problems_are_named_in_plain_words(translation: str, expected: str) -> None:
    message = Message("Going back to the start in %(num)d seconds.")
    assert any(expected in error for error in errors(message, translation))


def test_a_stray_percent_sign_is_blocked_even_without_placeholders() -> None:
    assert "A single % sign breaks this text" in errors(Message("Sure"), "100%% seguro %")[0]
    assert errors(Message("Sure"), "100%% seguro") == []


def test_every_plural_form_must_be_filled_and_each_empty_box_says_so() -> None:
    found = check(COUNTDOWN, ["%(num)d a", "", "b", "", "%(num)d c", "%(num)d d"], 6)
    assert set(found.errors) == {1, 3}
    assert "every plural form" in found.errors[1][0]


def test_later_plural_forms_may_drop_the_number_but_never_invent_a_placeholder() -> None:
    fine = ["%(num)d ثانية", "ثانية واحدة", "ثانيتين", "%(num)d ثوانٍ", "%(num)d ثانية", "%(num)d ثانية"]
    assert errors(COUNTDOWN, *fine, nplurals=6) == []
    typo = [*fine[:3], "%(nmu)d ثوانٍ", *fine[4:]]
    found = check(COUNTDOWN, typo, 6)
    assert list(found.errors) == [3]
    assert "%(nmu)d" in found.errors[3][0]


def test_the_wrong_number_of_plural_forms_is_blocked() -> None:
    found = check(COUNTDOWN, ["%(num)d a", "%(num)d b"], 6)
    assert "6 plural forms" in found.errors[ENTRY][0]


def test_an_empty_translation_is_allowed_and_makes_the_entry_untranslated() -> None:
    assert not check(BUTTON, [""], 1).blocked
    assert not check(COUNTDOWN, ["", ""], 2).blocked


def test_punctuation_unlike_the_english_is_a_warning_but_other_scripts_marks_count_as_the_same() -> None:
    message = Message("Are you still there?")
    assert any("ends with" in text for text in warnings(message, "¿Sigue ahí"))
    assert warnings(message, "هل ما زلت هنا؟") == []
    assert warnings(Message("Tap Home to start again."), "点击主页重新开始。") == []


def test_spacing_unlike_the_english_is_a_warning() -> None:
    assert any("Spaces" in text for text in warnings(Message("Back"), " Atrás"))
    assert any("double space" in text for text in warnings(Message("Go back"), "Ir  atrás"))


def test_a_translation_identical_to_the_english_is_a_warning() -> None:
    assert any("same as the English" in text for text in warnings(Message("Home"), "Home"))
    assert warnings(Message("OK 123"), "OK 123") != []
    assert warnings(Message("%(num)d"), "%(num)d") == []


def test_a_button_label_longer_than_its_translator_note_allows_is_a_warning() -> None:
    assert max_length(BUTTON.auto_comments) == 30
    assert max_length(["The one big button on the idle dialog. At most 25 characters."]) == 25
    assert max_length(["Text alternative for the drawing."]) is None
    assert warnings(BUTTON, "Síntomas") == []
    too_long = "Síntomas: cómo se siente el dolor"
    assert any("Too long for its button: 33 characters" in text for text in warnings(BUTTON, too_long))


@pytest.mark.parametrize(
    ("lang", "text", "refused"),
    [
        ("es", "Atr\u202eás", "direction controls"),  # RIGHT-TO-LEFT OVERRIDE
        ("ar", "رجوع\u2066x\u2069", "direction controls"),  # isolates: the kiosk sets direction itself
        ("es", "Atr\u200bás", "invisible characters"),  # ZERO WIDTH SPACE in a language with spaces
        ("es", "Atr\u200dás", "invisible characters"),  # ZERO WIDTH JOINER where nothing needs it
        ("ar", "\ufeffرجوع", "invisible characters"),
        ("fa", "می\u200cخواهم", None),  # Persian needs ZWNJ
        ("hi", "क्\u200dष", None),  # Devanagari uses ZWJ
        ("th", "ย้อน\u200bกลับ", None),  # Thai marks word breaks with ZWSP
        ("ar", "رجوع \u200f123", None),  # RTL text may order numbers with RLM
        ("de", "Ischias\u00adbeschwerden", None),  # a soft hyphen is a real hyphenation point
    ],
)
def test_invisible_formatting_characters_are_refused_unless_the_language_needs_them(
    lang: str, text: str, refused: str | None
) -> None:
    found = check(Message("Back"), [text], 1, lang).all_errors()
    if refused is None:
        assert found == []
    else:
        assert len(found) == 1
        assert refused in found[0]
        assert "U+" in found[0]
