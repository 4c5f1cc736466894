"""The terminal chart of practice: bars in eighths of a character, rows per period, totals first."""

from __future__ import annotations

import io

from rich.console import Console

from voiceguide.journal.insights import Period, Practice
from voiceguide.ui.practice_chart import BAR_WIDTH, bar, draw_practice, mood_glyph, mood_text


def test_bars_scale_to_the_biggest_value_in_eighths():
    assert bar(10, 10) == "█" * BAR_WIDTH
    assert bar(5, 10) == "█" * (BAR_WIDTH // 2)
    assert bar(1, 96) == "▏"  # a little is still visible
    assert bar(0, 10) == "" and bar(3, 0) == ""


def test_mood_shows_coming_in_and_leaving():
    assert mood_text(2, 3.5) == "2 → 3.5" and mood_text(None, 4) == "· → 4" and mood_text(None, None) == ""


def test_mood_is_drawn_as_a_column_as_high_as_the_mood():
    heights = [mood_glyph(mood) for mood in (1, 2, 3, 4, 5)]
    assert heights == ["▂", "▃", "▅", "▆", "█"]  # each mood its own height, rising with it
    assert mood_glyph(2.5) == "▄" and mood_glyph(None) == " "


def test_the_chart_draws_mood_coming_in_and_leaving_each_period():
    practice = Practice(
        by="week",
        periods=[
            Period("2026-11-09", entries=1, mood_start=2, mood_end=4, checkins=2),
            Period("2026-11-16", listened_minutes=45.3, breathed_minutes=10.5, entries=6, mood_start=2.5, mood_end=3.7),
            Period("2026-11-23", entries=1, mood_end=5, checkins=1),
            Period("2026-11-30", entries=1),
        ],
        entries=9,
        practice_days=9,
    )
    out = io.StringIO()
    draw_practice(practice, Console(file=out, width=80, color_system=None))
    rows = {line[:11]: line for line in out.getvalue().splitlines()}
    assert rows["09 Nov 2026"].rstrip().endswith("▃ ▆ 2 → 4")
    busy = rows["16 Nov 2026"]  # a full row still fits an 80-column terminal, on one line
    assert "45.3" in busy and "10.5" in busy and busy.rstrip().endswith("▄ ▆ 2.5 → 3.7"), out.getvalue()
    assert rows["23 Nov 2026"].rstrip().endswith("  █ · → 5")
    assert not any(glyph in rows["30 Nov 2026"] for glyph in "▂▃▅▆→")


def test_the_chart_has_a_row_per_period_after_the_totals():
    practice = Practice(
        by="month",
        periods=[Period("2026-10-01", listened_minutes=30, entries=2), Period("2026-11-01", breathed_minutes=4)],
        entries=2,
        practice_days=2,
    )
    out = io.StringIO()
    draw_practice(practice, Console(file=out, width=100, color_system=None))
    lines = out.getvalue().splitlines()
    assert lines[0] == "entries: 2" and "Practice by month" in out.getvalue()
    october = next(line for line in lines if line.startswith("Oct 2026"))
    november = next(line for line in lines if line.startswith("Nov 2026"))
    assert "█" * BAR_WIDTH + " 30" in october and "█" * BAR_WIDTH + " 4" in november
