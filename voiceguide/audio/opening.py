"""The output device, opened in a thread while the caller prepares what it will play first.

Starting PortAudio (and through it the sound server connection) takes
35-50 ms, nearly all of it in C without the GIL, so a `read` can parse its
article, find its first sentence in the cache and load numpy in the
meantime. This module imports neither numpy nor PyAudio itself.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from voiceguide.audio import devices

if TYPE_CHECKING:
    from voiceguide.audio.player import Player
    from voiceguide.settings import AudioSettings


class PlayerOpening:
    """``Player(settings)`` started at once in a thread; ``player()`` waits for it (or raises its error).

    ``reading``: at the voices' own rate (``AudioSettings.speech_rate``), so a rendered sentence
    plays as it is on disk, and numpy need not load before the first sound.
    """

    def __init__(self, settings: AudioSettings | None = None, *, reading: bool = False) -> None:
        self._settings = settings
        self._reading = reading
        self._player: Player | None = None
        self._error: BaseException | None = None
        self._taken = False
        devices.detach_c_stderr()  # here, not in the thread: this thread may be printing meanwhile
        self._thread = threading.Thread(target=self._open, name="open-player", daemon=True)
        self._thread.start()

    def _open(self) -> None:
        try:
            devices.portaudio()  # first: 35-50 ms without the GIL, while the caller imports numpy and reads its clip
            from voiceguide.audio.player import Player

            settings = self._settings
            if self._reading:
                from dataclasses import replace

                from voiceguide.settings import AudioSettings

                settings = settings or AudioSettings()
                settings = replace(settings, output_rate=settings.speech_rate)
            self._player = Player(settings)
        except BaseException as error:  # handed to the caller by player()
            self._error = error

    def player(self) -> Player:
        """The open Player (the caller closes it), or the error that kept it from opening."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._player is not None
        self._taken = True
        return self._player

    def discard(self, wait: float | None = None) -> None:
        """Close a Player nobody took: something failed before the first sound.

        ``wait``: at most this many seconds for a device still opening (then it is left to the exit).
        """
        if self._taken:
            return
        self._thread.join(wait)
        if self._player is not None:
            self._player.close()
            self._player = None


_early: PlayerOpening | None = None
"""A reading's device, opening since the process started (``open_early``)"""


def open_early() -> None:
    """For `read` aloud, called by the process's entry before the command line loads.

    Starting PortAudio costs 50-60 ms of CPU, nearly all without the GIL: begun
    here it runs beside Click's own loading, not after it. ``for_reading`` takes
    it; a command that ends before (a usage error) closes it on exit.
    """
    global _early
    if _early is None:
        import atexit

        _early = PlayerOpening(reading=True)
        atexit.register(_discard_early)


def for_reading(barge_in: bool = False) -> PlayerOpening:
    """The device for a reading: the one opened early when there is one and it fits, else opened now.

    With barge-in the device keeps the usual rate, which the echo canceller is measured at.
    """
    global _early
    early, _early = _early, None
    if early is not None and not barge_in:
        return early
    if early is not None:
        early.discard()
    return PlayerOpening() if barge_in else PlayerOpening(reading=True)


def _discard_early() -> None:
    global _early
    early, _early = _early, None
    if early is not None:
        early.discard(wait=EXIT_WAIT)


EXIT_WAIT = 5.0
"""Seconds a command that never read (a usage error) waits at exit for a sound server slow to answer"""
