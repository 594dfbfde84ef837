"""The sciatica pages: every heading, paragraph and list item, each its own translatable message.

Reviewed against the NHS "Sciatica" page, NICE guideline NG59 (1.2.1, 1.2.7) and the Cochrane review of
massage for low-back pain (Furlan 2015): nothing here claims more than they support. Messages with
%(number)s are filled with the EMERGENCY_NUMBER setting wherever they are shown or read aloud.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from kiosk.i18n import SafeLazyString as LazyString, gettext, lazy_gettext as _l


@dataclass(frozen=True)
class Block:
    """One piece of a page.

    kind is "h2", "p", "note" or "warning" (one message each), "list" (one message per item),
    "figure" (the nerve picture), "urgent-link" (a fact and what to do about it, shown as a warning that
    is one link to the urgent page), or a care card in the NHS style, "emergency" or "today": texts[0] is
    its heading, texts[1] its lead line and texts[2:] the signs. The emergency card has Get help now.
    """

    kind: str
    texts: tuple[LazyString, ...]


def text_in(message: LazyString, number: str) -> str:
    """Return a message in the current language, with the emergency number where it has a place for one."""
    # Only messages made for a number are formatted, so a stray % in another translation breaks nothing;
    # a translation that lost its placeholder falls back to the English, which still shows the number.
    if "%(number)s" in message.message_id:
        return gettext(message.message_id, number=number)
    return str(message)


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
    # Keys of SOURCES that this page's claims rest on, shown at the foot of the page in this order.
    sources: tuple[str, ...] = field(default_factory=tuple)

    def texts(self, number: str) -> Iterator[str]:
        """Yield the page's text in reading order, in the current language, with number filled in."""
        yield str(self.title)
        for block in self.blocks:
            for text in block.texts:
                yield text_in(text, number)


def p(text: LazyString) -> Block:
    """A paragraph: one message, as Sphinx makes one per paragraph, so translators see it whole."""
    return Block("p", (text,))


def card(kind: str, heading: LazyString, lead: LazyString, *signs: LazyString) -> Block:
    """A care card ("emergency" or "today"): a heading, a lead line and the signs, each its own message."""
    return Block(kind, (heading, lead, *signs))


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

