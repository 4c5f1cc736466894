"""A paced breathing session: countdown, cues on the deadline schedule, pause, journal.

All cue audio is rendered before the countdown ends, so nothing slow happens
between cues; each cue is handed to the Player a little early with
``at=cue.at`` and the Player starts it on that exact sample. The session owns
no clock, device or terminal: they are passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

from voiceguide import messages
from voiceguide.breathing.patterns import BreathPattern, Phase
from voiceguide.breathing.scheduler import (
    DEFAULT_LEAD,
    Cue,
    RunResult,
    Schedule,
    Scheduler,
)
from voiceguide.collaborators import Clock, KeySource, PlayerLike
from voiceguide.ui.breathing_view import BreathingView, NullView

if TYPE_CHECKING:  # numpy loads with the audio modules, when a session is built, not on import
    from voiceguide.audio.clip import Clip

CueMode = Literal["voice", "tone", "both", "none"]
CUE_MODES: tuple[str, ...] = ("voice", "tone", "both", "none")

CUE_TONE_SECONDS = 0.35
CUE_TONE_VOLUME = 0.35
"""Amplitude of cue tones at volume 1: clearly there, never startling"""
COUNTDOWN_TICK_HZ = 880.0
COUNTDOWN_TICK_SECONDS = 0.05
COUNTDOWN_TICK_VOLUME = 0.08
"""Soft: the tick is there to wake the audio device as much as to be heard"""
END_EARCON_VOLUME = 0.3
VOICE_GAP = 0.05
"""Seconds between the cue tone and the spoken word in "both" mode"""
FIT_MARGIN = 0.1
"""A cue must end this long before the next phase begins, or it would delay the next cue"""
PAUSE_KEYS = (" ", "p", "P")
STOP_KEYS = ("q", "Q", "\x1b")


class BreathingJournal(Protocol):
    def add_breathing_session(
        self, *, pattern: str, planned_cycles: int, completed_cycles: int, seconds: float, interrupted: bool
    ) -> object: ...


def safety_notices(pattern: BreathPattern, *, first_use: bool, quiet: bool = False) -> list[str]:
    """Lines to show before the session; the caller knows whether this is the first use."""
    lines = []
    if first_use:
        lines.append(messages.BREATH_NOT_MEDICAL)
    if pattern.has_holds and not quiet:
        lines.append(pattern.caution or messages.BREATH_CAUTION_HOLDS)
    return lines


def trimmed(clip: Clip, seconds: float, fade: float = 0.02) -> Clip:
    """``clip`` cut to ``seconds`` with a short fade-out (no click), or unchanged if it fits."""
    if clip.duration <= seconds:
        return clip
    import numpy as np

    from voiceguide.audio.clip import Clip

    cut = clip.slice(0, max(0.0, seconds))
    n = min(cut.frames, round(fade * cut.rate))
    if n == 0:
        return cut
    samples = cut.samples.astype(np.float32)
    ramp = np.linspace(1.0, 0.0, n, dtype=np.float32)
    samples[-n:] = samples[-n:] * (ramp if cut.channels == 1 else ramp[:, None])
    return Clip(samples.astype(np.int16), cut.rate, cut.channels)


def from_first_sound(clip: Clip, floor: float = 0.01, lead: float = 0.005) -> Clip:
    """``clip`` from ``lead`` seconds before its first sample above ``floor`` (of full scale).

    A spoken cue must start on its beat: the neural voice opens each clip with
    60-80 ms of near-silence, which would put every spoken cue that late.
    """
    import numpy as np

    level = np.abs(clip.samples.astype(np.int32))
    if level.ndim > 1:
        level = level.max(axis=1)
    loud = np.nonzero(level > floor * 32767)[0]
    if len(loud) == 0:
        return clip
    start = max(0.0, loud[0] / clip.rate - lead)
    return clip.slice(start) if start > 0 else clip


class BreatheSession:
    """One breathing exercise from countdown to journal entry."""

    def __init__(
        self,
        pattern: BreathPattern,
        cycles: int,
        *,
        player: PlayerLike,
        clock: Clock,
        view: BreathingView | None = None,
        cue_mode: CueMode = "both",
        volume: float = 1.0,
        countdown: int = 3,
        render_voice: Callable[[str], Clip] | None = None,
        journal: BreathingJournal | None = None,
        keys: KeySource | None = None,
        lead: float = DEFAULT_LEAD,
    ) -> None:
        if cue_mode not in CUE_MODES:
            raise ValueError(f"cue_mode must be one of {CUE_MODES}, not {cue_mode!r}")
        if cue_mode in ("voice", "both") and render_voice is None:
            raise ValueError(f"cue_mode {cue_mode!r} needs render_voice")
        if cycles < 1 or countdown < 0 or volume < 0:
            raise ValueError("cycles must be >= 1, countdown and volume >= 0")
        self.pattern = pattern
        self.cycles = cycles
        self.player = player
        self.clock = clock
        self.view: BreathingView = view if view is not None else NullView()
        self.cue_mode = cue_mode
        self.volume = volume
        self.countdown = countdown
        self.render_voice = render_voice
        self.journal = journal
        self.keys = keys
        self.lead = lead
        self.voices: dict[str, Clip] = {}
        """Rendered spoken cues by word"""
        self.tones: dict[float, Clip] = {}
        """Rendered cue tones by pitch"""
        self.sounds: list[list[tuple[Clip, float]]] = []
        """Per phase of the pattern: (clip, seconds after the cue) to play"""
        self.tick_clip: Clip | None = None
        self.end_clip: Clip | None = None
        self.scheduler: Scheduler | None = None
        self.result: RunResult | None = None
        self._prepared = False
        self._stop_requested = False
        self._shown = -1

    # -- what to print first ---------------------------------------------------
    def notices(self, *, first_use: bool, quiet: bool = False) -> list[str]:
        return safety_notices(self.pattern, first_use=first_use, quiet=quiet)

    @property
    def total_seconds(self) -> float:
        return self.cycles * self.pattern.cycle_seconds

    # -- audio -----------------------------------------------------------------
    def _for_player(self, clip: Clip) -> Clip:
        # Resample now, not in play() between cues
        rate = getattr(self.player, "rate", None)
        if isinstance(rate, int) and (clip.rate != rate or clip.channels != 1):
            return clip.resampled(rate)
        return clip

    def _tone(self, hz: float) -> Clip:
        from voiceguide.audio.tones import tone

        if hz not in self.tones:
            self.tones[hz] = self._for_player(tone(hz, CUE_TONE_SECONDS, volume=CUE_TONE_VOLUME * self.volume))
        return self.tones[hz]

    def _voice(self, word: str) -> Clip:
        if word not in self.voices:
            assert self.render_voice is not None
            self.voices[word] = self._for_player(from_first_sound(self.render_voice(word)).scaled(self.volume))
        return self.voices[word]

    def _phase_sounds(self, phase: Phase) -> list[tuple[Clip, float]]:
        mode = self.cue_mode
        if mode == "none":
            return []
        room = phase.seconds - FIT_MARGIN
        if mode == "tone":
            return [(trimmed(self._tone(phase.pitch), room), 0.0)]
        voice = self._voice(phase.cue_word)
        if mode == "voice":
            return [(trimmed(voice, room), 0.0)]
        beep = trimmed(self._tone(phase.pitch), room)
        delay = beep.duration + VOICE_GAP
        if room - delay < 0.1:
            return [(beep, 0.0)]
        return [(beep, 0.0), (trimmed(voice, room - delay), delay)]

    def prepare(self) -> None:
        """Render every sound the session will play, so cues never wait on synthesis."""
        if self._prepared:
            return
        self.sounds = [self._phase_sounds(phase) for phase in self.pattern.phases]
        if self.cue_mode != "none":
            from voiceguide.audio.tones import earcon, tone

            self.tick_clip = self._for_player(
                tone(COUNTDOWN_TICK_HZ, COUNTDOWN_TICK_SECONDS, volume=COUNTDOWN_TICK_VOLUME * self.volume)
            )
            self.end_clip = self._for_player(earcon("session_end", volume=END_EARCON_VOLUME * self.volume))
        self._prepared = True

    # -- control (keys, voice commands, other threads) --------------------------
    @property
    def paused(self) -> bool:
        return self.scheduler is not None and self.scheduler.paused

    def pause(self) -> None:
        scheduler = self.scheduler
        if scheduler is None or scheduler.paused:
            return
        recalled = scheduler.pause()
        if recalled:
            # Their audio is queued for the old time; they are handed over again after resume
            self.player.stop()
        else:
            self.player.pause()
        self.view.paused(True)

    def resume(self) -> None:
        scheduler = self.scheduler
        if scheduler is None or not scheduler.paused:
            return
        scheduler.resume()
        self.player.resume()
        self.view.paused(False)

    def toggle_pause(self) -> None:
        self.resume() if self.paused else self.pause()

    def stop(self) -> None:
        """End the session at the next tick; what was done is kept."""
        self._stop_requested = True

    def _poll_keys(self) -> None:
        if self.keys is None:
            return
        while (key := self.keys.poll()) is not None:
            if key in PAUSE_KEYS:
                self.toggle_pause()
            elif key in STOP_KEYS:
                self.stop()

    # -- the run ---------------------------------------------------------------
    def _wait_until(self, t: float) -> None:
        while self.clock.monotonic() < t:
            self.clock.sleep_until(t)

    def _count_down(self) -> float:
        """Tick once a second; return the clock time of the first cue."""
        start = self.clock.monotonic() + self.lead + self.countdown
        for k in range(self.countdown):
            tick_at = start - self.countdown + k
            self._wait_until(tick_at - self.lead)
            self._poll_keys()
            if self._stop_requested:
                break
            if self.tick_clip is not None:
                self.player.play(self.tick_clip, at=tick_at)
            self._wait_until(tick_at)
            self.view.countdown(self.countdown - k)
        return start

    def _on_cue(self, cue: Cue) -> None:
        for clip, delay in self.sounds[cue.phase_index]:
            self.player.play(clip, at=cue.at + delay)

    def _on_tick(self, cue: Cue | None, elapsed: float, remaining: float) -> None:
        self._poll_keys()
        if cue is not None and cue.index != self._shown:
            self._shown = cue.index
            self.view.phase(cue)
        self.view.tick(cue, elapsed, remaining)

    def _not_started(self, reason: Literal["stopped", "keyboard"]) -> RunResult:
        return RunResult(self.pattern.id, self.cycles, 0, 0.0, True, reason)

    def _silence(self) -> None:
        try:
            self.player.stop()
        except Exception:  # noqa: BLE001 - already ending; silence is best effort
            pass

    def run(self) -> RunResult:
        """Run to the end (or stop); record it in the journal; return what happened.

        On Ctrl-C the partial session is recorded first and KeyboardInterrupt
        is raised again, so the caller can exit 130 (``self.result`` holds it).
        """
        result: RunResult | None = None
        keyboard = False
        try:
            self.prepare()
            self.view.start(self.pattern, self.cycles, self.total_seconds)
            start = self._count_down()
            if self._stop_requested:
                result = self._not_started("stopped")
            else:
                self.scheduler = Scheduler(Schedule(self.pattern, self.cycles, start), self.clock, lead=self.lead)
                result = self.scheduler.run(self._on_cue, self._on_tick, lambda: self._stop_requested)
                if result.interrupted:
                    self._silence()
                elif self.end_clip is not None:
                    ending = self.player.play(self.end_clip, at=self.scheduler.schedule.end)
                    ending.wait(timeout=self.end_clip.duration + 1.0)
        except KeyboardInterrupt:
            keyboard = True
            self._silence()
            if result is None:
                result = self._not_started("keyboard")
        finally:
            self.view.finish(result)
        assert result is not None
        keyboard = keyboard or result.keyboard_interrupt
        self.result = result
        self._record(result)
        if keyboard:
            raise KeyboardInterrupt
        return result

    def _record(self, result: RunResult) -> None:
        if self.journal is None:
            return
        self.journal.add_breathing_session(
            pattern=result.pattern_id,
            planned_cycles=result.planned_cycles,
            completed_cycles=result.completed_cycles,
            seconds=result.seconds,
            interrupted=result.interrupted,
        )
