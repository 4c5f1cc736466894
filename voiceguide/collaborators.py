"""What sessions and engines need from their collaborators, declared once.

The real classes (``audio.player.Player``, ``audio.recorder.Recorder``,
``speech.transcriber.WhisperTranscriber``, ``ui.keys.TerminalKeys`` and
``SystemClock`` below) satisfy these protocols, and so do the fakes in
``tests/fakes.py``. This module sits beside ``settings`` and ``errors`` at the
bottom of the package, so breathing, speech and sessions can all use it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from voiceguide.audio.clip import Clip
    from voiceguide.audio.recorder import Chunk


class Clock(Protocol):
    """Time as a session sees it: the real monotonic clock, or a fake that jumps instead of sleeping."""

    def monotonic(self) -> float: ...

    def sleep_until(self, t: float) -> None:
        """Return at or after ``t`` (or earlier; callers re-check the time)."""
        ...


class SystemClock:
    """time.monotonic(), the clock the Player reports on."""

    step = 0.02
    """Longest single sleep, so Ctrl-C and stop requests are noticed quickly"""

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep_until(self, t: float) -> None:
        while True:
            remaining = t - time.monotonic()
            if remaining <= 0:
                return
            time.sleep(min(remaining, self.step))


class KeySource(Protocol):
    def poll(self) -> str | None:
        """The next key pressed since the last call, or None; never blocks."""
        ...


class PlaybackLike(Protocol):
    """One queued clip (audio.player.Playback)."""

    started_at: float | None

    @property
    def done(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class PlayerLike(Protocol):
    """The part of audio.player.Player a session uses."""

    def play(self, clip: Clip, at: float | None = None) -> PlaybackLike: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...

    def wait(self, timeout: float | None = None) -> bool:
        """Until everything queued has played (False on timeout)."""
        ...


class RecorderLike(Protocol):
    """The part of audio.recorder.Recorder a session uses: 16 kHz mono chunks as they arrive."""

    def start(self) -> object: ...

    def stop(self) -> None: ...

    def chunks(self, timeout: float = 2.0) -> Iterator[Chunk]: ...


class TranscriptLike(Protocol):
    text: str

    @property
    def confidence(self) -> float: ...


class TranscriberLike(Protocol):
    """An offline (or, with --online, online) speech engine: int16 or float samples in, a transcript out."""

    engine: str

    def load(self) -> None:
        """Load the model now (sessions do it while the prompt is spoken)."""
        ...

    def transcribe(self, samples: np.ndarray, rate: int = 16000) -> Any: ...
