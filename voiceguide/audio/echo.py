"""Echo cancellation: take what the Player plays out of what the microphone hears.

The Player hands every buffer it gives the device to an ``EchoReference``
(``Player.tap``), stamped with the monotonic time its first frame reaches the
device. For each 10 ms of microphone audio captured at time ``t`` the
canceller feeds the reference played at ``t`` to WebRTC's echo canceller
(AEC3, in the ``livekit`` wheel) as the far end, then the microphone frame as
the near end; AEC3 finds the room's delay (the echo comes later than the
reference) and subtracts its estimate of the echo. Everything runs in this
process, so nothing in the person's sound settings changes and nothing is
left behind after a crash.

``EchoCancelledMic`` keeps one recording stream open for a whole reading and
hands out short-lived recorders for each utterance the listener waits for,
so the canceller stays converged between utterances.
"""

from __future__ import annotations

import collections
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from voiceguide import messages
from voiceguide.audio.recorder import Chunk, Recorder
from voiceguide.errors import DeviceUnavailable, EngineMissing

RATE = 16000
"""The canceller works at the recorder's rate"""
FRAME = RATE // 100
"""Samples in one 10 ms frame, the only size WebRTC's audio processing takes"""
HISTORY_SECONDS = 3.0
"""Reference kept for frames the microphone has not delivered yet"""
RECENT_FRAMES = 360
"""Frames (3.6 s) over which the canceller's present state is judged (the last 0.6 s left out)"""
PLAYED_DBFS = -50.0
"""A frame the player sent out louder than this carries the guide's voice"""
PLAYED_POWER = (32768 * 10 ** (PLAYED_DBFS / 20)) ** 2
"""PLAYED_DBFS as the mean energy of one sample (int16 scale)"""
ONSET_FRAMES = 60
"""The last frames (0.6 s: the voice detector's start window and a chunk) are left out of the judgement:
they hold the start of the voice being judged, which the canceller rightly leaves in"""
CONVERGE_FRAMES = 150
"""Frames of the guide's voice (1.5 s) AEC3 needs to find the room's delay and echo"""
MIN_PLAYED_FRAMES = 50
"""Frames of the guide's voice (half a second) below which the canceller's state is not judged"""
ECHO_SPAN = 0.25
"""Seconds from a sound played to its echo at the microphone, at most (delay searched for the decision below)"""
ECHO_LIKENESS = 0.2
"""Correlation between what was played and what the microphone heard, above which the speakers are heard
(medians measured on simulated rooms: 0.41-0.5 in reverberant ones, 0.22 with the echo 10 dB under pink
room noise, 0.9-1 on the rig; 0-0.13 with headphones, in quiet or pink room noise)"""
DECIDE_CHUNKS = 10
"""Chunks heard while the guide sounds (about a second) before deciding whether the speakers are heard;
the decision then weighs the last twice as many"""
DRIFT_TOLERANCE = 0.02
"""Seconds a device's timestamps may stray from its samples' own count before the count is corrected.
The timestamps jitter: a loaded machine moves them by 3 to 10 ms, for a buffer or for several seconds, while
the device plays and records on without a break. Each move of the reference against the microphone costs
AEC3 one to three seconds of the echo coming back (10-20 dB instead of 50-70 dB), measured on the rig: the
count is kept, and AEC3's own delay estimator follows what is left."""
DRIFT_PATIENCE = 0.5
"""Seconds of audio in a row the timestamps must stray by more than DRIFT_TOLERANCE for a correction: a
clock that drifts, or a gap the device did not report, stays away and is corrected once"""
RESTART_GAP = 1.0
"""Seconds between blocks beyond which the stream was stopped and restarted: a new stretch"""


