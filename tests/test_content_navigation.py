"""Moving through an article: next, back, next section, and staying in bounds."""

from __future__ import annotations

import pytest

from voiceguide.content import (
    Position,
    clamp,
    end,
    is_article_end,
    is_section_end,
    next_section,
    next_sentence,
    parse_markdown,
    previous_section,
    previous_sentence,
    section_start,
    sentence_at,
    sentences_in,
    start,
)
from voiceguide.errors import ArticleError


@pytest.fixture
def article():
    return parse_markdown("## One\n\nA1. A2.\n\n## Two\n\nB1.\n\n- B2\n\n## Three\n\nC1. C2. C3.\n")


def test_sentences_of_a_section_are_one_flat_list(article):
    assert [s.text for s in sentences_in(article, 2)] == ["B1.", "B2"]
    with pytest.raises(ArticleError):
        sentences_in(article, 4)


def test_next_sentence_flows_into_the_next_section_and_stops_at_the_end(article):
    position = start(article)
    heard = [sentence_at(article, position).text]
    while not is_article_end(article, position):
        position = next_sentence(article, position)
        heard.append(sentence_at(article, position).text)
    assert heard == ["A1.", "A2.", "B1.", "B2", "C1.", "C2.", "C3."]
    assert next_sentence(article, position) == position == end(article)


def test_next_sentence_can_stay_within_the_section(article):
    assert next_sentence(article, Position(1, 1), within_section=True) == Position(1, 1)
    assert is_section_end(article, Position(1, 1))


def test_previous_sentence_steps_back_across_sections_and_stops_at_the_start(article):
    assert previous_sentence(article, Position(2, 0)) == Position(1, 1)
    assert previous_sentence(article, Position(2, 0), within_section=True) == Position(2, 0)
    assert previous_sentence(article, Position(1, 0)) == Position(1, 0)


def test_section_moves_land_on_section_starts_and_are_clamped(article):
    assert next_section(article, Position(1, 1)) == Position(2, 0)
    assert next_section(article, Position(3, 2)) == Position(3, 2)
    assert previous_section(article, Position(3, 2)) == Position(2, 0)
    assert previous_section(article, Position(1, 1)) == Position(1, 0)
    assert section_start(article, Position(3, 2)) == Position(3, 0)


def test_saved_position_beyond_a_shorter_article_is_clamped(article):
    assert clamp(article, Position(9, 9)) == Position(3, 2)
    assert clamp(article, Position(2, 7)) == Position(2, 1)
    assert clamp(article, Position(0, -3)) == Position(1, 0)
    assert sentence_at(article, Position(9, 9)).text == "C3."


def test_positions_order_by_reading_order():
    assert Position(1, 5) < Position(2, 0) < Position(2, 1)
