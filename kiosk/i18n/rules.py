"""What a translation must respect to go live: the English's placeholders, percent signs, no markup.

Each problem is said in plain words, in the reader's language, with an example taken from the message
itself, because the people who read them are volunteer translators, not programmers.
"""

from __future__ import annotations

import html.entities
import re
from collections import Counter
from collections.abc import Iterator

from kiosk.i18n.messages import gettext as _

PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?P<type>[diouxXeEfFgGcrsa%])")
# As HTML reads it: "<" followed by a letter, "/" and a letter, or "!" opens a tag; "<3" or "a < b" is text.
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])|<!")
ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
ENTITIES = frozenset(name.rstrip(";") for name in html.entities.html5)
# Element names a browser knows: anything else in angle brackets (“<nombre>”) is shown as typed, not markup.
ELEMENTS = frozenset(
    [
        "a",
        "abbr",
        "address",
        "area",
        "article",
        "aside",
        "audio",
        "b",
        "base",
        "bdi",
        "bdo",
        "blockquote",
        "body",
        "br",
        "button",
        "canvas",
        "caption",
        "cite",
        "code",
        "col",
        "colgroup",
        "data",
        "datalist",
        "dd",
        "del",
        "details",
        "dfn",
        "dialog",
        "div",
        "dl",
        "dt",
        "em",
        "embed",
        "fieldset",
        "figcaption",
        "figure",
        "font",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "i",
        "iframe",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "legend",
        "li",
        "link",
        "main",
        "map",
        "mark",
        "marquee",
        "math",
        "menu",
        "meta",
        "meter",
        "nav",
        "noscript",
        "object",
        "ol",
        "optgroup",
        "option",
        "output",
        "p",
        "param",
        "picture",
        "pre",
        "progress",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "script",
        "section",
        "select",
        "slot",
        "small",
        "source",
        "span",
        "strong",
        "style",
        "sub",
        "summary",
        "sup",
        "svg",
        "table",
        "tbody",
        "td",
        "template",
        "textarea",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "track",
        "u",
        "ul",
        "var",
        "video",
        "wbr",
    ]
)
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
    "r": "Ana",
    "s": "Ana",
    "a": "Ana",
}


def placeholders(text: str) -> Counter[tuple[str | None, str]]:
    """Count the %-placeholders in a message by name and type, ignoring a literal %%."""
    return Counter((m["name"], m["type"]) for m in PLACEHOLDER.finditer(text) if m["type"] != "%")


def markup(text: str) -> set[str]:
    """Return the HTML tags and character references in a message, as a browser would read them."""
    found = set()
    for match in TAG.finditer(text):
        if match.group(0) == "<!":
            found.add("<!")
        elif match.group(2).lower() in ELEMENTS:
            found.add(f"<{match.group(1)}{match.group(2).lower()}>")
    for match in ENTITY.finditer(text):
        name = match.group(1)
        if name.startswith("#") or name in ENTITIES:
            found.add(match.group(0))
    return found


def shown(text: str) -> str:
    """Return a message as the kiosk would show it, with example values in its placeholders."""
    found = placeholders(text)
    values = {name: SAMPLE[kind] for name, kind in found if name}
    try:
        return text % (values if values or not found else tuple(SAMPLE[kind] for _name, kind in found))
    except (ValueError, TypeError, KeyError, IndexError):
        return text


def _names(found: Counter[tuple[str | None, str]]) -> str:
    """List placeholders the way they are typed."""
    return ", ".join(sorted(f"%({name}){kind}" if name else f"%{kind}" for name, kind in found))


def percent_problem() -> str:
    """Explain a lone percent sign, with an example."""
    # TRANSLATORS: Shown to translators. %%%% is shown as %%, and %% as %: "type two: %%" and "50% off".
    return _(
        "A single %% sign breaks this text. To show a percent sign, type two: %%%%. "
        "For example, “50%%%% off” shows on the kiosk as “50%% off”."
    )


def placeholder_problem(source: str, found: Counter[tuple[str | None, str]]) -> str:
    """Explain placeholders that differ from the English, with the English as the example."""
    wanted = placeholders(source)
    if not wanted:
        return _(
            "The English has no placeholders, so the translation cannot have any: remove %(found)s.",
            found=_names(found - wanted) or _names(found),
        )
    return _(
        "Keep the placeholders exactly as in the English: %(expected)s. When the kiosk shows the text, "
        "it puts a number or a name in their place. For example, “%(example)s” is shown as “%(shown)s”.",
        expected=_names(wanted),
        example=source,
        shown=shown(source),
    )


def markup_problem(found: set[str]) -> str:
    """Explain markup in a translation."""
    return _(
        "Remove %(markup)s: the kiosk shows text only, so it would appear on the screen exactly as typed.",
        markup=", ".join(sorted(found)),
    )


def message_errors(source: str, translation: str) -> list[str]:
    """Say, in plain words, what would break if this translation of source were used."""
    errors = []
    wanted, got = placeholders(source), placeholders(translation)
    if any(name is None for name, _kind in got - wanted):
        # "100% sure" parses as the placeholder "% s": the real mistake is the lone percent sign.
        errors.append(percent_problem())
    elif wanted != got:
        errors.append(placeholder_problem(source, got))
    else:
        values = {name: SAMPLE[kind] for name, kind in got if name}
        try:
            translation % (values if values or not got else tuple(SAMPLE[k] for _name, k in got))
        except (ValueError, TypeError, KeyError, IndexError):
            errors.append(percent_problem())
    extra = markup(translation) - markup(source)
    if extra:
        errors.append(markup_problem(extra))
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
    if any(name is None for name, _kind in unknown):
        errors = [percent_problem()]
    elif unknown:
        errors = [
            _(
                "This form uses a placeholder the English does not have: %(names)s. "
                "Use only the English's: %(expected)s.",
                names=_names(unknown),
                expected=_names(placeholders(singular) | placeholders(plural)),
            )
        ]
    else:
        errors = [error for error in message_errors(text, text) if error == percent_problem()]
    extra = markup(text) - markup(singular) - markup(plural)
    if extra:
        errors.append(markup_problem(extra))
    return errors


def help_for(english: tuple[str, ...]) -> Iterator[str]:
    """Explain, before anyone types, the placeholders and percent signs a message's English has."""
    source = english[-1]
    if placeholders(source):
        yield _(
            "Keep %(placeholders)s exactly as typed here: the kiosk puts a number or a name in its place. "
            "For example, “%(example)s” is shown as “%(shown)s”.",
            placeholders=_names(placeholders(source)),
            example=source,
            shown=shown(source),
        )
    if "%%" in source:
        # TRANSLATORS: %%%% is shown as %%, and %% as %.
        yield _("Where the English has %%%%, type %%%% too: the kiosk shows it as one %% sign.")
