"""The PCM clip type: int16 samples with their rate, plus WAV io and resampling.

A mono clip read from a WAV file keeps its bytes and makes its numpy array
only when something asks for ``samples``: a reading plays its first sentence
from the cache without loading numpy (90-100 ms of the way to the first sound).
"""

from __future__ import annotations

import wave
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from voiceguide.errors import AudioFormatError

if TYPE_CHECKING:
    import numpy as np


class Clip:
    """Interleaved int16 PCM. ``samples`` has shape (frames,) when mono, (frames, channels) otherwise."""

    __slots__ = ("_samples", "_pcm", "_rate", "_channels")

    def __init__(self, samples: np.ndarray, rate: int, channels: int = 1) -> None:
        import numpy as np

        if samples.dtype != np.int16:
            raise TypeError(f"Clip samples must be int16, not {samples.dtype}")
        if rate <= 0:
            raise ValueError("Clip rate must be positive")
        self._samples: np.ndarray | None = samples
        self._pcm: bytes | None = None
        self._rate = rate
        self._channels = channels

    @classmethod
    def from_pcm(cls, pcm: bytes, rate: int) -> Clip:
        """Mono 16-bit little-endian PCM as it is in a WAV file, without numpy until ``samples`` is asked for."""
        if rate <= 0:
            raise ValueError("Clip rate must be positive")
        clip = cls.__new__(cls)
        clip._samples = None
        clip._pcm = pcm[: len(pcm) - len(pcm) % 2]
        clip._rate = rate
        clip._channels = 1
        return clip

    @property
    def samples(self) -> np.ndarray:
        if self._samples is None:
            import numpy as np

            assert self._pcm is not None  # one of the two is always there
            self._samples = np.frombuffer(self._pcm, dtype="<i2").astype(np.int16)
        return self._samples

    @property
    def rate(self) -> int:
        return self._rate

    @property
    def channels(self) -> int:
        return self._channels

    @property
    def pcm(self) -> bytes:
        """The samples as 16-bit little-endian bytes (interleaved when not mono)"""
        if self._samples is not None:  # an array can have changed since: its bytes now
            return self._samples.astype("<i2", copy=False).tobytes()
        assert self._pcm is not None
        return self._pcm

    @property
    def frames(self) -> int:
        if self._samples is None:
            assert self._pcm is not None
            return len(self._pcm) // (2 * self._channels)
        return int(self._samples.shape[0])

    @property
    def duration(self) -> float:
        """Length in seconds"""
        return self.frames / self.rate

    def __repr__(self) -> str:
        return f"Clip(frames={self.frames}, rate={self.rate}, channels={self.channels})"

    @classmethod
    def silence(cls, seconds: float, rate: int, channels: int = 1) -> Clip:
        import numpy as np

        shape = (round(seconds * rate),) if channels == 1 else (round(seconds * rate), channels)
        return cls(np.zeros(shape, dtype=np.int16), rate, channels)

    @classmethod
    def from_float(cls, samples: np.ndarray, rate: int) -> Clip:
        """Mono float samples in [-1, 1] to int16, clipped."""
        return cls(float_to_int16(samples), rate, 1)

    def to_float(self) -> np.ndarray:
        import numpy as np

        return self.samples.astype(np.float32) / 32768.0

    def mono(self) -> Clip:
        if self.channels == 1:
            return self
        import numpy as np

        mixed = self.samples.astype(np.int32).mean(axis=1)
        return Clip(np.clip(mixed, -32768, 32767).astype(np.int16), self.rate, 1)

    def resampled(self, rate: int) -> Clip:
        """The same sound at another rate (mono), with a proper anti-aliasing filter (soxr)."""
        clip = self.mono()
        if rate == clip.rate:
            return clip
        import numpy as np
        import soxr

        out = soxr.resample(clip.samples, clip.rate, rate, quality="HQ")
        return Clip(np.ascontiguousarray(out, dtype=np.int16), rate, 1)

    def scaled(self, gain: float) -> Clip:
        """Louder or quieter by a linear factor, clipped."""
        if gain == 1.0:
            return self
        import numpy as np

        out = np.clip(self.samples.astype(np.float32) * gain, -32768, 32767)
        return Clip(out.astype(np.int16), self.rate, self.channels)

    def slice(self, start: float, end: float | None = None) -> Clip:
        a = max(0, round(start * self.rate))
        b = self.frames if end is None else min(self.frames, round(end * self.rate))
        return Clip(self.samples[a:b], self.rate, self.channels)

    def to_bytes(self) -> bytes:
        return self.pcm


def float_to_int16(samples: np.ndarray) -> np.ndarray:
    import numpy as np

    converted: np.ndarray = (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)
    return converted


def concat(clips: list[Clip], rate: int) -> Clip:
    """Join mono clips, resampling each to ``rate``."""
    import numpy as np

    parts = [c.resampled(rate).samples for c in clips]
    data = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    return Clip(data, rate, 1)


def level_dbfs(samples: np.ndarray) -> float:
    """RMS level in dB relative to full scale; -120 for digital silence."""
    import numpy as np

    if samples.size == 0:
        return -120.0
    x = samples.astype(np.float64) / 32768.0
    rms = float(np.sqrt(np.mean(x * x)))
    return max(-120.0, 20.0 * np.log10(rms)) if rms > 0 else -120.0


def read_wav(path: str | Path) -> Clip:
    """Read a 16-bit PCM WAV file."""
    try:
        with wave.open(str(path), "rb") as w:
            width, channels, rate = w.getsampwidth(), w.getnchannels(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except FileNotFoundError:
        raise AudioFormatError(f"No such audio file: {path}") from None
    except (wave.Error, EOFError) as exc:
        raise AudioFormatError(f"{path} is not a readable WAV file ({exc}).") from None
    if width != 2:
        raise AudioFormatError(f"{path} has {8 * width}-bit samples; only 16-bit WAV is read directly.")
    if channels == 1:
        return Clip.from_pcm(raw, rate)
    import numpy as np

    samples = np.frombuffer(raw, dtype="<i2").astype(np.int16)
    samples = samples[: len(samples) - len(samples) % channels].reshape(-1, channels)
    return Clip(samples, rate, channels)


def write_wav(path: str | Path | BinaryIO, clip: Clip) -> Path | BinaryIO:
    """Write ``clip`` as 16-bit WAV to a path or to a binary file already open for writing."""
    target: str | BinaryIO = str(path) if isinstance(path, str | Path) else path
    with wave.open(target, "wb") as w:
        w.setnchannels(clip.channels)
        w.setsampwidth(2)
        w.setframerate(clip.rate)
        w.writeframes(clip.to_bytes())
    return Path(path) if isinstance(path, str | Path) else path
