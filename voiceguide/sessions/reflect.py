"""A spoken journal entry: ask, listen until the person is done, transcribe, keep text and audio.

Nothing said may be lost. Audio goes to the journal's in-progress recording
about once a second, so a kill loses at most that second (the next start
recovers the rest). The text is saved before the audio is compressed and
attached, and only then is the in-progress recording dropped. Ctrl-C saves
what was said and then lets the interrupt go on to the command line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from voiceguide.audio.tones import earcon
from voiceguide.collaborators import Clock, KeySource, PlayerLike, RecorderLike, SystemClock, TranscriberLike
from voiceguide.journal import audio_codec
from voiceguide.journal.tags import spoken_tags
from voiceguide.speech.streaming import StreamingTranscription
from voiceguide.speech.transcriber import Transcript
from voiceguide.speech.vad import RATE, VadSettings, speech_stretches
from voiceguide.ui.level_meter import LevelView

if TYPE_CHECKING:
    from pathlib import Path

    from voiceguide.journal.models import Entry
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.final_pass import FinalPass
    from voiceguide.speech.windows import WindowedTranscription

CLOSING_PHRASES = ("that's all", "that is all", "end entry")
TRAILING_WORDS = ("and", "but", "because", "so")
"""A text ending in one of these is a thought not finished yet"""
PATIENCE = 2.0
"""After a sentence left unfinished, the silence that ends an entry is this many times --silence"""
ENTER_KEYS = ("\n", "\r")
PIECES_FIRST = 10.0
"""Seconds a final-pass window waits at most for the streamed pieces to be transcribed: they go first, so
the streamed text is saved about a second after the person stops"""
SAVE_EVERY = 1.0
"""Seconds of audio per chunk written to the journal while recording"""


@dataclass(frozen=True)
class ReflectResult:
    entry: Any | None
    """The saved journal entry, or None when nothing was heard"""
    transcript: Transcript | None
    ended_by: str
    """'silence', 'enter', 'phrase', 'max', 'interrupt' or 'file'"""
    seconds: float
    """Seconds of audio recorded"""
    stopped_at: float | None = None
    """Clock time the recording stopped"""
    saved_at: float | None = None
    """Clock time the entry (text and audio) was saved"""
    final: Any | None = None
    """The entry's final pass (``FinalPass``, not started yet), when there is one to run"""


def _words(text: str) -> list[tuple[str, int]]:
    """Normalised words with the index where each starts in ``text``."""
    return [(m.group().lower().replace("’", "'").strip("'"), m.start()) for m in re.finditer(r"[\w’']+", text)]


def ends_mid_sentence(text: str) -> bool:
    """True when ``text`` stops mid-thought: no closing punctuation, or a trailing and/but/because/so."""
    text = text.strip().rstrip("\"'”’)]")
    if not text:
        return False
    words = _words(text)
    if words and words[-1][0] in TRAILING_WORDS:
        return True
    return text.endswith(("...", "…")) or text[-1] not in ".!?"


def closing_phrase_at_end(text: str, phrases: Sequence[str] = CLOSING_PHRASES) -> int | None:
    """Where a closing phrase that ends ``text`` starts (index into text), or None."""
    words = _words(text)
    for phrase in phrases:
        wanted = [w for w, _ in _words(phrase)]
        if wanted and [w for w, _ in words[-len(wanted) :]] == wanted:
            return words[-len(wanted)][1]
    return None


def strip_closing_phrase(transcript: Transcript, phrases: Sequence[str] = CLOSING_PHRASES) -> Transcript:
    """The transcript without a closing phrase at its end (in the text and the last segment)."""
    at = closing_phrase_at_end(transcript.text, phrases)
    if at is None:
        return transcript
    text = transcript.text[:at].rstrip(" ,;:-–—.")
    if text and text[-1].isalnum():
        text += "."
    segments = list(transcript.segments)
    if segments:
        last_at = closing_phrase_at_end(segments[-1].text, phrases)
        if last_at is not None:
            rest = segments[-1].text[:last_at].rstrip(" ,;:-–—.")
            segments[-1:] = [replace(segments[-1], text=rest)] if rest else []
    return replace(transcript, text=text, segments=tuple(segments))