class Timeline:
    """When each block of a stream was played or captured: its samples' own count since the stretch began.

    A device's timestamps only move the count when the device reports a
    break (``broke``: a player that ran dry and played silence, a recorder
    that overflowed and lost audio) or when they stay away
    from it for DRIFT_PATIENCE.
    """

    def __init__(self) -> None:
        self.expected: float | None = None
        """Where the next block starts on the count"""
        self.strayed = 0.0
        """Seconds of audio in a row whose timestamps strayed from the count"""

    def place(self, stamp: float, seconds: float, broke: bool = False) -> tuple[float, float | None]:
        """(start, shift) of a block ``seconds`` long the device stamped ``stamp``: ``shift`` is how far the
        count moved to follow the device (0 when it did not), None for a new stretch. A break lost or
        skipped audio: the stamp is followed at once."""
        gap = stamp - self.expected if self.expected is not None else math.inf
        shift: float | None
        if not -RESTART_GAP < gap < RESTART_GAP:
            start, shift, self.strayed = stamp, None, 0.0
        else:
            self.strayed = self.strayed + seconds if abs(gap) > DRIFT_TOLERANCE else 0.0
            if (broke and gap > 0) or self.strayed >= DRIFT_PATIENCE:
                start, shift, self.strayed = stamp, gap, 0.0
            else:
                start, shift = self.expected, 0.0  # type: ignore[assignment]
        self.expected = start + seconds
        return start, shift


class EchoReference:
    """What the Player handed to the device, resampled to 16 kHz, addressable by monotonic time.

    ``feed`` runs in the audio callback: it only queues a copy. The consumer
    resamples and keeps a few seconds, so ``take(t, n)`` returns the samples
    that were played from time ``t`` on (zeros where nothing is known).
    """

    def __init__(self, rate_in: int) -> None:
        self.rate_in = rate_in
        self._pending: collections.deque[tuple[float, bool, np.ndarray]] = collections.deque()
        self._buffer = np.zeros(0, dtype=np.float32)
        self._origin: float | None = None
        """Monotonic time of self._buffer[0]"""
        self._timeline = Timeline()
        self._resampler: Any = None
        self._lock = threading.Lock()

    def feed(self, samples: np.ndarray, start: float, underflow: bool = False) -> None:
        """One buffer as it goes to the device; ``start`` is when its first frame is heard; ``underflow``: the
        device ran dry before it (it played silence the reference must hold too)."""
        self._pending.append((start, underflow, samples.copy()))

    def _absorb(self) -> None:
        """Append the pending buffers on the played samples' own count.

        A device plays its buffers back to back: the timeline is the count of
        samples, and a buffer's timestamp only corrects it when the device
        reports running dry (the silence it played goes into the reference,
        or the echo is no longer where AEC3 looks) or when the timestamps
        stay away from the count (Timeline).
        """
        import soxr

        while self._pending:
            stamp, underflow, block = self._pending.popleft()
            start, shift = self._timeline.place(stamp, len(block) / self.rate_in, broke=underflow)
            if shift is None or self._resampler is None:
                # the first block, or the stream was restarted: a new stretch
                self._resampler = soxr.ResampleStream(self.rate_in, RATE, 1, dtype="float32")
                self._buffer = np.zeros(0, dtype=np.float32)
                self._origin = start
            elif shift:
                self._shift(shift)
            out = self._resampler.resample_chunk(block.astype(np.float32))
            self._buffer = np.concatenate([self._buffer, out.astype(np.float32)])
        keep = int(HISTORY_SECONDS * RATE)
        if self._origin is not None and len(self._buffer) > keep:
            drop = len(self._buffer) - keep
            self._buffer = self._buffer[drop:]
            self._origin += drop / RATE

    def _shift(self, gap: float) -> None:
        """Move what comes next ``gap`` seconds later (silence in between) or earlier (the latest samples dropped)."""
        import soxr

        held = self._resampler.resample_chunk(np.zeros(0, np.float32), last=True)
        self._resampler = soxr.ResampleStream(self.rate_in, RATE, 1, dtype="float32")
        samples = round(gap * RATE)
        if samples >= 0:
            self._buffer = np.concatenate([self._buffer, held.astype(np.float32), np.zeros(samples, np.float32)])
        else:
            self._buffer = np.concatenate([self._buffer, held.astype(np.float32)])[
                : max(0, len(self._buffer) + len(held) + samples)
            ]

    def take(self, t: float, n: int) -> np.ndarray:
        """``n`` samples (float32, int16 scale) played from monotonic time ``t`` on."""
        with self._lock:
            self._absorb()
            out = np.zeros(n, dtype=np.float32)
            if self._origin is None:
                return out
            first = round((t - self._origin) * RATE)
            lo, hi = max(first, 0), min(first + n, len(self._buffer))
            if hi > lo:
                out[lo - first : hi - first] = self._buffer[lo:hi]
            return out


