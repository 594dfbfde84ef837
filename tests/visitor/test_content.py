"""The sciatica content: every fact of the clinic's source in our own plain words, at grade 8 or below, with the
red flags in two complete groups, and no claim for massage beyond what the evidence supports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from kiosk.speech.text import sentences
from kiosk.visitor import content

SEED = Path(__file__).parent.parent / "data" / "sciatica-seed.txt"
NUMBER = "112"

# Each fact of the clinic's source text, and the words of ours that carry it. Where the source claims more than
# the evidence supports (marked "honest:"), our words say what is known and keep the source's point.
SEED_FACTS = {
    "caused by injury to or pressure on the sciatic nerve": (
        "Sciatica starts when something hurts the nerve or presses on it."
    ),
    "the largest nerve in the body": "The sciatic nerve is the biggest nerve in your body.",
    "pain in the back, hip and outer side of the leg": (
        "The pain is often in the lower back, the hip and the outer side of the leg."
    ),
    "pain like a perpetual leg cramp": "Like a cramp in the leg that does not go away",
    "shooting pains that make standing or sitting nearly impossible": (
        "Sharp, shooting pain that makes it very hard to stand or sit"
    ),
    "a symptom of another problem, not a condition on its own": "Sciatica is not usually an illness on its own.",
    "for example degeneration of an intervertebral disc": (
        "It is a sign of another problem in the body. One example is a worn-down disc between the bones of the spine."
    ),
    "can start suddenly or gradually": "Sciatica can start all at once. It can also build up slowly.",
    "weakness, numbness or tingling down the leg": "Some people have weakness, numbness (no feeling) or tingling.",
    "possibly into the toes": "It can run down the leg. It may even reach the toes.",
    "worse when sitting, sneezing or coughing": "For some people, sitting, sneezing or coughing makes the pain worse.",
    "less commonly, loss of mobility in knee, foot or toes": (
        "Less often, it becomes hard to move the knee, the foot or the toes."
    ),
    "results from irritation or inflammation of the nerve": (
        "Sciatica starts when the sciatic nerve is irritated or inflamed."
    ),
    "most common cause: lumbar disc herniation / slipped disc": (
        "The most common cause is a slipped disc in the lower back."
    ),
    "the disc presses directly on the nerve root": "The disc can then press right on the root of the sciatic nerve.",
    "piriformis: a small muscle deep in the buttock": (
        "The piriformis is a small muscle. It sits deep inside the buttock."
    ),
    "piriformis tightening or spasm": "Sometimes this muscle gets tight or goes into spasm.",
    "piriformis pressing on the sciatic nerve": (
        "The tight muscle can press on the sciatic nerve. This can cause sciatica."
    ),
    "spinal stenosis: narrowing of the spinal canal": "In spinal stenosis, this tunnel becomes narrower.",
    "stenosis puts pressure on the nerves": (
        "The narrow tunnel presses on the nerves inside it. This can cause sciatica."
    ),
    "spondylolisthesis: a vertebra slips out of line with the one above": (
        "In spondylolisthesis, one bone of the spine slips out of line with the bone above it."
    ),
    "the slip narrows the opening where the nerve exits": (
        "When a bone slips, the opening gets narrower. It can squeeze the nerve and cause sciatica."
    ),
    # honest: the source says "numerous studies have shown" that massage relieves compression of the nerve.
    "studies: specialised massage reduces compression of the nerve": (
        "Some studies found that massage eased low back pain for a short time. But the research is limited, "
        "and the results are not certain."
    ),
    # honest: "relieving sciatic pain" becomes "may ease ... for a while".
    "which relieves the pain": (
        "Massage of the lower back, buttock and leg may ease pain and tight muscles for a while."
    ),
    "some feel relief from moderate pain in one session": (
        "Some people with moderate pain say they feel better after one session."
    ),
    "others need several sessions": "Other people need several sessions before they notice a change.",
    # honest: "long-term relief" becomes "how long any relief lasts is different for each person".
    "for the muscle to release the nerve and give long-term relief": (
        "A tight muscle can take time to relax. How long any relief lasts is different for each person."
    ),
    # honest: "make massage part of your wellness plan" becomes "ask about a longer plan; massage may be one part".
    "for long-term sciatica, make massage part of a wellness plan": (
        "If you have had sciatica for a long time, ask a doctor or physiotherapist about a longer plan. "
        "Massage may be one part of it, along with exercise."
    ),
    # honest: nothing shows that massage prevents sciatica coming back; staying active is what helps most.
    "for ongoing relief and prevention": "No treatment can promise to keep the pain away for good.",
}

# The two red-flag groups of the urgent page (NHS; NHS trusts' cauda equina cards; NICE NG59), as its cards word them.
EMERGENCY_SIGNS = (
    "sciatica in both legs",
    "numbness or tingling in both legs",
    "genitals or the buttocks",
    "your bottom",
    "numbness around the anus",
    "problems with sex",
    "erection",
    "pass urine",
    "cannot pee",
    "bladder or bowels",
    "control when you pee or poo",
    "do not feel when you need to pee or poo",
    "weakness in the legs that is severe or getting worse",
)
TODAY_SIGNS = (
    "fever",
    "very unwell",
    "cancer now, or had it in the past",
    "losing weight without trying",
    "after a fall or an accident",
    "one leg is getting weaker",
)
# What massage may not be said to do, unless the sentence says it cannot.
CLAIMS = re.compile(
    r"\b(cure[sd]?|curing|fix(es|ed|ing)?|prevent\w*|heal(s|ed|ing)?|guarantee\w*|will|for good|long[- ]term relief"
    r"|relief that lasts|coming back)\b",
    re.IGNORECASE,
)
DENIAL = re.compile(r"\b(cannot|can't|not|no)\b", re.IGNORECASE)


def all_messages() -> list[str]:
    """Every English message of the sciatica pages, titles and buttons included."""
    return [str(text) for topic in content.TOPICS for block in topic.blocks for text in block.texts] + [
        str(text) for topic in content.TOPICS for text in (topic.title, topic.button)
    ]


def all_sentences() -> Iterator[tuple[str, str]]:
    """Every sentence of every page as shown, with the page's slug."""
    for topic in content.TOPICS:
        for text in topic.texts(NUMBER):
            for sentence in sentences(text):
                yield topic.slug, sentence


