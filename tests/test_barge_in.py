"""Barge-in: commands spoken while the guide reads arrive as reading keys (real mic, real model)."""

from __future__ import annotations

import time

import pytest

from tests.signals import espeak
from voiceguide.audio.recorder import Recorder
from voiceguide.speech.barge_in import COMMAND_KEYS, VoiceKeys
from voiceguide.speech.commands import COMMANDS
from voiceguide.speech.listener import CommandListener
from voiceguide.speech.transcriber import WhisperTranscriber

pytestmark = [pytest.mark.audio, pytest.mark.live]


@pytest.fixture(scope="module")
def listener(pulse):
    heard = CommandListener(Recorder, WhisperTranscriber())
    heard.load()
    yield heard
    heard.close()


def keys_after_saying(pulse, listener, text: str, wait: float = 6.0) -> list[str]:
    got: list[str] = []
    with VoiceKeys(listener) as keys:
        time.sleep(0.3)
        speech, rate = espeak(text)
        pulse.play_into_mic(speech, rate)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            key = keys.poll()
            if key is not None:
                got.append(key)
            time.sleep(0.02)
    return got


def test_saying_next_during_reading_gives_the_next_key(pulse, listener):
    assert keys_after_saying(pulse, listener, "next") == ["n"]


def test_ordinary_speech_gives_no_key(pulse, listener):
    assert keys_after_saying(pulse, listener, "I wonder what the weather will be like tomorrow.") == []


def test_every_reading_command_has_a_key_the_reader_knows():
    from voiceguide.sessions.read import KEY_ACTIONS, PAUSE_KEYS, QUIT_KEYS

    assert set(COMMAND_KEYS) <= set(COMMANDS)
    assert set(COMMAND_KEYS.values()) <= set(KEY_ACTIONS) | set(PAUSE_KEYS) | set(QUIT_KEYS)


class _TerminalKeys:
    def __init__(self, keys: list[str]) -> None:
        self.keys = keys

    def poll(self, timeout: float = 0.0):
        return self.keys.pop(0) if self.keys else None


def test_pressed_keys_still_work_during_barge_in(pulse, listener):
    with VoiceKeys(listener, _TerminalKeys(["]"])) as keys:
        assert keys.poll() == "]"
