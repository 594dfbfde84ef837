"""What is wrong with a pronunciation entry, as a code and values, said in the staff member's language."""

from __future__ import annotations

from flask import has_request_context

from kiosk.i18n import lazy_gettext as _l

# A code and its values: the validator's child process sends these as JSON, the editor words them.
Problem = tuple[str, dict[str, str]]

MESSAGES = {
    # TRANSLATORS: A pronunciation entry was refused. %(written)s and %(read)s are espeak-ng phoneme codes.
    "phonemes": _l(
        "espeak-ng does not know some of these phonemes: it read [[%(written)s]] as [[%(read)s]]. "
        "Unknown names are dropped silently, so this entry was not saved."
    ),
    # TRANSLATORS: A pronunciation entry was refused. %(read)s is what espeak-ng would say, in phoneme codes.
    "switch": _l(
        "The voice would read this in another language (%(read)s; the code in brackets, such as (en), names "
        "the language). Spell it the way this language writes the sound."
    ),
    # TRANSLATORS: A pronunciation entry was refused because the engine would say nothing for it.
    "silent": _l("The voice says nothing for this replacement. Write letters or phonemes it can read."),
    # TRANSLATORS: An Arabic pronunciation entry was refused. %(read)s is the reading in IPA.
    "arabic": _l(
        "The Arabic voice still reads this without all its vowels (%(read)s). Add the vowel marks "
        "(fatha, damma, kasra, sukun) to every letter that needs one."
    ),
    # TRANSLATORS: The pronunciation check itself failed; %(detail)s is a technical reason.
    "engine": _l("The entry could not be checked, so it was not saved: %(detail)s"),
    # TRANSLATORS: A pronunciation entry was refused because the word field has no letters or digits.
    "word": _l("The word must have at least one letter or digit, and no square brackets."),
    # TRANSLATORS: A pronunciation entry was refused; %(limit)s is a number of characters.
    "long": _l("This is too long: at most %(limit)s characters."),
    # TRANSLATORS: A pronunciation entry was refused because the replacement field is empty.
    "empty": _l("Write how the word should be read."),
    # TRANSLATORS: Phoneme input in a pronunciation entry is malformed. Keep [[ISy'As]] as it is.
    "brackets": _l(
        "Phoneme input must be the whole replacement, in one pair of double brackets with phonemes inside, "
        "such as [[ISy'As]]."
    ),
}


def describe(problem: Problem) -> str:
    """Say a problem in the staff member's language (in English outside a request: logs and commands)."""
    code, params = problem
    message = MESSAGES.get(code, MESSAGES["engine"])
    text = str(message) if has_request_context() else message.message_id
    return text % {"detail": code, **params}