def words(text: str) -> list[str]:
    """Lower-case words, for comparing wording."""
    return re.findall(r"[a-z']+", text.lower().replace("’", "'"))


def syllables(word: str) -> int:
    """Estimate a word's syllables by its vowel groups, the usual approximation for readability scores."""
    groups = re.findall(r"[aeiouy]+", word)
    count = len(groups) - (1 if word.endswith("e") and not word.endswith("le") and len(groups) > 1 else 0)
    return max(1, count)


def grade(text: str) -> float:
    """Flesch-Kincaid grade level."""
    sentences = max(1, len(re.findall(r"[.!?:]+(?:\s|$)", text)))
    found = words(text)
    return 0.39 * len(found) / sentences + 11.8 * sum(map(syllables, found)) / len(found) - 15.59


def card(slug: str, kind: str) -> content.Block:
    """Return a page's care card of one kind."""
    return next(block for block in content.BY_SLUG[slug].blocks if block.kind == kind)


@pytest.fixture(autouse=True)
def english(app: Flask) -> Iterator[None]:
    """Read the content in English."""
    with app.test_request_context("/en/"):
        yield


def test_every_fact_of_the_source_reaches_the_kiosk() -> None:
    messages = all_messages()
    assert len(SEED_FACTS) == 29
    missing = {fact: ours for fact, ours in SEED_FACTS.items() if not any(ours in message for message in messages)}
    assert missing == {}


def test_one_message_per_heading_paragraph_and_list_item() -> None:
    several = ("list", "emergency", "today", "urgent-link")
    assert all(len(block.texts) == 1 for topic in content.TOPICS for block in topic.blocks if block.kind not in several)


def test_no_sentence_or_long_phrase_is_copied_from_the_source() -> None:
    seed = words(SEED.read_text(encoding="utf-8"))
    seed_runs = {tuple(seed[i : i + 6]) for i in range(len(seed) - 5)}
    extra = [content.NERVE_CAPTION, content.NERVE_ALT, content.DISCLAIMER, *content.SOURCES.values()]
    copied = []
    for message in all_messages() + [str(text) for text in extra]:
        found = words(message)
        copied += [" ".join(found[i : i + 6]) for i in range(len(found) - 5) if tuple(found[i : i + 6]) in seed_runs]
    assert copied == []


@pytest.mark.parametrize("topic", content.TOPICS, ids=lambda t: t.slug)
def test_each_page_reads_at_grade_8_or_below(topic: content.Topic) -> None:
    text = " ".join(t if t.rstrip().endswith((".", "?", "!", ":")) else t + "." for t in topic.texts(NUMBER))
    assert grade(text) <= 8.0, f"{topic.slug}: grade {grade(text):.1f}"


