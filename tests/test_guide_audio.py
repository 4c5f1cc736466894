"""voiceguide guide end to end on the private audio server: a scripted person steers it by voice.

The person listens to the speaker's monitor and speaks into the microphone
(espeak into vg_mic) each time it hears the listening earcon (660 Hz then
880 Hz): a command from its script; and its reflection when it hears the
recording earcon (880 Hz alone, longer).
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from tests.signals import espeak, word_error_rate
from voiceguide import messages
from voiceguide.journal.store import Journal

ARTICLE = """# Small Steps

## Noticing

Notice how you feel right now.

## Listening

Listen to the people close to you.

## Resting

Rest is part of the work.
"""
REFLECTIONS = [
    "Walking in the park this evening helped, and I felt my shoulders drop.",
    "I want to be more honest with the people close to me, even when it feels awkward.",
]
RATE = 48000
HOP = 480
"""10 ms frames"""


def _tone_of(frame: np.ndarray) -> int | None:
    """660 or 880 when the frame is a loud, nearly pure tone at that pitch; else None."""
    x = frame.astype(np.float64)
    if np.sqrt(np.mean(x * x)) < 0.02 * 32768:
        return None
    power = np.abs(np.fft.rfft(x * np.hanning(len(x)), n=RATE // 10)) ** 2
    k = int(np.argmax(power))
    purity = power[max(0, k - 4) : k + 5].sum() / power.sum()
    hz = k * 10
    if purity < 0.7:
        return None
    for target in (660, 880):
        if abs(hz - target) <= 15:
            return target
    return None


class Ear:
    """Reads vg_speaker's monitor and reports 'listening' and 'record' earcons as they end."""

    def __init__(self, pulse) -> None:
        self.events: queue.Queue[str] = queue.Queue()
        self.proc = subprocess.Popen(
            [
                "parec",
                "--device=vg_speaker.monitor",
                f"--rate={RATE}",
                "--channels=1",
                "--format=s16le",
                "--raw",
                "--latency-msec=10",
            ],
            env=dict(os.environ, **pulse.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
        self.runs: list[list] = []  # [tone, frames]
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        pending = np.zeros(0, np.int16)
        history = np.zeros(HOP, np.int16)
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 4096)
            if not data:
                return
            pending = np.concatenate([pending, np.frombuffer(data[: len(data) - len(data) % 2], "<i2")])
            while len(pending) >= HOP:
                frame, pending = pending[:HOP], pending[HOP:]
                self._step(_tone_of(np.concatenate([history, frame])))
                history = frame

    def _step(self, tone: int | None) -> None:
        if self.runs and self.runs[-1][0] == tone:
            self.runs[-1][1] += 1
        else:
            self._ended()
            self.runs.append([tone, 1])
            del self.runs[:-6]

    def _ended(self) -> None:
        """A run just ended: was it the end of an earcon we listen for?"""
        if not self.runs or self.runs[-1][0] != 880:
            return
        frames = self.runs[-1][1]
        before = (
            self.runs[-3]
            if len(self.runs) >= 3 and (self.runs[-2][0] is None and self.runs[-2][1] <= 6)
            else (self.runs[-2] if len(self.runs) >= 2 else None)
        )
        after_660 = before is not None and before[0] == 660 and before[1] >= 5
        if after_660 and 8 <= frames <= 16:
            self.events.put("listening")
        elif not after_660 and frames >= 13:
            self.events.put("record")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait(5)


class Person(threading.Thread):
    """Answers each listening earcon with the next command, each recording earcon with a reflection."""

    def __init__(self, pulse, ear: Ear, commands: list[str], reflections: list[str]) -> None:
        super().__init__(daemon=True)
        self.pulse, self.ear = pulse, ear
        self.commands = [espeak(c, "en-us", 150) for c in commands]
        self.reflections = [espeak(r, "en-us", 160) for r in reflections]
        self.said: list[str] = []
        self.command_texts, self.reflection_texts = list(commands), list(reflections)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            try:
                event = self.ear.events.get(timeout=0.2)
            except queue.Empty:
                continue
            script, texts = (
                (self.commands, self.command_texts)
                if event == "listening"
                else (self.reflections, self.reflection_texts)
            )
            if not script:
                self.said.append(f"<{event}: nothing left to say>")
                continue
            samples, rate = script.pop(0)
            self.said.append(texts.pop(0))
            time.sleep(0.4)
            self.pulse.play_into_mic(samples, rate, wait=True)


def _guide(article, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "guide", str(article), "--cue", "none", "--silence", "1.5", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=dict(os.environ),
    )


def _converse(pulse, article, commands, reflections, *args, timeout=240):
    ear = Ear(pulse)
    person = Person(pulse, ear, commands, reflections)
    person.start()
    try:
        proc = _guide(article, *args)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"guide did not finish; person said {person.said}\n{out}\n{err}") from None
    finally:
        person.done.set()
        ear.close()
    return proc.returncode, out, err, person.said


