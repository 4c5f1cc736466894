"""A whole recording read as Whisper reads it: ~30 s windows in turn, each with the text before as its prompt.

The final pass over an entry runs while the person is still talking: each
window is cut at a pause between stretches of speech as soon as it is
complete and transcribed in the background, so when the recording ends only
its last window is left. ``plan_windows`` decides the cuts from the VAD's
stretches alone, and never changes a cut once it could be made, so the
windows cut live are the windows cut later over the whole recording (the
next start's recovery reads an entry exactly as the live pass did).

Each window also bounds the memory a pass needs: Whisper's features, the
encoder's input and the VAD see at most WINDOW seconds at a time, whatever
the length of the entry.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from voiceguide.speech.transcriber import Segment, Transcript, context_prompt
from voiceguide.speech.vad import FRAME_SECONDS, NO_FRAMES, RATE, Endpointer, Frames, Stretch, VadSettings

WINDOW = 28.0
"""Longest window in seconds (Whisper's own is 30; the rest is room for the pads)"""
TARGET = 20.0
"""A window closes at the first pause after this many seconds of it"""
MARGIN = 0.3
"""Seconds kept before a window's first speech and after its last"""
QUIET_AFTER = 10.0
"""Speech the VAD hears no pause in (under steady noise) is cut at its quietest moment this many seconds
or more into the window, not at WINDOW: a cut through a word made Whisper base drop 7-15 s of the
words around it in pink noise at 7 dB"""
QUIET_SPAN = 0.3
"""Seconds of that quietest moment (a pause between sentences under the noise)"""
TAIL_LEFT = 2.0
"""Seconds of a window after its last segment that are read again when they hold speech: Whisper
sometimes ends a window early, and in noise base dropped the last 5 s of a 14 s window"""
TAIL_SPEECH = 1.0
"""Seconds of speech (our VAD, on those samples alone) that make such a tail worth reading"""
TAIL_BACK = 0.2
"""Seconds before the last segment's end where the tail starts, so no word at the seam is halved"""


@dataclass(frozen=True)
class Window:
    """Seconds from the start of the recording."""

    start: float
    end: float


def _quiet_gap(voiced: Sequence[bool], start: float, limit: float, frames: int = 5) -> float | None:
    """The middle of the latest run of ``frames`` unvoiced frames in (start + 1 s, limit], or None."""
    last = min(len(voiced), int(limit / FRAME_SECONDS))
    first = max(0, int((start + 1.0) / FRAME_SECONDS))
    run = 0
    for i in range(last - 1, first - 1, -1):
        if voiced[i]:
            run = 0
            continue
        run += 1
        if run >= frames:
            return (i + frames / 2) * FRAME_SECONDS
    return None


def _quietest(levels: Sequence[float], start: float, limit: float) -> float | None:
    """The middle of the quietest QUIET_SPAN in (start + QUIET_AFTER, limit] by the frames' ``levels``, or None."""
    span = round(QUIET_SPAN / FRAME_SECONDS)
    first = int((start + QUIET_AFTER) / FRAME_SECONDS)
    last = min(len(levels), int(limit / FRAME_SECONDS))
    if last - first < span:
        return None
    energy = np.convolve(np.asarray(levels[first:last], dtype=np.float64), np.ones(span), mode="valid")
    return (first + int(np.argmin(energy)) + span / 2) * FRAME_SECONDS


def plan_windows(
    stretches: Sequence[Stretch],
    now: float,
    *,
    pause: float,
    final: bool,
    frames: Frames = NO_FRAMES,
    open_since: float | None = None,
) -> list[Window]:
    """The windows that can be cut from ``stretches`` (closed ones) heard up to ``now`` seconds.

    A window starts just before its first speech and ends just after the
    first stretch that takes it past TARGET seconds, if that stretch ends
    within WINDOW; otherwise after the last stretch that fits, or, when
    speech filled it without a pause, at the latest breath (the VAD's
    ``frames``), else at its quietest moment (their levels), or else at
    WINDOW. A cut is made only once no later stretch could change it: a
    stretch still open at ``now`` ends no earlier than ``now - pause``. With
    ``final`` (the recording ended), the rest is the last window.

    ``open_since`` is the start of a stretch still open at ``now``: a
    stretch with no pause long enough to end it is cut as soon as it has
    run past a window, not when it ends.
    """
    still_open = open_since is not None and not final
    if still_open:  # its end is a lower bound: it decides a cut only once that is past the limit
        stretches = [*stretches, Stretch(open_since or 0.0, max(open_since or 0.0, now - pause))]
    windows: list[Window] = []
    previous = 0.0
    i = 0
    while i < len(stretches):
        if stretches[i].end <= previous:
            i += 1
            continue
        start = max(previous, stretches[i].start - MARGIN)
        limit = start + WINDOW
        fit: float | None = None
        cut: float | None = None
        j = i
        while j < len(stretches):
            end = stretches[j].end + MARGIN
            if end > limit:
                if fit is None:
                    fit = _quiet_gap(frames.voiced, start, limit) or _quietest(frames.levels, start, limit) or limit
                cut = fit
                break
            if still_open and j == len(stretches) - 1:
                break
            fit = end
            j += 1
            if end - start >= TARGET:
                cut = end
                break
        if cut is None:
            # every closed stretch from i fits; one still open (or to come) ends after now - pause
            if fit is None or not (final or now - pause + MARGIN > limit):
                break
            cut = fit
        windows.append(Window(start, cut))
        previous = cut
        while i < len(stretches) and stretches[i].end <= cut:
            i += 1
    return windows


class WindowedTranscription:
    """The final pass, window by window on one background thread, as the windows become complete.

    ``audio(start, end)`` gives the recording's int16 samples in that range;
    ``transcribe(samples, rate, prompt)`` reads one window. Call
    ``update`` with the VAD's closed stretches as the recording grows, and
    ``finish`` once it has ended.
    """

    def __init__(
        self,
        transcribe: Callable[[np.ndarray, int, str | None], Transcript],
        audio: Callable[[int, int], np.ndarray],
        *,
        pause: float = VadSettings().pause,
        engine: str = "whisper",
        model: str = "",
        first: Callable[[], object] | None = None,
    ) -> None:
        self._transcribe, self._audio = transcribe, audio
        self._first = first
        """Called before each window: waits while the streamed pieces have work, which goes first"""
        self.pause = pause
        self.engine, self.model = engine, model
        self.windows: list[Window] = []
        self.results: list[Transcript] = []
        self._jobs: queue.Queue[Window | None] = queue.Queue()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="final-pass-windows", daemon=True)
        self._thread.start()

    def update(
        self,
        stretches: Sequence[Stretch],
        now: float,
        frames: Frames = NO_FRAMES,
        open_since: float | None = None,
        *,
        final: bool = False,
    ) -> None:
        """Hand every window that became complete to the background thread."""
        planned = plan_windows(stretches, now, pause=self.pause, final=final, frames=frames, open_since=open_since)
        for window in planned[len(self.windows) :]:
            self.windows.append(window)
            self._jobs.put(window)

    def finish(
        self,
        stretches: Sequence[Stretch],
        seconds: float,
        frames: Frames = NO_FRAMES,
        timeout: float | None = None,
    ) -> Transcript:
        """The last window read too, and the whole text (the windows' texts in order)."""
        self.update(stretches, seconds, frames, final=True)
        self._jobs.put(None)
        self._thread.join(timeout)
        if self._error is not None:
            raise self._error
        if self._thread.is_alive():
            raise TimeoutError("the final pass did not finish in time")
        return self.transcript(seconds)

    def close(self) -> None:
        """Stop after the window being read (the recording is kept for the next start)."""
        self._error = self._error or InterruptedError("closed")
        self._jobs.put(None)

    def transcript(self, seconds: float) -> Transcript:
        segments: list[Segment] = []
        for window, result in zip(self.windows, self.results, strict=False):
            segments.extend(
                replace(s, start=round(s.start + window.start, 2), end=round(s.end + window.start, 2))
                for s in result.segments
            )
        text = " ".join(r.text.strip() for r in self.results if r.text.strip())
        return Transcript(text, tuple(segments), self.engine, self.model, seconds)

    def _work(self) -> None:
        while True:
            window = self._jobs.get()
            if window is None or self._error is not None:
                return
            try:
                if self._first is not None:
                    self._first()
                heard = " ".join(r.text for r in self.results if r.text)
                samples = self._audio(round(window.start * RATE), round(window.end * RATE))
                self.results.append(read_to_the_end(self._transcribe, samples, heard))
            except BaseException as error:  # handed to finish(), on the caller's thread
                self._error = error
                return


