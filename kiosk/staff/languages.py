"""The visitor's language as staff see it: its own name in its own script, and its name in the staff's language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError


@dataclass(frozen=True)
class LanguageLabel:
    """A language named twice, "العربية · Arabic", with what a page needs to show the first name right."""

    tag: str  # BCP 47, for lang=""
    own: str  # the language's name in its own script
    direction: str  # of the own name: "ltr" or "rtl"
    staff: str  # the language's name in the staff member's language

    @property
    def text(self) -> str:
        """Return both names as one line of text (for the CSV); once when they are the same."""
        return self.own if self.own == self.staff else f"{self.own} · {self.staff}"


def _capital(name: str) -> str:
    """Return a language name with its first letter capitalised, as it starts a label."""
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=256)
def language_label(code: str | None, staff_code: str) -> LanguageLabel | None:
    """Return the label of a request's language for a staff member, or None when it was not recorded."""
    if not code:
        return None
    try:
        locale = Locale.parse(code)
        staff_locale = Locale.parse(staff_code)
    except (UnknownLocaleError, ValueError, TypeError):
        return LanguageLabel(code.replace("_", "-"), code, "ltr", code)
    own = _capital(locale.display_name or code)
    in_staff = _capital(locale.get_display_name(staff_locale) or code)
    return LanguageLabel(code.replace("_", "-"), own, locale.text_direction, in_staff)
