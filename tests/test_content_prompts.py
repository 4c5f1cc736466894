"""Reflection prompts: the bundled set, a user's own file, and the general fallback."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from voiceguide import messages
from voiceguide.content import generic_prompts, load_article, load_prompts, next_prompt, parse_plain
from voiceguide.errors import ArticleError


@pytest.fixture(scope="module")
def bundled():
    return load_article()


def test_every_bundled_section_has_two_or_three_open_questions(bundled):
    prompts = load_prompts(bundled)
    assert sorted(prompts) == [1, 2, 3, 4, 5, 6]
    for number, questions in prompts.items():
        assert 2 <= len(questions) <= 3, number
        for question in questions:
            assert question.endswith("?")
            assert "you" in question.casefold()
            assert question.count("?") == 1
            assert 6 <= len(question.split()) <= 30
    generic = set(generic_prompts(bundled.section(1).title))
    assert not generic & set(prompts[1])


def test_bundled_prompts_file_names_each_section_by_number_and_title(bundled):
    text = resources.files("voiceguide.content").joinpath("healing-trust.prompts.toml").read_text("utf-8")
    entries = tomllib.loads(text)["section"]
    assert [(e["number"], e["title"]) for e in entries] == [(s.number, s.title) for s in bundled.sections]


def test_next_prompt_cycles_through_a_sections_questions(bundled):
    prompts = load_prompts(bundled)
    asked = [next_prompt(prompts, 2, count) for count in range(len(prompts[2]) + 1)]
    assert asked[:-1] == prompts[2]
    assert asked[-1] == prompts[2][0]


def test_next_prompt_for_an_unknown_section_is_a_clear_error(bundled):
    with pytest.raises(ArticleError) as raised:
        next_prompt(load_prompts(bundled), 99, 0)
    assert str(raised.value) == messages.PROMPTS_NONE.format(number=99)


def test_article_without_prompts_file_gets_general_prompts_naming_each_section(tmp_path):
    path = tmp_path / "walk.txt"
    path.write_text("Setting Out\n\nTie your shoes.\n\nComing Home\n\nRest now.\n", encoding="utf-8")
    article = load_article(path)
    prompts = load_prompts(article)
    assert prompts == {1: generic_prompts("Setting Out"), 2: generic_prompts("Coming Home")}
    assert len(prompts[1]) == 3
    assert all("Setting Out" in question for question in prompts[1])


def test_text_without_a_file_gets_general_prompts():
    article = parse_plain("Just a thought.", fallback_title="Thought")
    assert load_prompts(article) == {1: generic_prompts("Thought")}


def test_prompts_file_beside_the_article_is_used_by_title_then_number(tmp_path):
    path = tmp_path / "walk.md"
    path.write_text("## Setting Out\n\nTie your shoes.\n\n## Coming Home\n\nRest now.\n", encoding="utf-8")
    (tmp_path / "walk.prompts.toml").write_text(
        '[[section]]\nnumber = 1\ntitle = "coming  home"\nprompts = ["How does home feel to you?"]\n\n'
        '[[section]]\nnumber = 1\ntitle = "Renamed Since"\nprompts = ["What do you carry with you?", " "]\n',
        encoding="utf-8",
    )
    prompts = load_prompts(load_article(path))
    assert prompts == {1: ["What do you carry with you?"], 2: ["How does home feel to you?"]}


@pytest.mark.parametrize(
    "content",
    [
        "[[section]\nnumber = 1",
        'section = "not tables"',
        '[[section]]\nnumber = 0\nprompts = ["Why?"]',
        '[[section]]\nprompts = ["Why?"]',
        "[[section]]\nnumber = 1\nprompts = 3",
    ],
)
def test_broken_prompts_file_is_reported_by_name(tmp_path, content):
    path = tmp_path / "walk.txt"
    path.write_text("Tie your shoes.\n", encoding="utf-8")
    prompts_path = tmp_path / "walk.prompts.toml"
    prompts_path.write_text(content, encoding="utf-8")
    with pytest.raises(ArticleError) as raised:
        load_prompts(load_article(path))
    assert str(prompts_path) in str(raised.value)
    assert "\n" not in str(raised.value)
