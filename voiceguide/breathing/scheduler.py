"""Deadline scheduling of breathing cues on an injected clock.

Every cue time is computed once from the session start (``start + offset``),
never by adding up sleeps, so a late wake-up never pushes later cues back.
The scheduler wakes a little before each cue (``lead``) and hands the cue to
its caller, who gives the audio to the Player with ``at=cue.at``: the Player
places the first sample exactly there. A pause moves the start, and with it
every cue that had not been reached, by the paused time.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from voiceguide.breathing.patterns import BreathPattern, Phase
from voiceguide.collaborators import Clock

DEFAULT_LEAD = 0.1
"""Seconds before a cue that it is handed over, so its audio is queued in time"""
TICK_SECONDS = 0.05
"""Animation ticks: about 20 a second"""


@dataclass(frozen=True)
class Cue:
    """One phase of one cycle, with the instant it begins."""

    index: int
    """Position in the session, from 0"""
    cycle: int
    """Cycle number, from 0"""
    phase_index: int
    """Position of the phase in the pattern, from 0"""
    phase: Phase
    offset: float
    """Seconds from the session start, pauses excluded"""
    at: float
    """Clock time the phase begins (start + offset, shifted by pauses before it)"""

    @property
    def end(self) -> float:
        return self.at + self.phase.seconds


class Schedule:
    """All cues of a session, computed from one start time."""

    def __init__(self, pattern: BreathPattern, cycles: int, start: float) -> None:
        if cycles < 1:
            raise ValueError("a schedule needs at least one cycle")
        self.pattern = pattern
        self.cycles = cycles
        self.start = start
        """Clock time of the first cue, moved later by each pause"""
        self.cycle_seconds = pattern.cycle_seconds
        # offset = cycle * cycle_seconds + start of the phase in its cycle: one
        # multiplication, not a running sum, so rounding never accumulates
        starts = list(itertools.accumulate((p.seconds for p in pattern.phases), initial=0.0))
        n = len(pattern.phases)
        self._cues: list[Cue] = []
        for cycle in range(cycles):
            for i, phase in enumerate(pattern.phases):
                offset = cycle * self.cycle_seconds + starts[i]
                self._cues.append(Cue(cycle * n + i, cycle, i, phase, offset, start + offset))

    @property
    def cues(self) -> tuple[Cue, ...]:
        return tuple(self._cues)

    def __len__(self) -> int:
        return len(self._cues)

    def __getitem__(self, index: int) -> Cue:
        return self._cues[index]

    @property
    def total_seconds(self) -> float:
        return self.cycles * self.cycle_seconds

    @property
    def end(self) -> float:
        """Clock time the last phase ends"""
        return self.start + self.total_seconds

    def shift(self, after: float, seconds: float) -> None:
        """Move every cue later than ``after`` (and the end) by ``seconds``; earlier cues stay."""
        self.start += seconds
        self._cues = [
            Cue(c.index, c.cycle, c.phase_index, c.phase, c.offset, self.start + c.offset) if c.at > after else c
            for c in self._cues
        ]

    def elapsed(self, now: float) -> float:
        """Breathing seconds done by ``now`` (pauses already shifted out), 0..total."""
        return min(self.total_seconds, max(0.0, now - self.start))


StopReason = Literal["completed", "stopped", "keyboard"]


@dataclass(frozen=True)
class RunResult:
    """What happened, in the shape the journal stores."""

    pattern_id: str
    planned_cycles: int
    completed_cycles: int
    seconds: float
    """Breathing time, pauses excluded"""
    interrupted: bool
    reason: StopReason
    """"keyboard" means Ctrl-C: log the session, then exit 130"""

    @property
    def keyboard_interrupt(self) -> bool:
        return self.reason == "keyboard"


OnCue = Callable[[Cue], object]
OnTick = Callable[[Cue | None, float, float], object]
"""(current cue or None before the first, seconds into its phase, seconds left in the session)"""


class Scheduler:
    """Runs a Schedule against a Clock: hands cues over early, ticks the view, honours pause and stop."""

    def __init__(
        self,
        schedule: Schedule,
        clock: Clock,
        *,
        lead: float = DEFAULT_LEAD,
        tick: float = TICK_SECONDS,
    ) -> None:
        self.schedule = schedule
        self.clock = clock
        self.lead = lead
        self.tick = tick
        self._next = 0
        """Index of the next cue to hand over"""
        self._reached = 0
        """Number of cues whose time has come"""
        self._paused_at: float | None = None
        self._lock = threading.RLock()
        self.result: RunResult | None = None

    # -- pause ---------------------------------------------------------------
    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def pause(self) -> tuple[Cue, ...]:
        """Freeze the session. Returns cues already handed over but not yet due: their
        audio must be dropped, as they are handed over again at their new time."""
        with self._lock:
            if self._paused_at is not None:
                return ()
            now = self.clock.monotonic()
            self._paused_at = now
            recalled = []
            while self._next > self._reached and self.schedule[self._next - 1].at > now:
                self._next -= 1
                recalled.append(self.schedule[self._next])
            return tuple(reversed(recalled))

    def resume(self) -> float:
        """Continue; every cue not yet reached moves later by the paused time, which is returned."""
        with self._lock:
            if self._paused_at is None:
                return 0.0
            paused_at, self._paused_at = self._paused_at, None
            seconds = max(0.0, self.clock.monotonic() - paused_at)
            self.schedule.shift(after=paused_at, seconds=seconds)
            return seconds

    @property
    def current(self) -> Cue | None:
        """The phase in progress, None before the first cue"""
        return self.schedule[self._reached - 1] if self._reached else None

    # -- the loop ------------------------------------------------------------
    def run(
        self,
        on_cue: OnCue,
        on_tick: OnTick | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> RunResult:
        """Hand each cue to ``on_cue`` ``lead`` seconds early; return once the last phase ends.

        KeyboardInterrupt (from the clock or a callback) ends the run with
        reason "keyboard" instead of propagating, so the caller can record the
        session before exiting.
        """
        schedule = self.schedule
        reason: StopReason = "completed"
        try:
            while True:
                if should_stop is not None and should_stop():
                    reason = "stopped"
                    break
                with self._lock:
                    now = self.clock.monotonic()
                    paused_at = self._paused_at
                    if paused_at is None:
                        while self._reached < self._next and schedule[self._reached].at <= now:
                            self._reached += 1
                        if self._next < len(schedule) and now >= schedule[self._next].at - self.lead:
                            cue = schedule[self._next]
                            self._next += 1
                        else:
                            cue = None
                if paused_at is not None:
                    if on_tick is not None:
                        self._tick(on_tick, paused_at)
                    self.clock.sleep_until(now + self.tick)
                    continue
                if cue is not None:
                    on_cue(cue)
                    continue
                if self._next >= len(schedule) and self._reached >= len(schedule) and now >= schedule.end:
                    break
                wake = schedule.end
                if self._next < len(schedule):
                    wake = min(wake, schedule[self._next].at - self.lead)
                if on_tick is not None:
                    self._tick(on_tick, now)
                    if self._reached < self._next:
                        wake = min(wake, schedule[self._reached].at)
                if on_tick is not None or should_stop is not None:
                    wake = min(wake, now + self.tick)
                self.clock.sleep_until(wake)
        except KeyboardInterrupt:
            reason = "keyboard"
        self.result = self._result(reason)
        return self.result

    def _tick(self, on_tick: OnTick, now: float) -> None:
        cue = self.current
        elapsed = now - cue.at if cue is not None else 0.0
        on_tick(cue, max(0.0, elapsed), max(0.0, self.schedule.end - now))

    def _result(self, reason: StopReason) -> RunResult:
        schedule = self.schedule
        now = self._paused_at if self._paused_at is not None else self.clock.monotonic()
        if reason == "completed":
            seconds, completed = schedule.total_seconds, schedule.cycles
        else:
            seconds = schedule.elapsed(now)
            completed = min(schedule.cycles, math.floor(seconds / schedule.cycle_seconds + 1e-9))
        return RunResult(
            pattern_id=schedule.pattern.id,
            planned_cycles=schedule.cycles,
            completed_cycles=completed,
            seconds=round(seconds, 3),
            interrupted=reason != "completed",
            reason=reason,
        )
