"""The PCM clip type: int16 samples with their rate, plus WAV io and resampling."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from voiceguide.errors import AudioFormatError


@dataclass(frozen=True, eq=False)
class Clip:
    """Interleaved int16 PCM. ``samples`` has shape (frames,) when mono, (frames, channels) otherwise."""

    samples: np.ndarray
    rate: int
    channels: int = 1

    def __post_init__(self) -> None:
        if self.samples.dtype != np.int16:
            raise TypeError(f"Clip samples must be int16, not {self.samples.dtype}")
        if self.rate <= 0:
            raise ValueError("Clip rate must be positive")

    @property
    def frames(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        """Length in seconds"""
        return self.frames / self.rate

    @classmethod
    def silence(cls, seconds: float, rate: int, channels: int = 1) -> Clip:
        shape = (round(seconds * rate),) if channels == 1 else (round(seconds * rate), channels)
        return cls(np.zeros(shape, dtype=np.int16), rate, channels)

    @classmethod
    def from_float(cls, samples: np.ndarray, rate: int) -> Clip:
        """Mono float samples in [-1, 1] to int16, clipped."""
        return cls(float_to_int16(samples), rate, 1)

    def to_float(self) -> np.ndarray:
        return self.samples.astype(np.float32) / 32768.0

    def mono(self) -> Clip:
        if self.channels == 1:
            return self
        mixed = self.samples.astype(np.int32).mean(axis=1)
        return Clip(np.clip(mixed, -32768, 32767).astype(np.int16), self.rate, 1)

    def resampled(self, rate: int) -> Clip:
        """The same sound at another rate (mono), with a proper anti-aliasing filter (soxr)."""
        clip = self.mono()
        if rate == clip.rate:
            return clip
        import soxr

        out = soxr.resample(clip.samples, clip.rate, rate, quality="HQ")
        return Clip(np.ascontiguousarray(out, dtype=np.int16), rate, 1)

    def scaled(self, gain: float) -> Clip:
        """Louder or quieter by a linear factor, clipped."""
        if gain == 1.0:
            return self
        out = np.clip(self.samples.astype(np.float32) * gain, -32768, 32767)
        return Clip(out.astype(np.int16), self.rate, self.channels)

    def slice(self, start: float, end: float | None = None) -> Clip:
        a = max(0, round(start * self.rate))
        b = self.frames if end is None else min(self.frames, round(end * self.rate))
        return Clip(self.samples[a:b], self.rate, self.channels)

    def to_bytes(self) -> bytes:
        return self.samples.astype("<i2", copy=False).tobytes()


def float_to_int16(samples: np.ndarray) -> np.ndarray:
    converted: np.ndarray = (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)
    return converted


def concat(clips: list[Clip], rate: int) -> Clip:
    """Join mono clips, resampling each to ``rate``."""
    parts = [c.resampled(rate).samples for c in clips]
    data = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    return Clip(data, rate, 1)


def level_dbfs(samples: np.ndarray) -> float:
    """RMS level in dB relative to full scale; -120 for digital silence."""
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
    samples = np.frombuffer(raw, dtype="<i2").astype(np.int16)
    if channels > 1:
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
