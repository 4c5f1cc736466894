"""The bundled article, loading files, and the section table a user sees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voiceguide import messages
from voiceguide.content import (
    BUNDLED_SOURCE,
    Article,
    load_article,
    parse_markdown,
    parse_plain,
    section_table,
)
from voiceguide.errors import ArticleError, SettingsError

BUNDLED_TITLES = [
    "Introduction",
    "Understanding the Roots of Trust Issues to Begin Healing",
    "Creating Safe Spaces for Open and Honest Communication",
    "Practicing Patience and Consistency to Rebuild Broken Bonds",
    "Embracing Forgiveness and Self-Compassion on the Journey Forward",
    "Future Outlook",
]
BUNDLED_FILE = Path(__file__).resolve().parent.parent / "voiceguide" / "content" / "healing-trust.txt"


@pytest.fixture(scope="module")
def bundled() -> Article:
    return load_article()


def test_bundled_article_has_an_introduction_and_one_section_per_contents_entry(bundled):
    assert [section.title for section in bundled.sections] == BUNDLED_TITLES
    assert [section.number for section in bundled.sections] == [1, 2, 3, 4, 5, 6]
    assert bundled.source == BUNDLED_SOURCE
    assert bundled.title == "Healing Trust"


def test_bundled_table_of_contents_is_not_read_aloud(bundled):
    texts = [ref.sentence.text for ref in bundled.iter_sentences()]
    assert "Table of Contents" not in texts
    assert not any(text in BUNDLED_TITLES for text in texts)
    intro = bundled.section(1)
    assert len(intro.blocks) == 1
    assert intro.sentences[0].text == "Trust is the fragile thread that weaves the tapestry of every real relationship."
    assert intro.sentences[-1].text == "Because every relationship deserves a chance to heal and flourish."


def test_bundled_list_lines_become_separate_list_item_blocks(bundled):
    roots = bundled.section(2)
    items = [block.text for block in roots.blocks if block.kind == "list_item"]
    assert items == [
        "Repeated betrayals in intimate or familial relationships",
        "Unresolved trauma or abandonment issues",
        "Chronic fear of rejection or judgment",
        "Inconsistent emotional availability from loved ones",
    ]
    first_item = next(block for block in roots.blocks if block.kind == "list_item")
    assert first_item.sentences[0].spoken == "Repeated betrayals in intimate or familial relationships."


def test_bundled_dashes_and_curly_apostrophes_are_spoken_as_pauses_and_plain_quotes(bundled):
    spoken = bundled.section(1).sentences[2].spoken
    assert spoken == (
        "Healing trust issues isn't just about mending what was lost, it's about rediscovering hope, "
        "courage, and the possibility of genuine connection."
    )
    assert "—" in bundled.section(1).sentences[2].text  # the screen keeps the original


def test_bundled_article_file_is_shipped_unmodified(bundled):
    words = sum(section.words for section in bundled.sections)
    assert BUNDLED_FILE.read_text(encoding="utf-8").startswith("Trust is the fragile thread")
    assert 800 < words < 900


def test_every_sentence_has_words_and_every_section_something_to_read(bundled):
    for section in bundled.sections:
        assert section.sentences
        for sentence in section.sentences:
            assert sentence.text.strip() and sentence.spoken.strip()


def test_section_table_lists_words_and_listening_minutes(bundled):
    rows = section_table(bundled)
    assert [row.number for row in rows] == [1, 2, 3, 4, 5, 6]
    assert [row.title for row in rows] == BUNDLED_TITLES
    for row, section in zip(rows, bundled.sections, strict=False):
        assert row.words == section.words > 0
        assert row.minutes == round(section.words / 160, 1)
    assert section_table(bundled, wpm=80)[0].minutes == round(bundled.section(1).words / 80, 1)


def test_listening_minutes_refuses_a_rate_of_zero(bundled):
    with pytest.raises(SettingsError):
        bundled.section(1).listening_minutes(0)


@pytest.mark.parametrize("number", [0, 7, -1])
def test_asking_for_a_missing_section_names_the_valid_range(bundled, number):
    with pytest.raises(ArticleError) as raised:
        bundled.section(number)
    assert str(raised.value) == messages.SECTION_OUT_OF_RANGE.format(number=number, count=6)


def test_iterating_sentences_gives_their_place(bundled):
    refs = list(bundled.iter_sentences())
    assert len(refs) == sum(len(section.sentences) for section in bundled.sections)
    for ref in refs:
        section = bundled.section(ref.section)
        assert section.blocks[ref.block].sentences[ref.sentence_index] is ref.sentence
        assert section.sentences[ref.offset] is ref.sentence
        assert section.locate(ref.offset) == (ref.block, ref.sentence_index)


# Loading files


def test_markdown_file_is_parsed_by_its_suffix(tmp_path):
    path = tmp_path / "calm.md"
    path.write_text("# Calm\n\n## Breathe\n\nIn and *out*.\n\n## Rest\n\nLie [down](http://x).\n", encoding="utf-8")
    article = load_article(path)
    assert article.title == "Calm"
    assert [s.title for s in article.sections] == ["Breathe", "Rest"]
    assert article.section(2).sentences[0].text == "Lie down."
    assert article.source == str(path.resolve())


def test_text_file_with_markdown_headings_is_parsed_as_markdown(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("## One\n\nFirst **part**.\n\n## Two\n\nSecond part.\n", encoding="utf-8")
    article = load_article(path)
    assert [s.title for s in article.sections] == ["One", "Two"]
    assert article.section(1).sentences[0].text == "First part."


def test_plain_file_title_comes_from_its_name(tmp_path):
    path = tmp_path / "morning_pages.txt"
    path.write_text("Write three pages. Do not stop.\n", encoding="utf-8")
    article = load_article(str(path))
    assert article.title == "Morning Pages"
    assert [s.title for s in article.sections] == ["Morning Pages"]


def test_byte_order_mark_is_ignored(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffHello there. Welcome.\n".encode())
    assert load_article(path).section(1).sentences[0].text == "Hello there."


def _error_for(path) -> str:
    with pytest.raises(ArticleError) as raised:
        load_article(path)
    message = str(raised.value)
    assert "\n" not in message
    return message


def test_missing_file_says_so_and_names_it(tmp_path):
    path = tmp_path / "nowhere.md"
    assert _error_for(path) == messages.ARTICLE_MISSING.format(path=path)


def test_directory_is_refused_by_name(tmp_path):
    assert _error_for(tmp_path) == messages.ARTICLE_IS_DIRECTORY.format(path=tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_reports_permissions(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("Private words.", encoding="utf-8")
    path.chmod(0)
    try:
        assert _error_for(path) == messages.ARTICLE_PERMISSION.format(path=path)
    finally:
        path.chmod(0o600)


def test_permission_denied_is_reported_even_when_running_as_root(tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text("Private words.", encoding="utf-8")

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert _error_for(path) == messages.ARTICLE_PERMISSION.format(path=path)


def test_non_utf8_file_asks_for_utf8(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 au lait. Tr\xe8s bien.".encode("latin-1"))
    assert _error_for(path) == messages.ARTICLE_NOT_UTF8.format(path=path)


@pytest.mark.parametrize("content", ["", "   \n\n\t\n", "# \n\n---\n", "![only a picture](x.png)\n<br>\n"])
def test_article_without_words_is_refused_by_name(tmp_path, content):
    path = tmp_path / "empty.md"
    path.write_text(content, encoding="utf-8")
    assert _error_for(path) == messages.ARTICLE_EMPTY.format(path=path)


def test_home_directory_shorthand_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "mine.txt").write_text("A short guide.\n", encoding="utf-8")
    assert load_article("~/mine.txt").section(1).sentences[0].text == "A short guide."


# Robustness

_ARBITRARY = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("#-*+_`[]()!<>|=~:.?\"'\\1 \n\t—–…“”’&")),
        st.characters(codec="utf-8"),
    ),
    max_size=200,
)


@settings(max_examples=200, deadline=None)
@given(_ARBITRARY)
def test_parsers_only_ever_raise_article_error(text):
    for parse in (parse_markdown, parse_plain):
        try:
            article = parse(text)
        except ArticleError:
            continue
        assert article.sections
        for section in article.sections:
            assert section.sentences
            assert all(sentence.spoken.strip() for sentence in section.sentences)