class EntryAudio:
    """Compresses the entry while it is recorded, so saving does not wait for the encoder.

    The same Ogg/Opus stream ``audio_codec.encode`` writes (its bitrate and
    settings), built a chunk at a time; where PyAV has no Opus, the whole
    recording is encoded at the end (FLAC is quick).
    """

    def __init__(self, rate: int = RATE) -> None:
        import io

        self.rate = rate
        self.codec = audio_codec.preferred_codec()
        self._container = None
        if self.codec != "opus" or rate not in audio_codec.OPUS_RATES:
            return
        import av

        self._av = av
        self._buffer = io.BytesIO()
        self._container = av.open(self._buffer, "w", format="ogg")
        self._stream = self._container.add_stream("libopus", rate=rate)
        self._stream.codec_context.bit_rate = audio_codec.OPUS_BITRATE
        self._stream.codec_context.options = {"application": "voip"}
        self._stream.layout = "mono"

    def add(self, samples: np.ndarray) -> None:
        if self._container is None or not len(samples):
            return
        frame = self._av.AudioFrame.from_ndarray(samples.astype(np.int16)[None, :], format="s16", layout="mono")
        frame.sample_rate = self.rate
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def finish(self, pcm: bytes) -> tuple[str, bytes]:
        """(codec, data) for ``journal.set_audio``; ``pcm`` is everything that was recorded."""
        if self._container is None:
            return audio_codec.encode(pcm, self.rate)
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        self._container = None
        return self.codec, self._buffer.getvalue()


