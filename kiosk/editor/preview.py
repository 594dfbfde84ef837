"""Where a message appears on the kiosk, worked out from the content and from where the code uses it.

Nothing is rendered to find out: a message of the sciatica pages is on the pages that hold it, and any
other message is on the screens of the template or module that uses it (its catalog locations).
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.visitor import content

FIRST_TOPIC = f"/topics/{content.TOPICS[0].slug}"
# Paths in a message's locations, and the kiosk screens they draw; the first match wins.
SCREENS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("templates/visitor/_home.html", ("/",)),
    ("templates/visitor/_menu.html", ("/topics",)),
    ("templates/visitor/_language.html", ("/language",)),
    ("templates/visitor/_new_visit.html", ("/new-visit",)),
    ("templates/visitor/", (FIRST_TOPIC,)),
    ("templates/talk/_urgent.html", ("/talk-to-staff/urgent",)),
    ("templates/talk/_get_help.html", ("/", "/talk-to-staff/urgent")),
    ("templates/talk/", ("/talk-to-staff",)),
    ("templates/speech/", (FIRST_TOPIC,)),
    ("templates/components/_nerve.html", (FIRST_TOPIC,)),
    ("templates/components/_dock.html", ("/topics",)),
    ("templates/components/", ("/",)),
    ("templates/base.html", ("/",)),
    ("kiosk/talk/", ("/talk-to-staff",)),
    ("kiosk/speech/", (FIRST_TOPIC,)),
    ("kiosk/visitor/views.py", ("/", "/topics")),
    ("kiosk/visitor/content.py", ()),  # the sciatica pages: found from the content itself, above
    ("kiosk/visitor/pictures.py", (FIRST_TOPIC,)),
    ("kiosk/visitor/", ("/",)),
)


def topic_pages(msgid: str) -> list[str]:
    """Return the topic pages that show a message, the one titled with it first, then the menu if it is a button."""
    titled, holding, menu = [], [], []
    for topic in content.TOPICS:
        path = f"/topics/{topic.slug}"
        if topic.title.message_id == msgid:
            titled.append(path)
        elif any(text.message_id == msgid for block in topic.blocks for text in block.texts):
            holding.append(path)
        if topic.button.message_id == msgid:
            menu.append(f"/topics/{topic.parent}" if topic.parent else "/topics")
    return titled + holding + menu


def pages_for(msgids: Iterable[str], locations: Iterable[tuple[str, int | None]]) -> list[str]:
    """Return the kiosk pages (paths after the language) where a message appears, most specific first."""
    found: list[str] = []
    for msgid in msgids:
        found.extend(topic_pages(msgid))
    for filename, _line in locations:
        for prefix, screens in SCREENS:
            if filename.startswith(prefix):
                found.extend(screens)
                break
    return list(dict.fromkeys(found))
