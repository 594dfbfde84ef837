"""Translation catalogs: extract, update, compile and check them with Babel's Python API."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import denormalize, generate_po, normalize, read_po

from kiosk.core.files import atomic_write
from kiosk.i18n import rules
from kiosk.i18n.messages import gettext as _

DOMAIN = "messages"
COMMENT_TAGS = ("TRANSLATORS:",)
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
METHOD_MAP = [
    ("kiosk/**.py", "python"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog, tied to a message where there is one."""

    path: Path
    lineno: int
    msgid: str
    text: str
    kind: str = "error"  # "untranslated" and "fuzzy" are not errors: the kiosk shows English for them

    def __str__(self) -> str:
        where = f"{self.path}:{self.lineno}" if self.lineno else str(self.path)
        return f"{where}: {self.text}" + (f"  [{self.msgid[:60]!r}]" if self.msgid else "")


def entry_key(message: Message) -> str:
    """Name an entry the way gettext does: context, EOT, then the singular English."""
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return f"{message.context}\x04{msgid}" if message.context else str(msgid)


def po_path(translations: Path, lang: str) -> Path:
    """Return the .po file of one language."""
    return translations / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages_on_disk(translations: Path) -> list[str]:
    """Return the languages that have a .po file, sorted."""
    return sorted(p.parent.parent.name for p in translations.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


WIDTH = 100


def _previous_lines(message: Message) -> list[str]:
    """Format a message's previous msgid as gettext does: every "#|" line holds whole quoted strings."""
    lines = []
    for keyword, text in zip(("msgid", "msgid_plural"), message.previous_id, strict=False):
        quoted = normalize(text, width=WIDTH).split("\n")
        lines.append(f"#| {keyword} {quoted[0]}\n")
        lines.extend(f"#| {line}\n" for line in quoted[1:])
    return lines


def po_bytes(catalog: Catalog) -> bytes:
    """Serialise a catalog as .po text, keeping previous msgids so reviewers see what changed.

    Babel wraps "#|" comments like prose, splitting a quoted string over two lines, which msgfmt
    rejects; so each message's previous msgid is written here instead.
    """
    out: list[str] = []
    messages = iter(list(catalog))
    block: list[str] = []
    for chunk in generate_po(catalog, width=WIDTH, include_previous=False, sort_by=None):
        block.append(chunk)
        if chunk != "\n":
            continue
        message = next(messages, None)  # every message's lines end with a lone newline
        if message is not None and message.id and message.previous_id:
            at = next(i for i, line in enumerate(block) if line.startswith(("msgctxt ", "msgid ")))
            block[at:at] = _previous_lines(message)
        out.extend(block)
        block = []
    out.extend(block)  # obsolete entries, which carry no previous msgid
    return "".join(out).encode(catalog.charset or "utf-8")


def mo_bytes(catalog: Catalog) -> bytes:
    """Compile a catalog; fuzzy entries are left out, so the kiosk shows English until reviewed."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def extract(root: Path) -> Catalog:
    """Collect every translatable message from the code and templates."""
    template = Catalog(project="Sciatica Kiosk", version="1.0", charset="utf-8", fuzzy=False)
    found = extract_from_dir(
        str(root), METHOD_MAP, keywords=KEYWORDS, comment_tags=COMMENT_TAGS, strip_comment_tags=True
    )
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _restore_previous_ids(catalog: Catalog) -> None:
    """Turn `#| msgid` lines back into previous ids; Babel's reader keeps them only as comments."""
    for message in catalog:
        marked = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not marked:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        parts: dict[str, list[str]] = {}
        keyword = "msgid"
        for line in marked:
            if not line.startswith('"'):
                keyword, _, line = line.partition(" ")
            parts.setdefault(keyword, []).append(line)
        message.previous_id = [denormalize("\n".join(parts[k])) for k in ("msgid", "msgid_plural") if k in parts]


def read_catalog(path: Path, locale: str | None = None) -> Catalog:
    """Read a .po or .pot file strictly: a malformed line raises PoFileError instead of being skipped."""
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale, abort_invalid=True)
    _restore_previous_ids(catalog)
    return catalog


def parse_catalog(data: bytes, locale: str | None = None, strict: bool = True) -> Catalog:
    """Read .po bytes as read_catalog does; lenient reading skips a malformed line instead of raising."""
    catalog = read_po(io.BytesIO(data), locale=locale, abort_invalid=strict)
    _restore_previous_ids(catalog)
    return catalog


