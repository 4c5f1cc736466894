"""--rate means words per minute on both engines, measured in the rendered speech; volume scales the samples."""

from __future__ import annotations

import numpy as np
import pytest

from tests.signals import speech_seconds
from voiceguide.settings import VoiceSettings
from voiceguide.speech.engines import ESPEAK_VOICE, NEURAL_VOICE
from voiceguide.speech.synthesizer import Synthesizer

CALIBRATION = (
    "Healing begins with awareness, and awareness takes courage.",
    "Notice where the breath moves in your body, and let each exhale be a little longer.",
    "Trust is rebuilt slowly, one small promise kept at a time.",
    "When you are ready, think of one moment this week when you felt safe with someone.",
    "There is no right answer here, only what is true for you today.",
)
"""The text engines.PIPER_SECONDS_PER_WORD and ESPEAK_WPM_FACTOR were measured on"""
WORDS = sum(len(sentence.split()) for sentence in CALIBRATION)


def measured_wpm(synth: Synthesizer) -> float:
    """Words per minute of speech, sentence by sentence as the guide renders it, pauses at the ends trimmed."""
    seconds = 0.0
    for sentence in CALIBRATION:
        clip = synth.render(sentence)
        seconds += speech_seconds(clip.samples, clip.rate)
    return WORDS / seconds * 60


@pytest.mark.slow
@pytest.mark.parametrize("voice", [NEURAL_VOICE, ESPEAK_VOICE])
def test_measured_words_per_minute_are_within_ten_percent_of_the_setting(tmp_path, voice):
    found = {}
    with Synthesizer(VoiceSettings(voice=voice), cache_dir=tmp_path, use_cache=False) as synth:
        for rate in (120, 165, 220):
            synth.with_settings(VoiceSettings(voice=voice, rate=rate))
            found[rate] = measured_wpm(synth)
        assert synth.voice == voice
    for rate, wpm in found.items():
        assert abs(wpm - rate) <= 0.1 * rate, found


@pytest.mark.slow
@pytest.mark.parametrize("voice", [NEURAL_VOICE, ESPEAK_VOICE])
def test_volume_scales_the_samples(tmp_path, voice):
    def rms(volume: float) -> float:
        with Synthesizer(VoiceSettings(voice=voice, volume=volume), cache_dir=tmp_path, use_cache=False) as synth:
            return float(
                np.mean([np.sqrt(np.mean(synth.render(s).samples.astype(np.float64) ** 2)) for s in CALIBRATION])
            )

    full, half, quarter = rms(1.0), rms(0.5), rms(0.25)
    assert 0.4 < half / full < 0.6 and 0.18 < quarter / full < 0.32, (full, half, quarter)