class ReflectSession:
    """One spoken entry. Collaborators come in as arguments; ``run()`` does the rest."""

    def __init__(
        self,
        prompt: str | None,
        *,
        player: PlayerLike,
        recorder: RecorderLike,
        transcriber: TranscriberLike,
        journal: Journal,
        speak: Callable[[str], Any] | None = None,
        view: LevelView | None = None,
        keys: KeySource | None = None,
        silence: float = 3.0,
        max_minutes: float = 10,
        closing_phrases: Sequence[str] = CLOSING_PHRASES,
        clock: Clock | None = None,
        article: str | None = None,
        section: int | None = None,
        vad: VadSettings | None = None,
        final_transcriber: TranscriberLike | None = None,
    ) -> None:
        self.prompt = prompt
        self.player, self.recorder, self.transcriber, self.journal = player, recorder, transcriber, journal
        self.speak = speak
        self.view = view
        self.keys = keys
        self.silence = float(silence)
        self.max_seconds = float(max_minutes) * 60
        self.closing_phrases = tuple(closing_phrases)
        self.clock = clock or SystemClock()
        self.article, self.section = article, section
        # the VAD ends the entry at the longest patient wait; _record ends it sooner when the text is complete
        self.vad = replace(vad or VadSettings(), silence=self.silence * PATIENCE)
        self.final_transcriber = final_transcriber
        self._recording: int | None = None
        self._seq = 0
        self._unsaved = bytearray()
        self._audio: EntryAudio | None = None
        self._windows: WindowedTranscription | None = None

    # -- the whole entry ------------------------------------------------------
    def run(self) -> ReflectResult:
        if self.speak is not None and self.prompt:
            clip = self.speak(self.prompt)
            self.player.play(clip).wait(clip.duration + 5)
        cue = earcon("record_start")
        self.player.play(cue).wait(cue.duration + 2)
        stream = StreamingTranscription(
            getattr(self.transcriber, "transcribe_piece", None) or self.transcriber.transcribe,
            vad=self.vad,
            engine=self.transcriber.engine,
            model=getattr(self.transcriber, "model_name", ""),
            context=self.transcriber.engine == "whisper",
        )
        self._windows = self._final_windows(stream)
        self._recording = self.journal.begin_recording(RATE, self.prompt, self.article, self.section)
        ended_by = "interrupt"
        try:
            ended_by = self._record(stream)
        except KeyboardInterrupt:
            self._stop_recording(stream)
            self._save(stream, "interrupt")
            raise
        except BaseException:
            self._stop_recording(stream)
            stream.close()
            if self._windows is not None:
                self._windows.close()
            raise  # the chunks stay in the journal; the next start recovers them
        self._stop_recording(stream)
        stopped = self.clock.monotonic()
        done = earcon("record_end")
        self.player.play(done)
        result = self._save(stream, ended_by, stopped)
        self.player.wait(done.duration + 2)
        if result.entry is not None:
            cue = earcon("saved")
            self.player.play(cue).wait(cue.duration + 2)
        return result

    def _final_windows(self, stream: StreamingTranscription) -> WindowedTranscription | None:
        """The final pass, run window by window while the person talks (Whisper), or None."""
        read = getattr(self.final_transcriber, "transcribe_window", None)
        if read is None:
            return None
        from voiceguide.speech.windows import WindowedTranscription

        return WindowedTranscription(
            read,
            stream.audio,
            pause=self.vad.pause,
            engine=getattr(self.final_transcriber, "engine", "whisper"),
            model=getattr(self.final_transcriber, "model_name", ""),
            first=lambda: stream.wait_idle(PIECES_FIRST),
        )

    def _record(self, stream: StreamingTranscription) -> str:
        self.recorder.start()
        if self.view is not None:
            self.view.start(self.silence)
        pieces_seen = 0
        for chunk in self.recorder.chunks():
            samples = chunk.samples if chunk.rate == RATE else _resample(chunk.samples, chunk.rate)
            stream.feed(samples)
            if self._windows is not None:
                heard = stream.endpointer
                self._windows.update(heard.stretches, heard.seconds, heard.frames, stream.open_since)
            self._keep(samples)
            if self.view is not None:
                self.view.update(stream.seconds, chunk.level, stream.endpointer.in_speech, stream.latest_text)
            if stream.ended or self._done_talking(stream):
                return "silence"
            if self.keys is not None and self.keys.poll() in ENTER_KEYS:
                return "enter"
            if len(stream.pieces) != pieces_seen:
                pieces_seen = len(stream.pieces)
                if closing_phrase_at_end(stream.latest_text, self.closing_phrases) is not None and stream.caught_up:
                    return "phrase"
            if stream.seconds >= self.max_seconds:
                return "max"
        return "device"

    def _done_talking(self, stream: StreamingTranscription) -> bool:
        """--silence has passed and the text so far is a finished thought (else wait up to PATIENCE times)."""
        if stream.endpointer.silent_for < self.silence or not stream.caught_up:
            return False
        return not ends_mid_sentence(stream.transcript().text)

    def _stop_recording(self, stream: StreamingTranscription) -> None:
        try:
            self.recorder.stop()
        finally:
            if self.view is not None:
                self.view.stop()
            self._flush_chunk()

    # -- the journal ----------------------------------------------------------
    def _keep(self, samples: np.ndarray) -> None:
        if self._audio is None:
            self._audio = EntryAudio(RATE)
        self._audio.add(samples)
        self._unsaved += samples.astype("<i2", copy=False).tobytes()
        if len(self._unsaved) >= SAVE_EVERY * RATE * 2:
            self._flush_chunk()

    def _flush_chunk(self) -> None:
        if self._unsaved and self._recording is not None:
            self.journal.append_chunk(self._recording, self._seq, bytes(self._unsaved))
            self._seq += 1
            self._unsaved.clear()

    def _save(self, stream: StreamingTranscription, ended_by: str, stopped: float | None = None) -> ReflectResult:
        seconds = stream.seconds
        transcript = stream.finish() if stream.heard_speech else None
        if transcript is not None:
            transcript = strip_closing_phrase(transcript, self.closing_phrases)
        if transcript is None or not transcript.text.strip():
            stream.close()
            if self._windows is not None:
                self._windows.close()
            self.journal.discard_recording(self._recording)
            return ReflectResult(None, transcript, ended_by, seconds, stopped)
        entry = save_entry(
            self.journal,
            transcript,
            stream.pcm(),
            prompt=self.prompt,
            article=self.article,
            section=self.section,
            recording=self._recording,
            audio=self._audio,
            owe_final_pass=self.final_transcriber is not None,
        )
        saved = self.clock.monotonic()
        final: FinalPass | None = None
        if self.final_transcriber is not None and self._recording is not None:
            from voiceguide.sessions.final_pass import FinalPass

            final = FinalPass(
                self.journal,
                entry.id,
                self._recording,
                stream.pcm(),
                self.final_transcriber,
                self.closing_phrases,
                windows=self._windows,
                stretches=list(stream.endpointer.stretches),
                frames=stream.endpointer.frames,
            )
        return ReflectResult(entry, transcript, ended_by, seconds, stopped, saved, final)


