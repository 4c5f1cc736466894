"""When someone is speaking: webrtcvad on 30 ms frames, with hysteresis, never a loudness threshold.

webrtcvad alone calls steady hiss "speech" (its model is tuned for telephone
noise, not for a flat spectrum), so a frame also has to be spectrally
shaped like a voice: white noise has a flatness near 0.56, voiced speech
below 0.2. On top of the frame decisions, hysteresis: a stretch of speech
starts when most of the last 300 ms is voiced, and ends when the last
``pause`` seconds held (almost) nothing voiced. ``silence`` seconds of that
after speech is the endpoint.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

RATE = 16000
FRAME_MS = 30
FRAME = RATE * FRAME_MS // 1000
"""Samples per VAD frame (480)"""
FRAME_SECONDS = FRAME_MS / 1000
MAX_FLATNESS = 0.45
"""Frames with a flatter spectrum than this are noise, whatever webrtcvad says"""


@dataclass(frozen=True)
class VadSettings:
    """How eagerly speech starts and how long a pause must be to end it."""

    aggressiveness: int = 3
    """webrtcvad mode, 0 (lenient) to 3 (strict)"""
    start_window: float = 0.3
    """Seconds looked at to decide that speech started"""
    start_ratio: float = 0.6
    """Share of voiced frames in the start window that starts a stretch"""
    hold_ratio: float = 0.3
    """A window at least this voiced keeps a stretch going (the hysteresis)"""
    pause: float = 0.6
    """Seconds with nothing voiced that end a stretch of speech"""
    silence: float = 3.0
    """Seconds without speech, after speech, that end the recording"""


@dataclass(frozen=True)
class Frames:
    """What the voice detector found in each 30 ms frame of a recording so far."""

    voiced: Sequence[bool] = ()
    """Each frame's decision, for cutting long stretches at a breath"""
    levels: Sequence[float] = ()
    """Each frame's mean square (int16 units), for cutting speech it hears no pause in"""

    def heard(self, frames: int) -> Frames:
        """The first ``frames`` frames only."""
        return Frames(self.voiced[:frames], self.levels[:frames])

    def kept(self) -> Frames:
        """A copy that no longer grows with the recording."""
        return Frames(tuple(self.voiced), tuple(self.levels))


NO_FRAMES = Frames()
"""A recording the voice detector has not judged: nothing to cut at"""


@dataclass(frozen=True)
class Stretch:
    """A stretch of speech, in seconds from the start of the stream."""

    start: float
    end: float


@dataclass(frozen=True)
class VadEvent:
    kind: str
    """'start' (speech began), 'stretch' (a stretch ended in a pause) or 'endpoint'"""
    time: float
    """Seconds from the start of the stream"""
    stretch: Stretch | None = None


def spectral_flatness(frame: np.ndarray) -> float:
    """Geometric over arithmetic mean of the power spectrum: ~0.56 for white noise, low for a voice."""
    x = frame.astype(np.float64) * np.hanning(len(frame))
    power = np.abs(np.fft.rfft(x))[1:] ** 2 + 1e-10
    return float(np.exp(np.mean(np.log(power))) / np.mean(power))


class FrameClassifier:
    """webrtcvad's decision for one 30 ms frame at 16 kHz, with the noise check."""

    def __init__(self, aggressiveness: int = 3) -> None:
        try:
            import webrtcvad
        except ImportError:
            from voiceguide.errors import EngineMissing

            raise EngineMissing("Voice detection needs webrtcvad: pip install webrtcvad-wheels.") from None
        self._vad = webrtcvad.Vad(int(aggressiveness))

    def is_speech(self, frame: np.ndarray) -> bool:
        if not frame.any():
            return False
        if not self._vad.is_speech(frame.astype("<i2").tobytes(), RATE):
            return False
        return spectral_flatness(frame) < MAX_FLATNESS


