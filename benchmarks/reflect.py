"""Spoken journal figures: transcription speed, end of speech to saved entry, and `reflect` memory."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from benchmarks.table import Row

MINUTE_OF_REFLECTION = (
    "This week I noticed how quickly I say I am fine when someone asks how I am. "
    "On Monday my friend called, and I told her everything was good, but I had not slept well. "
    "I think I hide the hard parts because I am afraid of being a burden. "
    "When I read the section about trust, I remembered my grandmother, who always listened without judging. "
    "She would pour two cups of tea and wait until I was ready to talk. "
    "I want to be that kind of person for my children, and for myself. "
    "Tomorrow I will write down three things that went well, even if they are small. "
    "Maybe the walk to the station, or the quiet moment before everyone wakes up. "
    "I also want to tell my brother that I am sorry about the argument in the spring. "
    "It was not about the money, it was about feeling unseen. "
    "Breathing slowly before answering helped me twice this week, once at work and once at home. "
    "I would like to keep practising that, especially in the evenings when I am tired."
)


def _speech(seconds: float = 60.0) -> np.ndarray:
    from tests.signals import espeak
    from voiceguide.audio.clip import Clip

    samples, rate = espeak(MINUTE_OF_REFLECTION)
    speech = Clip(samples, rate).resampled(16000).samples
    return speech[: int(seconds * 16000)]


def bench_transcription_rtf(runs: int) -> Row:
    """One long, varied reflection transcribed in one call (what --from-file and recovery do)."""
    from voiceguide.speech.transcriber import WhisperTranscriber

    speech = _speech()
    transcriber = WhisperTranscriber()
    transcriber.transcribe(speech[: 2 * 16000], 16000)  # load and warm up
    factors = []
    for _ in range(runs):
        started = time.perf_counter()
        transcriber.transcribe(speech, 16000)
        factors.append((time.perf_counter() - started) / (len(speech) / 16000))
    return Row(
        "reflect_rtf",
        statistics.median(factors),
        note=f"tiny.en int8, {transcriber.cpu_threads} threads, greedy, median of {runs}",
    )


class _Player:
    def play(self, clip, at=None):
        return self

    def wait(self, timeout=None) -> bool:
        return True


class _PacedMic:
    """The recorded speech chunk by chunk at the pace of a real microphone, then silence."""

    def __init__(self, speech: np.ndarray) -> None:
        self.speech = speech
        self.speech_ended: float | None = None
        self.stopped = False

    def start(self):
        return self

    def stop(self) -> None:
        self.stopped = True

    def chunks(self, timeout: float = 2.0):
        from voiceguide.audio.recorder import Chunk

        n = 1600
        origin = time.monotonic()
        index = 0
        while not self.stopped:
            due = origin + (index + 1) * 0.1
            time.sleep(max(0.0, due - time.monotonic()))
            part = self.speech[index * n : (index + 1) * n]
            if len(part) < n:
                if self.speech_ended is None:
                    self.speech_ended = time.monotonic()
                part = np.concatenate([part, np.zeros(n - len(part), np.int16)])
            yield Chunk(part, 16000, time.monotonic(), index)
            index += 1


class _EnterAfterSpeech:
    """Presses Enter 0.3 s after the speech ended: the last stretch is not transcribed yet."""

    def __init__(self, mic: _PacedMic) -> None:
        self.mic = mic

    def poll(self, timeout: float = 0.0):
        ended = self.mic.speech_ended
        return "\n" if ended is not None and time.monotonic() - ended >= 0.3 else None


def bench_end_to_saved(runs: int) -> Row:
    """A 60 s entry through the real VAD, streaming Whisper and journal; end of speech to saved entry."""
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.reflect import ReflectSession
    from voiceguide.speech.transcriber import WhisperTranscriber

    speech = _speech()
    transcriber = WhisperTranscriber()
    transcriber.load()
    latencies, after_stop = [], []
    with tempfile.TemporaryDirectory() as home, Journal.open(os.path.join(home, "journal.db")) as journal:
        for _ in range(runs):
            mic = _PacedMic(speech)
            session = ReflectSession(
                "How was your week?",
                player=_Player(),
                recorder=mic,
                transcriber=transcriber,
                journal=journal,
                keys=_EnterAfterSpeech(mic),
                silence=3.0,
            )
            result = session.run()
            assert result.entry is not None and result.ended_by == "enter"
            latencies.append(result.saved_at - mic.speech_ended)
            after_stop.append(result.saved_at - result.stopped_at)
    return Row(
        "reflect_saved",
        statistics.median(latencies),
        note=f"Enter 0.3 s after the last word; stop to saved {statistics.median(after_stop):.2f} s; median of {runs}",
    )


def bench_reflect_memory(runs: int) -> Row:
    """Peak resident memory of `voiceguide reflect --from-file` on a 60 s recording."""
    from voiceguide.audio.clip import Clip, write_wav

    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        path = write_wav(os.path.join(tmp, "minute.wav"), Clip(_speech(), 16000))
        probe = (
            "import resource, subprocess, sys\n"
            "r = subprocess.run([sys.executable, '-m', 'voiceguide', 'reflect', '--from-file', sys.argv[1]],"
            " capture_output=True)\n"
            "assert r.returncode == 0, r.stderr\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
        )
        for _ in range(runs):
            env = dict(os.environ, VOICEGUIDE_HOME=tempfile.mkdtemp(prefix="vg-bench-mem-"))
            out = subprocess.run(
                [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, env=env, check=True
            )
            peaks.append(int(out.stdout.strip()) / 1024)
    return Row("reflect_memory", max(peaks), note=f"max RSS of the child, worst of {runs}")


def reflect_steps(runs: int) -> list:
    """The spoken-journal rows for the benchmark table."""
    return [
        lambda: bench_transcription_rtf(max(3, runs // 2)),
        lambda: bench_end_to_saved(max(1, runs // 4)),
        lambda: bench_reflect_memory(max(2, runs // 3)),
    ]
