"""Barge-in on loudspeakers: commands spoken over the guide's reading, heard through the echo canceller.

Real audio on the rig (tests/barge_in_rig.py): the guide reads into
vg_speaker, the room echo carries it into vg_mic, and the person speaks into
vg_mic at a random moment, as loud as the echo (0 dB speech-to-echo ratio).
"""

from __future__ import annotations

import random

import pytest

from tests.barge_in_rig import read_on_rig
from voiceguide.content import load_article
from voiceguide.settings import VoiceSettings

pytestmark = pytest.mark.audio

MOMENT = random.Random(16)
"""The moments the person speaks: random, but the same in every run"""


@pytest.fixture(scope="module")
def article():
    return load_article(None)


@pytest.fixture(scope="module")
def synth():
    from voiceguide.speech.synthesizer import Synthesizer

    with Synthesizer(VoiceSettings(), notify=lambda line: None) as synthesizer:
        yield synthesizer


@pytest.fixture(scope="module")
def transcriber():
    from voiceguide.speech.transcriber import WhisperTranscriber

    model = WhisperTranscriber()
    model.load()
    return model


def test_stop_spoken_over_the_reading_ends_it(pulse, article, synth, transcriber):
    reading = read_on_rig(
        pulse, article, synth, transcriber, section=1, say="stop", at=MOMENT.uniform(4, 9), quit_after=6
    )
    assert reading.actions() == ["quit"]
    assert not reading.result.finished
    assert reading.to_silence() < 1.5


def test_pause_spoken_over_the_reading_pauses_it(pulse, article, synth, transcriber):
    reading = read_on_rig(
        pulse, article, synth, transcriber, section=1, say="pause", at=MOMENT.uniform(4, 9), quit_after=3
    )
    assert reading.actions() == ["pause", "quit"]


def test_next_spoken_over_the_reading_moves_on(pulse, article, synth, transcriber):
    reading = read_on_rig(
        pulse, article, synth, transcriber, section=1, say="next", at=MOMENT.uniform(4, 9), quit_after=3
    )
    assert reading.actions() == ["next", "quit"]
    moved = [s for s in reading.result.spoken if s.kind == "sentence"]
    assert len({s.position for s in moved}) == len(moved)  # no sentence read twice: it went forward


@pytest.mark.slow
def test_the_whole_article_read_into_the_echo_triggers_nothing(pulse, article, synth, transcriber):
    reading = read_on_rig(pulse, article, synth, transcriber)
    assert reading.actions() == []
    assert reading.result.finished
