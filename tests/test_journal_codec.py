"""Stored audio: small enough to keep for years, and still the same sound when played back."""

from __future__ import annotations

import numpy as np
import pytest

from voiceguide.errors import AudioFormatError
from voiceguide.journal import audio_codec


def speech_like(seconds: float, rate: int, pitch: float = 180.0, seed: int = 0) -> np.ndarray:
    """A voiced signal: harmonics of a pitch, syllable-rate loudness, a little breath noise."""
    t = np.arange(int(seconds * rate)) / rate
    voice = sum(np.sin(2 * np.pi * pitch * k * t) / k for k in range(1, 8) if pitch * k < rate / 2)
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    noise = np.random.default_rng(seed).normal(0, 0.03, t.size)
    return (np.clip(voice * syllables * 0.25 + noise, -1, 1) * 32767).astype(np.int16)


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64) * np.hanning(samples.size)))
    return float(np.argmax(spectrum) * rate / samples.size)


def test_a_minute_of_speech_is_small_and_keeps_its_length():
    rate = 16000
    samples = speech_like(60, rate)
    codec, data = audio_codec.encode(samples.tobytes(), rate)
    assert codec == audio_codec.preferred_codec()
    if codec == "opus":
        assert len(data) <= 0.5 * 1024 * 1024
    decoded, decoded_rate = audio_codec.decode(codec, data)
    assert decoded_rate == rate
    assert decoded.dtype == np.int16
    assert abs(decoded.size / decoded_rate - 60.0) <= 0.060


@pytest.mark.parametrize("rate", [16000, 44100, 48000])
def test_a_tone_keeps_its_pitch(rate):
    t = np.arange(rate * 2) / rate
    tone = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16)
    codec, data = audio_codec.encode(tone.tobytes(), rate)
    decoded, decoded_rate = audio_codec.decode(codec, data, rate)
    assert decoded_rate == rate
    assert abs(decoded.size - tone.size) <= 0.060 * rate
    middle = decoded[rate // 2 : rate + rate // 2]
    assert abs(dominant_frequency(middle, rate) - 440) < 5


def test_decoded_speech_follows_the_original():
    rate = 16000
    samples = speech_like(3, rate, pitch=150)
    decoded, _ = audio_codec.decode(*audio_codec.encode(samples.tobytes(), rate))
    n = min(samples.size, decoded.size)
    original_envelope = np.abs(samples[:n].astype(float)).reshape(-1, 160).mean(axis=1)
    decoded_envelope = np.abs(decoded[:n].astype(float)).reshape(-1, 160).mean(axis=1)
    assert np.corrcoef(original_envelope, decoded_envelope)[0, 1] > 0.9


def test_flac_is_exact():
    rate = 16000
    samples = speech_like(1.5, rate)
    codec, data = audio_codec.encode(samples.tobytes(), rate, codec="flac")
    decoded, decoded_rate = audio_codec.decode(codec, data)
    assert (codec, decoded_rate) == ("flac", rate)
    np.testing.assert_array_equal(decoded, samples)


def test_no_samples_round_trip_to_no_samples():
    codec, data = audio_codec.encode(b"", 16000)
    decoded, rate = audio_codec.decode(codec, data, 16000)
    assert decoded.size == 0 and rate == 16000


def test_damaged_audio_is_a_clear_error():
    with pytest.raises(AudioFormatError):
        audio_codec.decode("opus", b"not ogg at all")
    with pytest.raises(AudioFormatError):
        audio_codec.decode("mp9", b"")
    with pytest.raises(AudioFormatError):
        audio_codec.encode(b"\x00\x00", 16000, codec="mp9")