def save_entry(
    journal: Journal,
    transcript: Transcript,
    pcm: bytes,
    *,
    prompt: str | None,
    article: str | None,
    section: int | None,
    recording: int | None = None,
    rate: int = RATE,
    audio: EntryAudio | None = None,
    text_pass: str = "streamed",
    owe_final_pass: bool = False,
) -> Entry:
    """Text, compressed audio and the end of the in-progress recording in one transaction: all or nothing.

    A full disk then leaves no entry without its audio, so a retry saves exactly
    one; a live recording's chunks stay for the next start to recover. With
    ``owe_final_pass`` the recording is kept instead, marked with the entry,
    for the final pass (``FinalPass``) to finish and drop.
    """
    codec, data = audio.finish(pcm) if audio is not None else audio_codec.encode(pcm, rate)
    with journal.transaction():
        entry = journal.add_entry(
            spoken_tags(transcript.text.strip()),
            kind="reflection",
            prompt=prompt,
            article=article,
            section=section,
            engine=transcript.engine,
            model=transcript.model,
            duration=round(len(pcm) / 2 / rate, 2),
            confidence=transcript.confidence if transcript.segments else None,
            segments=[
                {"start": s.start, "end": s.end, "text": s.text, "confidence": s.confidence}
                for s in transcript.segments
            ],
            text_pass=text_pass,
        )
        journal.set_audio(entry.id, codec, rate, data)
        if recording is not None and owe_final_pass:
            journal.owe_final_pass(recording, entry.id)
        elif recording is not None:
            journal.finish_recording(recording)
    return journal.get(entry.id)


def whole_recording(transcriber: TranscriberLike) -> Callable[[np.ndarray, int], Transcript]:
    """How ``transcriber`` reads a whole recording: in windows cut at pauses where it can (Whisper)."""
    read: Callable[[np.ndarray, int], Transcript] = (
        getattr(transcriber, "transcribe_recording", None) or transcriber.transcribe
    )
    return read


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    from voiceguide.audio.clip import Clip

    return Clip(samples, rate).resampled(RATE).samples


# -- entries that were not recorded live ---------------------------------------


def reflect_from_samples(
    samples: np.ndarray,
    *,
    transcriber: TranscriberLike,
    journal: Journal,
    prompt: str | None = None,
    article: str | None = None,
    section: int | None = None,
    closing_phrases: Sequence[str] = CLOSING_PHRASES,
) -> ReflectResult:
    """An existing recording (16 kHz int16) as an entry; None entry when there is no speech in it."""
    seconds = len(samples) / RATE
    if not len(samples) or not speech_stretches(samples):
        return ReflectResult(None, None, "file", seconds)
    transcript = strip_closing_phrase(whole_recording(transcriber)(samples, RATE), closing_phrases)
    if not transcript.text.strip():
        return ReflectResult(None, transcript, "file", seconds)
    pcm = samples.astype("<i2", copy=False).tobytes()
    entry = save_entry(journal, transcript, pcm, prompt=prompt, article=article, section=section, text_pass="file")
    return ReflectResult(entry, transcript, "file", seconds)


def reflect_from_file(
    path: str | Path, *, transcriber: TranscriberLike, journal: Journal, **where: Any
) -> ReflectResult:
    from voiceguide.speech.decode import decode_audio_file

    return reflect_from_samples(decode_audio_file(path), transcriber=transcriber, journal=journal, **where)


def reflect_typed(
    text: str, *, journal: Journal, prompt: str | None = None, article: str | None = None, section: int | None = None
) -> Entry | None:
    """A typed entry: kind reflection, engine "typed"; None when there is no text."""
    text = text.strip()
    if not text:
        return None
    return journal.add_entry(text, kind="reflection", prompt=prompt, article=article, section=section, engine="typed")
