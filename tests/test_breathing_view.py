"""The breathing views: the bar follows the breath; plain lines when there is no terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from voiceguide import messages
from voiceguide.breathing.patterns import BUILTIN_PATTERNS
from voiceguide.breathing.scheduler import RunResult, Schedule
from voiceguide.ui.breathing_view import (
    NullView,
    PlainView,
    RichBreathingView,
    bar_fraction,
    bar_text,
    format_clock,
    make_breathing_view,
    phase_levels,
)

BOX = BUILTIN_PATTERNS["box"]


def test_the_bar_fills_on_the_in_breath_holds_and_empties_on_the_out_breath():
    assert phase_levels(BOX) == [(0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)]
    cues = Schedule(BOX, 1, 0.0).cues
    levels = phase_levels(BOX)
    assert bar_fraction(levels, cues[0], 1.0) == 0.25
    assert bar_fraction(levels, cues[1], 2.0) == 1.0
    assert bar_fraction(levels, cues[2], 3.0) == 0.25
    assert bar_fraction(levels, cues[3], 2.0) == 0.0


def test_a_double_inhale_fills_the_bar_in_two_steps():
    levels = phase_levels(BUILTIN_PATTERNS["sigh"])
    assert levels[0] == (0.0, pytest.approx(2 / 3))
    assert levels[1] == (pytest.approx(2 / 3), 1.0)
    assert levels[2] == (1.0, 0.0)


def test_bar_text_has_the_requested_width():
    assert bar_text(0.0, 10) == " " * 10
    assert bar_text(1.0, 10) == "█" * 10
    assert bar_text(0.55, 10) == "█████▌    "
    assert all(len(bar_text(f / 100, 17)) == 17 for f in range(101))


def test_format_clock():
    assert format_clock(0) == "0:00"
    assert format_clock(59.2) == "1:00"
    assert format_clock(304) == "5:04"


def test_plain_view_prints_one_line_per_phase():
    out = io.StringIO()
    view = PlainView(out)
    schedule = Schedule(BOX, 10, 0.0)
    view.start(BOX, 10, schedule.total_seconds)
    view.phase(schedule[4])
    view.tick(schedule[4], 1.0, 100.0)
    view.finish(RunResult("box", 10, 10, 160.0, False, "completed"))
    lines = out.getvalue().splitlines()
    assert lines[1] == "cycle 2/10  Breathe in  4s"
    assert lines[2] == messages.BREATH_DONE.format(cycles=10, time="2:40")
    assert len(lines) == 3


def test_plain_view_rounds_rescaled_phases():
    out = io.StringIO()
    pattern = BUILTIN_PATTERNS["resonant"].with_bpm(4.5)
    PlainView(out).phase(Schedule(pattern, 1, 0.0)[0])
    assert out.getvalue() == "cycle 1/0  Breathe in  6.7s\n"


def test_rich_view_draws_the_phase_and_releases_the_terminal():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80, color_system=None)
    view = RichBreathingView(console)
    schedule = Schedule(BOX, 3, 0.0)
    view.start(BOX, 3, schedule.total_seconds)
    view.countdown(3)
    view.phase(schedule[5])
    view.tick(schedule[5], 1.5, 40.0)
    view.paused(True)
    view.finish(RunResult("box", 3, 1, 22.0, True, "stopped"))
    text = out.getvalue()
    assert "Hold" in text and "3s" in text
    assert messages.BREATH_CYCLE_OF.format(cycle=2, cycles=3) in text
    assert messages.BREATH_PAUSED in text
    assert messages.BREATH_STOPPED.format(completed=1, planned=3, time="0:22") in text


def test_make_view_animates_only_on_a_terminal():
    assert isinstance(make_breathing_view(stream=io.StringIO()), PlainView)
    tty = Console(file=io.StringIO(), force_terminal=True)
    assert isinstance(make_breathing_view(console=tty), RichBreathingView)
    assert isinstance(make_breathing_view(console=tty, animate=False), PlainView)


def test_null_view_records():
    view = NullView()
    view.countdown(2)
    assert view.events == [("countdown", 2)]
