"""The test fakes, in one place: a clock that jumps, a player and keys on that clock, a scripted transcriber.

Fakes stand in only at the device edge, for orchestration logic; each acts
like the real thing it replaces (``voiceguide.collaborators``) and fails on
any call it was not set up for. The real devices are tested too.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable

from voiceguide.audio.clip import Clip
from voiceguide.speech.transcriber import Segment, Transcript


class FakeClock:
    """A clock that jumps instead of sleeping, and records what it was asked for.

    ``call_at(t, fn)`` runs ``fn`` when a sleep passes ``t`` (the time is then
    exactly ``t``), which is how tests press keys, pause or raise
    KeyboardInterrupt mid-session.
    """

    def __init__(self, start: float = 1000.0, limit: float = 86400.0) -> None:
        self.now = start
        self.limit = start + limit
        """Fake time past which a sleep is a bug (a loop that never ends), not a wait"""
        self.sleeps: list[float] = []
        self._calls: list[tuple[float, int, Callable[[], object]]] = []
        self._order = itertools.count()

    def monotonic(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.sleep_until(self.now + seconds)

    def call_at(self, t: float, fn: Callable[[], object]) -> None:
        heapq.heappush(self._calls, (t, next(self._order), fn))

    def sleep_until(self, t: float) -> None:
        self.sleeps.append(t)
        if self._calls and self._calls[0][0] <= t:
            when, _, fn = heapq.heappop(self._calls)
            self.now = max(self.now, when)
            fn()
            return
        if t > self.limit:
            raise RuntimeError(f"FakeClock asked to sleep until {t}, past its limit {self.limit}")
        self.now = max(self.now, t)


class FakePlayback:
    """One queued clip: it starts at ``at`` (or when queued) and lasts the clip's duration on the player's clock."""

    def __init__(self, player: FakePlayer, clip: Clip, at: float) -> None:
        self.player, self.clip = player, clip
        self.started_at: float | None = at
        self.remaining = clip.duration
        self.cancelled = False

    @property
    def done(self) -> bool:
        return self.remaining <= 1e-9 or self.cancelled

    def wait(self, timeout: float | None = None) -> bool:
        """Advance the fake clock while the clip plays (no clock: played at once)."""
        clock = self.player.clock
        if self.done or clock is None:
            return True
        lead = max(0.0, (self.started_at or clock.now) - clock.now)
        if timeout is None:
            timeout = lead + self.remaining
        if self.player.is_paused:
            clock.advance(timeout)
            return False
        step = min(timeout, lead + self.remaining)
        clock.advance(step)
        self.remaining -= max(0.0, step - lead)
        return self.done


class FakePlayer:
    """Acts like audio.player.Player: play() returns at once, the clip starts at ``at`` (or now).

    Records ``plays`` as (clip, at, clock time of the call) and ``calls`` as
    (what, clock time) for play, pause, resume and stop; ``log``, when given,
    gets ("play", at) so a test can order plays among other events.
    """

    rate = 48000

    def __init__(self, clock: FakeClock | None = None, log: list | None = None) -> None:
        self.clock = clock
        self.log = log
        self.plays: list[tuple[Clip, float, float]] = []
        self.calls: list[tuple[str, float]] = []
        self.is_paused = False
        self.current: FakePlayback | None = None

    def _now(self) -> float:
        return self.clock.monotonic() if self.clock is not None else 0.0

    @property
    def played(self) -> list[Clip]:
        return [clip for clip, _, _ in self.plays]

    @property
    def controls(self) -> list[tuple[str, float]]:
        """Pause, resume and stop, with their times."""
        return [call for call in self.calls if call[0] != "play"]

    def play(self, clip: Clip, at: float | None = None) -> FakePlayback:
        now = self._now()
        at = now if at is None else at
        self.plays.append((clip, at, now))
        self.calls.append(("play", now))
        if self.log is not None:
            self.log.append(("play", at))
        self.current = FakePlayback(self, clip, max(at, now))
        return self.current

    def stop(self) -> None:
        self.calls.append(("stop", self._now()))
        if self.current is not None:
            self.current.cancelled = True
        self.is_paused = False

    def pause(self) -> None:
        self.calls.append(("pause", self._now()))
        self.is_paused = True

    def resume(self) -> None:
        self.calls.append(("resume", self._now()))
        self.is_paused = False

    def wait(self, timeout: float | None = None) -> bool:
        return True


class ScriptedKeys:
    """Keys pressed now (``press``), at given clock times, or a given delay after the n-th clip was spoken."""

    def __init__(self, clock: FakeClock | None = None, at_times=(), after_clip=()) -> None:
        self.clock = clock
        self.pending: list[tuple[float, str]] = sorted(at_times)
        self.after_clip = list(after_clip)  # (clip index, delay, key)
        self.queued: list[float] = []
        self.pressed: list[tuple[float, str]] = []

    def _now(self) -> float:
        return self.clock.monotonic() if self.clock is not None else 0.0

    def press(self, key: str) -> None:
        self.pending.insert(0, (float("-inf"), key))

    def spoken(self, record) -> None:
        self.queued.append(self._now())
        for index, delay, key in self.after_clip:
            if index == len(self.queued) - 1:
                self.pending.append((self.queued[-1] + delay, key))
        self.pending.sort()

    def poll(self) -> str | None:
        if self.pending and self._now() >= self.pending[0][0]:
            _, key = self.pending.pop(0)
            self.pressed.append((self._now(), key))
            return key
        return None


class ScriptedTranscriber:
    """Returns queued results (a text becomes a Transcript of that confidence) and raises queued exceptions;
    fails when nothing is queued.

    Callable too, as recovery's ``transcribe(samples, rate)``.
    """

    engine = "scripted"
    model_name = "scripted"

    def __init__(self, *results: object, confidence: float = 0.9) -> None:
        self.queue: list[object] = list(results)
        self.confidence = confidence
        self.calls: list[tuple[int, int]] = []

    def enqueue(self, result: object) -> None:
        self.queue.append(result)

    def load(self) -> None:
        """Nothing to load."""

    def transcribe(self, samples, rate: int = 16000) -> object:
        self.calls.append((len(samples), rate))
        if not self.queue:
            raise AssertionError("transcribe called more often than expected")
        result = self.queue.pop(0)
        if isinstance(result, BaseException):
            raise result
        if isinstance(result, str):
            seconds = len(samples) / rate
            heard = (Segment(0.0, seconds, result, self.confidence),) if result else ()
            return Transcript(result, heard, self.engine, self.model_name, seconds)
        return result

    __call__ = transcribe