def read_to_the_end(
    transcribe: Callable[[np.ndarray, int, str | None], Transcript], samples: np.ndarray, heard: str
) -> Transcript:
    """One window's text, with ``heard`` (the text before it) as the prompt, read to its end.

    When the last segment ends TAIL_LEFT seconds or more before the window
    does and what follows holds speech, the rest is read again with all the
    text so far as its prompt (at most twice), and words it repeats at the
    seam are left out. The decision uses only the window's own samples, so
    live and file passes read alike.
    """
    from voiceguide.speech.vad import speech_stretches

    result = transcribe(samples, RATE, context_prompt(heard))
    length = len(samples) / RATE
    for _ in range(2):
        if not result.segments or length - result.segments[-1].end < TAIL_LEFT:
            break
        offset = max(0.0, result.segments[-1].end - TAIL_BACK)
        tail = samples[round(offset * RATE) :]
        if sum(s.end - s.start for s in speech_stretches(tail)) < TAIL_SPEECH:
            break
        more = transcribe(tail, RATE, context_prompt(f"{heard} {result.text}".strip()))
        added = _after_the_seam(result.text, more.segments, offset)
        if not added or added[-1].end <= result.segments[-1].end:
            break
        text = " ".join([result.text, *(s.text for s in added)]).strip()
        result = replace(result, text=text, segments=result.segments + tuple(added))
    return result


