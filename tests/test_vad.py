"""Voice activity: speech is found where it is, silence and steady noise are not speech."""

from __future__ import annotations

import numpy as np
import pytest

from tests.signals import espeak
from voiceguide.speech.vad import Endpointer, VadSettings, speech_stretches

RATE = 16000


@pytest.fixture(scope="module")
def sentence():
    from voiceguide.audio.clip import Clip

    samples, rate = espeak("Today I walked in the park and I felt calm and rested.")
    return Clip(samples, rate).resampled(RATE).samples


def _noise(seconds: float, level: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.standard_normal(int(seconds * RATE)) * level * 32767, -32767, 32767).astype(np.int16)


def test_speech_is_found_where_it_is(sentence):
    lead = np.zeros(RATE, np.int16)
    audio = np.concatenate([lead, sentence, np.zeros(2 * RATE, np.int16)])
    stretches = speech_stretches(audio)
    assert stretches, "no speech found"
    spoken = len(sentence) / RATE
    assert abs(stretches[0].start - 1.0) < 0.35
    assert abs(stretches[-1].end - (1.0 + spoken)) < 0.5
    covered = sum(s.end - s.start for s in stretches)
    assert covered > 0.7 * spoken


def test_silence_is_not_speech():
    assert speech_stretches(np.zeros(5 * RATE, np.int16)) == []


@pytest.mark.parametrize("level", [0.03, 0.1, 0.3])
def test_white_noise_is_not_speech(level):
    assert speech_stretches(_noise(5, level)) == []


def test_speech_in_moderate_noise_is_still_found(sentence):
    audio = np.concatenate([np.zeros(RATE, np.int16), sentence, np.zeros(RATE, np.int16)])
    noisy = np.clip(audio.astype(np.int32) + _noise(len(audio) / RATE, 0.01), -32767, 32767).astype(np.int16)
    assert speech_stretches(noisy)


def test_endpoint_comes_after_the_set_silence_and_only_after_speech(sentence):
    endpointer = Endpointer(VadSettings(silence=2.0))
    assert [e.kind for e in endpointer.feed(np.zeros(4 * RATE, np.int16))] == []
    events = []
    for part in (sentence, np.zeros(3 * RATE, np.int16)):
        for i in range(0, len(part), 1600):  # 100 ms chunks, as the Recorder gives them
            events += endpointer.feed(part[i : i + 1600])
    kinds = [e.kind for e in events]
    assert kinds[0] == "start" and kinds[-1] == "endpoint" and "stretch" in kinds
    speech_end = 4 + len(sentence) / RATE
    assert speech_end + 1.6 < events[-1].time < speech_end + 2.6


def test_short_pause_keeps_one_stretch_and_a_long_one_splits(sentence):
    loud = np.flatnonzero(np.abs(sentence) > 200)
    sentence = sentence[loud[0] : loud[-1]]  # espeak pads its output with silence
    short = np.concatenate([sentence, np.zeros(int(0.25 * RATE), np.int16), sentence])
    long = np.concatenate([sentence, np.zeros(int(1.2 * RATE), np.int16), sentence])
    assert len(speech_stretches(short)) < len(speech_stretches(long))
