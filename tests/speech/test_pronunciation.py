"""The merged lexicon: shipped entries, staff entries on top, removals that last, and a history of every change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.speech.lexicon import entry
from kiosk.speech.pronunciation import PronunciationStore


@pytest.fixture
def store(tmp_path: Path) -> PronunciationStore:
    """A shipped French lexicon of two words, and an empty data folder."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "fr.tsv").write_text("word\treplacement\treason\ndos\tdau\tback\nnez\tné\tnose\n", encoding="utf-8")
    return PronunciationStore(repo, tmp_path / "data")


def words(store: PronunciationStore, lang: str = "fr") -> dict[str, tuple[str, str]]:
    """Each word's replacement and origin."""
    return {item.entry.word: (item.entry.replacement, item.origin) for item in store.listed(lang)}


def test_the_shipped_entries_are_listed_and_applied(store: PronunciationStore) -> None:
    assert words(store) == {"dos": ("dau", "repo"), "nez": ("né", "repo")}
    assert store.lexicon("fr").apply("le dos et le nez") == "le dau et le né"
    assert store.lexicon("es").apply("la espalda") == "la espalda"


def test_staff_add_change_remove_and_restore_without_touching_the_repo(store: PronunciationStore) -> None:
    shipped = store.repo_file("fr").read_bytes()
    first = store.version("fr")
    store.save("fr", entry("genou", "jeu-nou", "knee", "staff"), "ana")
    store.save("fr", entry("dos", "do-o", "better", "staff"), "ana")
    assert words(store)["genou"] == ("jeu-nou", "staff")
    assert words(store)["dos"] == ("do-o", "changed")
    assert store.version("fr") != first
    store.remove("fr", "nez", "ana")
    assert "nez" not in words(store)
    assert store.removed("fr") == ["nez"]
    store.restore("fr", "nez", "ana")
    store.restore("fr", "dos", "ana")
    assert words(store)["nez"] == ("né", "repo")
    assert words(store)["dos"] == ("dau", "repo")
    assert store.repo_file("fr").read_bytes() == shipped
    history = [json.loads(line) for line in (store.data / "fr.changes.jsonl").read_text().splitlines()]
    assert [row["action"] for row in history] == ["save", "save", "remove", "restore", "restore"]
    assert history[1]["old"] == ["dau", "back"]
    assert history[1]["new"] == ["do-o", "better"]


def test_a_renamed_entry_replaces_the_old_word(store: PronunciationStore) -> None:
    store.save("fr", entry("Dos", "dau", "capital", "staff"), "ana", replacing="dos")
    assert words(store)["Dos"] == ("dau", "changed")
    store.save("fr", entry("le dos", "le dau", "phrase", "staff"), "ana", replacing="Dos")
    assert "dos" not in {word.casefold() for word in words(store)}
    assert "le dos" in words(store)


def test_another_process_sees_a_change_on_its_next_use(store: PronunciationStore) -> None:
    other = PronunciationStore(store.repo, store.data)
    assert other.lexicon("fr").apply("genou") == "genou"
    store.save("fr", entry("genou", "jeu-nou", "knee", "staff"), "ana")
    assert other.lexicon("fr").apply("genou") == "jeu-nou"


def test_a_damaged_staff_file_is_ignored_and_the_shipped_entries_still_work(store: PronunciationStore) -> None:
    store.data.mkdir(parents=True, exist_ok=True)
    store.staff_file("fr").write_text("{not json", encoding="utf-8")
    assert store.lexicon("fr").apply("le dos") == "le dau"


def test_a_bad_shipped_line_is_skipped_and_reported(store: PronunciationStore) -> None:
    store.repo_file("fr").write_text(
        "word\treplacement\treason\ndos\tdau\tok\nnez\t[[n'e\tunclosed\n", encoding="utf-8"
    )
    assert store.lexicon("fr").apply("le dos, le nez") == "le dau, le nez"
    assert len(store.problems("fr")) == 1
