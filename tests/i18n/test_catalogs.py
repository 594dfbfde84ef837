"""The catalog tools: check finds every kind of problem, compile is atomic, update marks changes fuzzy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from kiosk.core.files import atomic_write
from kiosk.core.paths import REPO_ROOT
from kiosk.i18n import catalogs, rules
from tests.helpers.app import make_app
from tests.helpers.catalogs import copy_translations


def repo_po_files() -> list[Path]:
    """Every catalog in the repo."""
    return sorted((REPO_ROOT / "translations").glob("*/LC_MESSAGES/messages.po"))


@pytest.mark.parametrize("po", repo_po_files(), ids=lambda p: p.parent.parent.name)
def test_every_catalog_passes_gnu_msgfmt_check_format(po: Path) -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is missing; 'make test' installs it"
    result = subprocess.run(
        [msgfmt, "-c", "--check-format", "-o", "/dev/null", str(po)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_translate_check_passes_on_the_repo_catalogs(tmp_path: Path) -> None:
    result = make_app(tmp_path).test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output


def broken_catalogs(tmp_path: Path) -> Path:
    """A copy of the catalogs with one of each kind of problem in the Spanish one."""
    translations = copy_translations(tmp_path / "translations")
    path = catalogs.po_path(translations, "es")
    catalog = catalogs.read_catalog(path, "es")
    catalog["Symptoms"].string = ""
    catalog["Causes"].flags.add("fuzzy")
    catalog["Back"].string = "Atrás %(name)s"
    catalog["Home"].string = "Inicio 100% seguro"
    catalog["Start"].string = "<b>Empezar</b>"
    plural = next(m for m in catalog if m.pluralizable)
    assert isinstance(plural.string, tuple)
    plural.string = (plural.string[0], "")
    catalog.delete("Topics")
    atomic_write(path, catalogs.po_bytes(catalog))
    return translations


def test_check_lists_every_kind_of_problem_and_fails(tmp_path: Path) -> None:
    translations = broken_catalogs(tmp_path)
    found = "\n".join(str(p) for p in catalogs.check(REPO_ROOT, translations))
    for expected in [
        "Untranslated.  ['Symptoms'",
        "Needs review: the English changed",
        "cannot have any: remove %(name)s",
        "A single % sign breaks this text",
        "Remove </b>, <b>",
        "Fill in every plural form",
        "out of date with messages.pot",
    ]:
        assert expected in found
    runner = make_app(tmp_path / "data", TRANSLATIONS_DIR=str(translations)).test_cli_runner()
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 1
    assert "problem(s) found" in result.output


def test_check_refuses_script_in_a_translation() -> None:
    assert rules.message_errors("Back", "<script>alert(1)</script>") == [
        rules.markup_problem({"<script>", "</script>"})
    ]
    assert rules.message_errors("Back", "Atr&aacute;s") == [rules.markup_problem({"&aacute;"})]
    assert rules.message_errors("%(num)d left", "quedan %(num)s") != []
    assert rules.message_errors("%(num)d left", "quedan %(num)d") == []
    assert rules.message_errors("100%% sure", "100%% seguro") == []
    assert "A single % sign breaks this text" in rules.message_errors("Sure", "100% seguro")[0]


@pytest.mark.parametrize("text", ["‹ Atrás", "« Retour »", "<3", "a < b > c", "x > y", "<nombre>", "R&D;", "5 < 10"])
def test_angle_brackets_that_are_not_markup_are_allowed(text: str) -> None:
    assert rules.message_errors("Back", text) == []


@pytest.mark.parametrize(
    "text", ["<b>Atrás</b>", "<img src=x onerror=alert(1)>", "Atrás<br/>", "&amp;", "&#39;", "<!-- x -->"]
)
def test_real_markup_is_refused(text: str) -> None:
    assert rules.message_errors("Back", text) != []


def test_problems_explain_placeholders_and_percent_signs_with_an_example() -> None:
    [placeholder] = rules.message_errors("Ticket %(number)d", "Billete %(numero)d")
    assert "%(number)d" in placeholder
    assert "“Ticket %(number)d” is shown as “Ticket 7”" in placeholder
    [percent] = rules.message_errors("Sure", "100% seguro")
    assert "type two: %%" in percent
    assert "“50%% off” shows on the kiosk as “50% off”" in percent
    assert list(rules.help_for(("Going back in %(num)d seconds.",))) == [
        "Keep %(num)d exactly as typed here: the kiosk puts a number or a name in its place. "
        "For example, “Going back in %(num)d seconds.” is shown as “Going back in 7 seconds.”."
    ]


def test_check_notices_a_template_out_of_date_with_the_code(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    pot = catalogs.read_catalog(translations / "messages.pot")
    pot.add("A message the code no longer has")
    atomic_write(translations / "messages.pot", catalogs.po_bytes(pot))
    assert any("messages.pot" in str(p) and "out of date" in p.text for p in catalogs.check(REPO_ROOT, translations))


def test_check_flags_a_catalog_whose_header_is_fuzzy(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    path = catalogs.po_path(translations, "vi")
    path.write_text(
        path.read_text(encoding="utf-8").replace('msgid ""\nmsgstr ""', '#, fuzzy\nmsgid ""\nmsgstr ""', 1),
        encoding="utf-8",
    )
    assert any("header is marked fuzzy" in p.text for p in catalogs.check(REPO_ROOT, translations))


def test_compile_keeps_the_old_mo_when_the_catalog_is_broken(tmp_path: Path) -> None:
    translations = broken_catalogs(tmp_path)
    mo = catalogs.po_path(translations, "es").with_suffix(".mo")
    before = mo.read_bytes()
    problems = catalogs.compile_catalog(catalogs.po_path(translations, "es"), "es")
    assert problems
    assert mo.read_bytes() == before


def test_compile_skips_a_po_that_cannot_be_read(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    po = catalogs.po_path(translations, "ru")
    po.write_bytes(b'msgid "unterminated\n')
    before = po.with_suffix(".mo").read_bytes()
    problems = catalogs.compile_catalog(po, "ru")
    assert "cannot be read" in problems[0].text
    assert po.with_suffix(".mo").read_bytes() == before


def test_update_marks_a_changed_english_message_fuzzy_and_keeps_the_old_source(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    template = catalogs.read_catalog(translations / "messages.pot")
    template.delete("Sciatica can start all at once. It can also build up slowly.")
    template.add("Sciatica can start all at once, or it can build up slowly.")
    catalogs.update(template, translations)
    catalog = catalogs.read_catalog(catalogs.po_path(translations, "es"), "es")
    message = catalog["Sciatica can start all at once, or it can build up slowly."]
    assert message.fuzzy
    assert message.string
    assert message.previous_id == ["Sciatica can start all at once. It can also build up slowly."]


def test_init_starts_a_new_language_from_the_template(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    runner = make_app(tmp_path / "data", TRANSLATIONS_DIR=str(translations)).test_cli_runner()
    result = runner.invoke(args=["translate", "init", "de"])
    assert result.exit_code == 0, result.output
    catalog = catalogs.read_catalog(catalogs.po_path(translations, "de"), "de")
    assert len(catalog) == len(catalogs.read_catalog(translations / "messages.pot"))
    assert not catalog.fuzzy
    again = runner.invoke(args=["translate", "init", "de"])
    assert again.exit_code != 0
    assert "already exists" in again.output
    assert runner.invoke(args=["translate", "init", "not_a_locale"]).exit_code != 0


def test_extract_finds_messages_with_their_translator_comments() -> None:
    template: Catalog = catalogs.extract(REPO_ROOT)
    message = template["I'm still here"]
    assert any("At most 25 characters" in comment for comment in message.auto_comments)
    assert template["Going back to the start in %(num)d second."].pluralizable


def test_compile_then_every_language_loads(tmp_path: Path) -> None:
    translations = copy_translations(tmp_path / "translations")
    for mo in translations.glob("*/LC_MESSAGES/messages.mo"):
        mo.unlink()
    runner = make_app(tmp_path / "data", TRANSLATIONS_DIR=str(translations)).test_cli_runner()
    assert runner.invoke(args=["translate", "compile"]).exit_code == 0
    client = make_app(tmp_path / "data2", TRANSLATIONS_DIR=str(translations)).test_client()
    assert len(client.get("/health").get_json()["languages"]) == 9


def test_a_long_previous_msgid_is_written_so_msgfmt_accepts_it_and_reads_back_whole(tmp_path: Path) -> None:
    # Long enough to be wrapped, and like nothing in the catalogs, so the update matches new to old.
    old = "Zebra crossings and quiet harbours: a sentence for this test only, long enough that it wraps on two lines."
    new = "Zebra crossings and quiet harbours: a sentence for this test only, long enough that it wraps over lines."
    translations = copy_translations(tmp_path / "translations")
    template = catalogs.read_catalog(translations / "messages.pot")
    template.add(old)
    catalogs.update(template, translations)
    set_po = catalogs.po_path(translations, "fr")
    catalog = catalogs.read_catalog(set_po, "fr")
    catalog[old].string = "Votre texte est toujours dans la zone. Enregistrez de nouveau pour remplacer le leur."
    atomic_write(set_po, catalogs.po_bytes(catalog))
    template.delete(old)
    template.add(new)
    catalogs.update(template, translations)
    result = subprocess.run(
        ["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(set_po)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert catalogs.read_catalog(set_po, "fr")[new].previous_id == [old]
