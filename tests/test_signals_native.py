"""Signals meet native threads and the installed command: every stop is a clean exit, never an abort or a traceback."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from voiceguide.journal.store import Journal

TALK = "Trust grows in small steps, and today I kept a promise to myself. " * 2


def start(*args: str, program: list[str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [*(program or [sys.executable, "-m", "voiceguide"]), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )


def saved_reflections() -> int:
    with Journal.open() as jr:
        return sum(e.kind == "reflection" for e in jr.list(limit=1000))


@pytest.mark.slow
def test_sigterm_while_whisper_decodes_a_file_exits_143_and_never_aborts(tmp_path):
    """The Whisper threads still decoding when the stop comes must not take the process down with SIGABRT."""
    from tests.signals import espeak
    from voiceguide.audio.clip import Clip, write_wav

    samples, rate = espeak(TALK)
    memo = write_wav(tmp_path / "memo.wav", Clip(samples, rate, 1))
    args = ("reflect", "--from-file", str(memo), "--prompt", "What stays with you?")
    usual = float("inf")
    for _twice in range(2):  # the smaller of two unstopped runs: the first may read the model from disk
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        whole = start(*args)
        out, err = whole.communicate(timeout=300)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        usual = min(usual, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        assert whole.returncode == 0 and "Saved entry" in out, err
    stopped = 0
    for k in range(12):  # from the model loading to the last words being decoded
        proc = start(*args)
        # the moment is measured in the command's own CPU time, which a busy machine does not stretch as it
        # stretches the wall clock: the same share of the work is done, however many tests run beside it
        if _ran_for(proc, usual * (0.2 + 0.5 * k / 11)):
            proc.send_signal(signal.SIGTERM)
            stopped += 1
        out, err = proc.communicate(timeout=120)
        story = f"moment {k}: {proc.returncode}: {err.strip()[-400:]}"
        assert "terminate called" not in err and "Traceback" not in err, story
        assert proc.returncode == 143 or (proc.returncode == 0 and "Saved entry" in out), story
    assert stopped >= 10, f"only {stopped} of 12 runs were still going when stopped"
    assert saved_reflections() >= 1


def _ran_for(proc: subprocess.Popen, cpu_seconds: float) -> bool:
    """Wait until ``proc`` has used ``cpu_seconds`` of CPU; False if it ended first."""
    ticks = os.sysconf("SC_CLK_TCK")
    while proc.poll() is None:
        try:
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            break
        if (int(fields[11]) + int(fields[12])) / ticks >= cpu_seconds:  # utime + stime
            return proc.poll() is None
        time.sleep(0.005)
    return False


def installed_command() -> Path:
    """The `voiceguide` script pip wrote beside this interpreter (scripts/setup installs it)."""
    script = Path(sys.executable).with_name("voiceguide")
    assert script.is_file(), "run scripts/setup: the voiceguide command is not installed in this environment"
    return script


def test_the_installed_command_points_at_the_early_handlers():
    assert "voiceguide.entry" in installed_command().read_text()


PYTHON_OWN = ("Fatal Python error", "Failed checking if argv[0] is an import path entry")
"""What the interpreter itself prints for a stop in its own start-up or close, before or after any voiceguide code
(the second: a Ctrl-C while it looks at the script's path, which it reports and then runs the script anyway)"""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_in_the_first_moments_of_the_installed_command_is_quiet(signum):
    """A stop while the command is still loading: 128 + signal and no traceback from voiceguide, at every moment.

    Before the script's first import has run any voiceguide code (the interpreter
    starting, its site packages loading), or once the command is done and the
    interpreter is closing, the stop is Python's own to report.
    """
    script = installed_command()
    begun = time.monotonic()
    assert subprocess.run([str(script), "journal", "list"], capture_output=True).returncode == 0
    span = max(0.08, time.monotonic() - begun)
    outcomes = []
    for k in range(41):  # from the start to the end of a whole run, and at least 80 ms
        proc = start("journal", "list", program=[str(script)])
        time.sleep(span * k / 40)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
        outcomes.append(proc.returncode)
        story = f"{span * k / 40 * 1000:.0f} ms: {proc.returncode}: {err.strip()[-600:]}"
        if proc.returncode == -signum or any(python_own in err for python_own in PYTHON_OWN):
            assert "/voiceguide/" not in err, story  # Python's start-up or close: no voiceguide frame
            continue
        assert "Traceback" not in err, story
        assert proc.returncode in (0, 128 + signum), story
    print(f"{signal.Signals(signum).name}: {outcomes}")
    assert 128 + signum in outcomes, outcomes


class _StopsWhileMade:
    """A class attribute whose ``__set_name__`` meets a Ctrl-C, as a lazy import of a dataclass can."""

    def __set_name__(self, owner: type, name: str) -> None:
        raise KeyboardInterrupt


def test_a_stop_python_hands_over_as_an_error_is_still_a_stop(monkeypatch):
    """Python 3.11 wraps what ``__set_name__`` raises in a RuntimeError: the stop is still 130, not an error."""
    from tests.cli_helpers import invoke_voiceguide
    from voiceguide import messages

    def load_article(path):
        class Pattern:  # made while the stop arrives
            source = _StopsWhileMade()

        return Pattern

    monkeypatch.setattr("voiceguide.sessions.factory.load_article", load_article)
    result = invoke_voiceguide("sections")
    assert result.returncode == 130, result.stderr
    assert result.stderr.strip() == messages.INTERRUPTED


SWALLOWED = """
import os, sys, time, weakref
from voiceguide.cli import signals

signals.stop_on_signals(process=True)


class Thing:
    pass


def callback(_ref):
    os.kill(os.getpid(), int(sys.argv[1]))
    sum(range(1000))  # the handler runs here, inside a callback whose exceptions Python only prints


try:
    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    time.sleep(5)
    print("never stopped")
except KeyboardInterrupt:
    print(f"stopped by {signals.received}")
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_that_lands_in_a_callback_still_stops_the_command_without_a_traceback(signum):
    """Python swallows an exception raised in a weakref or import-lock callback; the stop must still come."""
    result = subprocess.run(
        [sys.executable, "-c", SWALLOWED, str(int(signum))], capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    assert result.stdout.strip() == f"stopped by {int(signum)}"


def voice_workers_of(home: str) -> list[int]:
    """Render worker processes started for the voiceguide home ``home``, whoever their parent is now."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            environ = Path(f"/proc/{pid}/environ").read_bytes()
        except OSError:
            continue
        if b"voiceguide.speech.render_worker" in command and f"VOICEGUIDE_HOME={home}\0".encode() in environ:
            found.append(int(pid))
    return found


@pytest.mark.audio  # a reading's device, on the private server
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_first_reading_stopped_at_any_moment_leaves_no_voice_loading(pulse, signum):
    """The neural voice starts loading as a first reading's process starts (speech/worker.py): a stop while the
    command line loads, or once the reading has taken the voice, ends that worker with the command."""
    home = os.environ["VOICEGUIDE_HOME"]
    for delay in (0.0, 0.03, 0.08, 0.15, 0.3, 0.6):
        proc = start("read", "--section", "1", "--from-start", "--voice", "piper:joe")
        deadline = time.monotonic() + 20
        while not voice_workers_of(home) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        assert voice_workers_of(home), "a first reading started no voice early"
        time.sleep(delay)
        proc.send_signal(signum)
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 128 + signum, err
        assert "Traceback" not in err
        assert voice_workers_of(home) == [], f"a voice worker outlived the command stopped {delay} s in"
        shutil.rmtree(Path(home) / "cache", ignore_errors=True)  # the next one is a first reading again
