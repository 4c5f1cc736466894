"""Barge-in: voice commands heard while the guide is reading, delivered as reading keys.

Only for headphones (``--barge-in``): with speakers the microphone would hear
the guide itself. A background thread keeps listening for one short
utterance after another; a recognised command becomes the key the reading
session already understands, so voice and keys share one code path.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from voiceguide.collaborators import KeySource

if TYPE_CHECKING:
    from voiceguide.speech.commands import Command
    from voiceguide.speech.listener import CommandListener

COMMAND_KEYS: dict[str, str] = {
    "next": "n",
    "skip": "n",
    "back": "p",
    "repeat": "r",
    "pause": " ",
    "resume": " ",
    "slower": "-",
    "faster": "+",
    "stop": "q",
}
"""Commands that steer a reading, and the key each one stands for"""


class VoiceKeys:
    """A key source: terminal keys first, then keys from spoken commands."""

    def __init__(
        self,
        listener: CommandListener,
        keys: KeySource | None = None,
        window: float = 1.0,
        on_heard: Callable[[Command], object] | None = None,
    ) -> None:
        self.listener = listener
        self.keys = keys
        self.window = window
        self.on_heard = on_heard
        self._queue: queue.Queue[str] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def __enter__(self) -> VoiceKeys:
        self._thread = threading.Thread(target=self._listen, name="barge-in", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.window + 6)

    def _listen(self) -> None:
        from voiceguide.speech.commands import Command

        while not self._stop.is_set():
            try:
                heard = self.listener.listen(keys=None, timeout=self.window)
            except Exception as exc:  # a lost microphone ends barge-in, never the reading
                self.error = exc
                return
            if self._stop.is_set():
                return
            if isinstance(heard, Command) and heard.name in COMMAND_KEYS:
                self._queue.put(COMMAND_KEYS[heard.name])
                if self.on_heard is not None:
                    self.on_heard(heard)

    def poll(self, timeout: float = 0.0) -> str | None:
        if self.keys is not None:
            key = self.keys.poll()
            if key is not None:
                return key
        try:
            return self._queue.get_nowait()
        except queue.Empty:
            return None
