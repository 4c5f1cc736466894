"""Measuring recorded sound: loud stretches, their pitch, speech, word error rate."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np


def envelope(samples: np.ndarray, rate: int, window: float = 0.005) -> np.ndarray:
    """Peak amplitude per window (0..1)."""
    n = max(1, int(rate * window))
    x = np.abs(samples.astype(np.float32)) / 32768.0
    usable = len(x) - len(x) % n
    return x[:usable].reshape(-1, n).max(axis=1)


def loud_segments(
    samples: np.ndarray, rate: int, threshold: float = 0.05, min_gap: float = 0.05, window: float = 0.002
) -> list[tuple[float, float]]:
    """(start, end) seconds of stretches above ``threshold``, joining gaps shorter than min_gap."""
    env = envelope(samples, rate, window)
    loud = env > threshold
    segs: list[list[float]] = []
    i = 0
    while i < len(loud):
        if loud[i]:
            j = i
            while j < len(loud) and loud[j]:
                j += 1
            start, end = i * window, j * window
            if segs and start - segs[-1][1] < min_gap:
                segs[-1][1] = end
            else:
                segs.append([start, end])
            i = j
        else:
            i += 1
    return [(a, b) for a, b in segs]


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    x = samples.astype(np.float64) * np.hanning(len(samples))
    spec = np.abs(np.fft.rfft(x, n=max(len(x), rate)))
    k = int(np.argmax(spec))
    if 0 < k < len(spec) - 1:  # parabolic interpolation for sub-bin accuracy
        a, b, c = np.log(spec[k - 1] + 1e-12), np.log(spec[k] + 1e-12), np.log(spec[k + 1] + 1e-12)
        k = k + 0.5 * (a - c) / (a - 2 * b + c)
    return k * rate / max(len(x), rate)


def espeak(text: str, voice: str = "en-us", wpm: int = 160) -> tuple[np.ndarray, int]:
    """Speech rendered by espeak-ng, as the test's "person"."""
    from voiceguide.audio.clip import read_wav

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "say.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(wpm), "-w", str(out), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
        clip = read_wav(out).mono()
    return clip.samples, clip.rate


def word_error_rate(reference: str, hypothesis: str) -> float:
    import re

    import jiwer

    def norm(s: str) -> str:
        return re.sub(r"[^a-z0-9' ]+", " ", s.lower().replace("’", "'")).strip()

    return jiwer.wer(norm(reference), norm(hypothesis) or "<empty>")


def speech_seconds(samples: np.ndarray, rate: int, floor_db: float = -40.0, frame: float = 0.01) -> float:
    """Seconds from the first to the last sound of one rendered sentence (silence before and after trimmed).

    A frame counts as sound when its RMS is within ``floor_db`` of the loudest frame.
    """
    x = samples.astype(np.float64)
    n = max(1, int(rate * frame))
    frames = len(x) // n
    if frames == 0:
        return 0.0
    rms = np.sqrt((x[: frames * n].reshape(frames, n) ** 2).mean(axis=1))
    sound = np.nonzero(rms > rms.max() * 10 ** (floor_db / 20))[0]
    return float((sound[-1] - sound[0] + 1) * frame) if len(sound) else 0.0
