"""Uploading a translator's .po file: hostile files are refused whole, good entries are reviewed then applied."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from flask import Flask

from kiosk.editor import history as editor_history
from kiosk.editor.upload import Review, UploadError, apply_upload, exported, review
from kiosk.i18n import catalogs
from kiosk.i18n.live import Store
from tests.helpers.editor import entry_for, save_text, store_of

HEADER = (
    'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset={charset}\\n"\n'
    '"Plural-Forms: {plural}\\n"\n\n'
)
SPANISH_PLURAL = "nplurals=2; plural=(n != 1);"


def every_change(found: Review) -> dict[str, str]:
    """Choose every change of a review, as the form does by default: entry id -> the state it was seen in."""
    return {difference.id: difference.old.token() for difference in found.changes}


@pytest.fixture
def store(app: Flask) -> Store:
    """The live catalogs of the test app."""
    return store_of(app)


def po(body: str, lang: str = "es", charset: str = "UTF-8", plural: str = SPANISH_PLURAL, fuzzy: bool = False) -> bytes:
    """A small .po file with a header and the given entries."""
    header = HEADER.format(lang=lang, charset=charset, plural=plural)
    return (("#, fuzzy\n" if fuzzy else "") + header + body).encode()


def fingerprint(folder: Path) -> str:
    """One hash over every file under a folder."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path).encode() + path.read_bytes())
    return digest.hexdigest()


HOSTILE = {
    "malformed syntax": (po('msgid "Back"\nmsgstr "Atrás\n'), "Line 8 is not valid .po syntax"),
    "not a po file": (b"\x89PNG\r\n\x1a\n\x00\x00", "binary data"),
    "wrong charset, latin-1 bytes": (
        po('msgid "Back"\nmsgstr "Atrás"\n', charset="ISO-8859-1").decode().encode("latin-1"),
        "not UTF-8",
    ),
    "wrong charset declared": (po('msgid "Back"\nmsgstr "Atrás"\n', charset="ISO-8859-1"), "charset is ISO-8859-1"),
    "huge file": (po('msgid "Back"\nmsgstr "' + "A" * 2_100_000 + '"\n'), "the limit is 2 MB"),
    "50,000 entries": (po("".join(f'msgid "m{n}"\nmsgstr "x"\n\n' for n in range(50_000))), "50,000 entries"),
    "header marked fuzzy": (po('msgid "Back"\nmsgstr "Atrás"\n', fuzzy=True), "marked fuzzy"),
    "plural rule with the wrong number of forms": (
        po('msgid "Back"\nmsgstr "Atrás"\n', plural="nplurals=3; plural=(n==1 ? 0 : n==2 ? 1 : 2);"),
        "has 3 forms",
    ),
    "plural rule that is not C": (
        po('msgid "Back"\nmsgstr "Atrás"\n', plural="nplurals=2; plural=__import__('os');"),
        "cannot be read",
    ),
    "more plural forms than the language has": (
        po(
            'msgid "Going back to the start in %(num)d second."\nmsgid_plural "Going back to the start in %(num)d '
            'seconds."\nmsgstr[0] "a %(num)d"\nmsgstr[1] "b %(num)d"\nmsgstr[5] "c %(num)d"\n'
        ),
        "not a valid .po file",
    ),
    "another language": (po('msgid "Back"\nmsgstr "Retour"\n', lang="fr"), "for the language “fr”"),
    "empty": (b"", "empty"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_upload_gets_a_clear_error_and_leaves_the_catalogs_untouched(store: Store, name: str) -> None:
    data, expected = HOSTILE[name]
    before = fingerprint(store.live)
    with pytest.raises(UploadError) as refused:
        review(store, "es", data)
    assert expected in str(refused.value)
    assert fingerprint(store.live) == before


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('msgid "Back"\nmsgstr "<script>alert(1)</script>"\n', "Remove </script>, <script>"),
        ('msgid "Back"\nmsgstr "<img src=x onerror=alert(1)>"\n', "Remove <img>"),
        (
            'msgid "Going back to the start in %(num)d second."\n'
            'msgid_plural "Going back to the start in %(num)d seconds."\n'
            'msgstr[0] "Volviendo en %(num)d segundo."\nmsgstr[1] ""\n',
            "every plural form",
        ),
        (
            'msgid "Going back to the start in %(num)d second."\nmsgstr "Volviendo en %(num)d segundo."\n',
            "plural forms in the file do not match",
        ),
        ('msgid "Back"\nmsgstr "Atrás %(name)s"\n', "cannot have any: remove %(name)s"),
    ],
)
def test_entries_that_fail_the_checks_are_refused_and_nothing_is_applied(store: Store, body: str, reason: str) -> None:
    before = fingerprint(store.live)
    found = review(store, "es", po(body))
    assert found.changes == []
    assert reason in found.refused[0].reasons[0]
    applied = apply_upload(store, "es", found.token, {}, "ana")
    assert applied is not None
    assert applied.changes == []
    assert fingerprint(store.live) == before


