"""The sciatica content: every fact of the clinic's source, in our own plain words, at grade 8 or below."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from kiosk.visitor import content

SEED = Path(__file__).parent.parent / "data" / "sciatica-seed.txt"

# Each fact of the clinic's source text, and the words of ours that carry it.
SEED_FACTS = {
    "caused by injury to or pressure on the sciatic nerve": (
        "Sciatica starts when something hurts the nerve or presses on it."
    ),
    "the largest nerve in the body": "The sciatic nerve is the biggest nerve in your body.",
    "pain in the back, hip and outer side of the leg": (
        "Most people feel the pain in the lower back, the hip and the outer side of the leg."
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
        "The tight muscle can press on the sciatic nerve. This causes sciatica."
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
    "studies: specialised massage reduces compression of the nerve": (
        "Many studies have found that special massage of the sciatic area can ease the pressure on the sciatic nerve."
    ),
    "which relieves the pain": "Less pressure on the nerve can relieve the pain.",
    "some feel relief from moderate pain in one session": (
        "Some people with moderate pain feel relief after just one session."
    ),
    "others need several sessions": "Other people need several sessions.",
    "for the muscle to release the nerve and give long-term relief": (
        "It takes time for a tight muscle to let go of the nerve. Then the relief can last."
    ),
    "for long-term sciatica, make massage part of a wellness plan": (
        "If you have had sciatica for a long time, make massage a regular part of your plan to stay well."
    ),
    "for ongoing relief and prevention": (
        "This can give you relief that lasts, and help keep the pain from coming back."
    ),
}


def all_messages() -> list[str]:
    """Every English message of the sciatica pages."""
    return [str(text) for topic in content.TOPICS for block in topic.blocks for text in block.texts] + [
        str(topic.title) for topic in content.TOPICS
    ]


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


@pytest.fixture(autouse=True)
def english(app: Flask) -> object:
    """Read the content in English."""
    with app.test_request_context("/en/"):
        yield


def test_every_fact_of_the_source_reaches_the_kiosk() -> None:
    messages = all_messages()
    missing = {fact: ours for fact, ours in SEED_FACTS.items() if not any(ours in message for message in messages)}
    assert missing == {}


def test_one_message_per_heading_paragraph_and_list_item() -> None:
    assert all(len(block.texts) == 1 for topic in content.TOPICS for block in topic.blocks if block.kind != "list")


def test_no_sentence_or_long_phrase_is_copied_from_the_source() -> None:
    seed = words(SEED.read_text(encoding="utf-8"))
    seed_runs = {tuple(seed[i : i + 6]) for i in range(len(seed) - 5)}
    copied = []
    for message in all_messages():
        found = words(message)
        copied += [" ".join(found[i : i + 6]) for i in range(len(found) - 5) if tuple(found[i : i + 6]) in seed_runs]
    assert copied == []


@pytest.mark.parametrize("topic", content.TOPICS, ids=lambda t: t.slug)
def test_each_page_reads_at_grade_8_or_below(topic: content.Topic) -> None:
    text = " ".join(t if t.rstrip().endswith((".", "?", "!", ":")) else t + "." for t in topic.texts())
    assert grade(text) <= 8.0, f"{topic.slug}: grade {grade(text):.1f}"


def test_urgent_page_names_the_red_flags_from_nhs_and_nice() -> None:
    urgent = " ".join(str(t) for t in content.BY_SLUG["urgent-help"].texts()).lower()
    for flag in ["both legs", "genitals or the buttocks", "bladder or bowels", "pass urine", "weakness in the legs"]:
        assert flag in urgent
