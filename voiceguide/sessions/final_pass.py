"""The final pass: a spoken entry transcribed again as a whole once the person has stopped.

The entry is saved at once with the text streamed while the person spoke;
its recording stays in the journal, marked as owing a final pass. The whole
recording is then transcribed in one pass (as ``reflect --from-file`` does),
and the final text replaces the streamed one, which stays in the entry's
history. Only then is the recording dropped, so a kill at any moment leaves
the streamed text and the next start finishes the pass
(``voiceguide.journal.recovery.finish_final_passes``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from voiceguide.collaborators import TranscriberLike
from voiceguide.errors import EntryNotFound
from voiceguide.journal.recovery import apply_final_text
from voiceguide.speech.transcriber import Transcript
from voiceguide.speech.vad import NO_FRAMES, RATE, Frames

if TYPE_CHECKING:
    from voiceguide.journal.store import Journal
    from voiceguide.speech.vad import Stretch
    from voiceguide.speech.windows import WindowedTranscription


class FinalPass:
    """One entry's final pass; ``run()`` here, or ``start()`` on a background thread and ``wait()``."""

    def __init__(
        self,
        journal: Journal,
        entry_id: int,
        recording_id: int,
        pcm: bytes,
        transcriber: TranscriberLike,
        closing_phrases: Sequence[str] = (),
        *,
        windows: WindowedTranscription | None = None,
        stretches: Sequence[Stretch] = (),
        frames: Frames = NO_FRAMES,
    ) -> None:
        self.journal, self.entry_id, self.recording_id = journal, entry_id, recording_id
        self.pcm = pcm
        self.transcriber = transcriber
        self.closing_phrases = tuple(closing_phrases)
        self.windows, self.stretches = windows, tuple(stretches)
        self.frames = frames.kept()
        """The pass already under way window by window while the entry was recorded, and the VAD's findings"""
        self.transcript: Transcript | None = None
        self.entry: Any | None = None
        """The entry after the pass (final text, or the streamed text when the pass heard nothing)"""
        self.error: BaseException | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def start(self) -> FinalPass:
        self._thread = threading.Thread(target=self.run, name="final-pass", daemon=True)
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> bool:
        """True once the pass has finished (or failed: see ``error``)."""
        if self._thread is None and not self.done:
            self.run()
        return self._done.wait(timeout)

    def run(self) -> Any | None:
        from voiceguide.sessions.reflect import strip_closing_phrase, whole_recording

        try:
            if self.windows is not None:
                whole = self.windows.finish(self.stretches, len(self.pcm) / 2 / RATE, self.frames)
            else:
                samples = np.frombuffer(self.pcm, dtype="<i2").astype(np.int16)
                whole = whole_recording(self.transcriber)(samples, RATE)
            transcript = strip_closing_phrase(whole, self.closing_phrases)
            self.transcript = transcript
            self.entry = apply_final_text(self.journal, self.entry_id, self.recording_id, transcript)
        except BaseException as error:  # the recording stays: the next start finishes the pass
            self.error = error
        finally:
            self._done.set()
        return self.entry

    def final_text(self, timeout: float | None = None) -> str | None:
        """The entry's text once the pass is done (None: the entry was deleted meanwhile)."""
        self.wait(timeout)
        try:
            text: str = self.journal.get(self.entry_id).text
            return text
        except EntryNotFound:
            return None


def finish_with_spinner(final: FinalPass, notify: Callable[[str], None]) -> Any | None:
    """Run an entry's final pass with a spinner; the entry after it, or None when it failed.

    Ctrl-C leaves the streamed text, says so, and goes on to the command
    line; the next start finishes the pass.
    """
    from rich.console import Console

    from voiceguide import messages

    final.start()
    console = Console(stderr=True)
    try:
        if not console.is_terminal:
            console.print(messages.REFLECT_FINISHING, highlight=False)
        with console.status(messages.REFLECT_FINISHING, spinner="dots"):
            while not final.wait(0.1):
                pass
    except KeyboardInterrupt:
        notify(messages.REFLECT_FINAL_LATER.format(id=final.entry_id))
        raise
    if final.error is not None:
        notify(messages.REFLECT_FINAL_FAILED.format(id=final.entry_id, error=final.error))
        return None
    return final.entry
