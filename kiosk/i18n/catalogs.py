"""Translation catalogs: extract, update, compile and check them with Babel's Python API."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import denormalize, read_po, write_po

from kiosk.core.files import atomic_write

DOMAIN = "messages"
COMMENT_TAGS = ("TRANSLATORS:",)
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
METHOD_MAP = [
    ("kiosk/**.py", "python"),
    ("templates/**.html", "jinja2.ext:babel_extract"),
]
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa%])")
TAG = re.compile(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*>|<\s*!|&#?\w+;")
SAMPLE = {
    "d": 7,
    "i": 7,
    "o": 7,
    "u": 7,
    "x": 7,
    "X": 7,
    "e": 1.5,
    "E": 1.5,
    "f": 1.5,
    "F": 1.5,
    "g": 1.5,
    "G": 1.5,
    "c": "x",
    "r": "x",
    "s": "x",
    "a": "x",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog, tied to a message where there is one."""

    path: Path
    lineno: int
    msgid: str
    text: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.lineno}" if self.lineno else str(self.path)
        return f"{where}: {self.text}" + (f"  [{self.msgid[:60]!r}]" if self.msgid else "")


def po_path(translations: Path, lang: str) -> Path:
    """Return the .po file of one language."""
    return translations / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages_on_disk(translations: Path) -> list[str]:
    """Return the languages that have a .po file, sorted."""
    return sorted(p.parent.parent.name for p in translations.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def po_bytes(catalog: Catalog) -> bytes:
    """Serialise a catalog as .po text, keeping previous msgids so reviewers see what changed."""
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, include_previous=True, sort_output=False)
    return _mend_previous(buffer.getvalue().decode("utf-8")).encode("utf-8")


_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_PREVIOUS_KEY = re.compile(r"\b(msgid_plural|msgid) ")


def _mend_previous(text: str) -> str:
    """Rewrite each '#|' block on one line per key: Babel wraps it mid-string, which msgfmt rejects."""
    lines = text.split("\n")
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("#| "):
            block.append(line[3:])
            continue
        if block:
            joined = " ".join(block)
            parts = _PREVIOUS_KEY.split(joined)
            for key, rest in zip(parts[1::2], parts[2::2], strict=True):
                out.append(f'#| {key} "{"".join(_STRING.findall(rest))}"')
            block = []
        out.append(line)
    return "\n".join(out[:-1])


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
    problems = [p for p in catalog_problems(catalog, path) if not p.text.startswith(("untranslated", "fuzzy"))]
    if not problems:
        atomic_write(path.with_suffix(".mo"), mo_bytes(catalog))
    return problems


def placeholders(text: str) -> Counter[tuple[str | None, str]]:
    """Count the %-placeholders in a message by name and type, ignoring a literal %%."""
    return Counter((m["name"], m["type"]) for m in PLACEHOLDER.finditer(text) if m["type"] != "%")


def markup(text: str) -> set[str]:
    """Return the HTML tags and entities in a message."""
    return {m.group(1).lower() if m.group(1) else m.group(0) for m in TAG.finditer(text)}


def message_errors(source: str, translation: str) -> list[str]:
    """Say, in plain words, what would break if this translation of source were used."""
    errors = []
    wanted, got = placeholders(source), placeholders(translation)
    if any(name is None for name, _ in got - wanted):
        # "100% sure" parses as the placeholder "% s": the real mistake is the lone percent sign.
        errors.append("a % sign would break formatting; write a literal percent sign as %%")
    elif wanted != got:
        names = ", ".join(sorted(f"%({n})" + t if n else "%" + t for n, t in wanted)) or "none"
        errors.append(f"placeholders must match the English exactly (expected: {names})")
    else:
        values = {name: SAMPLE[kind] for name, kind in got if name}
        try:
            translation % (values if values or not got else tuple(SAMPLE[k] for _, k in got))
        except (ValueError, TypeError, KeyError, IndexError):
            errors.append("a % sign would break formatting; write a literal percent sign as %%")
    extra = markup(translation) - markup(source)
    if extra:
        errors.append(f"markup is not allowed here: {', '.join(sorted(extra))}")
    return errors


def form_errors(english: tuple[str, ...], text: str, num_plurals: int) -> list[str]:
    """Say what would break if text were one form of a translation of english (singular[, plural])."""
    if len(english) == 1:
        return message_errors(english[0], text)
    singular, plural = english[0], english[-1]
    if num_plurals == 1:
        # One form serves every number, so it needs the plural's placeholders, as msgfmt insists.
        return message_errors(plural, text)
    # Otherwise a form may leave the number out (Arabic "two seconds"), but never invent a placeholder.
    unknown = placeholders(text) - (placeholders(singular) | placeholders(plural))
    if any(name is None for name, _ in unknown):
        errors = ["a % sign would break formatting; write a literal percent sign as %%"]
    elif unknown:
        names = ", ".join(sorted(f"%({n})" + t for n, t in unknown))
        errors = [f"this form uses a placeholder the English does not have: {names}"]
    else:
        errors = [e for e in message_errors(text, text) if not e.startswith("markup")]
    extra = markup(text) - markup(singular) - markup(plural)
    if extra:
        errors.append(f"markup is not allowed here: {', '.join(sorted(extra))}")
    return errors


def entry_problems(message: Message, num_plurals: int) -> Iterator[str]:
    """Yield what is wrong with one catalog entry."""
    if message.fuzzy:
        yield "fuzzy: the English changed; review the translation"
    strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
    if not any(strings):
        yield "untranslated"
        return
    english = tuple(message.id) if isinstance(message.id, tuple | list) else (message.id,)
    if message.pluralizable and (len(strings) != num_plurals or not all(strings)):
        yield f"untranslated: plural forms must all be filled ({num_plurals} forms)"
    for index, text in enumerate(strings):
        if text:
            for error in form_errors(english, text, num_plurals):
                yield f"plural form {index}: {error}" if message.pluralizable else error


def catalog_problems(catalog: Catalog, path: Path) -> Iterator[Problem]:
    """Yield every problem in one catalog."""
    if catalog.fuzzy:
        yield Problem(path, 0, "", "the header is marked fuzzy, so the whole catalog would be ignored")
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
        for text in entry_problems(message, catalog.num_plurals):
            yield Problem(path, message.lineno or 0, msgid, text)


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
