"""Article -> Section -> Block -> Sentence, the shape every session reads from.

A sentence keeps two texts: ``text`` exactly as written, for the screen, and
``spoken``, normalised so the speech engine pauses and pronounces sensibly.
A section's title lives in ``Section.title`` and is not repeated in its
blocks: sessions announce it themselves. ``heading`` blocks are sub-headings
inside a section.

Every section holds at least one sentence, and every sentence at least one
word: the parsers guarantee it, so navigation never meets an empty section.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Literal, NamedTuple

from voiceguide import messages
from voiceguide.content.sentences import count_words, speakable
from voiceguide.errors import ArticleError, SettingsError

BlockKind = Literal["heading", "paragraph", "list_item"]

BLOCK_KINDS: tuple[BlockKind, ...] = ("heading", "paragraph", "list_item")

DEFAULT_WPM = 160
"""Words per minute of a calm reading voice"""


@dataclass(frozen=True)
class Sentence:
    """One sentence, the unit that is rendered, played, paused and repeated."""

    text: str
    """The original words, for on-screen display"""
    spoken: str
    """The words normalised for the speech engine"""

    @property
    def words(self) -> int:
        return count_words(self.text)


@dataclass(frozen=True)
class Block:
    """A paragraph, a list item or a sub-heading: the on-screen grouping of sentences."""

    kind: BlockKind
    """One of ``BLOCK_KINDS``"""
    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)

    @property
    def words(self) -> int:
        return sum(sentence.words for sentence in self.sentences)


class SentenceRef(NamedTuple):
    """Where a sentence sits in its article."""

    section: int
    """Section number, 1-based"""
    block: int
    """Index of the block within the section"""
    sentence_index: int
    """Index of the sentence within the block (not ``index``: a tuple has a method of that name)"""
    offset: int
    """Index of the sentence within the section's flat list (``Position.sentence``)"""
    sentence: Sentence


@dataclass(frozen=True)
class Section:
    """One part of the article, read in one sitting and followed by a reflection."""

    number: int
    """1-based, as the user says it ("section two")"""
    title: str
    blocks: tuple[Block, ...]

    @cached_property
    def sentences(self) -> tuple[Sentence, ...]:
        """All sentences in reading order: what ``Position.sentence`` indexes."""
        return tuple(sentence for block in self.blocks for sentence in block.sentences)

    @cached_property
    def _owners(self) -> tuple[tuple[int, int], ...]:
        return tuple((b, i) for b, block in enumerate(self.blocks) for i in range(len(block.sentences)))

    def locate(self, offset: int) -> tuple[int, int]:
        """(block index, index within block) of the sentence at ``offset`` in ``sentences``."""
        return self._owners[offset]

    @property
    def spoken_title(self) -> str:
        """The title as the speech engine should say it, ending in a pause."""
        return speakable(self.title, final=True)

    @property
    def words(self) -> int:
        return sum(block.words for block in self.blocks)

    def listening_minutes(self, wpm: float = DEFAULT_WPM) -> float:
        """How long reading this section aloud takes, so the user can plan a sitting."""
        if not wpm or wpm <= 0:
            raise SettingsError(messages.LISTENING_RATE_INVALID.format(wpm=wpm))
        return self.words / wpm


@dataclass(frozen=True)
class Article:
    """A whole guided article, as parsed from Markdown or plain text."""

    title: str
    sections: tuple[Section, ...]
    source: str
    """Where the text came from: a resolved file path, ``BUNDLED_SOURCE`` or "<text>"."""

    def section(self, number: int) -> Section:
        """The section a user asked for by number, or a clear error naming the valid range."""
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(self.sections):
            raise ArticleError(messages.SECTION_OUT_OF_RANGE.format(number=number, count=len(self.sections)))
        return self.sections[number - 1]

    def iter_sentences(self) -> Iterator[SentenceRef]:
        """Every sentence in reading order, with where it sits."""
        for section in self.sections:
            offset = 0
            for b, block in enumerate(section.blocks):
                for i, sentence in enumerate(block.sentences):
                    yield SentenceRef(section.number, b, i, offset, sentence)
                    offset += 1

    @property
    def words(self) -> int:
        return sum(section.words for section in self.sections)


class SectionRow(NamedTuple):
    """One row of the `voiceguide sections` table."""

    number: int
    title: str
    words: int
    minutes: float
    """Estimated listening time, rounded to a tenth of a minute"""


def section_table(article: Article, wpm: float = DEFAULT_WPM) -> list[SectionRow]:
    """Rows for `voiceguide sections`: lets the user pick where to start and how long it takes."""
    return [
        SectionRow(section.number, section.title, section.words, round(section.listening_minutes(wpm), 1))
        for section in article.sections
    ]
