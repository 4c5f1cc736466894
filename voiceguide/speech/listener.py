"""The command listener: hears one short utterance and turns it into a Command, or not.

The listener is half-duplex: it records only while nothing plays. It cuts
the utterance with the webrtcvad endpointer and acts early: after a short
pause it transcribes what it has in the background, and if that is already
a confident command it answers at once; otherwise it waits for the full
silence and transcribes the whole utterance.
"""

from __future__ import annotations

import concurrent.futures
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from voiceguide.collaborators import KeySource, RecorderLike, TranscriberLike, TranscriptLike
from voiceguide.speech.commands import (
    COMMAND_PROMPT,
    MIN_CONFIDENCE,
    Command,
    Heard,
    KeyPressed,
    Nothing,
    NotUnderstood,
    match,
)
from voiceguide.speech.rescue import ScoresPhrases, is_fragment, rescue

if TYPE_CHECKING:
    import numpy as np

    from voiceguide.speech.vad import VadSettings

ONSET_GRACE = 1.0
"""Seconds a listen may run past its timeout while a voice is starting (voiced frames the detector has not yet
called speech): barge-in listens a second at a time, and a word begun at the end of one was lost with it"""


@dataclass(frozen=True)
class ListenSettings:
    """How long the listener waits and how it decides an utterance ended, in seconds."""

    start_timeout: float = 8.0
    """No speech start within this long: Nothing('timeout')"""
    end_silence: float = 0.7
    """Silence after speech that ends the utterance"""
    early_silence: float = 0.25
    """Silence after which what was said is transcribed in the background, to act sooner"""
    max_speech: float = 4.0
    """Longest utterance; a command is a few words"""
    pad: float = 0.25
    """Audio kept before the speech start, so the first sound is not clipped"""


@dataclass(frozen=True)
class Decision:
    """What the listener decided, with timings for benchmarks and logs."""

    heard: Heard
    speech_end: float | None = None
    """Seconds into the stream where the VAD last heard speech"""
    decided_at: float | None = None
    """time.monotonic() when the decision was made"""
    early: bool = False
    """Decided on the early (background) transcript"""


