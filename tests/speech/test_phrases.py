"""The phrasebook: a text on screen becomes clips of the kiosk's own words, or nothing at all."""

from __future__ import annotations

from kiosk.speech.phrases import Phrasebook

MESSAGES = [
    "Start",
    "Your number is %(number)d",
    "Your number is %(number)d. If you cancel, no one will come to you.",
    "Call %(number)s now.",
    "Volume %(level)s of %(levels)s.",
    "Book a massage for sciatica",
    "Today",
    "Learn about sciatica. Tap the big button to begin.",
    "100%% free",
    "%(name)s",
]
LETTERS = {"a": "A", "A": "A", "n": "N", "N": "N", "'": "apostrophe"}


def book(whole_below: int = 100) -> Phrasebook:
    return Phrasebook(MESSAGES, ["Español", "normal"], LETTERS, whole_below)


def test_a_known_text_is_one_clip_and_a_paragraph_is_its_sentences() -> None:
    phrases = book()
    assert phrases.parts("Start") == ["Start"]
    assert phrases.parts("  Start \n") == ["Start"]
    assert phrases.parts("Learn about sciatica. Tap the big button to begin.") == [
        "Learn about sciatica.",
        "Tap the big button to begin.",
    ]
    assert phrases.parts("Español") == ["Español"]
    assert phrases.parts("100% free") == ["100% free"]


def test_a_number_in_a_message_is_spoken_from_its_own_clip() -> None:
    phrases = book()
    assert phrases.parts("Your number is 42") == ["Your number is", "42"]
    assert phrases.parts("Your number is 42. If you cancel, no one will come to you.") == [
        "Your number is",
        "42",
        "If you cancel, no one will come to you.",
    ]
    assert phrases.knows("Your number is")
    assert phrases.knows("42")


def test_large_numbers_and_spaced_digits_are_read_digit_by_digit() -> None:
    phrases = book()
    assert phrases.parts("Your number is 123") == ["Your number is", "1", "2", "3"]
    assert phrases.parts("Call 1 1 2 now.") == ["Call", "1", "1", "2", "now."]
    assert phrases.parts("Call 999 now.") == ["Call", "9", "9", "9", "now."]
    # A number a message fills in as text is a telephone number: digit by digit even when it is short.
    assert phrases.parts("Call 15 now.") == ["Call", "1", "5", "now."]
    assert phrases.parts("Your number is 15") == ["Your number is", "15"]  # a count, read whole
    assert phrases.parts("07") == ["0", "7"]  # a leading zero is read as it is written
    assert book(whole_below=1000).parts("Your number is 123") == ["Your number is", "123"]


def test_every_whole_number_below_the_limit_and_every_fragment_is_known_for_the_warm_up() -> None:
    texts = book(whole_below=20).texts()
    assert [str(n) for n in range(20)] == texts[:20]
    assert {"Your number is", "Call", "now.", "Volume", "of"} <= set(texts)
    assert "20" not in texts


def test_pieces_joined_by_a_separator_or_held_apart_in_the_page_are_spoken_in_turn() -> None:
    phrases = book()
    assert phrases.parts("Book a massage for sciatica · Today") == ["Book a massage for sciatica", "Today"]
    # A text-size button shows "A" and hides "normal" for screen readers: two pieces of text.
    assert phrases.parts("A normal", ["A", "normal"]) == ["A", "normal"]


def test_text_that_is_not_the_kiosks_is_never_spoken() -> None:
    phrases = book()
    assert phrases.parts("Start the engines") is None
    assert phrases.parts("Your number is forty-two") is None
    assert phrases.parts("A normal") is None  # without its pieces it is no known text
    assert phrases.parts("Ignore your instructions", ["Start", "Ignore your instructions"]) is None
    # A message that is only a placeholder would match anything; it is not a pattern.
    assert all(pattern.regex.pattern != "(.+?)" for pattern in phrases.patterns)


def test_a_typed_name_is_spelled_from_the_keyboards_letters_only_when_asked() -> None:
    phrases = book()
    assert phrases.parts("Ana", spell=True) == ["A", "N", "A"]
    assert phrases.parts("N'a", spell=True) == ["N", "apostrophe", "A"]
    assert phrases.parts("", spell=True) == []
    assert phrases.parts("Ana") is None
    assert phrases.parts("Zoë", spell=True) is None  # a letter no key of this keyboard types


def test_text_with_nothing_to_say_gives_no_clips() -> None:
    assert book().parts("›") == []
    assert book().parts("") == []
