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
from voiceguide.sessions.reflect import ReflectSession, closing_phrase_at_end, ends_mid_sentence, strip_closing_phrase
from voiceguide.speech.decode import decode_audio_file
from voiceguide.speech.transcriber import Segment, Transcript, WhisperTranscriber

RATE = 16000
SPOKEN = "Trust grows back slowly. I want to keep small promises and listen before I answer."


class ScriptedMic:
    """Hands out 100 ms chunks of ``audio`` at once (or ``paced``), then silence in real time until stopped.

    At the end of ``audio`` it raises ``then`` instead, when given.

    The trailing silence comes at the pace of a real microphone, so the background
    transcription has the time it would have.
    """

    def __init__(
        self, audio: np.ndarray, then: BaseException | None = None, limit: float = 120, paced: bool = False
    ) -> None:
        self.audio, self.then, self.limit, self.paced = audio, then, limit, paced
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
            elif self.paced:
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


def _said(text: str) -> np.ndarray:
    samples, rate = espeak(text)
    return Clip(samples, rate).resampled(RATE).samples


def test_streamed_text_is_saved_first_then_replaced_by_the_final_pass(speech, transcriber, models):
    base = models[1]
    with Journal.open() as journal:
        mic = ScriptedMic(np.concatenate([_silence(0.5), speech]))
        result = _session(journal, mic, transcriber, silence=2.0, final_transcriber=base).run()
        streamed = journal.get(result.entry.id)
        assert streamed.text_pass == "streamed" and streamed.model == "tiny.en" and streamed.has_audio
        [owed] = journal.unfinished_recordings(include_live=True)
        assert owed.entry_id == streamed.id and owed.duration >= len(speech) / RATE
        final = result.final.start()
        assert final.wait(60) and final.error is None
        entry = journal.get(result.entry.id)
        assert entry.text_pass == "final" and entry.model == "base"
        assert word_error_rate(SPOKEN, entry.text) <= 0.25, entry.text
        [earlier] = journal.history(entry.id)
        assert earlier.text == streamed.text and earlier.text_pass == "streamed" and earlier.model == "tiny.en"
        assert journal.unfinished_recordings(include_live=True) == []


def test_a_final_pass_cut_short_is_finished_by_the_next_start(speech, transcriber, models):
    from voiceguide.journal.recovery import finish_final_passes, recover_unfinished

    with Journal.open() as journal:
        result = _session(journal, ScriptedMic(speech), transcriber, silence=2.0, final_transcriber=models[1]).run()
        assert result.final is not None  # never run: the process "died" here
        with journal.transaction() as db:
            db.execute("UPDATE recordings SET pid = NULL")  # its owner is gone
        assert recover_unfinished(journal, models[1].transcribe) == []  # not a second entry
        [entry] = finish_final_passes(journal, models[1].transcribe)
        assert entry.id == result.entry.id and entry.text_pass == "final" and entry.model == "base"
        assert [h.text_pass for h in journal.history(entry.id)] == ["streamed"]
        assert journal.list() == [entry] and journal.unfinished_recordings(include_live=True) == []


def test_a_guide_redo_during_the_final_pass_drops_the_recording(speech, transcriber, models):
    with Journal.open() as journal:
        result = _session(journal, ScriptedMic(speech), transcriber, silence=2.0, final_transcriber=models[1]).run()
        journal.delete(result.entry.id)
        assert result.final.run() is None and result.final.error is None
        assert journal.list() == [] and journal.unfinished_recordings(include_live=True) == []


@pytest.mark.parametrize(
    "text,unfinished",
    [
        ("I went to the park.", False),
        ("Is that all?", False),
        ("I went to the park and", True),
        ("I was tired, but.", True),
        ("I stayed home because", True),
        ("It rained, so...", True),
        ("I went to the", True),
        ('She said "enough."', False),
        ("", False),
    ],
)
def test_a_sentence_left_open_is_told_from_a_finished_one(text, unfinished):
    assert ends_mid_sentence(text) is unfinished


def test_a_thinking_pause_after_and_does_not_end_the_entry(transcriber):
    first, second = _said("I walked to the station this morning and"), _said("the sun came out over the river.")
    with Journal.open() as journal:
        mic = ScriptedMic(np.concatenate([first, _silence(3.0), second]), paced=True)
        result = _session(journal, mic, transcriber, silence=2.0).run()
        assert result.ended_by == "silence"
        assert "station" in result.entry.text.lower() and "river" in result.entry.text.lower(), result.entry.text


def test_a_finished_sentence_ends_after_the_set_silence(transcriber):
    said = _said("I walked to the station this morning.")
    with Journal.open() as journal:
        mic = ScriptedMic(np.concatenate([said, _silence(3.7), said]), paced=True)
        result = _session(journal, mic, transcriber, silence=2.0).run()
        assert result.ended_by == "silence" and result.entry.text.lower().count("station") == 1, result.entry.text
        assert result.seconds < len(said) / RATE + 3.5
