"""A reading on the echo rig with a person who may talk over it: shared by the barge-in tests and benchmarks.

The guide reads through the real Player into vg_speaker; the rig's loopback
carries it into vg_mic 30 ms later and 6 dB quieter; the person's command
(espeak, another voice than the guide's) is played into vg_mic at a chosen
moment and level, so the program hears both, as on laptop speakers.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from tests.pulse import ECHO_GAIN_DB, MIC_RATE, PrivatePulse
from tests.signals import espeak

PERSON_VOICE = "en-gb"
"""The person is not the guide: espeak's British voice (the guide reads with the default voice)"""


def active_rms(samples: np.ndarray, rate: int) -> float:
    """RMS over the 20 ms frames within 30 dB of the loudest: the level of the speech, not of its pauses."""
    frame = rate // 50
    x = samples[: len(samples) // frame * frame].astype(np.float64).reshape(-1, frame)
    levels = np.sqrt(np.mean(x * x, axis=1))
    loud = levels[levels >= levels.max() / 31.6]
    return float(np.sqrt(np.mean(loud**2))) if loud.size else 0.0


def person_saying(text: str, echo_rms: float, ser_db: float) -> tuple[np.ndarray, float]:
    """The person's words at ``ser_db`` speech-to-echo ratio, and where their speech ends (seconds in)."""
    from voiceguide.audio.clip import Clip

    samples, rate = espeak(text, voice=PERSON_VOICE)
    voice = Clip(samples, rate).resampled(MIC_RATE).samples.astype(np.float64)
    voice *= echo_rms * 10 ** (ser_db / 20) / active_rms(voice.astype(np.int16), MIC_RATE)
    voice = np.clip(voice, -32768, 32767).astype(np.int16)
    loud = np.flatnonzero(np.abs(voice) > np.abs(voice).max() / 31.6)
    return voice, (loud[-1] + 1) / MIC_RATE if loud.size else 0.0


class ScriptKeys:
    """Terminal keys the test presses (``press``) from another thread."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._lock = threading.Lock()

    def press(self, key: str) -> None:
        with self._lock:
            self._keys.append(key)

    def poll(self) -> str | None:
        with self._lock:
            return self._keys.pop(0) if self._keys else None


@dataclass
class Spoken:
    """What the person said over the reading, and when (time.monotonic())."""

    text: str
    started: float = 0.0
    speech_end: float = 0.0
    """When the last loud sample went into the microphone"""


@dataclass
class RigReading:
    """One reading on the rig: the session's result, what the person said, and the player's silence."""

    result: object = None
    said: list[Spoken] = field(default_factory=list)
    latency: float = 0.0
    """The player's output latency: a stop is heard this long after the session acts"""

    scripted_quit: float | None = None
    """When the rig pressed q itself to end a reading a command did not end (time.monotonic())"""

    def actions(self) -> list[str]:
        """What the session did on the keys it was given, before the rig's own q: a "quit" acted on
        after that press is the press, not a spoken stop."""
        end = self.scripted_quit if self.scripted_quit is not None else float("inf")
        return [key.action for key in self.result.keys if key.at < end]  # type: ignore[attr-defined]

    def to_silence(self) -> float | None:
        """Seconds from the end of the person's speech to the guide falling silent (stop, pause or next)"""
        acted = [k.at for k in self.result.keys if k.action in ("quit", "pause", "next")]  # type: ignore[attr-defined]
        if not acted or not self.said:
            return None
        return acted[0] + self.latency - self.said[0].speech_end


def read_on_rig(
    pulse: PrivatePulse,
    article,
    synth,
    transcriber,
    *,
    section: int | None = None,
    say: str | None = None,
    at: float = 0.0,
    ser_db: float = 0.0,
    quit_after: float | None = None,
    echo: bool = True,
) -> RigReading:
    """Read ``article`` (or one section) on the rig; the person says ``say`` ``at`` seconds in.

    ``quit_after``: press q that many seconds after the person finished (or
    after ``at`` when no one speaks), so a reading that a command did not end
    (a pause, a next) ends anyway. ``echo`` False: headphones, the microphone
    hears only the person.
    """
    import contextlib

    from voiceguide.audio.player import Player
    from voiceguide.sessions.read import ReadSession
    from voiceguide.speech.barge_in import speaker_barge_in

    reading = RigReading()
    keys = ScriptKeys()
    echo_rms = _echo_rms(synth, article)
    room = pulse.echo() if echo else contextlib.nullcontext()
    with room, Player() as player, speaker_barge_in(player, transcriber, keys) as heard:
        session = ReadSession(article, player=player, synthesizer=synth, keys=heard)

        def person() -> None:
            begin = time.monotonic()
            while time.monotonic() < begin + at:
                time.sleep(0.02)
            if say is not None:
                voice, end = person_saying(say, echo_rms, ser_db)
                spoken = Spoken(say, time.monotonic())
                proc = pulse.play_into_mic(voice, MIC_RATE, wait=False)
                spoken.speech_end = spoken.started + end + 0.02  # pacat's latency
                reading.said.append(spoken)
                proc.wait(timeout=len(voice) / MIC_RATE + 10)
            if quit_after is not None:
                time.sleep(quit_after)
                reading.scripted_quit = time.monotonic()
                keys.press("q")

        helper = threading.Thread(target=person, daemon=True)
        helper.start()
        reading.latency = player.latency
        reading.result = session.run(section=section)
        helper.join(30)
    return reading


def _echo_rms(synth, article) -> float:
    """How loud the guide's voice arrives at the microphone: its speech level through the rig's gain."""
    clip = synth.render(article.sections[0].sentences[0].spoken).resampled(MIC_RATE)
    return active_rms(clip.samples, MIC_RATE) * 10 ** (ECHO_GAIN_DB / 20)
