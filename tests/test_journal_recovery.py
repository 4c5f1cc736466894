"""A recording cut short by a crash or a kill still becomes an entry the next time."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import ScriptedTranscriber
from voiceguide.errors import EngineMissing
from voiceguide.journal import Journal, audio_codec
from voiceguide.journal.recovery import recover_unfinished

RATE = 16000
CHUNK = RATE  # one second per chunk, as the recorder writes them

RECORDER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from pathlib import Path
    from voiceguide.journal import Journal

    journal = Journal.open(Path(sys.argv[1]))
    rid = journal.begin_recording(
        16000, prompt="What felt steady?", article="bundled:healing-trust", section=2
    )
    t = np.arange(16000) / 16000
    chunk = (np.sin(2 * np.pi * 300 * t) * 6000).astype("<i2").tobytes()
    for seq in range(3):
        journal.append_chunk(rid, seq, chunk)
    print(rid, flush=True)
    time.sleep(60)
    """
)


@dataclass
class Result:
    text: str
    engine: str = "scripted"
    model: str = "none"
    confidence: float = 0.8
    segments: list = field(default_factory=lambda: [{"start": 0.0, "end": 1.0, "text": "hello", "confidence": 0.8}])


def tone(seconds: float, loudness: int = 6000) -> bytes:
    t = np.arange(int(seconds * RATE)) / RATE
    return (np.sin(2 * np.pi * 300 * t) * loudness).astype("<i2").tobytes()


def leave_behind(journal: Journal, seconds: float, loudness: int = 6000, **details) -> int:
    """A recording whose process is gone: written, never finished, owner pid not running."""
    rid = journal.begin_recording(RATE, **details)
    data = tone(seconds, loudness)
    for seq, start in enumerate(range(0, len(data), CHUNK * 2)):
        journal.append_chunk(rid, seq, data[start : start + CHUNK * 2])
    with journal.transaction() as db:
        db.execute("UPDATE recordings SET pid = NULL WHERE id = ?", (rid,))
    return rid


@pytest.fixture
def journal(tmp_path):
    with Journal.open(tmp_path / "journal.db") as opened:
        yield opened


def test_recording_survives_kill(tmp_path):
    path = tmp_path / "journal.db"
    Journal.open(path).close()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.Popen([sys.executable, "-c", RECORDER, str(path)], stdout=subprocess.PIPE, env=env, text=True)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "the recorder process did not start"
        line = proc.stdout.readline().strip()
        assert line.isdigit()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    transcriber = ScriptedTranscriber()
    transcriber.enqueue(Result("I felt steady when I slowed down."))
    with Journal.open(path) as journal:
        [left] = journal.unfinished_recordings()
        assert left.duration == pytest.approx(3.0)
        [entry] = recover_unfinished(journal, transcriber)
        assert transcriber.calls == [(3 * RATE, RATE)]
        assert entry.kind == "reflection"
        assert entry.text == "I felt steady when I slowed down."
        assert entry.prompt == "What felt steady?"
        assert (entry.article, entry.section) == ("bundled:healing-trust", 2)
        assert entry.created == left.started
        assert entry.duration == pytest.approx(3.0)
        assert entry.engine == "scripted" and entry.segments[0]["text"] == "hello"
        assert entry.has_audio and not entry.needs_transcription
        stored = journal.get_audio(entry.id)
        samples, rate = audio_codec.decode(stored.codec, stored.data, stored.rate)
        assert rate == RATE and abs(samples.size / RATE - 3.0) <= 0.06
        assert journal.unfinished_recordings(include_live=True) == []
        assert journal.search("steady")[0][0].id == entry.id


def test_without_a_transcriber_the_entry_waits_for_retranscription(journal):
    leave_behind(journal, 2.0, prompt="What helped?")
    [entry] = recover_unfinished(journal)
    assert entry.text == "" and entry.needs_transcription and entry.has_audio
    assert journal.needing_transcription() == [entry]
    journal.update_text(entry.id, "Walking helped.", engine="faster-whisper", model="tiny.en")
    assert journal.needing_transcription() == []


def test_a_failing_engine_keeps_the_audio(journal):
    leave_behind(journal, 1.0)
    transcriber = ScriptedTranscriber()
    transcriber.enqueue(EngineMissing())
    [entry] = recover_unfinished(journal, transcriber)
    assert entry.needs_transcription and entry.has_audio
    assert journal.unfinished_recordings(include_live=True) == []


def test_plain_string_results_are_accepted(journal):
    leave_behind(journal, 1.0)
    [entry] = recover_unfinished(journal, lambda samples, rate: "  just words  ")
    assert entry.text == "just words" and entry.engine is None


def test_a_moment_of_silence_is_discarded(journal):
    leave_behind(journal, 0.3, loudness=0)
    leave_behind(journal, 0.0)
    assert recover_unfinished(journal, ScriptedTranscriber()) == []
    assert journal.list() == []
    assert journal.unfinished_recordings(include_live=True) == []


def test_a_moment_of_sound_is_kept(journal):
    """Killed just after speech began: what little was said still comes back (at most the last second lost)."""
    leave_behind(journal, 0.3)
    [entry] = recover_unfinished(journal)
    assert entry.has_audio and entry.needs_transcription
    assert entry.duration == pytest.approx(0.3, abs=0.02)


def test_a_recording_still_in_progress_is_left_alone(journal):
    rid = journal.begin_recording(RATE)
    journal.append_chunk(rid, 0, tone(1.0))
    assert recover_unfinished(journal, ScriptedTranscriber()) == []
    assert [r.id for r in journal.unfinished_recordings(include_live=True)] == [rid]


def test_several_recordings_become_entries_oldest_first(journal):
    leave_behind(journal, 1.0, prompt="first")
    leave_behind(journal, 1.0, prompt="second")
    entries = recover_unfinished(journal)
    assert [e.prompt for e in entries] == ["first", "second"]
