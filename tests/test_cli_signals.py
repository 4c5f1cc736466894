"""SIGTERM and SIGHUP in a real terminal: like Ctrl-C, the terminal comes back and the work is kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import termios
import threading
import time

import pytest

from tests.cli_helpers import run_voiceguide
from tests.signals import espeak
from voiceguide.content import BUNDLED_SOURCE
from voiceguide.journal.store import Journal

HIDE, SHOW = b"\x1b[?25l", b"\x1b[?25h"


class InTerminal:
    """A voiceguide command whose stdin, stdout and stderr are a pseudo-terminal, as in a shell."""

    def __init__(self, *args: str) -> None:
        self.master, self.slave = os.openpty()
        self.settings = termios.tcgetattr(self.slave)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voiceguide", *args],
            stdin=self.slave,
            stdout=self.slave,
            stderr=self.slave,
            env=dict(os.environ, TERM="xterm-256color", COLUMNS="100", LINES="30"),
            start_new_session=True,
        )
        self.output = bytearray()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def wait_for(self, wanted: bytes, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while wanted not in self.output:
            assert self.proc.poll() is None, bytes(self.output).decode(errors="replace")
            assert time.monotonic() < deadline, f"no {wanted!r} in {bytes(self.output)[-2000:]!r}"
            time.sleep(0.05)

    def stop(self, signum: int, again_after: float | None = None) -> int:
        """Send ``signum`` (and once more ``again_after`` seconds later, as an impatient second Ctrl-C)."""
        self.proc.send_signal(signum)
        if again_after is not None:
            time.sleep(again_after)
            if self.proc.poll() is None:
                self.proc.send_signal(signum)
        code = self.proc.wait(60)
        time.sleep(0.2)  # the last output
        return code

    def assert_terminal_restored(self) -> None:
        assert termios.tcgetattr(self.slave) == self.settings  # echo and line mode are back
        out = bytes(self.output)
        if HIDE in out:
            assert out.rfind(SHOW) > out.rfind(HIDE), out[-400:]
        assert b"Traceback" not in out, out.decode(errors="replace")

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def terminal():
    started: list[InTerminal] = []

    def start(*args: str) -> InTerminal:
        started.append(InTerminal(*args))
        return started[-1]

    yield start
    for each in started:
        each.close()


SIGNALS = pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
TWICE = pytest.mark.parametrize("again_after", [0.05, 0.3], ids=["50ms", "300ms"])
"""A second Ctrl-C sent at once is merged with the first by the kernel: these two are the ones that tell"""


@pytest.mark.audio
@SIGNALS
def test_a_signal_during_breathing_records_the_session_and_restores_the_terminal(pulse, terminal, signum):
    run = terminal("breathe", "box", "--minutes", "1", "--countdown", "0", "--cue", "tone", "--quiet")
    run.wait_for(b"in", timeout=60)
    time.sleep(5)
    assert run.stop(signum) == 128 + signum
    run.assert_terminal_restored()
    with Journal.open() as journal:
        sessions = journal.breathing_sessions(limit=5)
    assert len(sessions) == 1 and sessions[0].interrupted and sessions[0].pattern == "box"
    assert 3 <= sessions[0].seconds <= 30


@pytest.mark.audio
@SIGNALS
def test_a_signal_during_reading_keeps_the_place_and_restores_the_terminal(pulse, terminal, signum):
    run = terminal("read", "--section", "2", "--from-start")
    run.wait_for(b"2", timeout=60)
    time.sleep(6)
    assert run.stop(signum) == 128 + signum
    run.assert_terminal_restored()
    with Journal.open() as journal:
        place = journal.get_progress(BUNDLED_SOURCE)
    assert place is not None and place[0] == 2


def _reflect_stopped_mid_speech(pulse, terminal, signum: int, again_after: float | None = None):
    """`reflect` in a terminal, stopped by ``signum`` 7 s into a person's speech; (the terminal, the exit code)."""
    samples, rate = espeak(
        "I have been thinking about the way trust comes back after it breaks. It does not return all at once. "
        "It comes back in small moments, when someone keeps a promise and when they listen."
    )
    run = terminal("reflect", "--prompt", "What is on your mind?")
    run.wait_for(b"Listening", timeout=120)
    person = pulse.play_into_mic(samples, rate, wait=False)
    time.sleep(7)
    try:
        code = run.stop(signum, again_after=again_after)
    finally:
        person.kill()
        person.wait(5)
    run.assert_terminal_restored()
    return run, code


@pytest.mark.audio
@SIGNALS
def test_a_signal_during_reflect_keeps_what_was_said_and_restores_the_terminal(pulse, terminal, signum):
    _run, code = _reflect_stopped_mid_speech(pulse, terminal, signum)
    assert code == 128 + signum
    with Journal.open() as journal:
        entries = journal.list()
        assert len(entries) == 1 and entries[0].has_audio and entries[0].duration >= 4
        assert "trust" in entries[0].text.lower()
        # the streamed text is kept; only the final pass over its recording is left for the next start
        assert all(r.entry_id == entries[0].id for r in journal.unfinished_recordings())
    finished = run_voiceguide("journal", "list")
    assert finished.returncode == 0, finished.stderr
    with Journal.open() as journal:
        entries = journal.list()
        assert len(entries) == 1 and entries[0].has_audio and "trust" in entries[0].text.lower()
        assert journal.unfinished_recordings() == []


@pytest.mark.audio
@TWICE
def test_a_second_ctrl_c_while_reflect_keeps_what_was_said_does_not_cut_it_short(pulse, terminal, again_after):
    """People press Ctrl-C twice: the second one, while the first is still keeping the entry, changes nothing."""
    run, code = _reflect_stopped_mid_speech(pulse, terminal, signal.SIGINT, again_after=again_after)
    assert code == 130
    said = bytes(run.output)[-600:]
    assert bytes(run.output).count(b"Stopped.") == 1, said
    with Journal.open() as journal:
        entries = journal.list()
        assert len(entries) == 1 and entries[0].has_audio and "trust" in entries[0].text.lower(), said
