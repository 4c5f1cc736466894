"""The reflect session over fake devices (a scripted microphone) with the real VAD, Whisper and journal."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fakes import FakePlayer
from tests.signals import espeak, word_error_rate
from voiceguide.audio.clip import Clip
from voiceguide.audio.recorder import Chunk
from voiceguide.errors import AudioFormatError
from voiceguide.journal.store import Journal
from voiceguide.sessions.reflect import ReflectSession, closing_phrase_at_end, strip_closing_phrase
from voiceguide.speech.decode import decode_audio_file
from voiceguide.speech.transcriber import Segment, Transcript, WhisperTranscriber

RATE = 16000
SPOKEN = "Trust grows back slowly. I want to keep small promises and listen before I answer."


class ScriptedMic:
    """Hands out 100 ms chunks of ``audio`` at once, then silence in real time until stopped (or raises ``then``).

    The trailing silence comes at the pace of a real microphone, so the background
    transcription has the time it would have.
    """

    def __init__(self, audio: np.ndarray, then: BaseException | None = None, limit: float = 120) -> None:
        self.audio, self.then, self.limit = audio, then, limit
        self.stopped = False

    def start(self):
        return self

    def stop(self) -> None:
        self.stopped = True

    def chunks(self, timeout: float = 2.0):
        n = RATE // 10
        for index in range(int(self.limit * 10)):
            if self.stopped:
                return
            part = self.audio[index * n : (index + 1) * n]
            if len(part) < n:
                if self.then is not None:
                    raise self.then
                part = np.concatenate([part, np.zeros(n - len(part), np.int16)])
                time.sleep(0.1)
            yield Chunk(part, RATE, index / 10, index)


class Keys:
    def __init__(self, after: int) -> None:
        self.after, self.polls = after, 0

    def poll(self, timeout: float = 0.0):
        self.polls += 1
        return "\n" if self.polls == self.after else None


@pytest.fixture(scope="module")
def speech():
    samples, rate = espeak(SPOKEN)
    return Clip(samples, rate).resampled(RATE).samples


@pytest.fixture(scope="module")
def transcriber():
    t = WhisperTranscriber()
    t.load()
    return t


def _session(journal, mic, transcriber, **kw):
    return ReflectSession(
        "How was today?", player=FakePlayer(), recorder=mic, transcriber=transcriber, journal=journal, speak=None, **kw
    )


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), np.int16)


def test_entry_ends_on_silence_and_keeps_text_and_audio(speech, transcriber):
    with Journal.open() as journal:
        result = _session(journal, ScriptedMic(np.concatenate([_silence(1), speech])), transcriber, silence=2.0).run()
        assert result.ended_by == "silence"
        assert word_error_rate(SPOKEN, result.entry.text) <= 0.25
        assert journal.get_audio(result.entry.id) is not None
        assert journal.unfinished_recordings(include_live=True) == []
        assert result.saved_at - result.stopped_at < 1.0


def test_closing_phrase_ends_the_entry_and_is_not_saved(transcriber):
    samples, rate = espeak("I walked by the river and it was quiet. That's all.")
    said = Clip(samples, rate).resampled(RATE).samples
    with Journal.open() as journal:
        result = _session(journal, ScriptedMic(said), transcriber, silence=20).run()
        assert result.ended_by == "phrase"
        assert "all" not in result.entry.text.lower() and "river" in result.entry.text.lower()


def test_enter_ends_the_entry(speech, transcriber):
    with Journal.open() as journal:
        result = _session(journal, ScriptedMic(speech), transcriber, silence=30, keys=Keys(after=60)).run()
        assert result.ended_by == "enter" and 5.9 <= result.seconds <= 6.2
        assert result.entry is not None


def test_max_minutes_ends_the_entry(speech, transcriber):
    with Journal.open() as journal:
        result = _session(journal, ScriptedMic(speech), transcriber, silence=30, max_minutes=0.05).run()
        assert result.ended_by == "max" and result.seconds == pytest.approx(3.0, abs=0.11)


def test_nothing_heard_saves_nothing(transcriber):
    noise = (np.random.default_rng(3).standard_normal(6 * RATE) * 0.05 * 32767).astype(np.int16)
    with Journal.open() as journal:
        result = _session(journal, ScriptedMic(noise), transcriber, max_minutes=0.1).run()
        assert result.entry is None and journal.list() == []
        assert journal.unfinished_recordings(include_live=True) == []


def test_ctrl_c_keeps_what_was_said(speech, transcriber):
    with Journal.open() as journal:
        mic = ScriptedMic(np.concatenate([speech, _silence(0.5)]), then=KeyboardInterrupt())
        with pytest.raises(KeyboardInterrupt):
            _session(journal, mic, transcriber, silence=30).run()
        [entry] = journal.list()
        assert word_error_rate(SPOKEN, entry.text) <= 0.25 and journal.get_audio(entry.id) is not None
        assert journal.unfinished_recordings(include_live=True) == []


def test_audio_reaches_the_journal_every_second(speech, transcriber):
    with Journal.open() as journal:

        class Crash(Exception):
            pass

        mic = ScriptedMic(speech[: 5 * RATE + 500], then=Crash())
        with pytest.raises(Crash):
            _session(journal, mic, transcriber, silence=30).run()
        [left] = journal.unfinished_recordings(include_live=True)
        assert left.duration >= 5.0


@pytest.mark.parametrize(
    "text,expected",
    [
        ("It was a good day. That's all.", "It was a good day."),
        ("It was a good day, that is all", "It was a good day."),
        ("Fine. End entry.", "Fine."),
        ("That's all I wanted to say about it.", "That's all I wanted to say about it."),
    ],
)
def test_closing_phrase_is_stripped_only_at_the_end(text, expected):
    got = strip_closing_phrase(Transcript(text, (Segment(0, 2, text, 0.9),)))
    assert got.text == expected
    assert closing_phrase_at_end("That’s ALL!") == 0


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=4000),
        st.binary(max_size=2000).map(lambda b: b"RIFF\x24\x08\x00\x00WAVEfmt " + b),
        st.binary(max_size=2000).map(lambda b: b"OggS\x00\x02" + b),
        st.binary(max_size=2000).map(lambda b: b"ID3\x03\x00\x00\x00" + b),
        st.binary(max_size=2000).map(lambda b: b"fLaC\x00\x00\x00\x22" + b),
    )
)
def test_any_bytes_decode_or_fail_with_one_clear_line(tmp_path, data):
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    try:
        samples = decode_audio_file(path)
    except AudioFormatError as error:
        assert "\n" not in str(error) and str(path) in str(error)
    else:
        assert samples.dtype == np.int16 and samples.ndim == 1
