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
    """``Player(settings)`` started at once in a thread; ``player()`` waits for it (or raises its error)."""

    def __init__(self, settings: AudioSettings | None = None) -> None:
        self._settings = settings
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

            self._player = Player(self._settings)
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

    def discard(self) -> None:
        """Close a Player nobody took: something failed before the first sound."""
        if self._taken:
            return
        self._thread.join()
        if self._player is not None:
            self._player.close()
            self._player = None
