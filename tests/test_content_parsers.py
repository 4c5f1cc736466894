"""Markdown and plain-text parsing: sections, blocks and the words that remain."""

from __future__ import annotations

import pytest

from voiceguide import messages
from voiceguide.content import parse_markdown, parse_plain, reduce_inline
from voiceguide.errors import ArticleError


def _texts(article, number=1):
    return [(block.kind, block.text) for block in article.section(number).blocks]


# Markdown


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("Read [the guide](https://example.com/guide) slowly.", "Read the guide slowly."),
        ("See [this][ref] now.", "See this now."),
        ("A *soft* and **strong** and ***both*** voice.", "A soft and strong and both voice."),
        ("An _easy_ and __firm__ step.", "An easy and firm step."),
        ("Keep snake_case_words intact.", "Keep snake_case_words intact."),
        ("Run `voiceguide read` now.", "Run voiceguide read now."),
        ("Look ![a tree](tree.png) here.", "Look here."),
        ("Some <b>bold</b> and <br/> tags.", "Some bold and tags."),
        ("Fish &amp; chips.", "Fish & chips."),
        ("Not \\*emphasis\\* here.", "Not *emphasis* here."),
        ("~~Old~~ new.", "Old new."),
        ("Two * three * four.", "Two * three * four."),
    ],
)
def test_markdown_inline_markup_is_reduced_to_its_words(markdown, words):
    assert reduce_inline(markdown) == words


def test_markdown_title_and_sections_follow_headings():
    article = parse_markdown(
        "# Gentle Start\n\nWelcome in.\n\n## Breathe\n\nSlowly.\n\n### Why\n\nIt calms.\n\n## Rest ##\n\nLie down.\n"
    )
    assert article.title == "Gentle Start"
    assert [s.title for s in article.sections] == ["Introduction", "Breathe", "Rest"]
    assert _texts(article, 2) == [("paragraph", "Slowly."), ("heading", "Why"), ("paragraph", "It calms.")]


def test_markdown_paragraph_lines_are_joined_until_a_blank_line():
    article = parse_markdown("## Part\n\nOne line\ncontinues here.\n\nA new paragraph.\n")
    assert _texts(article) == [("paragraph", "One line continues here."), ("paragraph", "A new paragraph.")]


def test_markdown_list_items_of_every_kind_are_separate_blocks():
    article = parse_markdown("## List\n\n- one\n* two\n+ three\n1. four\n2) five\n- [ ] six\n  still six\n")
    assert _texts(article) == [
        ("list_item", "one"),
        ("list_item", "two"),
        ("list_item", "three"),
        ("list_item", "four"),
        ("list_item", "five"),
        ("list_item", "six still six"),
    ]
    assert article.section(1).sentences[0].spoken == "one."


def test_markdown_several_top_headings_are_all_sections():
    article = parse_markdown("# One\n\nFirst.\n\n# Two\n\nSecond.\n", fallback_title="File Name")
    assert article.title == "File Name"
    assert [s.title for s in article.sections] == ["One", "Two"]


def test_markdown_front_matter_quotes_rules_comments_and_tables_are_not_read():
    text = (
        "---\ntitle: From Front Matter\n---\n"
        "# Part A\n\n> Quoted words.\n\n---\n\n<!-- hidden\ncomment -->\n[ref]: http://x\n\n"
        "# Part B\n| a | b |\n|---|---|\n| c | d |\n"
    )
    article = parse_markdown(text)
    assert article.title == "From Front Matter"
    assert [s.title for s in article.sections] == ["Part A", "Part B"]
    assert _texts(article, 1) == [("paragraph", "Quoted words.")]
    assert _texts(article, 2) == [("paragraph", "a b"), ("paragraph", "c d")]


def test_markdown_setext_headings_are_headings():
    article = parse_markdown("Title\n=====\n\nIntro.\n\nFirst Part\n----------\n\nText.\n")
    assert article.title == "Title"
    assert [s.title for s in article.sections] == ["Introduction", "First Part"]