def test_the_emergency_group_names_every_sign_and_says_call_the_number_or_tell_staff() -> None:
    emergency = card("urgent-help", "emergency")
    assert emergency.texts[0].message_id == "Emergency: call %(number)s or tell staff now"
    assert content.text_in(emergency.texts[0], NUMBER) == "Emergency: call 112 or tell staff now"
    signs = " | ".join(str(text) for text in emergency.texts[2:]).lower()
    assert [sign for sign in EMERGENCY_SIGNS if sign not in signs] == []
    assert content.EMERGENCY_CARD is emergency


def test_the_see_a_doctor_today_group_names_every_sign() -> None:
    today = card("urgent-help", "today")
    assert str(today.texts[0]) == "See a doctor today"
    signs = " | ".join(str(text) for text in today.texts[2:]).lower()
    assert [sign for sign in TODAY_SIGNS if sign not in signs] == []


def test_the_emergency_card_comes_before_the_today_card_and_no_sign_is_in_both() -> None:
    kinds = [block.kind for block in content.BY_SLUG["urgent-help"].blocks]
    assert kinds.index("emergency") < kinds.index("today")
    emergency = {str(text) for text in card("urgent-help", "emergency").texts[2:]}
    today = {str(text) for text in card("urgent-help", "today").texts[2:]}
    assert emergency & today == set()


def test_plain_words_come_with_the_medical_ones() -> None:
    signs = " ".join(str(text) for text in card("urgent-help", "emergency").texts).lower()
    for pair in (("pee", "urine"), ("poo", "bowels"), ("bottom", "buttocks"), ("back passage", "anus")):
        assert all(word in signs for word in pair), pair


def test_weakness_of_the_knee_foot_or_toes_is_a_warning_that_leads_to_the_urgent_page() -> None:
    symptoms = content.BY_SLUG["symptoms"].blocks
    link = next(block for block in symptoms if block.kind == "urgent-link")
    assert "hard to move the knee, the foot or the toes" in str(link.texts[0])
    assert str(link.texts[1]) == "This is a warning sign. Tap here to see when to get help."
    headings = [str(block.texts[0]) for block in symptoms if block.kind == "h2"]
    # It sits under the warning signs, no longer under what merely makes the pain worse.
    assert symptoms.index(link) > next(i for i, b in enumerate(symptoms) if str(b.texts[0]) == "Warning signs")
    assert "Warning signs" in headings


def test_no_sentence_claims_that_massage_cures_fixes_or_prevents() -> None:
    claims = [
        (slug, sentence)
        for slug, sentence in all_sentences()
        if CLAIMS.search(sentence) and not DENIAL.search(sentence)
    ]
    assert claims == []


def test_the_old_overclaims_are_gone() -> None:
    text = " ".join(sentence for _, sentence in all_sentences()).lower()
    for claim in (
        "many studies",
        "ease the pressure",
        "relief can last",
        "relief that lasts",
        "keep the pain from coming back",
        "how massage can help",
        "most people feel",
        "slip out of place",
    ):
        assert claim not in text, claim


def test_the_massage_page_says_what_the_evidence_and_guidance_support() -> None:
    massage = " ".join(content.BY_SLUG["massage"].texts(NUMBER))
    assert str(content.BY_SLUG["massage"].title) == "Whether massage might help"
    for fact in (
        "may ease pain and tight muscles for a while",  # Cochrane: short-term benefit only
        "the research is limited",  # Cochrane: low to very low certainty
        "Massage cannot fix a slipped disc.",
        "part of a plan that also has exercise",  # NICE NG59 1.2.7
        "Staying active helps most people",  # NICE NG59 1.2.1, NHS
        "How long any relief lasts is different for each person.",
        "ask a doctor or physiotherapist about a longer plan",
    ):
        assert fact in massage, fact


def test_every_page_names_its_sources_and_every_source_is_labelled_and_traceable() -> None:
    for topic in content.TOPICS:
        assert topic.sources, topic.slug
        assert set(topic.sources) <= set(content.SOURCES), topic.slug
    assert set(content.SOURCES) == set(content.SOURCE_ADDRESSES)
    assert "cochrane" in content.BY_SLUG["massage"].sources
    assert "nice-ng59" in content.BY_SLUG["massage"].sources


def test_every_button_fits_thirty_characters() -> None:
    assert [str(t.button) for t in content.TOPICS if len(str(t.button)) > 30] == []


def test_the_number_is_filled_only_where_a_message_has_a_place_for_it() -> None:
    filled = [text for text in content.BY_SLUG["urgent-help"].texts(NUMBER) if NUMBER in text]
    assert len(filled) == 2  # the emergency card's heading and the cauda equina paragraph
    assert all("%(" not in text for topic in content.TOPICS for text in topic.texts(NUMBER))
