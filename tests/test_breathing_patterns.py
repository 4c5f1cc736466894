"""Built-in patterns, their cues and pitches, and how many cycles a session runs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from voiceguide import messages
from voiceguide.breathing.patterns import (
    BUILTIN_PATTERNS,
    DEFAULT_PATTERN,
    TONE_HZ,
    BreathPattern,
    Phase,
    builtin_pattern,
    plan_cycles,
)
from voiceguide.errors import PatternError


def rhythm(pattern: BreathPattern) -> list[tuple[str, float]]:
    return [(p.kind, p.seconds) for p in pattern.phases]


def test_builtins_have_the_documented_rhythms():
    assert DEFAULT_PATTERN == "exhale"
    assert rhythm(BUILTIN_PATTERNS["exhale"]) == [("inhale", 4), ("exhale", 6)]
    assert rhythm(BUILTIN_PATTERNS["box"]) == [("inhale", 4), ("hold", 4), ("exhale", 4), ("hold", 4)]
    assert rhythm(BUILTIN_PATTERNS["478"]) == [("inhale", 4), ("hold", 7), ("exhale", 8)]
    assert rhythm(BUILTIN_PATTERNS["resonant"]) == [("inhale", 5.5), ("exhale", 5.5)]
    assert rhythm(BUILTIN_PATTERNS["sigh"]) == [("inhale", 2), ("inhale", 1), ("exhale", 6)]


def test_builtins_speak_plain_words():
    box = BUILTIN_PATTERNS["box"]
    assert [p.word for p in box.phases] == ["Breathe in", "Hold", "Breathe out", "Hold"]
    sigh = BUILTIN_PATTERNS["sigh"]
    assert [p.word for p in sigh.phases] == ["Breathe in", "In again", "Breathe out"]


def test_phases_shorter_than_two_seconds_get_one_word_cues():
    sigh = BUILTIN_PATTERNS["sigh"]
    assert [p.cue_word for p in sigh.phases] == ["Breathe in", "In", "Breathe out"]
    assert Phase("exhale", 1.5).cue_word == "Out"
    assert Phase("hold", 1).cue_word == "Hold"
    assert Phase("rest", 0.5).cue_word == "Rest"


def test_every_builtin_has_a_purpose_and_holds_carry_the_hold_caution():
    for pattern in BUILTIN_PATTERNS.values():
        assert pattern.purpose and "\n" not in pattern.purpose
        assert pattern.caution and "\n" not in pattern.caution
        assert pattern.has_holds == (pattern.id in ("box", "478"))
        if pattern.has_holds:
            assert pattern.caution == messages.BREATH_CAUTION_HOLDS
    assert messages.BREATH_CAUTION_HOLDS == (
        "Skip breath holds if you are pregnant or have a heart or lung condition; stop if you feel dizzy."
    )


def test_each_phase_kind_has_its_own_pitch():
    assert len(set(TONE_HZ.values())) == 4
    assert {Phase(kind, 4).pitch for kind in TONE_HZ} == set(TONE_HZ.values())
    assert Phase("inhale", 4, tone_hz=500).pitch == 500


def test_a_phase_shorter_than_half_a_second_or_longer_than_a_minute_is_refused():
    for seconds in (0.4, 60.5, float("inf"), float("nan"), 1e308):
        with pytest.raises(PatternError, match="between 0.5 and 60 seconds"):
            Phase("inhale", seconds)
    assert Phase("inhale", 60).seconds == 60
    with pytest.raises(PatternError, match="phase kind"):
        Phase("sniff", 2)  # type: ignore[arg-type]


def test_cycle_seconds():
    assert BUILTIN_PATTERNS["box"].cycle_seconds == 16
    assert BUILTIN_PATTERNS["478"].cycle_seconds == 19
    assert BUILTIN_PATTERNS["sigh"].cycle_seconds == 9


def test_defaults():
    assert plan_cycles(BUILTIN_PATTERNS["exhale"]) == 30  # 5 min of 10 s
    assert plan_cycles(BUILTIN_PATTERNS["box"]) == 19  # 300 / 16 = 18.75
    assert plan_cycles(BUILTIN_PATTERNS["478"]) == 4
    assert plan_cycles(BUILTIN_PATTERNS["resonant"]) == 55  # 600 / 11 = 54.5 -> 55
    assert plan_cycles(BUILTIN_PATTERNS["sigh"]) == 33  # 300 / 9


def test_minutes_end_on_a_whole_cycle():
    assert plan_cycles(BUILTIN_PATTERNS["exhale"], minutes=5) == 30
    box = BUILTIN_PATTERNS["box"]
    cycles = plan_cycles(box, minutes=5.1)  # 306 s / 16 = 19.1
    assert cycles == 19
    assert cycles * box.cycle_seconds == 304


def test_minutes_round_to_the_nearest_cycle_and_never_to_zero():
    exhale = BUILTIN_PATTERNS["exhale"]
    assert plan_cycles(exhale, minutes=0.25) == 2  # 1.5 cycles rounds up, not to even
    assert plan_cycles(exhale, minutes=0.01) == 1
    assert plan_cycles(exhale, minutes=0.24) == 1


@given(minutes=st.floats(min_value=0.2, max_value=120))
def test_planned_length_is_within_half_a_cycle_of_the_minutes(minutes):
    for pattern in BUILTIN_PATTERNS.values():
        if pattern.max_cycles:
            continue
        cycles = plan_cycles(pattern, minutes=minutes)
        assert cycles >= 1
        if minutes * 60 >= pattern.cycle_seconds:
            assert abs(cycles * pattern.cycle_seconds - minutes * 60) <= pattern.cycle_seconds / 2 + 1e-9


def test_cycles_are_taken_as_given():
    assert plan_cycles(BUILTIN_PATTERNS["box"], cycles=7) == 7


def test_minutes_and_cycles_together_are_refused():
    with pytest.raises(PatternError) as err:
        plan_cycles(BUILTIN_PATTERNS["box"], minutes=5, cycles=10)
    assert str(err.value) == messages.PATTERN_MINUTES_AND_CYCLES


@pytest.mark.parametrize("kwargs", [{"cycles": 0}, {"cycles": -2}, {"cycles": 2.5}, {"minutes": 0}, {"minutes": -1}])
def test_nonsense_lengths_are_refused(kwargs):
    with pytest.raises(PatternError):
        plan_cycles(BUILTIN_PATTERNS["exhale"], **kwargs)


def test_478_refuses_more_than_eight_cycles():
    pattern = BUILTIN_PATTERNS["478"]
    assert plan_cycles(pattern, cycles=8) == 8
    with pytest.raises(PatternError) as err:
        plan_cycles(pattern, cycles=9)
    assert str(err.value).startswith("The 4-7-8 pattern is limited to 8 cycles; ")
    assert "9" in str(err.value)


def test_478_refuses_minutes_that_would_need_more_than_eight_cycles():
    with pytest.raises(PatternError) as err:
        plan_cycles(BUILTIN_PATTERNS["478"], minutes=5)
    assert str(err.value).startswith("The 4-7-8 pattern is limited to 8 cycles; 5 minutes would be 16.")
    assert plan_cycles(BUILTIN_PATTERNS["478"], minutes=1) == 3


def test_resonant_rescales_to_breaths_per_minute():
    resonant = BUILTIN_PATTERNS["resonant"]
    six = resonant.with_bpm(6)
    assert six.cycle_seconds == pytest.approx(10)
    assert [p.seconds for p in six.phases] == pytest.approx([5, 5])
    assert [p.kind for p in six.phases] == ["inhale", "exhale"]
    assert six.id == "resonant" and "6" in six.name
    assert resonant.with_bpm(4.5).cycle_seconds == pytest.approx(60 / 4.5)
    assert resonant.with_bpm(7).cycle_seconds == pytest.approx(60 / 7)
    assert plan_cycles(six, minutes=10) == 60


@pytest.mark.parametrize("bpm", [4.4, 7.1, 0, 12])
def test_resonant_bpm_out_of_range_is_refused(bpm):
    with pytest.raises(PatternError) as err:
        BUILTIN_PATTERNS["resonant"].with_bpm(bpm)
    assert str(err.value) == messages.PATTERN_BPM_RANGE.format(low=4.5, high=7, bpm=bpm)


def test_fixed_pace_patterns_refuse_bpm():
    with pytest.raises(PatternError, match="fixed pace.*resonant"):
        BUILTIN_PATTERNS["box"].with_bpm(6)


def test_unknown_builtin_names_the_choices():
    with pytest.raises(PatternError, match="Unknown breathing pattern 'square'.*box"):
        builtin_pattern("square")


@pytest.mark.parametrize("minutes", [float("inf"), 1e308, 180.5, 10_000])
def test_a_session_longer_than_three_hours_is_refused_without_overflow(minutes):
    with pytest.raises(PatternError) as err:
        plan_cycles(BUILTIN_PATTERNS["box"], minutes=minutes)
    assert str(err.value) == messages.PATTERN_MINUTES_TOO_LONG.format(most=180, minutes=minutes)


@pytest.mark.parametrize("cycles", [676, 10**18, 10**400])
def test_more_cycles_than_three_hours_hold_are_refused(cycles):
    with pytest.raises(PatternError) as err:
        plan_cycles(BUILTIN_PATTERNS["box"], cycles=cycles)  # 16 s a cycle: 675 fill three hours
    assert str(err.value) == messages.PATTERN_CYCLES_TOO_MANY.format(hours=3, name="Box", most=675, cycles=cycles)
    assert plan_cycles(BUILTIN_PATTERNS["box"], cycles=675) == 675
    assert plan_cycles(BUILTIN_PATTERNS["box"], minutes=180) == 675
