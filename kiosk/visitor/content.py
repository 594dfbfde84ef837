"""The sciatica pages: every heading, paragraph and list item, each its own translatable message."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from kiosk.i18n import SafeLazyString as LazyString, lazy_gettext as _l


@dataclass(frozen=True)
class Block:
    """One piece of a page: a heading, a paragraph, a list, a note, a warning or the nerve picture."""

    kind: str  # "h2", "p", "list", "note", "warning" or "figure"
    texts: tuple[LazyString, ...]


@dataclass(frozen=True)
class Topic:
    """One page of the kiosk, reached from the menu or from its parent topic."""

    slug: str
    title: LazyString
    button: LazyString
    icon: str
    blocks: tuple[Block, ...]
    parent: str | None = None
    children: tuple[str, ...] = field(default_factory=tuple)

    def texts(self) -> Iterator[str]:
        """Yield the page's text in reading order, in the current language."""
        yield str(self.title)
        for block in self.blocks:
            for text in block.texts:
                yield str(text)


def p(text: LazyString) -> Block:
    """A paragraph: one message, as Sphinx makes one per paragraph, so translators see it whole."""
    return Block("p", (text,))


NERVE_CAPTION = _l("The sciatic nerve starts in the lower back. It runs through the buttock and down the leg.")
# TRANSLATORS: Text alternative for the drawing of the sciatic nerve, read by screen readers.
NERVE_ALT = _l(
    "Drawing of a person seen from behind. A glowing yellow line shows the sciatic nerve in one leg. "
    "It starts in the lower back, passes through the buttock, runs down the back of the thigh and "
    "behind the knee, and ends in the foot."
)
DISCLAIMER = _l(
    "This kiosk gives general information only. It cannot tell you what is causing your pain. A doctor can."
)