MIXED = """msgid "Symptoms"
msgstr "Qué se siente"

msgid "Back"
msgstr "<script>alert(1)</script>"

msgid "Causes"
msgstr "Causas"

#, fuzzy
msgid "Home"
msgstr "Casa"

msgid "Start"
msgstr ""

msgid "A message the kiosk never had"
msgstr "Algo"
"""


def test_a_mixed_upload_shows_a_summary_and_applies_only_what_passes(app: Flask, store: Store) -> None:
    found = review(store, "es", po(MIXED))
    assert [(d.sources[0], d.old.strings, d.new.strings) for d in found.changes] == [
        ("Symptoms", ("Síntomas",), ("Qué se siente",))
    ]
    assert [r.sources[0] for r in found.refused] == ["Back"]
    assert found.unknown == ["A message the kiosk never had"]
    assert (found.unchanged, found.needs_review, found.empty) == (1, 1, 1)
    applied = apply_upload(store, "es", found.token, every_change(found), "ana")
    assert applied is not None
    assert [change.msgid for change in applied.changes] == ["Symptoms"]
    assert editor_history.changes(store, "es")[0].action == "upload"
    body = app.test_client().get("/es/topics").get_data(as_text=True)
    assert "Qué se siente" in body
    assert "alert(1)" not in body
    assert entry_for(store, "es", "Back").state.strings == ("Atrás",)


def test_a_whole_catalog_downloaded_and_uploaded_again_changes_nothing(store: Store) -> None:
    found = review(store, "es", store.po("es").read_bytes())
    assert found.changes == []
    assert found.refused == []
    assert found.unknown == []
    assert found.unchanged == len([m for m in catalogs.read_catalog(store.po("es"), "es") if m.id])


def test_an_unknown_or_used_token_applies_nothing(store: Store) -> None:
    found = review(store, "es", po(MIXED))
    assert apply_upload(store, "es", "../../etc/passwd", every_change(found), "ana") is None
    apply_upload(store, "es", found.token, every_change(found), "ana")
    assert apply_upload(store, "es", found.token, every_change(found), "ana") is None


def test_a_message_twice_in_the_file_is_refused_like_msgfmt_does(store: Store) -> None:
    data = po(
        'msgid "Topics"\nmsgstr "Temas A"\n\nmsgid "Symptoms"\nmsgstr "Síntomas"\n\nmsgid "Topics"\nmsgstr "Temas B"\n'
    )
    with pytest.raises(UploadError) as refused:
        review(store, "es", data)
    assert "“Topics” is in the file twice (lines 7 and 13)" in str(refused.value)


def without_language_line(data: bytes, *more: bytes) -> bytes:
    """A catalog's bytes with its Language header line (and any other named ones) removed."""
    fields = (b'"Language: ', *more)
    return b"\n".join(line for line in data.split(b"\n") if not line.startswith(fields))


def test_a_file_in_another_language_is_refused_even_without_a_language_line(store: Store) -> None:
    french = without_language_line(store.po("fr").read_bytes())
    with pytest.raises(UploadError) as refused:
        review(store, "es", french)
    assert "look like Français, not Español" in str(refused.value)
    russian = without_language_line(store.po("ru").read_bytes(), b'"Plural-Forms: ')
    with pytest.raises(UploadError) as wrong_script:
        review(store, "ar", russian)
    assert "Cyrillic" in str(wrong_script.value)


