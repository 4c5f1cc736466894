"""Whisper on what is not speech: room noise, breathing and silence never become words."""

from __future__ import annotations

import numpy as np
import pytest

from tests.signals import as_int16, breathing_noise, coloured_noise, espeak
from voiceguide.audio.clip import Clip
from voiceguide.speech.streaming import StreamingTranscription
from voiceguide.speech.transcriber import context_prompt, invented
from voiceguide.speech.vad import Stretch

RATE = 16000


def _not_speech(kind: str, seconds: float, seed: int) -> np.ndarray:
    if kind == "silence":
        return np.zeros(int(seconds * RATE), np.int16)
    if kind == "pink":
        return as_int16(coloured_noise(seconds, exponent=1.0, seed=seed), 0.08)
    if kind == "brown":
        return as_int16(coloured_noise(seconds, exponent=2.0, seed=seed), 0.15)
    return as_int16(breathing_noise(seconds, seed=seed), 0.15)


CASES = [(kind, seconds) for kind in ("silence", "pink", "brown", "breath") for seconds in (2, 10, 60)]


@pytest.mark.parametrize("kind,seconds", CASES)
def test_noise_breathing_and_silence_give_no_words_in_a_whole_pass(models, kind, seconds):
    audio = _not_speech(kind, seconds, seed=seconds)
    for transcriber in models:
        for read in (transcriber.transcribe_recording, transcriber.transcribe):  # the final pass, one call
            got = read(audio, RATE)
            assert got.text == "", (transcriber.model_name, read.__name__, kind, seconds, got.text)


@pytest.mark.parametrize("kind", ["pink", "brown", "breath"])
def test_noise_between_sentences_adds_no_words_to_the_streamed_pieces(models, kind):
    samples, rate = espeak("I walked to the river this morning.")
    speech = Clip(samples, rate).resampled(RATE).samples
    audio = np.concatenate([speech, _not_speech(kind, 20, seed=7), speech])
    for transcriber in models:
        stream = StreamingTranscription(transcriber.transcribe_piece, context=True)
        for i in range(0, len(audio), 1600):
            stream.feed(audio[i : i + 1600])
            stream._idle.wait(30)  # as a live thread keeps up: each piece on its own
        text = stream.finish(timeout=120).text.lower()
        assert text.count("river") == 2, (transcriber.model_name, text)
        for invention in ("thank you", "thanks for watching", "subscribe"):
            assert invention not in text, (transcriber.model_name, text)


def test_a_stock_phrase_outside_speech_is_dropped_but_kept_when_spoken():
    speech = [Stretch(1.0, 3.0)]
    assert invented("Thank you.", 5.0, 7.0, 0.1, speech)
    assert invented("you", 1.2, 2.0, 0.5, speech)
    assert not invented("Thank you.", 1.2, 2.5, 0.05, speech)
    assert invented("I walked by the river.", 10.0, 14.0, 0.1, speech)
    assert not invented("I walked by the river.", 0.9, 3.1, 0.1, speech)
    assert invented("I walked by the river.", 0.9, 3.1, 0.9, speech)
    # a window of clear speech whose no-speech probability is over the limit keeps its words ...
    assert not invented("I walked by the river.", 0.9, 3.1, 0.65, speech, avg_logprob=-0.3)
    # ... but not when the decoder was unsure, or the VAD heard no speech there
    assert invented("I walked by the river.", 0.9, 3.1, 0.65, speech, avg_logprob=-1.4)
    assert invented("I walked by the river.", 10.0, 14.0, 0.65, speech, avg_logprob=-0.3)


def test_the_prompt_is_the_end_of_what_was_heard():
    heard = " ".join(f"w{k}" for k in range(400))
    prompt = context_prompt(heard)
    assert prompt.endswith("w399") and "w249 " not in prompt and len(prompt.split()) == 150
    assert context_prompt("") is None
