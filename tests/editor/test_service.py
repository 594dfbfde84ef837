"""The translation editor's service: overview, entry list, checked saves, conflicts, history and rollback."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask

from kiosk.core.files import atomic_write
from kiosk.editor import history as editor_history, saving, service as editor
from kiosk.i18n import catalogs
from kiosk.i18n.live import Store, load
from tests.helpers.app import make_app
from tests.helpers.editor import entry_for, save_text, store_of


@pytest.fixture
def store(app: Flask) -> Store:
    """The live catalogs of the test app."""
    return store_of(app)


def page(app: Flask, path: str) -> str:
    """Fetch a kiosk page's HTML."""
    return app.test_client().get(path).get_data(as_text=True)


def make_fuzzy(store: Store, lang: str, old: str, new: str) -> None:
    """Change an English message the way a template update does, leaving the old translation fuzzy."""
    catalog = catalogs.read_catalog(store.po(lang), lang)
    template = catalogs.read_catalog(store.template)
    template.delete(old)
    template.add(new, locations=[("kiosk/content.py", 1)])
    catalog.update(template, update_header_comment=False)
    atomic_write(store.po(lang), catalogs.po_bytes(catalog))


def test_overview_shows_completion_review_untranslated_and_last_editor(store: Store) -> None:
    make_fuzzy(store, "fr", "Symptoms", "Symptoms and signs")
    save_text(store, "fr", "Causes", "", user="bruno")
    summaries = {summary.language.code: summary for summary in editor.overview(store, ["en", "es", "fr"])}
    assert list(summaries)[:2] == ["es", "fr"]
    french = summaries["fr"]
    assert (french.review, french.untranslated) == (1, 1)
    assert french.translated == french.total - 2
    assert 0 < french.percent < 100
    assert french.last is not None
    assert french.last.user == "bruno"
    assert summaries["es"].percent == 100
    assert summaries["es"].last is None


def test_the_list_filters_by_status_and_searches_english_and_translation(store: Store) -> None:
    make_fuzzy(store, "es", "Symptoms", "Symptoms and signs")
    save_text(store, "es", "Causes", "")
    assert [e.sources[0] for e in editor.listing(store, "es", "untranslated").entries] == ["Causes"]
    assert [e.sources[0] for e in editor.listing(store, "es", "review").entries] == ["Symptoms and signs"]
    translated = editor.listing(store, "es", "translated")
    assert translated.counts == {
        "all": translated.counts["all"],
        "untranslated": 1,
        "review": 1,
        "translated": translated.counts["all"] - 2,
    }
    by_english = editor.listing(store, "es", query="sciatic NERVE")
    assert by_english.entries
    assert all("sciatic nerve" in e.sources[0].lower() for e in by_english.entries)
    by_spanish = editor.listing(store, "es", query="nervio ciático")
    assert by_spanish.entries
    assert all("nervio ciático" in e.state.strings[0].lower() for e in by_spanish.entries)


def test_an_entry_shows_where_it_appears_its_translator_note_and_what_changed_in_the_english(store: Store) -> None:
    button = entry_for(store, "es", "What is sciatica?")
    assert any(path == "kiosk/visitor/content.py" for path, _ in button.locations)
    assert button.comments == ("Menu button label. Keep it short: at most 30 characters.",)
    assert button.max_length == 30
    make_fuzzy(store, "es", "Symptoms", "Symptoms and signs")
    changed = entry_for(store, "es", "Symptoms and signs")
    assert changed.status == "review"
    assert changed.previous == ("Symptoms",)
    assert changed.english_changes() == [("same", "Symptoms"), ("added", " and signs")]


def test_a_plural_entry_has_one_box_per_form_labelled_for_the_language(store: Store) -> None:
    listing = editor.listing(store, "ar")
    countdown = next(entry for entry in listing.entries if entry.plural)
    assert len(countdown.state.strings) == listing.nplurals == 6
    assert listing.plural_examples[3].startswith("3–10")