def _after_the_seam(before: str, segments: Sequence[Segment], offset: float) -> list[Segment]:
    """``segments`` of a tail read from ``offset`` s, in the window's time, without the words that
    repeat the end of ``before`` (the seam is read twice)."""
    from voiceguide.speech.commands import normalise

    def norm(words: list[str]) -> list[str]:
        return [normalise(w) for w in words]

    ending = norm(before.split())
    out: list[Segment] = []
    for i, seg in enumerate(segments):
        words = seg.text.split()
        if i == 0:
            head = norm(words)
            k = next((k for k in range(min(8, len(ending), len(head)), 0, -1) if ending[-k:] == head[:k]), 0)
            words = words[k:]
        if words:
            out.append(replace(seg, start=seg.start + offset, end=seg.end + offset, text=" ".join(words)))
    return out


def transcribe_windows(
    samples: np.ndarray,
    transcribe: Callable[[np.ndarray, int, str | None], Transcript],
    *,
    engine: str = "whisper",
    model: str = "",
) -> Transcript:
    """A whole 16 kHz int16 recording, window by window (--from-file, recovery): the live pass's windows."""
    endpointer = Endpointer(VadSettings())
    endpointer.feed(samples)
    endpointer.flush()
    stretches = endpointer.stretches
    seconds = len(samples) / RATE
    if not stretches:
        return Transcript("", (), engine, model, seconds)
    passes = WindowedTranscription(
        transcribe, lambda a, b: samples[a:b], pause=VadSettings().pause, engine=engine, model=model
    )
    return passes.finish(stretches, seconds, endpointer.frames)