class Endpointer:
    """Feed 16 kHz int16 audio in any sizes; get speech start, stretch and endpoint events."""

    def __init__(self, settings: VadSettings | None = None, classifier: FrameClassifier | None = None) -> None:
        self.settings = settings or VadSettings()
        self.classifier = classifier or FrameClassifier(self.settings.aggressiveness)
        self._pending = np.zeros(0, np.int16)
        self._frames = 0
        window = max(1, round(self.settings.start_window / FRAME_SECONDS))
        self._window: deque[bool] = deque(maxlen=window)
        self._pause_frames = max(1, round(self.settings.pause / FRAME_SECONDS))
        self._silence_frames = max(self._pause_frames, round(self.settings.silence / FRAME_SECONDS))
        self.in_speech = False
        self.heard_speech = False
        self.ended = False
        self.stretches: list[Stretch] = []
        self._stretch_start = 0.0
        self._last_voiced = 0
        """Index of the frame after the last one that kept the stretch going"""
        self.voiced: list[bool] = []
        """Every frame's decision, for cutting long stretches at a quiet frame"""
        self.levels: list[float] = []
        """Every frame's mean square (int16 units), for cutting speech the VAD hears no pause in"""

    @property
    def frames(self) -> Frames:
        """Every frame's findings so far (the lists themselves: they grow as audio is fed)."""
        return Frames(self.voiced, self.levels)

    @property
    def seconds(self) -> float:
        """Seconds of audio judged so far."""
        return self._frames * FRAME_SECONDS

    @property
    def stretch_start(self) -> float:
        """Seconds where the current (or last) stretch of speech started."""
        return self._stretch_start

    @property
    def silent_for(self) -> float:
        """Seconds since the last speech (0 while speaking or before any speech)."""
        if self.in_speech or not self.heard_speech:
            return 0.0
        return (self._frames - self._last_voiced) * FRAME_SECONDS

    @property
    def starting(self) -> bool:
        """A voice may be starting: voiced frames in the start window, not yet enough to call it speech"""
        return not self.in_speech and any(self._window)

    def feed(self, samples: np.ndarray) -> list[VadEvent]:
        self._pending = np.concatenate([self._pending, samples.astype(np.int16, copy=False)])
        usable = len(self._pending) - len(self._pending) % FRAME
        frames, self._pending = self._pending[:usable], self._pending[usable:]
        events: list[VadEvent] = []
        for i in range(0, usable, FRAME):
            frame = frames[i : i + FRAME]
            wide = frame.astype(np.float32)
            self.levels.append(float(np.dot(wide, wide)) / FRAME)
            events.extend(self._step(self.classifier.is_speech(frame)))
        return events

    def flush(self) -> list[VadEvent]:
        """End of the stream: close an open stretch where its speech last was."""
        if not self.in_speech:
            return []
        self.in_speech = False
        return [self._close()]

    def _step(self, voiced: bool) -> Iterator[VadEvent]:
        s = self.settings
        self.voiced.append(voiced)
        self._window.append(voiced)
        self._frames += 1
        share = sum(self._window) / (self._window.maxlen or 1)
        if not self.in_speech:
            if share >= s.start_ratio:
                self.in_speech = True
                self.heard_speech = True
                first = self._frames - len(self._window)
                first += next(i for i, v in enumerate(self._window) if v)
                self._stretch_start = first * FRAME_SECONDS
                self._last_voiced = self._frames
                yield VadEvent("start", self._stretch_start)
            elif self.heard_speech and not self.ended and self._frames - self._last_voiced >= self._silence_frames:
                self.ended = True
                yield VadEvent("endpoint", self.seconds)
            return
        if voiced and share >= s.hold_ratio:
            self._last_voiced = self._frames
        elif self._frames - self._last_voiced >= self._pause_frames:
            self.in_speech = False
            yield self._close()

    def _close(self) -> VadEvent:
        stretch = Stretch(self._stretch_start, self._last_voiced * FRAME_SECONDS)
        self.stretches.append(stretch)
        return VadEvent("stretch", stretch.end, stretch)

    def quiet_gap_before(self, t: float, within: float, frames: int = 5) -> float | None:
        """The middle of the latest run of ``frames`` unvoiced frames in (t - within, t], or None.

        Between sentences people pause for a breath that is shorter than a
        stretch-ending pause; that is a clean place to cut a long stretch.
        """
        last = min(len(self.voiced), int(t / FRAME_SECONDS))
        first = max(0, last - int(within / FRAME_SECONDS))
        run = 0
        for i in range(last - 1, first - 1, -1):
            if self.voiced[i]:
                run = 0
                continue
            run += 1
            if run >= frames:
                return (i + frames / 2) * FRAME_SECONDS
        return None

    def quiet_frame_before(self, t: float, within: float) -> float | None:
        """The end of the latest unvoiced frame in (t - within, t], for cutting a long stretch."""
        last = min(len(self.voiced), int(t / FRAME_SECONDS))
        first = max(0, last - int(within / FRAME_SECONDS))
        for i in range(last - 1, first - 1, -1):
            if not self.voiced[i]:
                return (i + 1) * FRAME_SECONDS
        return None


def speech_stretches(samples: np.ndarray, rate: int = RATE, settings: VadSettings | None = None) -> list[Stretch]:
    """The stretches of speech in a whole recording (16 kHz int16)."""
    if rate != RATE:
        raise ValueError(f"the VAD works on {RATE} Hz audio, not {rate}")
    endpointer = Endpointer(settings)
    endpointer.feed(samples)
    endpointer.flush()
    return endpointer.stretches
