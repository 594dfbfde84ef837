"""Merging the repo's catalogs into the live ones: a three-way merge on the last merged repo catalog, logged
in the history as a "repo update" that rolls back like any edit."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from kiosk.core.files import atomic_write
from kiosk.editor import history as editor_history, saving, service as editor
from kiosk.i18n import catalogs
from tests.helpers.app import make_app
from tests.helpers.catalogs import copy_translations, set_translation
from tests.helpers.editor import entry_for, save_text, store_of

SLOWLY = "Sciatica can start all at once. It can also build up slowly."
SLOWLY_NEW = "Sciatica can start all at once, or it can build up slowly over time."


def setup(tmp_path: Path) -> tuple[Path, dict[str, str], Flask]:
    """A repo copy of the catalogs, and a first start that seeds the live ones from it."""
    repo = copy_translations(tmp_path / "repo")
    config = {"TRANSLATIONS_DIR": str(repo), "LIVE_TRANSLATIONS_DIR": str(tmp_path / "data" / "translations")}
    return repo, config, make_app(tmp_path / "data", **config)


def restart(tmp_path: Path, config: dict[str, str]) -> Flask:
    """Start the kiosk again on the same data, as after a deploy."""
    return make_app(tmp_path / "data", **config)


def change_english(repo: Path, old: str, new: str) -> None:
    """Change an English message as a developer does: edit the template, then 'kiosk translate update'."""
    template = catalogs.read_catalog(repo / "messages.pot")
    message = template[old]
    template.delete(old)
    template.add(new, locations=message.locations, auto_comments=message.auto_comments)
    atomic_write(repo / "messages.pot", catalogs.po_bytes(template))
    catalogs.update(template, repo)
    for lang in catalogs.languages_on_disk(repo):
        catalogs.compile_catalog(catalogs.po_path(repo, lang), lang)


def test_a_staff_edit_wins_over_an_unchanged_repo_entry_and_a_repo_fix_reaches_an_untouched_one(
    tmp_path: Path,
) -> None:
    repo, config, app = setup(tmp_path)
    assert save_text(store_of(app), "es", "Symptoms", "Qué se siente").saved
    set_translation(repo, "es", "Causes", "Las causas")
    store = store_of(restart(tmp_path, config))
    assert entry_for(store, "es", "Symptoms").state.strings == ("Qué se siente",)
    assert entry_for(store, "es", "Causes").state.strings == ("Las causas",)


def test_a_changed_english_message_keeps_the_staff_translation_as_the_fuzzy_suggestion(tmp_path: Path) -> None:
    repo, config, app = setup(tmp_path)
    assert save_text(store_of(app), "es", SLOWLY, "La ciática puede llegar de golpe o poco a poco.").saved
    change_english(repo, SLOWLY, SLOWLY_NEW)
    store = store_of(restart(tmp_path, config))
    entry = entry_for(store, "es", SLOWLY_NEW)
    assert entry.state.strings == ("La ciática puede llegar de golpe o poco a poco.",)
    assert entry.status == "review"
    assert entry.previous == (SLOWLY,)


def test_an_entry_staff_cleared_stays_cleared(tmp_path: Path) -> None:
    repo, config, app = setup(tmp_path)
    assert save_text(store_of(app), "es", "Causes", "").saved
    set_translation(repo, "es", "Symptoms", "Síntomas y señales")  # any repo change, so a merge runs
    store = store_of(restart(tmp_path, config))
    assert entry_for(store, "es", "Causes").state.strings == ("",)


def test_a_true_conflict_keeps_both_and_is_flagged_for_review(tmp_path: Path) -> None:
    repo, config, app = setup(tmp_path)
    assert save_text(store_of(app), "es", "Causes", "Las causas").saved
    set_translation(repo, "es", "Causes", "Causas posibles")
    restarted = restart(tmp_path, config)
    store = store_of(restarted)
    entry = entry_for(store, "es", "Causes")
    assert entry.state.strings == ("Las causas",)  # the kiosk keeps showing what staff wrote
    assert entry.conflict is not None
    assert entry.conflict.strings == ("Causas posibles",)
    assert entry.status == "review"
    assert entry in editor.listing(store, "es", "review").entries
    assert "Las causas" in restarted.test_client().get("/es/topics").get_data(as_text=True)


def test_every_merge_is_in_the_history_as_a_repo_update_and_rolls_back(tmp_path: Path) -> None:
    repo, config, _app = setup(tmp_path)
    set_translation(repo, "es", "Causes", "Las causas")
    change_english(repo, SLOWLY, SLOWLY_NEW)
    restarted = restart(tmp_path, config)
    store = store_of(restarted)
    merged = {change.msgid: change for change in editor_history.changes(store, "es")}
    assert merged["Causes"].user == "repo update"
    assert merged["Causes"].action == "merge"
    assert (merged["Causes"].old.strings, merged["Causes"].new.strings) == (("Causas",), ("Las causas",))
    assert merged[SLOWLY_NEW].new.fuzzy
    result = saving.restore(store, "es", merged["Causes"].id, "ana")
    assert result.changes
    assert entry_for(store, "es", "Causes").state.strings == ("Causas",)
    assert "Causas" in restarted.test_client().get("/es/topics").get_data(as_text=True)
    # A second start with the same repo merges nothing again.
    count = len(editor_history.changes(store, "es"))
    restart(tmp_path, config)
    assert len(editor_history.changes(store, "es")) == count