# Where each page's claims come from: the keys are data, the labels are shown at the foot of each page.
SOURCES: dict[str, LazyString] = {
    # TRANSLATORS: A source shown at the foot of a page: the clinic's own text about sciatica.
    "seed": _l("Our clinic's own notes on sciatica"),
    # TRANSLATORS: A source shown at the foot of a page. Keep "NHS" and "nhs.uk" as they are.
    "nhs": _l("NHS (UK health service): Sciatica, nhs.uk"),
    # TRANSLATORS: A source shown at the foot of a page. Keep "NICE" and "NG59" as they are; you may translate
    # the guideline's title.
    "nice-ng59": _l("NICE guideline NG59: Low back pain and sciatica"),
    # TRANSLATORS: A source shown at the foot of a page. Keep "Cochrane" as it is; you may translate the
    # review's title.
    "cochrane": _l("Cochrane review: Massage for low-back pain"),
}
# Where a reader can check each source (for staff and the docs; not shown to visitors).
SOURCE_ADDRESSES = {
    "seed": "the clinic's source text (tests/data/sciatica-seed.txt)",
    "nhs": "https://www.nhs.uk/conditions/sciatica/",
    "nice-ng59": "https://www.nice.org.uk/guidance/ng59 (recommendations 1.2.1 and 1.2.7)",
    "cochrane": "Furlan AD et al. Massage for low-back pain. Cochrane Database Syst Rev 2015;(9):CD001929",
}
# TRANSLATORS: Heading of the emergency card on the urgent help page. %(number)s is the emergency telephone
# number, such as 112 or 999; keep it exactly as written. "staff" means the people who work in this clinic.
EMERGENCY_HEADING = _l("Emergency: call %(number)s or tell staff now")

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
            p(_l("The pain is often in the lower back, the hip and the outer side of the leg.")),
            Block("h2", (_l("A sign of another problem"),)),
            p(
                _l(
                    "Sciatica is not usually an illness on its own. It is a sign of another problem in the "
                    "body. One example is a worn-down disc between the bones of the spine."
                )
            ),
            p(_l("Sciatica can start all at once. It can also build up slowly.")),
        ),
        sources=("seed", "nhs"),
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
            Block("h2", (_l("Warning signs"),)),
            # Weakness is a warning sign, not something that merely makes it worse: the whole block links to
            # the urgent page.
            Block(
                "urgent-link",
                (
                    _l("Less often, it becomes hard to move the knee, the foot or the toes."),
                    # TRANSLATORS: Follows "Less often, it becomes hard to move the knee, the foot or the toes.";
                    # both sentences together are one link to the urgent help page.
                    _l("This is a warning sign. Tap here to see when to get help."),
                ),
            ),
            Block(
                "warning",
                (_l("Pain, numbness, tingling or weakness in both legs is an emergency. Tell a staff member now."),),
            ),
        ),
        sources=("seed", "nhs"),
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
                    "The most common cause is a slipped disc in the lower back. The disc can press right on the "
                    "root of the nerve."
                )
            ),
            p(_l("There are other causes too. Tap a button to learn more.")),
        ),
        children=("slipped-disc", "piriformis-syndrome", "spinal-stenosis", "spondylolisthesis"),
        sources=("seed", "nhs"),
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
                    "In the lower back, a disc can bulge out. People call this a slipped disc, but the disc does "
                    "not really slip. Doctors call it a lumbar disc herniation."
                )
            ),
            p(_l("The disc can then press right on the root of the sciatic nerve.")),
            p(_l("This is the most common cause of sciatica.")),
        ),
        sources=("seed", "nhs"),
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
            p(_l("The tight muscle can press on the sciatic nerve. This can cause sciatica.")),
        ),
        # The NHS page does not list piriformis syndrome as a cause, so only the clinic's text is named.
        sources=("seed",),
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
        sources=("seed", "nhs"),
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
        sources=("seed", "nhs"),
    ),
    Topic(
        slug="massage",
        title=_l("Whether massage might help"),
        # TRANSLATORS: Menu button label. Keep it short: at most 30 characters. A question, not a promise.
        button=_l("Can massage help?"),
        icon="massage",
        blocks=(
            # Cochrane (Furlan 2015): low to very low certainty, short-term benefit only, in low-back pain.
            p(_l("Massage of the lower back, buttock and leg may ease pain and tight muscles for a while.")),
            p(
                _l(
                    "Some studies found that massage eased low back pain for a short time. But the research is "
                    "limited, and the results are not certain."
                )
            ),
            p(_l("Massage cannot fix a slipped disc.")),
            Block("h2", (_l("What UK guidance says"),)),
            # NICE NG59 1.2.7: consider manual therapy only as part of a package that includes exercise.
            p(
                _l(
                    "UK health guidance says massage may help as part of a plan that also has exercise. It "
                    "should not be your only treatment."
                )
            ),
            # NICE NG59 1.2.1 and the NHS: keep up normal activities.
            p(
                _l(
                    "Staying active helps most people with sciatica. Try to keep doing your everyday "
                    "activities, as much as you can."
                )
            ),
            Block("h2", (_l("How many sessions?"),)),
            p(_l("Some people with moderate pain say they feel better after one session.")),
            p(_l("Other people need several sessions before they notice a change. Some notice no change.")),
            p(_l("A tight muscle can take time to relax. How long any relief lasts is different for each person.")),
            Block("h2", (_l("Sciatica that lasts a long time"),)),
            p(
                _l(
                    "If you have had sciatica for a long time, ask a doctor or physiotherapist about a longer "
                    "plan. Massage may be one part of it, along with exercise."
                )
            ),
            p(_l("No treatment can promise to keep the pain away for good.")),
            Block(
                "note",
                (_l("Massage does not replace a doctor. If your pain is severe or getting worse, see a doctor."),),
            ),
        ),
        sources=("seed", "nice-ng59", "cochrane", "nhs"),
    ),
    Topic(
        slug="urgent-help",
        title=_l("When to get urgent help"),
        # TRANSLATORS: Menu button label. Keep it short: at most 30 characters.
        button=_l("Urgent help"),
        icon="urgent",
        blocks=(
            # The NHS "call 999 or go to A&E" list, with the sexual and bladder signs of NHS trusts' cauda equina
            # cards; the wider, older wording where the NHS narrows it ("numbness or tingling in both legs").
            card(
                "emergency",
                EMERGENCY_HEADING,
                # TRANSLATORS: "Get help now" must be the same words as on the "Get help now" button.
                _l("Do not wait for your massage. Get help now if you have sciatica and any of these:"),
                _l("Sciatica in both legs"),
                _l("Numbness or tingling in both legs"),
                # TRANSLATORS: "bottom" is the everyday word for the buttocks, the part of the body you sit on.
                _l("Numbness or tingling around the genitals or the buttocks (your bottom)"),
                # TRANSLATORS: The anus is the opening where poo leaves the body. "Back passage" is the polite
                # everyday word; use your language's polite everyday word.
                _l("Numbness around the anus (back passage)"),
                _l("New problems with sex, such as numb genitals or trouble getting an erection"),
                # TRANSLATORS: "pee" is the everyday word for passing urine. Use your language's everyday word.
                _l("You find it hard to start to pee (pass urine), or you cannot pee, and this is new for you"),
                # TRANSLATORS: "pee or poo": everyday words for passing urine or stools.
                _l("You cannot control when you pee or poo (your bladder or bowels), and this is new for you"),
                _l("You do not feel when you need to pee or poo, and this is new for you"),
                _l("Weakness in the legs that is severe or getting worse"),
            ),
            p(
                # TRANSLATORS: %(number)s is the emergency telephone number; keep it exactly as written.
                _l(
                    "These can be signs that the nerves at the lowest part of the spine are badly squeezed. This "
                    "is called cauda equina syndrome. It needs treatment in hospital straight away. If this "
                    "happens at home, call %(number)s or go to a hospital emergency department."
                )
            ),
            # The NHS "ask for an urgent GP appointment" group.
            card(
                "today",
                _l("See a doctor today"),
                _l("Call your doctor and ask to be seen today if you have sciatica and any of these:"),
                _l("A fever (high temperature), or you feel very unwell"),
                _l("You have cancer now, or had it in the past"),
                _l("You are losing weight without trying"),
                _l("The pain started after a fall or an accident"),
                _l("One leg is getting weaker"),
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
        sources=("nhs", "nice-ng59"),
    ),
)

BY_SLUG: dict[str, Topic] = {topic.slug: topic for topic in TOPICS}
MENU: tuple[Topic, ...] = tuple(topic for topic in TOPICS if topic.parent is None)
# The one list of emergency signs: the urgent page's card, and the screen after "Get help now".
EMERGENCY_CARD: Block = next(block for block in BY_SLUG["urgent-help"].blocks if block.kind == "emergency")


def topic(slug: str) -> Topic | None:
    """Return the topic with this slug, or None."""
    return BY_SLUG.get(slug)


def trail(current: Topic) -> list[Topic]:
    """Return the topics from the menu down to this one."""
    path = [current]
    while path[0].parent:
        path.insert(0, BY_SLUG[path[0].parent])
    return path
