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


def missing_words(reference: str, hypothesis: str) -> list[str]:
    """The runs of the reference's words that the hypothesis leaves out (three words or more), for a failure message."""
    import difflib
    import re

    def words(s: str) -> list[str]:
        return re.sub(r"[^a-z0-9' ]+", " ", s.lower().replace("’", "'")).split()

    ref, hyp = words(reference), words(hypothesis)
    runs = []
    for op, i1, i2, _j1, _j2 in difflib.SequenceMatcher(a=ref, b=hyp, autojunk=False).get_opcodes():
        if op in ("delete", "replace") and i2 - i1 >= 3:
            runs.append(" ".join(ref[i1:i2]))
    return runs


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


def coloured_noise(seconds: float, rate: int = 16000, exponent: float = 1.0, seed: int = 0) -> np.ndarray:
    """Noise whose power falls as 1/f**exponent (1: pink, a room or a kitchen; 2: brown, a car), peak 1.0."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    k = np.arange(len(spectrum), dtype=np.float64)
    k[0] = 1.0
    noise = np.fft.irfft(spectrum / k ** (exponent / 2), n)
    return noise / np.abs(noise).max()


def breathing_noise(seconds: float, rate: int = 16000, seed: int = 0, cycle: float = 4.0) -> np.ndarray:
    """Breath-like sound: noise band-passed around 900 Hz, swelling in and out every ``cycle`` seconds, peak 1.0."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / rate)
    air = np.fft.irfft(spectrum * np.exp(-0.5 * ((freqs - 900) / 500) ** 2), n)
    t = np.arange(n) / rate
    breath = air * np.clip(np.sin(2 * np.pi * t / cycle), 0, None) ** 2
    return breath / np.abs(breath).max()


def as_int16(signal: np.ndarray, peak: float) -> np.ndarray:
    """A float signal scaled to ``peak`` (0..1 of full scale) as int16 samples."""
    return (signal / max(np.abs(signal).max(), 1e-9) * peak * 32767).astype(np.int16)


def mix_at_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``speech`` (int16) with ``noise`` added at ``snr_db`` dB signal-to-noise ratio (by mean power)."""
    s = speech.astype(np.float64)
    n = np.resize(noise.astype(np.float64), len(s))
    n *= np.sqrt(np.mean(s**2) / np.mean(n**2) / 10 ** (snr_db / 10))
    return np.clip(s + n, -32768, 32767).astype(np.int16)