TOPICS: tuple[Topic, ...] = (
    Topic(
        slug="what-is-sciatica",
        title=_l("What is sciatica?"),
        # TRANSLATORS: Menu button label. Keep it short: at most 30 characters.
        button=_l("What is sciatica?"),
        icon="question",
        blocks=(
            p(_l("Sciatica is pain that comes from the sciatic nerve.")),
            p(
                _l(
                    "The sciatic nerve is the biggest nerve in your body. Sciatica starts when something "
                    "hurts the nerve or presses on it. The nerve may also get irritated or inflamed (swollen "
                    "and sore)."
                )
            ),
            Block("figure", (NERVE_CAPTION,)),
            p(_l("Most people feel the pain in the lower back, the hip and the outer side of the leg.")),
            Block("h2", (_l("A sign of another problem"),)),
            p(
                _l(
                    "Sciatica is not usually an illness on its own. It is a sign of another problem in the "
                    "body. One example is a worn-down disc between the bones of the spine."
                )
            ),
            p(_l("Sciatica can start all at once. It can also build up slowly.")),
        ),
    ),
    Topic(
        slug="symptoms",
        title=_l("Symptoms: how it feels"),
        # TRANSLATORS: Menu button label. Keep it short: at most 30 characters.
        button=_l("Symptoms"),
        icon="symptoms",
        blocks=(
            p(_l("Sciatica feels different from one person to the next.")),
            Block("h2", (_l("How the pain can feel"),)),
            Block(
                "list",
                (
                    _l("Like a cramp in the leg that does not go away"),
                    _l("Sharp, shooting pain that makes it very hard to stand or sit"),
                    _l("Pain in the lower back, the hip or the outer side of the leg"),
                ),
            ),
            Block("h2", (_l("Other feelings in the leg"),)),
            p(
                _l(
                    "Some people have weakness, numbness (no feeling) or tingling. It can run down the leg. "
                    "It may even reach the toes."
                )
            ),
            Block("h2", (_l("What can make it worse"),)),
            p(_l("For some people, sitting, sneezing or coughing makes the pain worse.")),
            p(_l("Less often, it becomes hard to move the knee, the foot or the toes.")),
            Block("warning", (_l("Pain, numbness or weakness in both legs needs urgent help."),)),
        ),
    ),
    Topic(
        slug="causes",
        title=_l("What causes sciatica?"),
        # TRANSLATORS: Menu button label. Keep it short: at most 30 characters.
        button=_l("Causes"),
        icon="causes",
        blocks=(
            p(_l("Sciatica starts when the sciatic nerve is irritated or inflamed.")),
            p(
                _l(
                    "The most common cause is a slipped disc in the lower back. The disc presses right on the "
                    "root of the nerve."
                )
            ),
            p(_l("There are other causes too. Tap a button to learn more.")),
        ),
        children=("slipped-disc", "piriformis-syndrome", "spinal-stenosis", "spondylolisthesis"),
    ),
    Topic(
        slug="slipped-disc",
        title=_l("Slipped disc"),
        # TRANSLATORS: Button label for the page about lumbar disc herniation. At most 30 characters.
        button=_l("Slipped disc"),
        icon="disc",
        parent="causes",
        blocks=(
            p(
                _l(
                    "Your spine is a stack of bones called vertebrae. Between the bones are soft pads called "
                    "discs. They work like cushions."
                )
            ),
            p(
                _l(
                    "In the lower back, a disc can bulge or slip out of place. Doctors call this a lumbar "
                    "disc herniation."
                )
            ),
            p(_l("The disc can then press right on the root of the sciatic nerve.")),
            p(_l("This is the most common cause of sciatica.")),
        ),
    ),
    Topic(
        slug="piriformis-syndrome",
        title=_l("Piriformis syndrome"),
        # TRANSLATORS: Button label. At most 30 characters.
        button=_l("Piriformis syndrome"),
        icon="muscle",
        parent="causes",
        blocks=(
            p(_l("The piriformis is a small muscle. It sits deep inside the buttock.")),
            p(
                _l(
                    "Sometimes this muscle gets tight or goes into spasm. A spasm means the muscle tightens "
                    "by itself and does not let go."
                )
            ),
            p(_l("The tight muscle can press on the sciatic nerve. This causes sciatica.")),
        ),
    ),
    Topic(
        slug="spinal-stenosis",
        title=_l("Spinal stenosis"),
        # TRANSLATORS: Button label. At most 30 characters.
        button=_l("Spinal stenosis"),
        icon="stenosis",
        parent="causes",
        blocks=(
            p(_l("Inside your spine is a tunnel called the spinal canal. Nerves run through it.")),
            p(_l("In spinal stenosis, this tunnel becomes narrower.")),
            p(_l("The narrow tunnel presses on the nerves inside it. This can cause sciatica.")),
        ),
    ),
    Topic(
        slug="spondylolisthesis",
        title=_l("Spondylolisthesis"),
        # TRANSLATORS: Button label. At most 30 characters.
        button=_l("Spondylolisthesis"),
        icon="slip",
        parent="causes",
        blocks=(
            p(_l("In spondylolisthesis, one bone of the spine slips out of line with the bone above it.")),
            p(_l("Nerves leave the spine through small openings between the bones.")),
            p(_l("When a bone slips, the opening gets narrower. It can squeeze the nerve and cause sciatica.")),
        ),
    ),
    Topic(
        slug="massage",
        title=_l("How massage can help"),
        # TRANSLATORS: Menu button label. Keep it short: at most 30 characters.
        button=_l("How massage helps"),
        icon="massage",
        blocks=(
            p(
                _l(
                    "Many studies have found that special massage of the sciatic area can ease the pressure "
                    "on the sciatic nerve. Less pressure on the nerve can relieve the pain."
                )
            ),
            Block("h2", (_l("How many sessions?"),)),
            p(_l("Some people with moderate pain feel relief after just one session.")),
            p(
                _l(
                    "Other people need several sessions. It takes time for a tight muscle to let go of the "
                    "nerve. Then the relief can last."
                )
            ),
            Block("h2", (_l("Sciatica that lasts a long time"),)),
            p(
                _l(
                    "If you have had sciatica for a long time, make massage a regular part of your plan to "
                    "stay well. This can give you relief that lasts, and help keep the pain from coming back."
                )
            ),
            Block(
                "note",
                (_l("Massage does not replace a doctor. If your pain is severe or getting worse, see a doctor."),),
            ),
        ),
    ),
    Topic(
        slug="urgent-help",
        title=_l("When to get urgent help"),
        # TRANSLATORS: Menu button label. Keep it short: at most 30 characters.
        button=_l("Urgent help"),
        icon="urgent",
        blocks=(
            Block("warning", (_l("Get emergency help now if you have sciatica and any of these:"),)),
            Block(
                "list",
                (
                    _l("Sciatica in both legs"),
                    _l("Numbness or tingling in both legs"),
                    _l("Numbness or tingling around the genitals or the buttocks (the part of the body you sit on)"),
                    _l("You cannot control your bladder or bowels"),
                    _l("It is suddenly hard to pass urine (pee)"),
                    _l("Weakness in the legs that is severe or getting worse"),
                ),
            ),
            p(
                _l(
                    "These can be signs that the nerves at the bottom of the spine are badly squeezed. This "
                    "is called cauda equina syndrome. It needs treatment in hospital straight away."
                )
            ),
            Block(
                "warning",
                (
                    _l(
                        "Do not wait for a massage. Tell a staff member now, call your local "
                        "emergency number, or go to the emergency department."
                    ),
                ),
            ),
            Block("h2", (_l("See a doctor soon if"),)),
            Block(
                "list",
                (
                    _l("The pain is not getting better after a few weeks"),
                    _l("The pain is getting worse"),
                    _l("The pain stops you doing everyday things"),
                ),
            ),
        ),
    ),
)

BY_SLUG: dict[str, Topic] = {topic.slug: topic for topic in TOPICS}
MENU: tuple[Topic, ...] = tuple(topic for topic in TOPICS if topic.parent is None)


def topic(slug: str) -> Topic | None:
    """Return the topic with this slug, or None."""
    return BY_SLUG.get(slug)


def trail(current: Topic) -> list[Topic]:
    """Return the topics from the menu down to this one."""
    path = [current]
    while path[0].parent:
        path.insert(0, BY_SLUG[path[0].parent])
    return path