def test_a_save_goes_live_on_the_next_page_and_keeps_a_history_copy(app: Flask, store: Store) -> None:
    assert "Síntomas" in page(app, "/es/topics")
    result = save_text(store, "es", "Symptoms", "Qué se siente", user="ana")
    assert result.saved
    assert result.entry is not None
    assert result.entry.state.strings == ("Qué se siente",)
    assert "Qué se siente" in page(app, "/es/topics")
    assert len(list((store.history / "es" / "copies").glob("*.po"))) == 1
    [change] = editor_history.changes(store, "es")
    assert (change.user, change.old.strings, change.new.strings) == ("ana", ("Síntomas",), ("Qué se siente",))
    assert catalogs.read_catalog(store.po("es"), "es").last_translator == "ana"


def test_a_blocked_save_changes_nothing(app: Flask, store: Store) -> None:
    before = store.po("es").read_bytes(), store.mo("es").read_bytes()
    result = save_text(store, "es", "Symptoms", "<script>alert(1)</script>")
    assert not result.saved
    assert "Remove </script>, <script>: the kiosk shows text only" in result.findings.all_errors()[0]
    assert (store.po("es").read_bytes(), store.mo("es").read_bytes()) == before
    assert editor_history.changes(store, "es") == []


def test_warnings_need_a_confirmation_before_saving(store: Store) -> None:
    long_label = "Síntomas: cómo se siente el dolor"
    first = save_text(store, "es", "Symptoms", long_label, confirmed=False)
    assert first.needs_confirmation
    assert not first.saved
    assert "Too long for its button" in first.findings.warnings[0][0]
    assert entry_for(store, "es", "Symptoms").state.strings == ("Síntomas",)
    assert save_text(store, "es", "Symptoms", long_label, confirmed=True).saved


def test_saving_a_fuzzy_entry_marks_it_reviewed_unless_staff_keep_it_for_review(app: Flask, store: Store) -> None:
    make_fuzzy(store, "es", "Symptoms", "Symptoms and signs")
    assert save_text(store, "es", "Symptoms and signs", "Síntomas y signos", fuzzy=True).saved
    assert entry_for(store, "es", "Symptoms and signs").status == "review"
    assert save_text(store, "es", "Symptoms and signs", "Síntomas y signos").saved
    reviewed = entry_for(store, "es", "Symptoms and signs")
    assert reviewed.status == "translated"
    assert reviewed.previous == ()


def test_the_second_editor_of_the_same_entry_gets_a_conflict_not_an_overwrite(store: Store) -> None:
    entry = entry_for(store, "es", "Symptoms")
    version = load(store, "es").version
    first = saving.save(store, "es", entry.id, ["Qué se siente"], False, entry.state.token(), version, "ana", True)
    second = saving.save(store, "es", entry.id, ["Los síntomas"], False, entry.state.token(), version, "bruno", True)
    assert first.saved
    assert not second.saved
    assert second.conflict is not None
    assert second.conflict.user == "ana"
    assert second.conflict_state is not None
    assert second.conflict_state.strings == ("Qué se siente",)
    assert entry_for(store, "es", "Symptoms").state.strings == ("Qué se siente",)


def test_a_po_file_changed_on_disk_since_the_page_was_loaded_is_detected(store: Store) -> None:
    entry = entry_for(store, "es", "Symptoms")
    version = load(store, "es").version
    catalog = catalogs.read_catalog(store.po("es"), "es")
    catalog["Causes"].string = "Las causas"
    atomic_write(store.po("es"), catalogs.po_bytes(catalog))
    other_entry = saving.save(
        store, "es", entry.id, ["Qué se siente"], False, entry.state.token(), version, "ana", True
    )
    assert other_entry.saved
    assert other_entry.file_changed
    catalog = catalogs.read_catalog(store.po("es"), "es")
    catalog["Symptoms"].string = "Síntomas (editado a mano)"
    atomic_write(store.po("es"), catalogs.po_bytes(catalog))
    same_entry = saving.save(
        store, "es", entry.id, ["Otra cosa"], False, other_entry.base, other_entry.version, "ana", True
    )
    assert not same_entry.saved
    assert same_entry.conflict_state is not None
    assert same_entry.conflict_state.strings == ("Síntomas (editado a mano)",)