@pytest.mark.audio
@pytest.mark.slow
@pytest.mark.live
def test_spoken_guide_through_two_sections_and_resume(pulse, tmp_path, voiceguide_home):
    article = tmp_path / "steps.md"
    article.write_text(ARTICLE)
    patterns = voiceguide_home / "config" / "patterns"
    patterns.mkdir(parents=True)
    (patterns / "quick.toml").write_text(
        'name = "Quick"\nminutes = 1\n[[phase]]\nkind = "inhale"\nseconds = 1\n'
        'word = "In"\n[[phase]]\nkind = "exhale"\nseconds = 1\nword = "Out"\n'
    )
    env_config = ["--pattern", "quick", "--breath-minutes", "0.05"]
    commands = ["two", "repeat", "skip", "next", "yes", "stop", "four"]  # a mood on arriving and on leaving
    code, out, err, said = _converse(pulse, article, commands, REFLECTIONS, *env_config)
    assert code == 0, f"{said}\n{out}\n{err}"
    assert said == ["two", "repeat", "skip", REFLECTIONS[0], "next", "yes", REFLECTIONS[1], "stop", "four"], (
        f"{said}\n{out}"
    )
    assert out.count(messages.CHECKIN_QUESTION) == 2
    assert messages.CHECKIN_CHANGE.format(start=2, end=4) in out
    assert out.count("Section 1: Noticing") == 2  # read again after "repeat"
    assert "Section 2: Listening" in out and "Section 3" not in out
    assert messages.GUIDE_CLOSING in out and "saved 2 entries" in out

    with Journal.open() as journal:
        entries = sorted(journal.list(), key=lambda e: e.id)
        assert [e.section for e in entries] == [1, 2], entries
        for entry, spoken in zip(entries, REFLECTIONS, strict=False):
            assert word_error_rate(spoken, entry.text) <= 0.2, entry.text
            assert entry.engine == "whisper" and entry.prompt
        sessions = journal.breathing_sessions()
        assert len(sessions) == 1 and sessions[0].pattern == "quick"
        assert journal.get_progress("guide:" + entries[0].article) == (2, 1)
        assert [(c.mood, c.moment) for c in journal.checkins()] == [(2, "start"), (4, "end")]

    code, out, err, said = _converse(pulse, article, ["skip", "stop", "three"], [], *env_config, timeout=120)
    assert code == 0, f"{said}\n{out}\n{err}"
    assert out.startswith(messages.GUIDE_RECAP.format(number=2, title="Listening")), out
    assert "Section 3: Resting" in out and "Section 2:" not in out
    assert said == ["skip", "stop", "three"]
    assert messages.CHECKIN_CHANGE.format(start=2, end=4) not in out
    assert messages.CHECKIN_ONLY_END.format(end=3) in out  # the opening check-in skipped, the closing one said
    with Journal.open() as journal:
        assert [(c.mood, c.moment) for c in journal.checkins()] == [(2, "start"), (4, "end"), (3, "end")]


@pytest.mark.audio
@pytest.mark.live
def test_spoken_check_ins_take_one_to_five_and_ask_again_for_anything_else(pulse, tmp_path, voiceguide_home):
    article = tmp_path / "one.md"
    article.write_text("# One Step\n\n## Arriving\n\nYou are here.\n")
    code, out, err, said = _converse(pulse, article, ["seven", "one", "stop", "five"], [], "--rate", "320", timeout=120)
    assert code == 0, f"{said}\n{out}\n{err}"
    assert said == ["seven", "one", "stop", "five"], f"{said}\n{out}"  # listened again after "seven"
    asked = out.index(messages.CHECKIN_QUESTION)
    assert asked < out.index(messages.GUIDE_NOT_UNDERSTOOD) < out.index("Section 1: Arriving"), out
    assert out.count(messages.CHECKIN_QUESTION) == 2 and messages.CHECKIN_CHANGE.format(start=1, end=5) in out
    with Journal.open() as journal:
        assert [(c.mood, c.moment) for c in journal.checkins()] == [(1, "start"), (5, "end")]  # nothing for "seven"
