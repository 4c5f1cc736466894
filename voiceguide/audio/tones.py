"""Tones without clicks (raised-cosine attack and release) and the earcons built from them."""

from __future__ import annotations

import numpy as np

from voiceguide.audio.clip import Clip

RATE = 48000


def tone(
    freq: float,
    seconds: float,
    *,
    rate: int = RATE,
    volume: float = 0.5,
    attack: float = 0.01,
    release: float = 0.02,
) -> Clip:
    """A sine at ``freq`` Hz; the soft edges keep the speaker from clicking."""
    n = max(1, round(seconds * rate))
    t = np.arange(n) / rate
    wave = np.sin(2 * np.pi * freq * t) * volume
    env = np.ones(n)
    a = min(n // 2, round(attack * rate))
    r = min(n // 2, round(release * rate))
    if a:
        env[:a] = 0.5 - 0.5 * np.cos(np.pi * np.arange(a) / a)
    if r:
        env[n - r :] = 0.5 + 0.5 * np.cos(np.pi * np.arange(1, r + 1) / r)
    return Clip.from_float(wave * env, rate)


def sequence(notes: list[tuple[float, float]], gap: float = 0.03, volume: float = 0.4) -> Clip:
    """Notes as (Hz, seconds) one after another with short gaps; Hz 0 is a rest."""
    parts = []
    for freq, seconds in notes:
        parts.append(tone(freq, seconds, volume=volume).samples if freq else np.zeros(round(seconds * RATE), np.int16))
        parts.append(np.zeros(round(gap * RATE), np.int16))
    return Clip(np.concatenate(parts[:-1]), RATE, 1)


EARCONS: dict[str, list[tuple[float, float]]] = {
    "listening": [(660, 0.08), (880, 0.12)],
    "understood": [(990, 0.09)],
    "not_understood": [(440, 0.12), (330, 0.18)],
    "saved": [(523, 0.08), (659, 0.08), (784, 0.16)],
    "session_end": [(784, 0.14), (659, 0.14), (523, 0.3)],
    "record_start": [(880, 0.15)],
    "record_end": [(880, 0.08), (660, 0.15)],
}
"""Short, distinct sounds that tell the state with eyes closed."""


def earcon(name: str, volume: float = 0.4) -> Clip:
    try:
        notes = EARCONS[name]
    except KeyError:
        raise ValueError(f"unknown earcon {name!r}; known: {', '.join(EARCONS)}") from None
    return sequence(notes, volume=volume)