def test_one_entry_can_be_put_back_to_what_it_said_before_a_change(app: Flask, store: Store) -> None:
    save_text(store, "es", "Symptoms", "Qué se siente", user="ana")
    save_text(store, "es", "Symptoms", "Lo que se siente", user="bruno")
    first = editor_history.changes(store, "es")[-1]
    result = saving.restore(store, "es", first.id, "carla")
    assert result.changes
    assert entry_for(store, "es", "Symptoms").state.strings == ("Síntomas",)
    assert editor_history.changes(store, "es")[0].action == "restore"
    assert "Síntomas" in page(app, "/es/topics")


def test_a_whole_language_rolls_back_to_a_point_in_time(app: Flask, store: Store) -> None:
    save_text(store, "es", "Symptoms", "Qué se siente")
    moment = datetime.now(UTC)
    save_text(store, "es", "Causes", "Las causas")
    save_text(store, "es", "Symptoms", "Lo que se siente")
    result = saving.rollback(store, "es", moment, "carla")
    assert sorted(change.msgid for change in result.changes) == ["Causes", "Symptoms"]
    assert entry_for(store, "es", "Symptoms").state.strings == ("Qué se siente",)
    assert entry_for(store, "es", "Causes").state.strings == ("Causas",)
    body = page(app, "/es/topics")
    assert "Qué se siente" in body
    assert "Causas" in body


def test_a_message_the_kiosk_no_longer_uses_is_reported_not_saved(store: Store) -> None:
    result = saving.save(store, "es", "000000000000", ["x"], False, "", "", "ana", True)
    assert result.entry is None
    assert result.problems


def test_every_app_on_the_same_data_directory_sees_a_save(tmp_path: Path) -> None:
    first, second = make_app(tmp_path / "data"), make_app(tmp_path / "data")
    assert "Síntomas" in page(second, "/es/topics")
    assert save_text(store_of(first), "es", "Symptoms", "Qué se siente").saved
    assert "Qué se siente" in page(second, "/es/topics")


def break_on_disk(store: Store, lang: str, msgid: str, text: str) -> None:
    """Edit one translation in the live .po by hand, with no checks, as someone with a text editor might."""
    catalog = catalogs.read_catalog(store.po(lang), lang)
    catalog[msgid].string = text
    atomic_write(store.po(lang), catalogs.po_bytes(catalog))


def test_an_entry_broken_by_hand_does_not_block_saves_of_other_entries(app: Flask, store: Store) -> None:
    break_on_disk(store, "es", "Back", "Atrás %(name)s")
    result = save_text(store, "es", "Symptoms", "Qué se siente")
    assert result.saved, result.problems
    assert result.problems == []
    body = page(app, "/es/topics")
    assert "Qué se siente" in body
    assert "%(name)s" not in body  # the broken one shows its English on the kiosk until it is fixed
    fixed = save_text(store, "es", "Back", "Atrás")
    assert fixed.saved
    assert "Atrás" in page(app, "/es/topics")


def test_saving_the_broken_entry_itself_explains_its_own_problem(store: Store) -> None:
    break_on_disk(store, "es", "Back", "Atrás %(name)s")
    entry = entry_for(store, "es", "Back")
    version = load(store, "es").version
    result = saving.save(store, "es", entry.id, ["Atrás %(name)s"], False, entry.state.token(), version, "ana", True)
    assert not result.saved
    assert "The English has no placeholders, so the translation cannot have any: remove %(name)s." in (
        result.findings.all_errors()
    )


def test_the_overview_reports_an_entry_broken_on_disk_once_with_a_link(store: Store) -> None:
    break_on_disk(store, "es", "Back", "Atrás %(name)s")
    summaries = {summary.language.code: summary for summary in editor.overview(store, ["es", "fr"])}
    [broken] = summaries["es"].broken
    assert broken.entry.sources[0] == "Back"
    assert "remove %(name)s" in broken.problems[0]
    assert summaries["fr"].broken == []