class CommandListener:
    """Listens for one short utterance on ``recorder`` and turns it into a Command (or not)."""

    def __init__(
        self,
        recorder: RecorderLike | Callable[[], RecorderLike] | None,
        transcriber: TranscriberLike,
        *,
        settings: ListenSettings | None = None,
        vad: VadSettings | None = None,
        prompt: str | None = COMMAND_PROMPT,
        threshold: float = MIN_CONFIDENCE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.recorder = recorder
        self.transcriber = transcriber
        self.settings = settings or ListenSettings()
        self.vad = vad
        self.prompt = prompt
        self.threshold = threshold
        self.monotonic = monotonic
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="command")
        self.last: Decision | None = None
        self.on_speech: Callable[[], object] | None = None
        """Called once per utterance at its first voiced frame, before the voice detector calls it speech
        (barge-in ducks the guide)"""

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def load(self) -> None:
        """Load the model now (it takes a second), so the first command is quick."""
        load = getattr(self.transcriber, "load", None)
        if load is not None:
            load()
        is_fragment("back")  # wordfreq's import and word list, for the first rescue

    def transcribe(self, samples: np.ndarray) -> TranscriptLike:
        fast = getattr(self.transcriber, "transcribe_command", None)
        heard: TranscriptLike
        if fast is not None:
            heard = fast(samples, 16000, prompt=self.prompt)
        else:
            heard = self.transcriber.transcribe(samples, 16000)
        return heard

    def judge(self, transcript: TranscriptLike) -> Command | NotUnderstood | Nothing:
        if not transcript.text.strip():
            return Nothing("noise")
        heard = match(transcript.text, transcript.confidence, threshold=self.threshold)
        if isinstance(heard, NotUnderstood) and heard.reason == "unknown" and isinstance(transcript, ScoresPhrases):
            return rescue(transcript) or heard
        return heard

    def hear(self, samples: np.ndarray) -> Command | NotUnderstood | Nothing:
        """Transcribe and judge one utterance (in the background, for the early decision)."""
        return self.judge(self.transcribe(samples))

    def listen(self, keys: KeySource | None = None, timeout: float | None = None, prompt: str | None = None) -> Heard:
        """Record until one utterance ends (or the timeout, or a key); the recorder is closed after.

        ``prompt`` replaces the listener's own for this one utterance (MOOD_PROMPT at a check-in).
        """
        if prompt is not None:
            saved, self.prompt = self.prompt, prompt
            try:
                return self.listen(keys, timeout)
            finally:
                self.prompt = saved
        recorder = self.recorder() if callable(self.recorder) else self.recorder  # a class or factory: one per listen
        if recorder is None:
            raise ValueError("this listener has no recorder: use decide() on chunks")
        recorder.start()
        try:
            # a loaded machine can be slow to deliver the first chunk; a dead device still fails
            decision = self.decide(recorder.chunks(timeout=5.0), keys=keys, timeout=timeout)
        finally:
            recorder.stop()
        self.last = decision
        return decision.heard

    def decide(self, chunks: Iterable[Any], *, keys: KeySource | None = None, timeout: float | None = None) -> Decision:
        """The decision for a stream of recorder chunks (anything with ``samples`` and ``rate``)."""
        import numpy as np

        from voiceguide.speech.vad import FRAME_SECONDS, RATE, Endpointer, VadSettings

        s = self.settings
        vad = self.vad or VadSettings(pause=min(0.5, s.end_silence), silence=s.end_silence)
        endpointer = Endpointer(vad)
        parts: list[np.ndarray] = []
        total = 0
        limit = s.start_timeout if timeout is None else timeout
        early: tuple[int, concurrent.futures.Future[Command | NotUnderstood | Nothing]] | None = None
        """(voiced frames when submitted, the background transcription)"""
        started = False

        def last_voiced() -> int:
            voiced = endpointer.voiced
            i = len(voiced)
            while i > 0 and not voiced[i - 1]:
                i -= 1
            return i

        def utterance() -> np.ndarray:
            first = endpointer.stretches[0].start if endpointer.stretches else None
            if first is None:
                starts = [i for i, v in enumerate(endpointer.voiced) if v]
                first = starts[0] * FRAME_SECONDS if starts else 0.0
            audio = np.concatenate(parts) if parts else np.zeros(0, np.int16)
            begin = max(0, int((first - s.pad) * RATE))
            return audio[begin:]

        def finish(heard: Heard, is_early: bool = False) -> Decision:
            return Decision(heard, last_voiced() * FRAME_SECONDS, self.monotonic(), is_early)

        for chunk in chunks:
            samples = chunk.samples
            if chunk.rate != RATE:
                from voiceguide.audio.clip import Clip

                samples = Clip(samples, chunk.rate).resampled(RATE).samples
            parts.append(samples)
            total += len(samples)
            endpointer.feed(samples)
            if keys is not None:
                key = keys.poll()
                if key is not None:
                    return Decision(KeyPressed(key), None, self.monotonic())
            if not started and endpointer.starting and self.on_speech is not None:
                started = True  # the first voiced frame: barge-in ducks the guide before the word is over
                self.on_speech()
            if not endpointer.heard_speech:
                # a voice that began just before the time was up is given the time to be heard whole
                if total / RATE >= limit and not (endpointer.starting and total / RATE < limit + ONSET_GRACE):
                    return finish(Nothing("timeout"))
                continue
            if not started:
                started = True
                if self.on_speech is not None:
                    self.on_speech()
            voiced_frames = last_voiced()
            quiet = (len(endpointer.voiced) - voiced_frames) * FRAME_SECONDS
            first = endpointer.stretches[0].start if endpointer.stretches else None
            spoken = voiced_frames * FRAME_SECONDS - (first if first is not None else 0.0)
            if early is not None and early[0] != voiced_frames:
                early = None  # they went on talking: that transcript is stale
            if early is not None and early[1].done():
                heard = early[1].result()
                if isinstance(heard, Command):
                    return finish(heard, True)
            if quiet >= s.end_silence or spoken >= s.max_speech:
                if early is not None:  # the same speech: its decision is the whole utterance's
                    return finish(early[1].result(), True)
                return finish(self.hear(utterance()))
            if early is None and quiet >= s.early_silence:
                early = (voiced_frames, self._pool.submit(self.hear, utterance()))
        if endpointer.heard_speech:
            return finish(self.hear(utterance()))
        return finish(Nothing("timeout"))
