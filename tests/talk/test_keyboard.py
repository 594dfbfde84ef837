"""The on-screen keyboard's rules, shared by the no-JavaScript path and mirrored by talk.js."""

from __future__ import annotations

import pytest

from kiosk.talk import keyboard


def type_keys(*keys: str) -> str:
    """Press keys in order from an empty name."""
    name = ""
    for key in keys:
        name = keyboard.press(name, key)
    return name


@pytest.mark.parametrize(
    ("keys", "name"),
    [
        (("a", "n", "a"), "Ana"),
        (("m", "a", "r", "i", "e", "-", "c", "l", "a", "i", "r", "e"), "Marie-Claire"),
        (("space", "j", "o", "space", "space", "a", "n"), "Jo An"),
        (("o", "'", "b"), "O'b"),
        (("\u0301", "a", "\u0301"), "Á"),
        (("e", "\u0302", "\u0301"), "Ế"),
        (("a", "space", "\u0301"), "A "),
        (("ß",), "ß"),
        (("н", "и", "н", "а"), "Нина"),
        (("م", "ر", "ي", "م"), "مريم"),
        (("a", "b", "backspace"), "A"),
        (("a", "\u0301", "backspace"), ""),
        (("a", "b", "clear"), ""),
        (("<", ">", "1", "?", "ab", "&"), ""),
    ],
)
def test_keys_build_a_name_with_capitals_and_marks(keys: tuple[str, ...], name: str) -> None:
    assert type_keys(*keys) == name


def test_a_name_stops_at_forty_letters() -> None:
    assert type_keys(*["a"] * 50) == "A" + "a" * 39


def test_each_language_starts_on_letters_it_can_write() -> None:
    assert keyboard.layout_for("ru").code == "cyrillic"
    assert keyboard.layout_for("ar").code == "arabic"
    assert keyboard.layout_for("pt_BR").code == "latin"
    assert keyboard.layout_for("ar", "accents").code == "accents"
    assert keyboard.layout_for("en", "klingon").code == "latin"


def test_every_key_is_a_single_character_and_shows_something() -> None:
    for layout in keyboard.LAYOUTS.values():
        for row in layout.rows:
            for key in row:
                assert len(key) == 1
                assert keyboard.mark_label(key).strip()


def test_letters_typed_so_far_keep_their_spaces_but_lose_control_characters() -> None:
    assert keyboard.tidy("Ana \x00\x1b") == "Ana "
    assert keyboard.tidy("x" * 100) == "x" * 40
    assert keyboard.tidy(None) == ""
