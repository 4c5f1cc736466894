"""Signals that end a command: each stops it the way Ctrl-C does, with 128 + the signal.

The handler raises ``Terminated`` (a KeyboardInterrupt) in the main thread, so
every path that keeps partial work on Ctrl-C runs. Further signals while that
clean-up runs are ignored, a second Ctrl-C among them, so none can cut it short.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from voiceguide.errors import Terminated

STOPPING = (
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGALRM,
    signal.SIGVTALRM,
    signal.SIGPROF,
    signal.SIGXCPU,
)
"""Signals whose default action ends the process (SIGINT aside): each stops a command cleanly instead"""
IGNORED_BY_PYTHON = (signal.SIGPIPE, signal.SIGXFSZ)
"""Python ignores these, so a failed write is an error, not an exit; while a private buffer is out, they stop too"""

received = 0
"""The signal that stopped the command (0: none yet)"""


def _stop(signum: int, frame: object) -> None:
    global received
    if received:
        return
    received = signum
    raise Terminated(signum)


def _interrupt(signum: int, frame: object) -> None:
    """Ctrl-C: the first stops the command; more while it keeps what was recorded are ignored.

    People press Ctrl-C twice. A second KeyboardInterrupt raised inside the
    clean-up would cut short the saving of an entry (its recording is still
    recovered at the next start, but the person was just told it was kept).
    """
    global received
    if received:
        return
    received = signum
    raise KeyboardInterrupt


def stop_on_signals(*, process: bool = False) -> None:
    """Every signal in ``STOPPING`` stops the command as Ctrl-C does; Ctrl-C itself raises KeyboardInterrupt.

    ``process``: this is the process's own command, so a stop Python swallows
    (one that lands in a callback, where Python only prints "Exception ignored")
    is delivered again a moment later instead.
    """
    global received
    received = 0
    for signum in STOPPING:
        _install(signum, _stop)
    _install(signal.SIGINT, _interrupt if process else signal.default_int_handler)
    if process:
        sys.unraisablehook = _stop_again


def _stop_again(unraisable: sys.UnraisableHookArgs) -> None:
    """A stop raised where it cannot propagate (a weakref or import-lock callback): send it again, quietly."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)
        return
    global received
    signum, received = received or signal.SIGINT, 0
    # from another thread, a moment later: by then this callback is over, and the stop reaches the command
    threading.Timer(0.02, os.kill, (os.getpid(), signum)).start()


def ignore_from_now() -> None:
    """The outcome is settled: every stopping signal is ignored to the end, through the interpreter's close."""
    for signum in (*STOPPING, signal.SIGINT):
        _install(signum, signal.SIG_IGN)


@contextmanager
def stop_on_every_signal() -> Iterator[None]:
    """While private words sit outside the journal: SIGPIPE and SIGXFSZ stop the command too."""
    previous = {signum: signal.getsignal(signum) for signum in IGNORED_BY_PYTHON}
    for signum in IGNORED_BY_PYTHON:
        _install(signum, _stop)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            if handler is not None:
                _install(signum, handler)


def _install(signum: int, handler: signal._HANDLER) -> None:
    try:
        signal.signal(signum, handler)
    except (ValueError, OSError):
        pass  # not the main thread of the main interpreter: the default action stays
