"""The deadline scheduler: every cue at start + offset, pauses shift what follows, fake time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes import FakeClock
from voiceguide.breathing.patterns import BUILTIN_PATTERNS, BreathPattern, Phase, plan_cycles
from voiceguide.breathing.scheduler import DEFAULT_LEAD, Cue, Schedule, Scheduler
from voiceguide.collaborators import SystemClock

BOX = BUILTIN_PATTERNS["box"]
START = 1000.0


class Recorder:
    """on_cue that notes each cue with the clock time it was handed over."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.cues: list[Cue] = []
        self.handed_at: list[float] = []

    def __call__(self, cue: Cue) -> None:
        self.cues.append(cue)
        self.handed_at.append(self.clock.monotonic())


def test_a_30_minute_box_session_is_scheduled_exactly_and_runs_at_once():
    cycles = plan_cycles(BOX, minutes=30)
    assert cycles == 113  # 1800 / 16 = 112.5, to the nearest whole cycle
    clock = FakeClock(START)
    schedule = Schedule(BOX, cycles, clock.monotonic())
    assert len(schedule) == cycles * 4
    assert [c.offset for c in schedule.cues] == [k * 4.0 for k in range(cycles * 4)]
    assert [c.at for c in schedule.cues] == [START + k * 4.0 for k in range(cycles * 4)]
    assert schedule.total_seconds == cycles * 16.0

    record = Recorder(clock)
    result = Scheduler(schedule, clock).run(record)

    assert [c.at for c in record.cues] == [START + k * 4.0 for k in range(cycles * 4)]
    assert record.handed_at == [max(START, c.at - DEFAULT_LEAD) for c in record.cues]
    assert clock.now == START + cycles * 16.0
    assert result.reason == "completed" and not result.interrupted
    assert result.completed_cycles == result.planned_cycles == cycles
    assert result.seconds == cycles * 16.0
    assert result.pattern_id == "box"


def test_cues_carry_cycle_and_phase():
    schedule = Schedule(BUILTIN_PATTERNS["478"], 2, 0.0)
    assert [(c.index, c.cycle, c.phase_index, c.phase.kind, c.offset) for c in schedule.cues] == [
        (0, 0, 0, "inhale", 0.0),
        (1, 0, 1, "hold", 4.0),
        (2, 0, 2, "exhale", 11.0),
        (3, 1, 0, "inhale", 19.0),
        (4, 1, 1, "hold", 23.0),
        (5, 1, 2, "exhale", 30.0),
    ]
    assert schedule[2].end == 19.0
    assert schedule.end == 38.0


def test_offsets_do_not_accumulate_rounding():
    pattern = BreathPattern("odd", "Odd", (Phase("inhale", 0.7), Phase("exhale", 1.1)))
    schedule = Schedule(pattern, 1000, 0.0)
    last = schedule[len(schedule) - 2]
    assert last.offset == 999 * pattern.cycle_seconds


@given(
    seconds=st.lists(st.floats(min_value=0.5, max_value=20), min_size=1, max_size=6),
    cycles=st.integers(min_value=1, max_value=40),
    start=st.floats(min_value=0, max_value=1e6),
)
def test_any_schedule_is_ordered_and_ends_on_the_plan(seconds, cycles, start):
    pattern = BreathPattern("p", "P", tuple(Phase("inhale", s) for s in seconds))
    schedule = Schedule(pattern, cycles, start)
    offsets = [c.offset for c in schedule.cues]
    assert len(offsets) == cycles * len(seconds)
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets)
    assert all(c.at == start + c.offset for c in schedule.cues)
    assert schedule.end == pytest.approx(start + cycles * sum(seconds))


def run_with_pause(pause_at: float, resume_at: float, cycles: int = 3):
    clock = FakeClock(START)
    scheduler = Scheduler(Schedule(BOX, cycles, START), clock)
    record = Recorder(clock)
    recalled: list[tuple[Cue, ...]] = []
    clock.call_at(pause_at, lambda: recalled.append(scheduler.pause()))
    clock.call_at(resume_at, scheduler.resume)
    result = scheduler.run(record)
    return record, result, recalled, clock


def test_a_7_second_pause_shifts_every_later_cue_by_exactly_7_seconds():
    record, result, recalled, clock = run_with_pause(START + 10.0, START + 17.0)
    planned = [START + k * 4.0 for k in range(12)]
    ats = [c.at for c in record.cues]
    assert ats[:3] == planned[:3]  # 0, 4, 8: before the pause, untouched
    assert ats[3:] == [t + 7.0 for t in planned[3:]]
    assert [c.index for c in record.cues] == list(range(12))
    assert recalled == [()]
    assert clock.now == START + 48.0 + 7.0
    assert result.seconds == 48.0  # the pause is not breathing time
    assert not result.interrupted