def load_apm() -> Any:
    """WebRTC's audio processing with the echo canceller on; EngineMissing when the wheel is absent."""
    try:
        from livekit.rtc import AudioProcessingModule
    except ImportError:
        raise EngineMissing(messages.ECHO_CANCELLER_MISSING) from None
    return AudioProcessingModule(echo_cancellation=True, high_pass_filter=True)


def _frame(samples: np.ndarray) -> Any:
    from livekit.rtc import AudioFrame

    data = bytearray(np.clip(samples, -32768, 32767).astype("<i2").tobytes())
    return AudioFrame(data, RATE, 1, FRAME)


class EchoCanceller:
    """Cleans microphone chunks against an EchoReference, 10 ms at a time."""

    def __init__(self, reference: EchoReference) -> None:
        self.reference = reference
        self._apm = load_apm()
        self._carry = np.zeros(0, dtype=np.int16)
        self._carry_time = 0.0
        self._captured = Timeline()
        self.heard_energy = 0.0
        """Sum of squares of what the microphone heard (for ERLE)"""
        self.left_energy = 0.0
        """Sum of squares of what was left after cancelling"""
        self.played_frames = 0
        """Frames of the guide's voice the canceller has seen"""
        self.recent: collections.deque[tuple[float, float, float]] = collections.deque(maxlen=RECENT_FRAMES)
        """(played, heard, left) energy of each of the last frames, for the canceller's state just now"""
        self.likeness: collections.deque[float] = collections.deque(maxlen=2 * DECIDE_CHUNKS)
        """How much each of the last chunks heard while the guide sounded was like what it played (0 to 1)"""
        self.speakers_heard: bool | None = None
        """Does the microphone hear the speakers? None until DECIDE_CHUNKS chunks tell"""

    def process(self, samples: np.ndarray, when: float, broke: bool = False) -> np.ndarray:
        """The cleaned samples (int16); ``when`` is the monotonic capture time of samples[0]; ``broke``: the
        device lost audio before them.

        A remainder shorter than 10 ms waits for the next chunk, so the output
        can lag the input by up to 10 ms. The capture times are the chunks' own
        count (Timeline): the device's stamps jitter as the player's do.
        """
        when, _ = self._captured.place(when, len(samples) / RATE, broke=broke)
        if len(self._carry):
            when = self._carry_time
            samples = np.concatenate([self._carry, samples.astype(np.int16)])
        frames = len(samples) // FRAME
        out = np.empty(frames * FRAME, dtype=np.int16)
        for i in range(frames):
            near = samples[i * FRAME : (i + 1) * FRAME]
            played = self.reference.take(when + i * FRAME / RATE, FRAME)
            far = _frame(played)
            self._apm.process_reverse_stream(far)
            self._apm.set_stream_delay_ms(0)
            frame = _frame(near)
            self._apm.process_stream(frame)
            cleaned = np.frombuffer(bytes(frame.data), dtype="<i2")
            out[i * FRAME : (i + 1) * FRAME] = cleaned
            heard = float(np.dot(near.astype(np.float64), near.astype(np.float64)))
            left = float(np.dot(cleaned.astype(np.float64), cleaned.astype(np.float64)))
            self.heard_energy += heard
            self.left_energy += left
            energy = float(np.dot(played, played))
            self.recent.append((energy, heard, left))
            if energy > FRAME * PLAYED_POWER:
                self.played_frames += 1
        self._carry = samples[frames * FRAME :].astype(np.int16)
        self._carry_time = when + frames * FRAME / RATE
        whole = samples[: frames * FRAME].astype(np.int16)
        self._judge_speakers(whole, when)
        if self.speakers_heard is False:
            return whole  # headphones: the canceller's suppressor would only cut into a voice over the reading
        return out

    def _judge_speakers(self, heard: np.ndarray, when: float) -> None:
        """Decide, from the chunks heard while the guide sounds, whether its echo reaches the microphone.

        A voice from the speakers comes back as a delayed, filtered copy of
        what was played: correlated at some delay under ECHO_SPAN in nearly
        every chunk. A microphone that hears only the room and the person
        (headphones) stays unlike it, but for a chunk of the person's voice
        now and then, which chance makes as like it as 0.4: the decision is
        the median of the last two seconds, made afresh with each chunk.
        """
        if len(heard) < FRAME:
            return
        span = round(ECHO_SPAN * RATE)
        played = self.reference.take(when - ECHO_SPAN, span + len(heard)).astype(np.float64)
        if float(np.dot(played, played)) < len(played) * PLAYED_POWER:
            return  # the guide was silent: nothing to hear of it
        near = heard.astype(np.float64)
        size = 1 << int(np.ceil(np.log2(len(played) + len(near))))
        corr = np.fft.irfft(np.fft.rfft(played, size) * np.conj(np.fft.rfft(near, size)), size)[: span + 1]
        window = np.concatenate([[0.0], np.cumsum(played**2)])
        energies = window[len(near) : len(near) + span + 1] - window[: span + 1]
        norm = np.sqrt(np.maximum(energies, 1e-9) * max(float(np.dot(near, near)), 1e-9))
        self.likeness.append(float(np.max(np.abs(corr) / norm)))
        if len(self.likeness) >= DECIDE_CHUNKS:
            # the median of the last seconds: a voice, now and then as like the guide as chance makes it, is not
            # the speakers; an echo is like it in nearly every chunk
            self.speakers_heard = bool(np.median(self.likeness) >= ECHO_LIKENESS)

    def holding(self, need_db: float, unheard_dbfs: float) -> bool:
        """Is the echo cancelled by at least ``need_db`` over the last seconds, or too quiet to matter?

        Only frames in which the guide was sounding count: in its pauses
        there is no echo, and the room's noise is not an echo left over.
        """
        if self.speakers_heard is False:
            return True  # the microphone does not hear the speakers: nothing of the guide to mistake
        floor = FRAME * PLAYED_POWER
        recent = list(self.recent)[:-ONSET_FRAMES]  # the voice that asks is not an echo left over
        frames = [(heard, left) for played, heard, left in recent if played > floor]
        if self.played_frames < CONVERGE_FRAMES:
            return False  # the canceller has not heard enough of the guide to know the room yet
        if len(frames) < MIN_PLAYED_FRAMES:
            return True  # the guide has hardly spoken lately: nothing of it to mistake for a command
        heard = sum(h for h, _ in frames)
        left = sum(x for _, x in frames)
        level = 10 * math.log10(max(heard / (len(frames) * FRAME), 1e-3) / 32768**2)
        return level < unheard_dbfs or 10 * math.log10(heard / max(left, 1.0)) >= need_db

    def reset_energy(self) -> None:
        self.heard_energy = self.left_energy = 0.0

    @property
    def erle(self) -> float:
        """Echo return loss enhancement in dB since the last reset_energy(): how much quieter the echo got"""
        if self.heard_energy <= 0:
            return 0.0
        return 10 * math.log10(self.heard_energy / max(self.left_energy, 1.0))


