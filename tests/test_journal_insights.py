"""Check-ins, minutes listened, recall and the picture of practice, on real journal files."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from voiceguide.errors import JournalError
from voiceguide.journal.insights import period_starts, streaks
from voiceguide.journal.store import Journal

MONDAY = date(2026, 11, 23)


@pytest.fixture
def journal(tmp_path):
    with Journal.open(tmp_path / "journal.db") as jr:
        yield jr


def test_an_empty_journal_has_empty_periods_and_no_streak(journal):
    picture = journal.practice(on=MONDAY)
    assert len(picture.periods) == 12 and picture.periods[-1].start == "2026-11-23"
    assert picture.periods[0].start == "2026-09-07"
    assert all(p.entries == 0 and p.mood_start is None for p in picture.periods)
    assert (picture.entries, picture.current_streak_days, picture.longest_streak_days) == (0, 0, 0)


def test_one_entry(journal):
    journal.add_entry("only one, four words", created=datetime(2026, 11, 24, 9, 0))
    picture = journal.practice(on=date(2026, 11, 26))
    assert picture.periods[-1].entries == 1 and sum(p.entries for p in picture.periods) == 1
    assert (picture.entries, picture.words, picture.current_streak_days) == (1, 4, 0)  # the 24th: two days ago
    assert journal.practice(on=date(2026, 11, 25)).current_streak_days == 1  # yesterday: today is not over
    assert picture.longest_streak_days == 1


def test_weeks_and_months_sum_listening_breathing_entries_and_moods(journal):
    when = datetime(2026, 11, 24, 20, 0)
    journal.add_listening(300, article="a", section=1, started=when)
    journal.add_listening(120, article="a", section=2, started=datetime(2026, 11, 10, 20, 0))
    journal.add_breathing_session("box", 4, 4, 90, False, started=when)
    journal.add_entry("a reflection", created=when, duration=30)
    journal.add_checkin(2, moment="start", session="s1", created=when)
    journal.add_checkin(4, moment="end", session="s1", created=datetime(2026, 11, 24, 20, 30))
    journal.add_checkin(3, created=datetime(2026, 11, 25, 8, 0))  # on its own: counts as coming in
    week = journal.practice(on=date(2026, 11, 25)).periods
    assert (week[-1].listened_minutes, week[-1].breathed_minutes, week[-1].entries) == (5.0, 1.5, 1)
    assert (week[-1].mood_start, week[-1].mood_end, week[-1].checkins) == (2.5, 4.0, 3)
    assert week[-3].listened_minutes == 2.0 and week[-3].mood_start is None
    months = journal.practice(by="month", periods=2, on=date(2026, 12, 2))
    assert [p.start for p in months.periods] == ["2026-11-01", "2026-12-01"]
    assert months.periods[0].listened_minutes == 7.0 and months.periods[1].entries == 0
    assert (months.minutes_listened, months.minutes_breathed, months.minutes_spoken) == (7.0, 1.5, 0.5)
    assert months.checkins == 3 and months.practice_days == 3


def test_streaks_count_any_practice_and_the_current_one_may_end_yesterday(journal):
    for day in (1, 2, 3, 5, 6):
        journal.add_entry("x", created=datetime(2026, 11, day, 12, 0))
    journal.add_breathing_session("box", 1, 1, 10, False, started=datetime(2026, 11, 7, 12, 0))
    journal.add_checkin(3, created=datetime(2026, 11, 8, 12, 0))
    picture = journal.practice(on=date(2026, 11, 9))
    assert (picture.current_streak_days, picture.longest_streak_days) == (4, 4)
    assert streaks(set(), date(2026, 1, 1)) == (0, 0)


def test_a_check_in_is_one_to_five(journal):
    for bad in (0, 6, -1):
        with pytest.raises(JournalError, match="1 to 5"):
            journal.add_checkin(bad)
    assert journal.checkins() == []


def test_month_periods_cross_the_year():
    assert [d.isoformat() for d in period_starts(date(2026, 2, 14), "month", 3)] == [
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
    ]


def test_an_unknown_period_is_one_clear_error(journal):
    with pytest.raises(JournalError, match="week or by month"):
        journal.practice(by="fortnight")


def test_recall_finds_the_newest_earlier_entry_with_words_on_that_section(journal):
    journal.add_entry("first", article="a", section=2)
    second = journal.add_entry("second", article="a", section=2)
    journal.add_entry("   ", article="a", section=2)  # an empty recovery is nothing to recall
    journal.add_entry("other section", article="a", section=3)
    known = journal.newest_entry_id()
    journal.add_entry("written later", article="a", section=2)
    assert journal.earlier_reflection("a", 2, up_to=known).id == second.id
    assert journal.earlier_reflection("a", 1, up_to=known) is None
    assert journal.earlier_reflection("b", 2, up_to=known) is None


def test_day_totals_follow_every_insert_edit_and_delete(journal):
    first = journal.add_entry("one two", created=datetime(2026, 11, 24, 9, 0), duration=60)
    second = journal.add_entry("three", created=datetime(2026, 11, 24, 23, 30), duration=30)
    journal.add_entry("four five six", created=datetime(2026, 11, 25, 9, 0))
    journal.update_text(first.id, "one two three four")
    journal.delete(second.id)

    def by_day() -> dict[str, tuple[int, int, float]]:
        rows = journal.conn.execute("SELECT day, entries, words, seconds FROM entry_days ORDER BY day")
        return {row[0]: tuple(row[1:]) for row in rows}

    assert by_day() == {"2026-11-24": (1, 4, 60.0), "2026-11-25": (1, 3, 0.0)}
    journal.delete(first.id)
    assert by_day() == {"2026-11-25": (1, 3, 0.0)}  # a day with no entry left has no row
    picture = journal.practice(on=date(2026, 11, 25))
    assert (picture.entries, picture.words, picture.minutes_spoken) == (1, 3, 0.0)
    direct = journal.conn.execute("SELECT count(*), sum(words) FROM entries").fetchone()
    assert direct == (1, 3)
