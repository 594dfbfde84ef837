"""Does espeak-ng read an Arabic word with its vowels? Rules on the IPA it produces for the word alone.

espeak-ng needs vowel marks to read Arabic. Without them it reads a word as a run of consonants, which
Modern Standard Arabic never has. The rules, on the word's phones (a geminate counts as two consonants):

- R1: no vowel at all, as يضغط /jdˤɣt̪/;
- R2: two consonants at the start (MSA has no initial cluster), as مرات /mraːt/;
- R3: three consonants in a row, as اطلب /at̪lb/;
- R4: a long vowel followed by two different consonants, as عاجلة /ʕaːdʒlt/;
- R5: a long vowel next to another vowel (MSA has no hiatus), as طويلة /t̪uːilt/.
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[\u0621-\u063a\u0640-\u065f\u0670-\u06d3]+")
# Tanwin, fatha, damma, kasra, sukun and the dagger alif; a shadda alone is not a vowel mark.
VOWEL_MARKS = frozenset("\u064b\u064c\u064d\u064e\u064f\u0650\u0652\u0670")
VOWELLESS_RULES = frozenset({"R1", "R2", "R3", "R4"})
_IPA_VOWELS = frozenset("aeiouɑɛɔəæɪʊɐy")
_IPA_MODIFIERS = frozenset("ːˤ̪ʲ.ˑ̃")
# Particles, prepositions, pronouns and demonstratives: findings on these are labelled "function word".
_FUNCTION_WORDS = """في من إلى على عن مع أو و ثم لا لم لن ما هل قد أن إن إذا إذ كل بعض هذا هذه ذلك تلك هؤلاء
    التي الذي الذين
    اللذان هو هي هم هن أنت أنتم نحن أنا لك له لها لهم لنا لي بك به بها بهم عند عندما حتى بين أي كي لكي لأن كما مثل
    غير بل لكن ليس ليست قبل بعد فيه فيها منه منها عليه عليها إليه إليها إليك عليك منك معك وهذا وهذه وفي ومن وإلى
    وعلى وعن ولا ولم وما وإن وإذا وقد وكل فإن فإذا فلا لهذا لهذه بهذا بهذه كذلك هنا هناك أين متى كيف لماذا ماذا
    إلا سوف"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS.split())


def has_vowel_marks(word: str) -> bool:
    """True when the written word carries at least one vowel mark."""
    return any(char in VOWEL_MARKS for char in word)


def phones(ipa: str) -> list[str]:
    """Cut a word's IPA into phones: a letter with its modifiers, stress dropped, geminates doubled."""
    ipa = ipa.replace("ˈ", "").replace("ˌ", "").replace("d͡ʒ", "ʒ").replace("dʒ", "ʒ").replace("t͡ʃ", "ʃ")
    cut: list[str] = []
    for char in ipa:
        if char in _IPA_MODIFIERS or unicodedata.combining(char):
            if cut:
                cut[-1] += char
        elif char.strip() and char not in "-_|":
            cut.append(char)
    doubled: list[str] = []
    for phone in cut:
        if phone[0] not in _IPA_VOWELS and "ː" in phone:
            # espeak-ng writes a geminate consonant as long ("bː"): two consonants.
            doubled += [phone.replace("ː", "")] * 2
        else:
            doubled.append(phone)
    # al- + a sun letter + shadda comes out as three identical consonants; it is two.
    out: list[str] = []
    for phone in doubled:
        if len(out) >= 2 and phone == out[-1] == out[-2] and phone[0] not in _IPA_VOWELS:
            continue
        out.append(phone)
    return out


def broken_rules(ipa: str) -> list[str]:
    """Return the rules (R1 to R5) that a word's IPA breaks; empty when it reads like well-formed MSA."""
    broken: set[str] = set()
    for word in ipa.split():
        cut = phones(word)
        kinds = "".join("V" if phone[0] in _IPA_VOWELS else "C" for phone in cut)
        if not cut:
            continue
        if "V" not in kinds:
            broken.add("R1")
            continue
        if kinds.startswith("CC"):
            broken.add("R2")
        if "CCC" in kinds:
            broken.add("R3")
        for i in range(len(cut) - 2):
            long_vowel = kinds[i] == "V" and "ː" in cut[i]
            if long_vowel and kinds[i + 1 : i + 3] == "CC" and cut[i + 1][0] != cut[i + 2][0]:
                broken.add("R4")
        for i in range(len(cut) - 1):
            if kinds[i : i + 2] == "VV" and ("ː" in cut[i] or "ː" in cut[i + 1]):
                broken.add("R5")
    return sorted(broken)
