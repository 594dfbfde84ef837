"""The text that is read aloud: sentences split exactly as the page shows them, in one canonical form."""

from __future__ import annotations

import re
import unicodedata

from kiosk.visitor import content

# A sentence ends at . ! ? … or ؟ followed by a space (closing quotes and brackets stay with it),
# or right after a full-width 。！？, which Chinese follows with no space.
_SENTENCE = re.compile(r"""(\S.*?(?:[.!?…؟]+["'”’»)\]]*(?=\s|\Z)|[。！？]+["'”’»」）)]*|\Z))(\s*)""", re.DOTALL)


def normalize(text: str) -> str:
    """Put text in one canonical form, so equal texts share one clip."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def speakable(text: str) -> bool:
    """Tell whether text has anything to say: a letter, a digit or a symbol such as an emoji."""
    return any(unicodedata.category(char)[0] in "LN" or unicodedata.category(char) == "So" for char in text)


def segments(text: str) -> list[tuple[str, str]]:
    """Split text into sentences, each with the space that follows it, keeping every character."""
    pieces: list[tuple[str, str]] = []
    prefix = ""
    for match in _SENTENCE.finditer(text):
        sentence, space = prefix + match.group(1), match.group(2)
        prefix = ""
        if speakable(sentence):
            pieces.append((sentence, space))
        elif pieces:
            # A stray "..." joins the sentence before it rather than becoming a silent one.
            previous, gap = pieces[-1]
            pieces[-1] = (previous + gap + sentence, space)
        else:
            prefix = sentence + space
    if prefix:
        pieces.append((prefix.rstrip(), ""))
    return pieces


def sentences(text: str) -> list[str]:
    """Return the sentences of text that have something to say."""
    return [sentence for sentence, _ in segments(normalize(text)) if speakable(sentence)]


def page_messages(topic: content.Topic, number: str) -> list[tuple[str, str]]:
    """Return a page's messages in reading order: each one's English id and its text in the current language,
    with the emergency number filled in as given."""
    found = [(topic.title.message_id, str(topic.title))]
    found += [(text.message_id, content.text_in(text, number)) for block in topic.blocks for text in block.texts]
    found.append((content.DISCLAIMER.message_id, str(content.DISCLAIMER)))
    return found


def page_sentences(topic: content.Topic, number: str) -> list[str]:
    """Return a page's sentences in reading order, in the current language, with the emergency number as given."""
    # The page shows the number as set ("112"), speech gets it digit by digit ("1 1 2"); digits never end a
    # sentence, so both split into the same sentences, one for one.
    return [sentence for _, text in page_messages(topic, number) for sentence in sentences(text)]
