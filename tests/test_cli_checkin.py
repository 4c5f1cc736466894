"""`voiceguide checkin` and the journal commands that show check-ins, tags and practice, as a person runs them."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli_helpers import invoke_voiceguide
from voiceguide import messages
from voiceguide.journal.store import Journal


@pytest.mark.parametrize("given, mood", [("3", 3), ("five", 5), ("1/5", 1), (" 2 ", 2)])
def test_a_check_in_on_its_own(given, mood):
    result = invoke_voiceguide("checkin", given)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == messages.CHECKIN_SAVED.format(mood=mood)
    with Journal.open() as jr:
        assert [(c.mood, c.moment) for c in jr.checkins()] == [(mood, "alone")]


@pytest.mark.parametrize("given", ["0", "6", "seven", "3.5", "", "very good"])
def test_anything_but_one_to_five_is_one_clear_line(given):
    result = invoke_voiceguide("checkin", given)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"Error: {messages.CHECKIN_NOT_A_NUMBER}"]
    with Journal.open() as jr:
        assert jr.checkins() == []


def test_a_check_in_without_a_number_asks_for_one():
    result = invoke_voiceguide("checkin", input="4\n")
    assert result.returncode == 0 and messages.CHECKIN_ASK_TYPED in result.stdout
    assert invoke_voiceguide("checkin", input="").returncode == 1


def test_tags_list_and_search_filters_through_the_command_line():
    for text in ("Lunch with #family", "Called @anna, we laughed #family", "Work was long"):
        assert invoke_voiceguide("journal", "add", text).returncode == 0
    tags = invoke_voiceguide("journal", "tags")
    assert tags.stdout.split("\n")[:2] == ["     2  #family", "     1  @anna"]
    assert json.loads(invoke_voiceguide("journal", "tags", "--json").stdout) == [["#family", 2], ["@anna", 1]]
    listed = invoke_voiceguide("journal", "list", "--tag", "family").stdout
    assert "Lunch" in listed and "laughed" in listed and "Work" not in listed
    assert invoke_voiceguide("journal", "list", "--tag", "nothing").stdout.strip() == messages.JOURNAL_NO_TAGGED.format(
        tag="nothing"
    )
    found = json.loads(invoke_voiceguide("journal", "search", "laughed OR lunch", "--tag", "@anna", "--json").stdout)
    assert [e["tags"] for e in found] == [["@anna", "#family"]]


def test_no_tags_yet_says_how_to_make_one():
    assert invoke_voiceguide("journal", "tags").stdout.strip() == messages.JOURNAL_NO_TAGS


def test_stats_draws_weeks_or_months_and_gives_the_same_numbers_as_json():
    invoke_voiceguide("checkin", "2")
    invoke_voiceguide("journal", "add", "one two three")
    drawn = invoke_voiceguide("journal", "stats")
    assert drawn.returncode == 0, drawn.stderr
    out = drawn.stdout
    assert "entries: 1" in out and "words: 3" in out and "check-ins: 1" in out and "current streak: 1 day" in out
    assert "Practice by week" in out and "█" in out and out.count("\n") > 12
    data = json.loads(invoke_voiceguide("journal", "stats", "--json").stdout)
    assert data["by"] == "week" and len(data["periods"]) == 12
    assert data["periods"][-1]["entries"] == 1 and data["periods"][-1]["mood_start"] == 2
    months = json.loads(invoke_voiceguide("journal", "stats", "--by", "month", "--periods", "3", "--json").stdout)
    assert len(months["periods"]) == 3 and months["periods"][-1]["entries"] == 1
    assert "Practice by month" in invoke_voiceguide("journal", "stats", "--by", "month").stdout
    bad = invoke_voiceguide("journal", "stats", "--periods", "0")
    assert bad.returncode == 2 and "--periods" in bad.stderr


def test_stats_on_an_empty_journal_says_where_to_begin():
    out = invoke_voiceguide("journal", "stats").stdout
    assert "entries: 0" in out and messages.STATS_EMPTY in out and "Practice by" not in out


def test_stats_saves_its_chart_as_an_svg_picture_like_any_output(tmp_path):
    invoke_voiceguide("journal", "add", "one two three")
    picture = tmp_path / "stats.svg"
    made = invoke_voiceguide("journal", "stats", "--svg", str(picture))
    assert made.returncode == 0, made.stderr
    assert picture.read_text().startswith("<svg") and "Practice by week" in made.stdout
    drawn = picture.read_text()
    # the namespace every SVG file must declare is a name, not a link; apart from it nothing names a place
    assert drawn.count('xmlns="http://www.w3.org/2000/svg"') == 1
    local = drawn.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http" not in local and "//" not in local and "@font-face" not in local and "@import" not in local
    assert re.findall(r"url\((?!#)", local) == [] and "monospace" in local  # only the picture's own clip paths
    assert oct(picture.stat().st_mode & 0o777) == "0o600"
    again = invoke_voiceguide("journal", "stats", "--svg", str(picture))
    assert again.returncode == 1 and again.stderr.count("\n") == 1
    assert invoke_voiceguide("journal", "stats", "--svg", str(picture), "--force").returncode == 0