def stamp_header(catalog: Catalog, translator: str) -> None:
    """Record who last changed a catalog and when, as msgfmt expects of a real catalog."""
    catalog.last_translator = translator
    catalog.language_team = f"Sciatica Kiosk {catalog.locale_identifier} translators"
    catalog.revision_date = datetime.now(UTC)


def update(template: Catalog, translations: Path) -> list[str]:
    """Merge the template into every language; changed English marks the old translation fuzzy."""
    updated = []
    for lang in languages_on_disk(translations):
        path = po_path(translations, lang)
        catalog = read_catalog(path, lang)
        catalog.update(template, update_header_comment=False)
        atomic_write(path, po_bytes(catalog))
        updated.append(lang)
    return updated


def init(template: Catalog, translations: Path, lang: str) -> Path:
    """Start a catalog for a new language from the template."""
    Locale.parse(lang)
    path = po_path(translations, lang)
    if path.exists():
        raise FileExistsError(f"{path} already exists; use 'kiosk translate update'")
    catalog = read_po(io.BytesIO(po_bytes(template)), locale=lang)
    catalog.locale = Locale.parse(lang)
    catalog.fuzzy = False
    stamp_header(catalog, "Sciatica Kiosk staff")
    atomic_write(path, po_bytes(catalog))
    return path


def compile_catalog(path: Path, lang: str) -> list[Problem]:
    """Compile one .po to .mo atomically unless it has blocking problems; the old .mo then stays."""
    try:
        catalog = read_catalog(path, lang)
    except Exception as exc:  # noqa: BLE001 - any parse error is reported, not raised
        return [Problem(path, 0, "", f"cannot be read: {exc}")]
    problems = [p for p in catalog_problems(catalog, path) if p.kind == "error"]
    if not problems:
        atomic_write(path.with_suffix(".mo"), mo_bytes(catalog))
    return problems


def entry_problems(message: Message, num_plurals: int) -> Iterator[tuple[str, str]]:
    """Yield (kind, text) for what is wrong with one catalog entry: "fuzzy", "untranslated" or "error"."""
    if message.fuzzy:
        # Left out of the .mo until reviewed, as msgfmt does, so its text cannot break anything yet.
        yield "fuzzy", _("Needs review: the English changed since it was translated.")
        return
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    if not any(strings):
        yield "untranslated", _("Untranslated.")
        return
    english = tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)
    if message.pluralizable and (len(strings) != num_plurals or not all(strings)):
        yield "untranslated", _("Fill in every plural form (%(count)d forms).", count=num_plurals)
    for index, text in enumerate(strings):
        if text:
            for error in rules.form_errors(english, text, num_plurals):
                if message.pluralizable:
                    error = _("Form %(number)d: %(problem)s", number=index + 1, problem=error)
                yield "error", error


def catalog_problems(catalog: Catalog, path: Path) -> Iterator[Problem]:
    """Yield every problem in one catalog."""
    if catalog.fuzzy:
        yield Problem(path, 0, "", _("The header is marked fuzzy, so the whole catalog would be ignored."))
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        for kind, text in entry_problems(message, catalog.num_plurals):
            yield Problem(path, message.lineno or 0, msgid, text, kind)


def check(root: Path, translations: Path) -> list[Problem]:
    """Check every catalog and that all are up to date with the code and templates."""
    problems: list[Problem] = []
    pot = translations / f"{DOMAIN}.pot"
    fresh = {m.id for m in extract(root) if m.id}
    try:
        template_ids = {m.id for m in read_catalog(pot) if m.id}
    except FileNotFoundError:
        return [Problem(pot, 0, "", "missing; run 'kiosk translate extract'")]
    if template_ids != fresh:
        problems.append(Problem(pot, 0, "", "out of date with the code; run 'kiosk translate extract' and 'update'"))
    for lang in languages_on_disk(translations):
        path = po_path(translations, lang)
        try:
            catalog = read_catalog(path, lang)
        except Exception as exc:  # noqa: BLE001 - one unreadable catalog is a problem to list, not a crash
            problems.append(Problem(path, 0, "", f"cannot be read: {exc}"))
            continue
        if {m.id for m in catalog if m.id} != template_ids:
            problems.append(Problem(path, 0, "", "out of date with messages.pot; run 'kiosk translate update'"))
        problems.extend(catalog_problems(catalog, path))
    return problems
