"""Turning a parser's rough outline into an Article both parsers agree on.

Parsers only find titles and raw block texts; this module splits sentences,
normalises them for speech, drops what has no words, numbers the sections and
enforces the invariants the sessions rely on (no empty section, no empty
sentence, at least one word in the article).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from voiceguide import messages
from voiceguide.content.model import Article, Block, BlockKind, Section, Sentence
from voiceguide.content.sentences import has_words, speakable, split_sentences
from voiceguide.errors import ArticleError

PARAGRAPHS_PER_PART = 8
"""Without headings, a long text is cut into parts of about this many blocks"""


@dataclass
class Draft:
    """A section as a parser finds it: a title (None before the first heading) and raw blocks."""

    title: str | None
    blocks: list[tuple[BlockKind, str]] = field(default_factory=list)


def make_block(kind: BlockKind, text: str) -> Block | None:
    """A block with its sentences split and normalised; None when it has no words to read."""
    pieces = [piece for piece in split_sentences(text) if has_words(piece)]
    if kind == "heading":
        # A heading is read as one unit even when it contains a full stop.
        pieces = [" ".join(pieces)] if pieces else []
    if not pieces:
        return None
    return Block(kind, tuple(Sentence(piece, speakable(piece)) for piece in pieces))


def split_into_parts(blocks: Sequence[tuple[BlockKind, str]]) -> list[Draft]:
    """Cut a heading-less text into parts so "next section" still means something.

    A part ends after about ``PARAGRAPHS_PER_PART`` blocks, never in the middle
    of a list. A short text stays a single part.
    """
    if len(blocks) <= PARAGRAPHS_PER_PART + PARAGRAPHS_PER_PART // 2:
        return [Draft(None, list(blocks))]
    parts: list[Draft] = []
    current: list[tuple[BlockKind, str]] = []
    for kind, text in blocks:
        if len(current) >= PARAGRAPHS_PER_PART and kind != "list_item":
            parts.append(Draft(messages.PART_TITLE.format(number=len(parts) + 1), current))
            current = []
        current.append((kind, text))
    if current:
        parts.append(Draft(messages.PART_TITLE.format(number=len(parts) + 1), current))
    return parts


def assemble_article(title: str | None, drafts: Sequence[Draft], source: str, fallback_title: str | None) -> Article:
    """Build the Article, or raise ArticleError when there is nothing to read.

    ``title`` is the one found in the text; ``fallback_title`` (usually from
    the file name) is used when the text has none. A draft without a title is
    the introduction, or the whole article when it is the only section. A
    titled section with no body keeps its place and reads its title, so a
    table of contents and the section numbers stay in step.
    """
    article_title = " ".join((title or fallback_title or messages.UNTITLED_ARTICLE).split())
    built: list[tuple[str, tuple[Block, ...]]] = []
    for draft in drafts:
        blocks = tuple(block for kind, text in draft.blocks if (block := make_block(kind, text)) is not None)
        heading_title = " ".join(draft.title.split()) if draft.title and has_words(draft.title) else None
        if not blocks and heading_title is None:
            continue
        if not blocks:
            heading = make_block("heading", heading_title or "")
            blocks = (heading,) if heading else ()
        built.append((heading_title or "", blocks))
    if not built:
        if title and has_words(title):
            heading = make_block("heading", title)
            if heading:
                built.append((article_title, (heading,)))
        if not built:
            raise ArticleError(messages.ARTICLE_EMPTY.format(path=source))
    sections = []
    for number, (section_title, blocks) in enumerate(built, start=1):
        if not section_title:
            section_title = article_title if len(built) == 1 else messages.INTRODUCTION_TITLE
        sections.append(Section(number, section_title, blocks))
    return Article(article_title, tuple(sections), source)
