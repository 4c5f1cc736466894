"""Barge-in: commands spoken while the guide reads arrive as reading keys (real mic, real model).

The tests that hear speech are `live` (run one at a time after the rest); the scripted ones run with the rest.
"""

from __future__ import annotations

import time

import pytest

from tests.signals import espeak
from voiceguide.audio.recorder import Recorder
from voiceguide.speech.barge_in import COMMAND_KEYS, VoiceKeys
from voiceguide.speech.commands import COMMANDS
from voiceguide.speech.listener import CommandListener
from voiceguide.speech.transcriber import WhisperTranscriber


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


@pytest.mark.live  # hears a spoken command through the real microphone path, in real time
def test_saying_next_during_reading_gives_the_next_key(pulse, listener):
    assert keys_after_saying(pulse, listener, "next") == ["n"]


@pytest.mark.live  # hears a spoken command through the real microphone path, in real time
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


@pytest.mark.live  # hears a spoken command through the real microphone path, in real time
def test_pressed_keys_still_work_during_barge_in(pulse, listener):
    with VoiceKeys(listener, _TerminalKeys(["]"])) as keys:
        assert keys.poll() == "]"


class _ScriptedListener:
    """Hears the given outcomes one per listen, calling on_speech first as the VAD would."""

    def __init__(self, outcomes) -> None:
        self.outcomes = list(outcomes)
        self.on_speech = None
        self.volumes: list[float] = []
        self.player = None

    def listen(self, keys=None, timeout=None):
        import time as _time

        from voiceguide.speech.commands import Nothing

        if not self.outcomes:
            _time.sleep(0.05)
            return Nothing("timeout")
        heard = self.outcomes.pop(0)
        if self.on_speech is not None:
            self.on_speech()
            self.volumes.append(self.player.volume)
        return heard


class _Volume:
    volume = 0.8


def _keys_from(outcomes, safe=None) -> tuple[list[str | None], _ScriptedListener, _Volume]:
    player = _Volume()
    listener = _ScriptedListener(outcomes)
    listener.player = player
    got: list[str | None] = []
    keys = VoiceKeys(listener, player=player)
    keys.safe = safe
    with keys:
        deadline = time.monotonic() + 2
        while listener.outcomes and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        got.append(keys.poll())
        got.append(keys.poll())
    return got, listener, player


def test_a_voice_ducks_the_guide_and_a_command_restores_it_once_acted_on():
    from voiceguide.speech.barge_in import DUCK_GAIN
    from voiceguide.speech.commands import Command, CommandName

    got, listener, player = _keys_from([Command(CommandName.STOP, "Stop.")])
    assert got == ["q", None]
    assert listener.volumes == [pytest.approx(0.8 * DUCK_GAIN)]
    assert player.volume == 0.8


def test_speech_that_is_no_command_gives_the_guide_its_volume_back():
    from voiceguide.speech.commands import NotUnderstood

    got, listener, player = _keys_from([NotUnderstood("I wonder", 0.9)])
    assert got == [None, None]
    assert player.volume == 0.8


def test_a_command_heard_while_the_canceller_is_not_holding_is_dropped():
    from voiceguide.speech.commands import Command, CommandName

    got, listener, player = _keys_from([Command(CommandName.NEXT, "Next.")], safe=lambda: False)
    assert got == [None, None]
    assert listener.volumes == [0.8]  # nor is the guide ducked for it: on the rig, the echo's leak at the start
    assert player.volume == 0.8


@pytest.mark.live  # hears spoken commands over a reading through the real microphone path, in real time
def test_with_headphones_commands_spoken_over_the_reading_are_acted_on(pulse):
    """The microphone hears the person and not the speakers: their voice reaches the listener whole.
    (Before, the canceller's suppressor cut it to almost nothing while the guide spoke: not one of
    pause, next, back and repeat was acted on.)"""
    from benchmarks.barge_in import SAID, _setup
    from tests.barge_in_rig import read_on_rig

    article, synth, transcriber = _setup()
    acted = {}
    with synth:
        for said in ("pause", "next"):
            reading = read_on_rig(
                pulse, article, synth, transcriber, section=1, say=said, at=4.0, quit_after=2.5, echo=False
            )
            acted[said] = reading.actions()
    assert acted == {said: [SAID[said]] for said in ("pause", "next")}
