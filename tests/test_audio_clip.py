"""Clips, WAV files, resampling and tones, without a sound server."""

from __future__ import annotations

import numpy as np
import pytest

from tests.signals import dominant_frequency
from voiceguide.audio.clip import Clip, level_dbfs, read_wav, write_wav
from voiceguide.audio.tones import EARCONS, earcon, tone
from voiceguide.errors import AudioFormatError


def test_wav_round_trip_keeps_samples(tmp_path):
    clip = tone(440, 0.25, rate=22050)
    back = read_wav(write_wav(tmp_path / "t.wav", clip))
    assert back.rate == 22050 and np.array_equal(back.samples, clip.samples)


def test_resampling_keeps_pitch_and_length():
    clip = tone(440, 1.0, rate=22050)
    up = clip.resampled(48000)
    assert up.rate == 48000
    assert up.duration == pytest.approx(1.0, abs=0.001)
    assert dominant_frequency(up.samples, 48000) == pytest.approx(440, rel=0.005)


def test_downsampling_removes_what_the_new_rate_cannot_hold():
    high = tone(7000, 0.5, rate=48000, volume=0.8)
    down = high.resampled(8000)
    assert level_dbfs(down.samples) < level_dbfs(high.samples) - 30


def test_tones_start_and_end_without_a_click():
    clip = tone(1000, 0.2, volume=0.9)
    assert abs(int(clip.samples[0])) < 50 and abs(int(clip.samples[-1])) < 50
    assert np.max(np.abs(np.diff(clip.samples[:40].astype(int)))) < 2000


def test_earcons_are_distinct():
    sounds = {name: earcon(name) for name in EARCONS}
    signatures = {(len(s.samples), round(dominant_frequency(s.samples, s.rate))) for s in sounds.values()}
    assert len(signatures) == len(EARCONS)
    with pytest.raises(ValueError):
        earcon("no-such")


def test_a_non_wav_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"not audio at all")
    with pytest.raises(AudioFormatError, match="bad.wav"):
        read_wav(bad)


def test_level_of_silence_and_full_scale():
    assert level_dbfs(np.zeros(100, np.int16)) == -120.0
    full = Clip.from_float(np.sin(np.linspace(0, 200 * np.pi, 48000)), 48000)
    assert level_dbfs(full.samples) == pytest.approx(-3.0, abs=0.2)


def test_a_wav_read_from_disk_plays_as_the_same_sound_however_it_is_looked_at(tmp_path):
    """A mono WAV keeps its bytes until asked for an array: both views, and every derived clip, agree."""
    rng = np.random.default_rng(3)
    written = Clip(rng.integers(-30000, 30000, 22050, dtype=np.int16), 22050)
    clip = read_wav(write_wav(tmp_path / "s.wav", written))
    assert (clip.frames, clip.rate, clip.channels, clip.duration) == (22050, 22050, 1, 1.0)
    assert clip.to_bytes() == written.to_bytes()
    assert clip.resampled(22050) is clip  # already at the player's rate: nothing to convert
    assert np.array_equal(clip.samples, written.samples)
    assert np.array_equal(clip.slice(0.5).samples, written.samples[11025:])
    assert clip.resampled(48000).frames == 48000
    stereo = Clip(np.stack([written.samples, written.samples], axis=1), 22050, 2)
    again = read_wav(write_wav(tmp_path / "st.wav", stereo))
    assert again.channels == 2 and np.array_equal(again.mono().samples, written.samples)
