"""The article being read: its sections, blocks and sentences, and the prompts asked after them.

Pure Python and standard library only, so sessions and commands can import it
cheaply. ``load_article()`` is the usual way in; ``parse_markdown`` and
``parse_plain`` take text directly.
"""

from voiceguide.content.loader import BUNDLED_SOURCE, load_article, looks_like_markdown, parse_article
from voiceguide.content.markdown import parse_markdown, reduce_inline
from voiceguide.content.model import (
    BLOCK_KINDS,
    DEFAULT_WPM,
    Article,
    Block,
    BlockKind,
    Section,
    SectionRow,
    Sentence,
    SentenceRef,
    section_table,
)
from voiceguide.content.navigation import (
    Position,
    clamp,
    end,
    is_article_end,
    is_section_end,
    next_section,
    next_sentence,
    previous_section,
    previous_sentence,
    section_start,
    sentence_at,
    sentences_in,
    start,
)
from voiceguide.content.plain import parse_plain
from voiceguide.content.prompts import generic_prompts, load_prompts, next_prompt
from voiceguide.content.sentences import count_words, speakable, split_sentences

__all__ = [
    "BLOCK_KINDS",
    "BUNDLED_SOURCE",
    "DEFAULT_WPM",
    "Article",
    "Block",
    "BlockKind",
    "Position",
    "Section",
    "SectionRow",
    "Sentence",
    "SentenceRef",
    "clamp",
    "count_words",
    "end",
    "generic_prompts",
    "is_article_end",
    "is_section_end",
    "load_article",
    "load_prompts",
    "looks_like_markdown",
    "next_prompt",
    "next_section",
    "next_sentence",
    "parse_article",
    "parse_markdown",
    "parse_plain",
    "previous_section",
    "previous_sentence",
    "reduce_inline",
    "section_start",
    "section_table",
    "sentence_at",
    "sentences_in",
    "speakable",
    "split_sentences",
    "start",
]
