"""An entry on its way in from another journal program, before it is saved."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from voiceguide import messages
from voiceguide.errors import JournalImportError

STARRED_TAG = "#starred"
"""How a star (jrnl's ``*``, Day One's starred) is kept: a tag in the entry's text"""


class DateFallback(Enum):
    """What to do where jrnl would date an entry by the day it is read"""

    STOP = "stop"
    NOW = "now"


@dataclass(frozen=True)
class Incoming:
    when: datetime
    """Naive: local time on this machine; aware: the zone it was written in"""
    text: str
    key: str
    """Same source entry, same key: what makes a repeated import add nothing"""
    old_key: str | None = None
    """The key earlier versions gave the same entry, if another: an entry imported then is not added again"""
    starred: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)
    """Tags to add to the text, written the way jrnl and Day One tag words"""
    audio: str | None = None
    """The entry's recording inside the export it came from (a Day One zip member), if any"""
    tag_symbols: str | None = None
    """Its journal's tag symbols (see ``tags.tags_in``) where they are not the usual ``#`` and ``@``"""

    def stored_text(self) -> str:
        """The text with its star and tags as words the journal's tag parsing reads."""
        words = [tag for tag in self.tags if tag.lower() not in self.text.lower().split()]
        if self.starred and STARRED_TAG not in words and STARRED_TAG not in self.text.split():
            words.append(STARRED_TAG)
        if not words:
            return self.text
        return (self.text + "\n\n" if self.text else "") + " ".join(words)


def text_key(prefix: str, when: datetime, text: str) -> str:
    """A key from the date and the text: the same entry read twice gets the same key."""
    digest = hashlib.sha256(f"{when.isoformat(timespec='seconds')}\n{text}".encode()).hexdigest()
    return f"{prefix}:{digest}"


BY_TODAY = "jrnl-today:"
"""The key of an entry whose date jrnl gives by the day the journal is read"""


def jrnl_key(when: datetime, text: str) -> str:
    """A jrnl entry's key: its date and its words (line breaks and spaces between them do not count)."""
    return text_key("jrnl", when, " ".join(text.split()))


def by_today_key(heading: str, text: str) -> str:
    """An entry dated by the day it is read: its heading and words, so reading it another day adds nothing."""
    digest = hashlib.sha256(f"[{heading}]\n{' '.join(text.split())}".encode()).hexdigest()
    return BY_TODAY + digest


def line_error(source: object, line: int, problem: str) -> JournalImportError:
    return JournalImportError(messages.JOURNAL_JRNL_BAD_LINE.format(source=source, line=line, problem=problem))
