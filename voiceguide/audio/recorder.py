"""The Recorder: a 16 kHz mono int16 PyAudio input stream that hands out chunks as they arrive."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from voiceguide import messages
from voiceguide.audio.clip import Clip, level_dbfs
from voiceguide.audio.devices import close_stream, open_stream, pyaudio_module
from voiceguide.errors import DeviceUnavailable
from voiceguide.settings import AudioSettings


@dataclass(frozen=True, eq=False)
class Chunk:
    """A stretch of recorded audio."""

    samples: np.ndarray
    """int16 mono samples"""
    rate: int
    """Samples per second"""
    time: float
    """time.monotonic() estimate of when the first sample was captured"""
    index: int
    """Sequence number since the recorder started"""
    broke: bool = False
    """The device lost audio before this chunk (it overflowed): ``time`` is after a break"""

    @property
    def level(self) -> float:
        """RMS level in dBFS"""
        return level_dbfs(self.samples)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate


class Recorder:
    """Records from the default (or chosen) input; iterate ``chunks()`` to consume."""

    def __init__(self, settings: AudioSettings | None = None, device: int | None = None) -> None:
        self.settings = settings or AudioSettings()
        self.rate = self.settings.record_rate
        self.chunk_frames = max(64, self.rate * self.settings.chunk_ms // 1000)
        self.device = device if device is not None else self.settings.input_device
        self._queue: queue.Queue[Chunk | None] = queue.Queue()
        self._count = 0
        self._stream: Any = None
        self._clock_offset = 0.0
        self._closed = threading.Event()

    def start(self) -> Recorder:
        self._stream, self._clock_offset = open_stream(
            output=False, device=self.device, rate=self.rate, frames=self.chunk_frames, callback=self._callback
        )
        self._stream.start_stream()
        return self

    def stop(self) -> None:
        if self._stream is not None:
            close_stream(self._stream)
            self._stream = None
        if not self._closed.is_set():
            self._closed.set()
            self._queue.put(None)

    def __enter__(self) -> Recorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def chunks(self, timeout: float = 5.0) -> Iterator[Chunk]:
        """Chunks in order as they arrive; ends when stopped. Raises if the device goes quiet."""
        while True:
            try:
                chunk = self._queue.get(timeout=timeout)
            except queue.Empty:
                raise DeviceUnavailable(messages.NO_INPUT_DEVICE) from None
            if chunk is None:
                return
            yield chunk

    def record(self, seconds: float) -> Clip:
        """Record for ``seconds`` and return one clip (for tests, doctor and benchmarks)."""
        parts: list[np.ndarray] = []
        got = 0
        need = round(seconds * self.rate)
        for chunk in self.chunks():
            parts.append(chunk.samples)
            got += len(chunk.samples)
            if got >= need:
                break
        data = np.concatenate(parts)[:need] if parts else np.zeros(0, np.int16)
        return Clip(data, self.rate, 1)

    def _callback(
        self, in_data: bytes | None, frame_count: int, time_info: dict[str, float] | None, status: int
    ) -> tuple[bytes | None, int]:
        pyaudio = pyaudio_module()
        adc = time_info.get("input_buffer_adc_time", 0.0) if time_info else 0.0
        when = adc + self._clock_offset if adc else time.monotonic() - frame_count / self.rate
        samples = np.frombuffer(in_data or b"", dtype="<i2").astype(np.int16)
        broke = bool(status & pyaudio.paInputOverflow)
        self._queue.put(Chunk(samples, self.rate, when, self._count, broke))
        self._count += 1
        return None, pyaudio.paContinue
