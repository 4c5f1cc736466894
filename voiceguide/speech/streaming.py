"""Transcribing while the person still talks, so the text is ready about a second after they stop.

Audio goes in as it is recorded. The VAD cuts it into stretches of speech;
each stretch that ends in a pause (>= 0.6 s) is handed to one background
thread and transcribed there, so only the last stretch is left when the
recording ends, however long the entry was. A stretch with no pause is cut
at a quiet frame before it reaches Whisper's 30-second window. If the
thread falls behind, it joins the pieces that queued up into one call.
With ``context``, each piece is transcribed with the text already heard as
Whisper's prompt, so names and sentences carry across the seams.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from voiceguide.speech.transcriber import Segment, Transcript, context_prompt
from voiceguide.speech.vad import RATE, Endpointer, VadEvent, VadSettings

PAD = 0.3
"""Seconds of audio kept either side of a stretch, so first and last sounds are not clipped"""
SOFT_PIECE = 8.0
"""Seconds after which a piece is cut at the next breath between sentences (>= 150 ms unvoiced)"""
MAX_PIECE = 20.0
"""Seconds of speech without a pause after which a piece is cut anyway"""
MERGE_LIMIT = 28.0
"""Queued pieces are joined into one call up to this many seconds (Whisper's window is 30)"""


@dataclass(frozen=True)
class Piece:
    """A transcribed piece of the recording; times in seconds from its start."""

    start: float
    end: float
    transcript: Transcript


class StreamingTranscription:
    """Feed 16 kHz int16 chunks; ``finish()`` returns the whole transcript.

    ``transcribe`` is any ``(samples, rate) -> Transcript``; it runs on one
    background thread, never on the caller's.
    """

    def __init__(
        self,
        transcribe: Callable[..., Transcript],
        *,
        vad: VadSettings | None = None,
        endpointer: Endpointer | None = None,
        engine: str = "whisper",
        model: str = "",
        context: bool = False,
    ) -> None:
        self._transcribe = transcribe
        self.context = context
        """Give each piece the text heard so far as a prompt (``transcribe(samples, rate, prompt)``)"""
        self.endpointer = endpointer or Endpointer(vad)
        self.engine, self.model = engine, model
        self._pcm = bytearray()
        self._lock = threading.Lock()
        self._committed = 0
        """Samples already handed to the background thread"""
        self._speech_since_commit = False
        self._jobs: queue.Queue[tuple[int, int] | None] = queue.Queue()
        self.pieces: list[Piece] = []
        self._error: BaseException | None = None
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._thread = threading.Thread(target=self._work, name="streaming-transcriber", daemon=True)
        self._thread.start()

    # -- input ------------------------------------------------------------
    @property
    def samples(self) -> int:
        return len(self._pcm) // 2

    @property
    def seconds(self) -> float:
        return self.samples / RATE

    @property
    def heard_speech(self) -> bool:
        return self.endpointer.heard_speech

    @property
    def open_since(self) -> float | None:
        """Where the stretch of speech still going started (seconds), or None in a pause."""
        return self.endpointer.stretch_start if self.endpointer.in_speech else None

    @property
    def ended(self) -> bool:
        """The VAD heard speech and then the set silence."""
        return self.endpointer.ended

    def pcm(self) -> bytes:
        """Everything recorded so far, as int16 little-endian bytes."""
        with self._lock:
            return bytes(self._pcm)

    def audio(self, start: int, end: int) -> np.ndarray:
        """Samples ``start`` to ``end`` of the recording so far (int16)."""
        with self._lock:
            raw = bytes(self._pcm[max(0, start) * 2 : max(0, end) * 2])
        return np.frombuffer(raw, dtype="<i2").astype(np.int16)

    def feed(self, samples: np.ndarray) -> list[VadEvent]:
        with self._lock:
            self._pcm += samples.astype("<i2", copy=False).tobytes()
        events = self.endpointer.feed(samples)
        for event in events:
            if event.kind == "start":
                self._speech_since_commit = True
            elif event.kind == "stretch":
                self._submit(self._index(event.time + PAD))
        if self.endpointer.in_speech:
            self._cut_long_stretch()
        return events

    def _index(self, seconds: float) -> int:
        return max(0, min(self.samples, round(seconds * RATE)))

    def _cut_long_stretch(self) -> None:
        now = self.endpointer.seconds
        start = self._committed / RATE
        if now - start < SOFT_PIECE:
            return
        cut = self.endpointer.quiet_gap_before(now, within=now - start - 1.0)
        if cut is None:
            if now - start < MAX_PIECE:
                return
            cut = self.endpointer.quiet_frame_before(now, within=3.0) or now
        self._submit(self._index(cut))
        self._speech_since_commit = True  # the stretch goes on past the cut

    def _submit(self, end: int) -> None:
        if end <= self._committed or not self._speech_since_commit:
            return
        stretches = self.endpointer.stretches
        start = self._committed
        # skip long silence before the speech: it costs time and can only add noise
        first = next((s.start for s in stretches if s.end * RATE > start), None)
        if first is not None:
            start = max(start, self._index(first - PAD))
        self._committed = end
        self._speech_since_commit = False
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._jobs.put((start, end))

    # -- the background thread ---------------------------------------------
    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            start, end = job
            # join what queued up meanwhile, while it fits one window
            taken = 1
            while True:
                try:
                    following = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    self._jobs.put(None)
                    break
                if (following[1] - start) / RATE > MERGE_LIMIT:
                    self._run(start, end, taken)
                    start, taken = following[0], 0
                end = following[1]
                taken += 1
            self._run(start, end, taken)

    def _run(self, start: int, end: int, taken: int) -> None:
        try:
            if self._error is None:
                with self._lock:
                    raw = bytes(self._pcm[start * 2 : end * 2])
                samples = np.frombuffer(raw, dtype="<i2").astype(np.int16)
                if self.context:
                    heard = " ".join(p.transcript.text for p in self.pieces if p.transcript.text)
                    result = self._transcribe(samples, RATE, context_prompt(heard))
                else:
                    result = self._transcribe(samples, RATE)
                self.pieces.append(Piece(start / RATE, end / RATE, result))
        except BaseException as error:  # handed to finish(), on the caller's thread
            self._error = error
        finally:
            with self._lock:
                self._pending -= taken
                if self._pending <= 0:
                    self._idle.set()

    # -- output -------------------------------------------------------------
    @property
    def latest_text(self) -> str:
        """The text of the most recently transcribed piece."""
        return self.pieces[-1].transcript.text if self.pieces else ""

    def wait_idle(self, timeout: float) -> bool:
        """Until every piece handed over so far is transcribed (False after ``timeout`` seconds)."""
        return self._idle.wait(timeout)

    @property
    def caught_up(self) -> bool:
        """Every stretch that ended has been transcribed and no speech came after it."""
        return self._idle.is_set() and not self.endpointer.in_speech and not self._speech_since_commit

    def finish(self, timeout: float | None = None) -> Transcript:
        """Close the last stretch, wait for the background thread, and join the pieces."""
        for event in self.endpointer.flush():
            if event.kind == "stretch":
                self._submit(self._index(event.time + PAD))
        if self._speech_since_commit:
            self._submit(self.samples)
        self._idle.wait(timeout)
        self.close()
        if self._error is not None:
            raise self._error
        return self.transcript()

    def transcript(self) -> Transcript:
        segments: list[Segment] = []
        texts: list[str] = []
        for piece in sorted(self.pieces, key=lambda p: p.start):
            t = piece.transcript
            if t.text.strip():
                texts.append(t.text.strip())
            segments.extend(
                replace(s, start=round(s.start + piece.start, 2), end=round(s.end + piece.start, 2)) for s in t.segments
            )
        first = self.pieces[0].transcript if self.pieces else None
        return Transcript(
            " ".join(texts),
            tuple(segments),
            engine=first.engine if first else self.engine,
            model=first.model if first else self.model,
            duration=self.seconds,
        )

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=0.1)

    def __enter__(self) -> StreamingTranscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
