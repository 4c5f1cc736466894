"""Barge-in: voice commands heard while the guide is reading, delivered as reading keys.

A background thread keeps listening for one short utterance after another;
a recognised command becomes the key the reading session already
understands, so voice and keys share one code path. On speakers the
microphone hears the guide too: ``speaker_barge_in`` listens through the
echo canceller (``audio.echo``), which takes what the Player plays out of
what the microphone hears. The first sound of a voice ducks the guide, so
the rest of the command is heard over a quieter echo.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from voiceguide.collaborators import KeySource
from voiceguide.speech.listener import ListenSettings

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

BARGE_IN_LISTEN = ListenSettings(end_silence=0.5, early_silence=0.2)
"""A command over the reading is cut sooner than at the listening sound: the guide is still talking"""

FIRST_SOUND_WAIT = 2.0
"""Seconds the listening thread waits for the reading's first sound before it opens the microphone"""

ERLE_SAFE = 25.0
"""dB the canceller must have been taking off the guide's voice, before a voice began, for its command to count"""
ECHO_UNHEARD = -60.0
"""dBFS: a microphone hearing less of the speakers than this hears no echo to mistake (headphones)"""

DUCK_GAIN = 0.05
"""The guide's volume while someone speaks over it (-26 dB), from their first voiced 30 ms: the echo drops
with it, and the echo canceller's suppressor, which thins a voice over a loud echo, lets the rest of the word
through. At a quarter (-12 dB), ducked only once the detector called it speech (180 ms in), 8 of 15 commands
said over the reading were acted on at 0 dB speech-to-echo on the rig; now 27 of 35."""


class VoiceKeys:
    """A key source: terminal keys first, then keys from spoken commands."""

    def __init__(
        self,
        listener: CommandListener,
        keys: KeySource | None = None,
        window: float = 1.0,
        on_heard: Callable[[Command], object] | None = None,
        player: Any = None,
        prepare: Callable[[], bool] | None = None,
    ) -> None:
        self.listener = listener
        self.keys = keys
        self.window = window
        self.on_heard = on_heard
        self.player = player
        """A Player to duck while someone speaks, or None"""
        self.prepare = prepare
        """Run first in the listening thread (opening the microphone); False ends listening"""
        self.safe: Callable[[], bool] | None = None
        """Asked at the first sound of a voice: may a command heard now be acted on?"""
        self._safe_now = True
        self._volume: float | None = None
        self._restore_on_poll = False
        self._queue: queue.Queue[str] = queue.Queue()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def __enter__(self) -> VoiceKeys:
        if self.player is not None:
            self.listener.on_speech = self._duck
        self._thread = threading.Thread(target=self._listen, name="barge-in", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(self.window + 6)
        self.listener.on_speech = None
        self._unduck()

    def _duck(self) -> None:
        self._safe_now = self.safe() if self.safe is not None else True
        if not self._safe_now:
            return  # what is heard now would not be acted on (the canceller is still finding the room)
        if self.player is not None and self._volume is None:
            self._volume = self.player.volume
            self.player.volume = self._volume * DUCK_GAIN

    def _unduck(self) -> None:
        if self.player is not None and self._volume is not None:
            self.player.volume, self._volume = self._volume, None

    def _listen(self) -> None:
        from voiceguide.speech.commands import Command

        try:
            if self.prepare is not None and not self.prepare():
                return
        except Exception as exc:  # a microphone or model that will not open ends barge-in, never the reading
            self.error = exc
            return

        while not self._stop.is_set():
            try:
                heard = self.listener.listen(keys=None, timeout=self.window)
            except Exception as exc:  # a lost microphone ends barge-in, never the reading
                self.error = exc
                return
            if self._stop.is_set():
                return
            if isinstance(heard, Command) and heard.name in COMMAND_KEYS and self._safe_now:
                self._queue.put(COMMAND_KEYS[heard.name])
                if self.on_heard is not None:
                    self.on_heard(heard)
            else:
                self._unduck()  # not a command: the guide goes on at its own volume

    def poll(self, timeout: float = 0.0) -> str | None:
        if self._restore_on_poll:  # the session acted on the last command (it stopped or paused the player)
            self._restore_on_poll = False
            self._unduck()
        if self.keys is not None:
            key = self.keys.poll()
            if key is not None:
                return key
        try:
            key = self._queue.get_nowait()
        except queue.Empty:
            return None
        self._restore_on_poll = True
        return key


@contextlib.contextmanager
def speaker_barge_in(
    player: Any, transcriber: Any, keys: KeySource | None, notify: Callable[[str], object] | None = None
) -> Iterator[KeySource]:
    """Keys with echo-cancelled voice commands while the guide reads.

    The canceller, the microphone and the model open in the listening thread
    once the first sentence plays, so the reading starts as fast as without
    them. Where the canceller cannot run, ``notify`` hears why and only the
    keys work, as before.
    """
    from voiceguide.speech.listener import CommandListener

    opened: list[Any] = []

    def open_mic() -> bool:
        from voiceguide.audio.echo import EchoCancelledMic
        from voiceguide.errors import VoiceguideError

        deadline = time.monotonic() + FIRST_SOUND_WAIT
        while not player.busy and time.monotonic() < deadline:
            time.sleep(0.02)
        try:
            mic = EchoCancelledMic(player)
            mic.__enter__()
        except VoiceguideError as exc:
            if notify is not None:
                notify(str(exc))
            return False
        opened.append(mic)
        listener.load()
        voice.safe = lambda: mic.canceller.holding(ERLE_SAFE, ECHO_UNHEARD)
        return True

    listener = CommandListener(lambda: opened[0].recorder(), transcriber, settings=BARGE_IN_LISTEN)
    voice = VoiceKeys(listener, keys, player=player, prepare=open_mic)
    try:
        with voice:
            yield voice
    finally:
        for mic in opened:
            mic.__exit__(None, None, None)
        listener.close()