def test_a_pause_after_a_cue_was_handed_over_recalls_it_for_its_new_time():
    # cue 3 (at +12) is handed over at +11.9; the pause comes 50 ms before it is due
    record, result, recalled, _ = run_with_pause(START + 11.95, START + 18.95)
    assert [c.index for c in recalled[0]] == [3]
    assert [c.index for c in record.cues] == [0, 1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert record.cues[3].at == START + 12.0  # the stale hand-over
    assert record.cues[4].at == START + 19.0  # handed over again, 7 s later
    assert [c.at for c in record.cues[5:]] == [START + k * 4.0 + 7.0 for k in range(4, 12)]


def test_a_pause_exactly_at_a_cue_keeps_that_cue():
    record, _, recalled, _ = run_with_pause(START + 12.0, START + 19.0)
    assert recalled == [()]
    assert record.cues[3].at == START + 12.0
    assert record.cues[4].at == START + 23.0


def test_ticks_come_about_20_a_second_and_start_each_phase_at_zero():
    clock = FakeClock(START)
    ticks: list[tuple[int | None, float, float, float]] = []

    def on_tick(cue, elapsed, remaining):
        ticks.append((cue.index if cue else None, elapsed, remaining, clock.now))

    Scheduler(Schedule(BOX, 1, START), clock).run(lambda cue: None, on_tick)
    assert 300 <= len(ticks) <= 340  # 16 s at 20 a second
    first_of_phase = {}
    for index, elapsed, remaining, now in ticks:
        first_of_phase.setdefault(index, (elapsed, remaining, now))
    assert first_of_phase[0] == (0.0, 16.0, START)
    assert first_of_phase[2] == (0.0, 8.0, START + 8.0)
    for index, elapsed, remaining, now in ticks:
        if index is not None:
            assert elapsed == pytest.approx(now - (START + 4.0 * index))
            assert remaining == pytest.approx(START + 16.0 - now)
    gaps = [b[3] - a[3] for a, b in zip(ticks, ticks[1:], strict=False)]
    assert max(gaps) <= 0.05 + 1e-9


def test_ticks_continue_while_paused_with_frozen_progress():
    clock = FakeClock(START)
    scheduler = Scheduler(Schedule(BOX, 1, START), clock)
    seen = []

    def on_tick(cue, elapsed, remaining):
        if scheduler.paused:
            seen.append((elapsed, remaining))

    clock.call_at(START + 5.0, scheduler.pause)
    clock.call_at(START + 8.0, scheduler.resume)
    scheduler.run(lambda cue: None, on_tick)
    assert len(seen) >= 50
    assert set(seen) == {(1.0, 11.0)}


def test_should_stop_ends_the_session_with_what_was_done():
    clock = FakeClock(START)
    scheduler = Scheduler(Schedule(BOX, 5, START), clock)
    result = scheduler.run(lambda cue: None, should_stop=lambda: clock.now >= START + 20)
    assert result.reason == "stopped" and result.interrupted
    assert result.completed_cycles == 1
    assert result.seconds == pytest.approx(20.0, abs=0.06)


def test_keyboard_interrupt_from_the_clock_is_recorded_not_raised():
    clock = FakeClock(START)

    def interrupt():
        raise KeyboardInterrupt

    clock.call_at(START + 35.0, interrupt)
    scheduler = Scheduler(Schedule(BOX, 5, START), clock)
    record = Recorder(clock)
    result = scheduler.run(record)
    assert result.reason == "keyboard" and result.keyboard_interrupt and result.interrupted
    assert result.completed_cycles == 2
    assert result.seconds == 35.0
    assert scheduler.result is result
    assert max(c.at for c in record.cues) <= START + 36.0


def test_stopping_while_paused_counts_time_up_to_the_pause():
    clock = FakeClock(START)
    scheduler = Scheduler(Schedule(BOX, 5, START), clock)
    clock.call_at(START + 18.0, scheduler.pause)
    result = scheduler.run(lambda cue: None, should_stop=lambda: clock.now >= START + 60)
    assert result.seconds == 18.0 and result.completed_cycles == 1


def test_schedule_shift_moves_only_later_cues():
    schedule = Schedule(BOX, 1, 0.0)
    schedule.shift(after=4.0, seconds=2.5)
    assert [c.at for c in schedule.cues] == [0.0, 4.0, 10.5, 14.5]
    assert [c.offset for c in schedule.cues] == [0.0, 4.0, 8.0, 12.0]
    assert schedule.end == 18.5


def test_fake_clock_jumps_records_and_never_goes_back():
    clock = FakeClock(10.0)
    clock.sleep_until(12.5)
    clock.sleep_until(11.0)
    assert clock.now == 12.5
    assert clock.sleeps == [12.5, 11.0]
    fired = []
    clock.call_at(13.0, lambda: fired.append(clock.now))
    clock.sleep_until(20.0)
    assert fired == [13.0] and clock.now == 13.0  # returns early so the caller re-checks
    clock.sleep_until(20.0)
    assert clock.now == 20.0


def test_fake_clock_refuses_to_run_forever():
    clock = FakeClock(0.0, limit=100.0)
    with pytest.raises(RuntimeError, match="past its limit"):
        clock.sleep_until(101.0)


def test_system_clock_sleeps_until_the_deadline():
    clock = SystemClock()
    target = clock.monotonic() + 0.005
    clock.sleep_until(target)
    assert clock.monotonic() >= target
    clock.sleep_until(target - 1)  # a past deadline returns at once
