"""The output Player: one PyAudio callback stream, fed from a queue of clips.

``play()`` returns at once. Stop and pause act in the next callback, so the
sound ends within one buffer. Positions come from frames consumed, and each
clip records when its first frame reached the device (``Playback.started_at``,
on the ``time.monotonic()`` clock). A clip may be scheduled to start at an
exact monotonic time: the callback places its first frame at the matching
sample, so cue timing does not depend on when Python wakes up.

Clips are queued and mixed as bytes: numpy is needed only for a volume
other than 1 or a tap, so a reading's first sentence plays before numpy loads.
"""

from __future__ import annotations

import collections
import sys
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from voiceguide.audio.clip import Clip
from voiceguide.audio.devices import close_stream, open_stream, pyaudio_module
from voiceguide.settings import AudioSettings

if TYPE_CHECKING:
    import numpy as np


class Playback:
    """One queued clip: its progress and when it reached the device."""

    def __init__(self, pcm: bytes, rate: int, at: float | None) -> None:
        self.pcm = pcm
        """Mono 16-bit little-endian samples"""
        self.frames = len(pcm) // 2
        self.rate = rate
        self.at = at
        self.consumed = 0
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.cancelled = False
        self._started = threading.Event()
        self._done = threading.Event()

    @property
    def duration(self) -> float:
        return self.frames / self.rate

    @property
    def position(self) -> float:
        """Seconds of this clip handed to the device so far"""
        return self.consumed / self.rate

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait_started(self, timeout: float | None = None) -> bool:
        return self._started.wait(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the clip has played out (or was stopped); False on timeout."""
        return self._done.wait(timeout)

    def _finish(self, when: float, cancelled: bool = False) -> None:
        self.cancelled = cancelled
        self.finished_at = when
        self._started.set()
        self._done.set()


SWITCH_INTERVAL = 0.001
"""Seconds another thread may hold the GIL while the audio callback waits for it"""


class Player:
    """Plays clips one after another on the default (or chosen) output device."""

    def __init__(self, settings: AudioSettings | None = None, volume: float = 1.0) -> None:
        self.settings = settings or AudioSettings()
        self.rate = self.settings.output_rate
        self.buffer_frames = max(64, self.rate * self.settings.buffer_ms // 1000)
        self.volume = volume
        self._queue: collections.deque[Playback] = collections.deque()
        self._lock = threading.Lock()
        self._paused = False
        self._idle = threading.Event()
        self._idle.set()
        self._frames_out = 0
        self._last_end = 0.0
        self._clock_offset = 0.0
        self._stream: Any = None
        self.tap: Callable[[np.ndarray, float, bool], None] | None = None
        """Called in the audio thread with every buffer as it goes out, when it is heard, and whether the device
        ran dry before it (echo cancelling)"""
        self._open()

    # -- stream ------------------------------------------------------------
    def _open(self) -> None:
        # The callback runs Python: while another thread runs Python, it waits for the GIL up to the
        # interpreter's switch interval (5 ms), a third of what the device holds, and an underrun loses sound
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self._stream, self._clock_offset = open_stream(
            output=True,
            device=self.settings.output_device,
            rate=self.rate,
            frames=self.buffer_frames,
            callback=self._callback,
        )
        self._stream.start_stream()

    @property
    def latency(self) -> float:
        """Seconds from handing a frame to PortAudio until it is heard (as reported)"""
        return float(self._stream.get_output_latency()) if self._stream else 0.0

    def close(self) -> None:
        self.stop()
        if self._stream is not None:
            close_stream(self._stream)
            self._stream = None

    def __enter__(self) -> Player:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- control -----------------------------------------------------------
    def play(self, clip: Clip, at: float | None = None) -> Playback:
        """Queue ``clip``; with ``at`` (a time.monotonic() value) it starts at that instant."""
        item = Playback(clip.resampled(self.rate).pcm, self.rate, at)
        with self._lock:
            self._queue.append(item)
            self._idle.clear()
        return item

    def stop(self) -> None:
        """Silence from the next buffer on; drops everything queued."""
        now = time.monotonic()
        with self._lock:
            items = list(self._queue)
            self._queue.clear()
            self._paused = False
            self._idle.set()
        for item in items:
            item._finish(now, cancelled=True)

    def pause(self) -> None:
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def busy(self) -> bool:
        return not self._idle.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until everything queued has been heard; False on timeout."""
        if not self._idle.wait(timeout):
            return False
        tail = self._last_end - time.monotonic()
        if tail > 0:
            time.sleep(tail)
        return True

    @property
    def frames_played(self) -> int:
        """Frames handed to the device since the stream opened (silence included)"""
        return self._frames_out

    # -- the audio thread ----------------------------------------------------
    def _callback(
        self, in_data: bytes | None, frame_count: int, time_info: dict[str, float] | None, status: int
    ) -> tuple[bytes | None, int]:
        pyaudio = pyaudio_module()
        out = bytearray(2 * frame_count)
        dac = time_info.get("output_buffer_dac_time", 0.0) if time_info else 0.0
        now = time.monotonic()
        start = dac + self._clock_offset if dac else now + self.latency
        finished: list[tuple[Playback, float]] = []
        with self._lock:
            pos = 0
            if not self._paused:
                while pos < frame_count and self._queue:
                    item = self._queue[0]
                    if item.consumed == 0 and item.at is not None:
                        wait = round((item.at - start) * self.rate) - pos
                        if wait >= frame_count - pos:
                            break
                        pos += max(0, wait)
                    take = min(frame_count - pos, item.frames - item.consumed)
                    if item.consumed == 0:
                        item.started_at = start + pos / self.rate
                        item._started.set()
                    out[2 * pos : 2 * (pos + take)] = item.pcm[2 * item.consumed : 2 * (item.consumed + take)]
                    item.consumed += take
                    pos += take
                    if item.consumed >= item.frames:
                        self._queue.popleft()
                        finished.append((item, start + pos / self.rate))
                        self._last_end = start + pos / self.rate
            if not self._queue:
                self._idle.set()
            self._frames_out += frame_count
        for item, when in finished:
            item._finish(when)
        tap = self.tap
        if self.volume == 1.0 and tap is None:
            return bytes(out), pyaudio.paContinue
        import numpy as np

        samples = np.frombuffer(out, dtype=np.int16)
        if self.volume != 1.0:
            samples = np.clip(samples.astype(np.float32) * self.volume, -32768, 32767).astype(np.int16)
        if tap is not None:
            tap(samples, start, bool(status & pyaudio.paOutputUnderflow))
        return samples.tobytes(), pyaudio.paContinue