def test_a_file_in_the_right_language_with_new_wording_passes(store: Store) -> None:
    catalog = catalogs.read_catalog(store.po("es"), "es")
    for message in catalog:
        if message.id and isinstance(message.string, str) and message.string:
            message.string = message.string.replace("ciática", "ciática (nervio)")
    found = review(store, "es", without_language_line(catalogs.po_bytes(catalog)))
    assert len(found.changes) > 5


def download(store: Store, lang: str) -> bytes:
    """Download a catalog as the editor's download link gives it."""
    return exported(store, lang)


def test_a_stale_download_shows_colleagues_changes_as_conflicts_and_each_entry_can_be_chosen(
    app: Flask, store: Store
) -> None:
    save_text(store, "es", "Home", "Portada", user="bruno")  # before the download: part of its revision
    data = download(store, "es")
    assert b"X-Kiosk-Revision: " in data
    save_text(store, "es", "Symptoms", "Qué se siente", user="carla")  # a colleague, after the download
    edited = data.replace(b'msgstr "Causas"', b'msgstr "Las causas"')
    edited = edited.replace('msgstr "Atrás"\n'.encode(), b'msgstr "Regresar"\n')
    found = review(store, "es", edited)
    assert sorted(d.sources[0] for d in found.changes) == ["Back", "Causes"]
    [stale] = found.conflicts
    assert (stale.sources[0], stale.old.strings, stale.new.strings) == ("Symptoms", ("Qué se siente",), ("Síntomas",))
    assert stale.changed_by is not None
    assert stale.changed_by.user == "carla"
    causes = next(d for d in found.changes if d.sources[0] == "Causes")
    applied = apply_upload(store, "es", found.token, {causes.id: causes.old.token()}, "ana")
    assert applied is not None
    assert [change.msgid for change in applied.changes] == ["Causes"]
    assert entry_for(store, "es", "Symptoms").state.strings == ("Qué se siente",)
    assert entry_for(store, "es", "Back").state.strings == ("Atrás",)


def test_an_entry_changed_between_the_review_and_apply_is_not_applied_but_the_others_are(store: Store) -> None:
    found = review(store, "es", po(MIXED.replace('msgstr "Causas"', 'msgstr "Las causas"')))
    save_text(store, "es", "Symptoms", "Lo que se siente", user="carla")
    chosen = {difference.id: difference.old.token() for difference in found.changes}
    applied = apply_upload(store, "es", found.token, chosen, "ana")
    assert applied is not None
    assert [change.msgid for change in applied.changes] == ["Causes"]
    assert list(applied.conflicts) == ["Symptoms"]
    assert entry_for(store, "es", "Symptoms").state.strings == ("Lo que se siente",)


def test_an_oversized_file_reports_its_size_and_the_real_limit(store: Store) -> None:
    with pytest.raises(UploadError) as refused:
        review(store, "es", po('msgid "Back"\nmsgstr "' + "A" * 3_000_000 + '"\n'), max_bytes=2_000_000)
    assert "The file is 3 MB; the limit is 2 MB." in str(refused.value)


def test_a_utf16_file_is_recognised_and_converted(store: Store) -> None:
    text = po('msgid "Symptoms"\nmsgstr "Qué se siente"\n', charset="UTF-16").decode()
    for encoded in (text.encode("utf-16"), b"\xff\xfe" + text.encode("utf-16-le"), text.encode("utf-16-be")):
        found = review(store, "es", encoded)
        assert [(d.sources[0], d.new.strings) for d in found.changes] == [("Symptoms", ("Qué se siente",))]
        assert found.converted_from == "UTF-16"


def test_a_file_without_a_header_is_called_missing_not_fuzzy(store: Store) -> None:
    with pytest.raises(UploadError) as refused:
        review(store, "es", b'msgid "Back"\nmsgstr "Atr\xc3\xa1s"\n')
    assert "has no header" in str(refused.value)
    assert "fuzzy" not in str(refused.value)
