"""The terminal chart of practice: bars in eighths of a character, rows per period, totals first."""

from __future__ import annotations

import io

from rich.console import Console

from voiceguide.journal.insights import Period, Practice
from voiceguide.ui.practice_chart import BAR_WIDTH, bar, draw_practice, mood_text


def test_bars_scale_to_the_biggest_value_in_eighths():
    assert bar(10, 10) == "█" * BAR_WIDTH
    assert bar(5, 10) == "█" * (BAR_WIDTH // 2)
    assert bar(1, 96) == "▏"  # a little is still visible
    assert bar(0, 10) == "" and bar(3, 0) == ""


def test_mood_shows_coming_in_and_leaving():
    assert mood_text(2, 3.5) == "2 → 3.5" and mood_text(None, 4) == "· → 4" and mood_text(None, None) == ""


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
