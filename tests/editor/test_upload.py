"""Uploading a translator's .po file: hostile files are refused whole, good entries are reviewed then applied."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from flask import Flask

from kiosk.editor import history as editor_history
from kiosk.editor.upload import UploadError, apply_upload, review
from kiosk.i18n import catalogs
from kiosk.i18n.live import Store
from tests.helpers.editor import entry_for, save_text, store_of

HEADER = (
    'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset={charset}\\n"\n'
    '"Plural-Forms: {plural}\\n"\n\n'
)
SPANISH_PLURAL = "nplurals=2; plural=(n != 1);"


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
    "huge file": (po('msgid "Back"\nmsgstr "' + "A" * 2_100_000 + '"\n'), "too big"),
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
    _review_again, applied = apply_upload(store, "es", found.token, found.version, "ana")
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
    _, applied = apply_upload(store, "es", found.token, found.version, "ana")
    assert applied is not None
    assert [change.msgid for change in applied.changes] == ["Symptoms"]
    assert editor_history.changes(store, "es")[0].action == "upload"
    body = app.test_client().get("/es/topics").get_data(as_text=True)
    assert "Qué se siente" in body
    assert "alert(1)" not in body
    assert entry_for(store, "es", "Back").state.strings == ("Atrás",)


def test_an_upload_is_reviewed_again_if_the_catalog_changed_since(store: Store) -> None:
    found = review(store, "es", po(MIXED))
    save_text(store, "es", "Causes", "Las causas")
    again, applied = apply_upload(store, "es", found.token, found.version, "ana")
    assert applied is None
    assert again is not None
    assert again.version != found.version
    assert entry_for(store, "es", "Symptoms").state.strings == ("Síntomas",)


def test_a_whole_catalog_downloaded_and_uploaded_again_changes_nothing(store: Store) -> None:
    found = review(store, "es", store.po("es").read_bytes())
    assert found.changes == []
    assert found.refused == []
    assert found.unknown == []
    assert found.unchanged == len([m for m in catalogs.read_catalog(store.po("es"), "es") if m.id])


def test_an_unknown_or_used_token_applies_nothing(store: Store) -> None:
    found = review(store, "es", po(MIXED))
    assert apply_upload(store, "es", "../../etc/passwd", found.version, "ana") == (None, None)
    apply_upload(store, "es", found.token, found.version, "ana")
    assert apply_upload(store, "es", found.token, found.version, "ana") == (None, None)
