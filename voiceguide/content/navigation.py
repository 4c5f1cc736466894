"""Where the listener is in an article, and how "next", "back" and "repeat" move it.

Every move is clamped: "next" at the last sentence stays there, "back" at
the first stays there, and a saved position from an article that has since
shrunk lands on the nearest sentence that exists. The session never has to
check bounds itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from voiceguide.content.model import Article, Sentence


@dataclass(frozen=True, order=True)
class Position:
    """A place in an article; ordering follows reading order."""

    section: int = 1
    """Section number, 1-based"""
    sentence: int = 0
    """Index into ``Section.sentences``, 0-based"""


def start(article: Article) -> Position:
    """The first sentence of the article."""
    return Position(1, 0)


def end(article: Article) -> Position:
    """The last sentence of the article."""
    last = article.sections[-1]
    return Position(last.number, len(last.sentences) - 1)


def clamp(article: Article, position: Position) -> Position:
    """The nearest position that exists, e.g. for progress saved against an older file."""
    number = min(max(position.section, 1), len(article.sections))
    count = len(article.sections[number - 1].sentences)
    return Position(number, min(max(position.sentence, 0), count - 1))


def sentences_in(article: Article, section: int) -> tuple[Sentence, ...]:
    """The flat list of sentences a section reads, in order (raises ArticleError when out of range)."""
    return article.section(section).sentences


def sentence_at(article: Article, position: Position) -> Sentence:
    """The sentence at ``position`` (clamped)."""
    position = clamp(article, position)
    return article.sections[position.section - 1].sentences[position.sentence]


def is_section_end(article: Article, position: Position) -> bool:
    """True on the last sentence of a section: time for a reflection."""
    position = clamp(article, position)
    return position.sentence == len(article.sections[position.section - 1].sentences) - 1


def is_article_end(article: Article, position: Position) -> bool:
    """True on the last sentence of the last section."""
    return clamp(article, position) == end(article)


def next_sentence(article: Article, position: Position, *, within_section: bool = False) -> Position:
    """The following sentence, moving into the next section unless ``within_section``."""
    position = clamp(article, position)
    if not is_section_end(article, position):
        return Position(position.section, position.sentence + 1)
    if within_section or position.section == len(article.sections):
        return position
    return Position(position.section + 1, 0)


def previous_sentence(article: Article, position: Position, *, within_section: bool = False) -> Position:
    """The sentence before, moving back into the previous section unless ``within_section``."""
    position = clamp(article, position)
    if position.sentence > 0:
        return Position(position.section, position.sentence - 1)
    if within_section or position.section == 1:
        return position
    previous = article.sections[position.section - 2]
    return Position(previous.number, len(previous.sentences) - 1)


def next_section(article: Article, position: Position) -> Position:
    """The start of the next section; at the last section, stays where it is."""
    position = clamp(article, position)
    if position.section == len(article.sections):
        return position
    return Position(position.section + 1, 0)


def previous_section(article: Article, position: Position) -> Position:
    """The start of the previous section; in the first section, its start."""
    position = clamp(article, position)
    return Position(max(position.section - 1, 1), 0)


def section_start(article: Article, position: Position) -> Position:
    """The start of the current section, for "start this section again"."""
    return Position(clamp(article, position).section, 0)
