"""A render worker process (``render_worker``) seen from the process that asks it for sentences.

One line of JSON each way per request. ``start_early`` starts a voice's
worker as a reading's or a guide's process starts, before the command line
loads; this module imports no more than that needs, so the worker is on its
way within a few milliseconds of the start.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.errors import EngineMissing, SettingsError
from voiceguide.speech import engines
from voiceguide.speech.cache import default_folder

WORKER_MODULE = "voiceguide.speech.render_worker"


class Worker:
    """One render worker process of one engine (its arguments: ``render_worker``'s)."""

    def __init__(self, args: list[str]) -> None:
        env = dict(os.environ)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", WORKER_MODULE, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            env=env,
        )
        self._seq = 0
        self._ready = False
        _running.add(self)

    def wait_ready(self, timeout: float = 30) -> None:
        """Wait for the worker's hello (its engine loaded); EngineMissing when it could not start.

        Starting and waiting are apart so that the neural voice loads on the
        other core while this process does what comes before its first render.
        """
        if self._ready:
            return
        hello = self._read(timeout)
        if not hello or not hello.get("ok"):
            self.kill()
            detail = str((hello or {}).get("error", "no answer"))
            missing = EngineMissing(f"{messages.FIX_TTS} ({detail})")
            missing.detail = detail  # type: ignore[attr-defined]
            raise missing
        self._ready = True

    def _read(self, timeout: float) -> dict[str, Any] | None:
        result: list[str] = []
        stdout = self.proc.stdout
        assert stdout is not None  # started with stdout=PIPE
        reader = threading.Thread(target=lambda: result.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if reader.is_alive() or not result or not result[0]:
            return None
        try:
            reply: dict[str, Any] = json.loads(result[0])
            return reply
        except ValueError:
            return None

    def ask(self, wait: float, **request: Any) -> dict[str, Any] | None:
        self._seq += 1
        request["id"] = self._seq
        stdin = self.proc.stdin
        assert stdin is not None  # started with stdin=PIPE
        try:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        reply = self._read(wait)
        if reply is not None and reply.get("id") != self._seq:
            return None  # an answer to some other request: the worker is out of step
        return reply

    def kill(self) -> None:
        _running.discard(self)
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass

    @classmethod
    def started(cls, args: list[str]) -> Worker:
        """A worker for ``args``: the one ``start_early`` began when it fits, else a new one."""
        return _early.pop(tuple(args), None) or cls(args)


_running: set[Worker] = set()
"""Every worker this process started and has not killed"""
_early: dict[tuple[str, ...], Worker] = {}
"""Workers started by ``start_early``, by their arguments, until a Synthesizer takes them"""


def start_early(voice: str) -> None:
    """For `read` aloud, called by the process's entry before the command line loads.

    ``voice`` is a guess at the voice that will speak ("" for the default). When
    its first sentence cannot be on disk, its worker starts now, on the other
    core, not after the command line and the article have loaded: for the
    neural voice when the speech cache has never seen its model (loading it
    takes about 0.4 s of CPU), for espeak-ng when the cache holds no sentence
    at all. A Synthesizer with the same voice takes the worker; a wrong guess
    costs a worker stopped at exit, never a sound. Otherwise nothing starts,
    so a reading whose first sentence is cached shares no CPU with a worker.
    """
    try:
        chosen = engines.choose(voice).voice
        if engines.engine_of(chosen) == engines.PIPER:
            model, config = engines.piper_model(chosen)
            if engines.known_digest(model, default_folder()) is not None:
                return
            args: tuple[str, ...] = (engines.PIPER, str(model), str(config))
        elif _holds_a_sentence(default_folder()):
            return
        else:
            args = ()
    except (SettingsError, engines.NeuralUnavailable, OSError):
        return  # the command says so in its own words, or renders nothing neural
    if args not in _early:
        import atexit

        _early[args] = Worker(list(args))
        atexit.register(stop_early)


def _holds_a_sentence(folder: Path) -> bool:
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.endswith(".wav") and not entry.name.startswith(".") for entry in entries)
    except OSError:
        return False  # no cache yet


def stop_early() -> None:
    """Stop the workers started early that no Synthesizer took (at exit)."""
    while _early:
        _early.popitem()[1].kill()


def stop_all() -> None:
    """Stop every worker of this process, taken or not: a stopped command ends without closing its
    Synthesizer, and a worker still loading its voice would go on loading after the exit.

    A stop can land inside ``Popen``, after the fork and before the worker is
    known here: the process's own children that are render workers, or
    forks of this very command not yet become one, go too (Linux).
    """
    _early.clear()
    for worker in list(_running):
        worker.kill()
    for pid in _unknown_workers():
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass


def _unknown_workers() -> list[int]:
    """Children of this process that are render workers, or forks of it about to become one."""
    me = os.getpid()
    try:
        names = os.listdir("/proc")
        with open(f"/proc/{me}/cmdline", "rb") as f:
            mine = f.read()
    except OSError:
        return []
    found = []
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                fields = f.read().rpartition(b")")[2].split()  # the name in brackets may hold spaces
            if len(fields) < 2 or int(fields[1]) != me:
                continue
            with open(f"/proc/{name}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if WORKER_MODULE.encode() in cmdline or cmdline == mine:
            found.append(int(name))
    return found