class _Utterance:
    """One listen's view of an EchoCancelledMic: a RecorderLike over its cleaned chunks."""

    def __init__(self, mic: EchoCancelledMic) -> None:
        self.mic = mic
        self.rate = RATE

    def start(self) -> _Utterance:
        self.mic._begin()
        return self

    def stop(self) -> None:
        self.mic._end()

    def chunks(self, timeout: float = 5.0) -> Iterator[Chunk]:
        while True:
            try:
                chunk = self.mic._out.get(timeout=timeout)
            except queue.Empty:
                raise DeviceUnavailable(messages.NO_INPUT_DEVICE) from None
            if chunk is None:
                if self.mic.error is not None:
                    raise DeviceUnavailable(messages.NO_INPUT_DEVICE)
                return
            yield chunk


class EchoCancelledMic:
    """The microphone with the Player's echo taken out, open for as long as the ``with`` lasts.

    ``recorder()`` gives one listener's recorder: its chunks start when it is
    started (older audio is dropped) and end when it is stopped.
    """

    def __init__(self, player: Any, *, make_recorder: Callable[[], Recorder] = Recorder) -> None:
        self.player = player
        self.reference = EchoReference(player.rate)
        self.canceller = EchoCanceller(self.reference)
        self._make_recorder = make_recorder
        self._recorder: Recorder | None = None
        self._thread: threading.Thread | None = None
        self._out: queue.Queue[Chunk | None] = queue.Queue()
        self._listening = False
        self._lock = threading.Lock()
        self.error: BaseException | None = None

    def __enter__(self) -> EchoCancelledMic:
        self.player.tap = self.reference.feed
        self._recorder = self._make_recorder()
        self._recorder.start()
        self._thread = threading.Thread(target=self._run, name="echo-cancel", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.player.tap = None
        if self._recorder is not None:
            self._recorder.stop()
        if self._thread is not None:
            self._thread.join(5)
        self._out.put(None)

    def recorder(self) -> _Utterance:
        return _Utterance(self)

    def _begin(self) -> None:
        with self._lock:
            while not self._out.empty():
                self._out.get_nowait()
            self._listening = True

    def _end(self) -> None:
        with self._lock:
            self._listening = False
            self._out.put(None)

    def _run(self) -> None:
        assert self._recorder is not None
        index = 0
        try:
            for chunk in self._recorder.chunks(timeout=5.0):
                cleaned = self.canceller.process(chunk.samples, chunk.time, chunk.broke)
                with self._lock:
                    if self._listening:
                        self._out.put(Chunk(cleaned, RATE, chunk.time, index))
                index += 1
        except Exception as exc:  # a lost microphone ends listening, never the reading
            self.error = exc
            with self._lock:
                self._out.put(None)


def measure_erle(player: Any, probe: Any, *, make_recorder: Callable[[], Recorder] = Recorder) -> tuple[float, float]:
    """Play ``probe`` (a Clip) and return (ERLE in dB over its second half, echo level in dBFS heard then).

    The first half lets the canceller converge, as it does in the first
    sentence of a reading.
    """
    with EchoCancelledMic(player, make_recorder=make_recorder) as mic:
        time.sleep(0.2)
        playback = player.play(probe)
        playback.wait_started(5)
        started = time.monotonic()
        time.sleep(probe.duration / 2)
        mic.canceller.reset_energy()
        playback.wait(probe.duration + 5)
        time.sleep(0.3)  # the tail of the echo
        heard, left = mic.canceller.heard_energy, mic.canceller.left_energy
        seconds = time.monotonic() - started - probe.duration / 2
    if mic.error is not None:
        raise DeviceUnavailable(messages.NO_INPUT_DEVICE)
    samples = max(1.0, seconds * RATE)
    level = 10 * math.log10(max(heard / samples, 1e-3) / 32768**2)
    erle = 10 * math.log10(heard / max(left, 1.0)) if heard > 0 else 0.0
    return erle, level