def test_markdown_heading_repeating_the_front_matter_title_is_not_a_section():
    article = parse_markdown("---\ntitle: Calm\n---\n# Calm\n\nBreathe.\n")
    assert article.title == "Calm"
    assert [s.title for s in article.sections] == ["Calm"]
    assert _texts(article) == [("paragraph", "Breathe.")]


def test_markdown_heading_without_body_still_reads_its_title():
    article = parse_markdown("## Empty\n\n## Full\n\nWords here.\n")
    assert [s.title for s in article.sections] == ["Empty", "Full"]
    assert _texts(article, 1) == [("heading", "Empty")]


def test_markdown_with_only_a_title_reads_the_title():
    article = parse_markdown("# Just a Title\n")
    assert article.title == "Just a Title"
    assert [s.sentences[0].text for s in article.sections] == ["Just a Title"]


def test_markdown_code_block_is_kept_as_words():
    article = parse_markdown("Intro.\n\n```\nbreathe in\n```\n")
    assert _texts(article) == [("paragraph", "Intro."), ("paragraph", "breathe in")]


def test_empty_markdown_names_its_source():
    with pytest.raises(ArticleError) as raised:
        parse_markdown("<!-- nothing -->\n", source="notes.md")
    assert str(raised.value) == messages.ARTICLE_EMPTY.format(path="notes.md")


# Plain text


def test_plain_text_with_blank_lines_joins_wrapped_lines_and_finds_headings():
    text = (
        "A Quiet Morning\n\nThis guide is short\nand kind.\n\n"
        "Getting Ready\n\nFind a chair.\nSit down.\n\n- a blanket\n- some water\n\n"
        "Breathing\n\nBreathe in. Breathe out.\n"
    )
    article = parse_plain(text)
    assert article.title == "A Quiet Morning"
    assert [s.title for s in article.sections] == ["A Quiet Morning", "Getting Ready", "Breathing"]
    assert _texts(article, 1) == [("paragraph", "This guide is short and kind.")]
    assert _texts(article, 2) == [
        ("paragraph", "Find a chair. Sit down."),
        ("list_item", "a blanket"),
        ("list_item", "some water"),
    ]


def test_plain_text_without_blank_lines_reads_each_line_as_a_paragraph():
    article = parse_plain("First thought.\nSecond thought.\n")
    assert _texts(article) == [("paragraph", "First thought."), ("paragraph", "Second thought.")]


def test_plain_short_lines_that_end_sentences_are_not_headings():
    article = parse_plain("Hello there.\n\nWe begin now.\n", fallback_title="Notes")
    assert [s.title for s in article.sections] == ["Notes"]


def test_plain_text_intro_before_first_heading_is_its_own_section():
    article = parse_plain("Welcome, friend.\n\nStep One\n\nSit still.\n")
    assert [s.title for s in article.sections] == ["Introduction", "Step One"]


def test_long_plain_text_without_headings_is_cut_into_parts():
    text = "\n\n".join(f"Paragraph number {n} is here." for n in range(1, 21))
    article = parse_plain(text, fallback_title="Long")
    assert [s.title for s in article.sections] == ["Part 1", "Part 2", "Part 3"]
    assert sum(len(s.blocks) for s in article.sections) == 20


def test_plain_table_of_contents_titles_start_sections():
    text = (
        "Opening words.\n\nContents:\n- First Step\n- Second Step\n\n"
        "Bridging words.\n\nFirst Step\n\nDo this.\n\nSecond Step:\n\nThen that.\n"
    )
    article = parse_plain(text)
    assert [s.title for s in article.sections] == ["Introduction", "First Step", "Second Step:"]
    assert _texts(article, 1) == [("paragraph", "Opening words."), ("paragraph", "Bridging words.")]


def test_plain_table_of_contents_that_never_reappears_is_dropped():
    article = parse_plain("Table of Contents\n- Nowhere\nJust one line of text.\n", fallback_title="T")
    assert [b.text for b in article.section(1).blocks] == ["Just one line of text."]


def test_empty_plain_text_names_its_source():
    with pytest.raises(ArticleError) as raised:
        parse_plain(" \n — \n", source="blank.txt")
    assert str(raised.value) == messages.ARTICLE_EMPTY.format(path="blank.txt")
