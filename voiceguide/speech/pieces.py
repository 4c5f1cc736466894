"""A streamed piece decoded on a window as long as the piece, not Whisper's 30 s.

faster-whisper pads every input to 30 s before the encoder, whose cost
grows with the square of its input: a 4 s piece costs base 1.0 s that way
and 0.28 s on a 5 s window (two cores). The piece is the whole input here
(our VAD cut it), so one greedy pass over its own window, with the text
heard before as the prompt, gives the streamed text in time for the first
saved text (<= 1 s after the person stops), with Whisper base as well as
tiny.en. Imported only where faster-whisper is loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

PIECE_MARGIN = 4.0
"""Least seconds of padding after the piece in its window (Whisper expects silence after speech; with less,
the decoder tends to say the piece again)"""
MARGIN_SHARE = 0.5
"""... and at least this share of the piece's length"""
LONGEST = 20.0
"""Pieces longer than this go through the ordinary 30 s window"""
TOKENS_PER_SECOND = 8
"""Room for the decoder: fast speech is some 4 tokens a second"""


@dataclass(frozen=True)
class DecodedPiece:
    text: str
    no_speech_prob: float
    avg_logprob: float

    @property
    def looped(self) -> bool:
        """The decoder said a sentence twice in a row: it ran on past the speech (the 30 s window is safer)."""
        import re

        from voiceguide.speech.commands import normalise

        said = [normalise(p) for p in re.split(r"(?<=[.!?])\s+", self.text)]
        said = [p for p in said if p]
        return any(a == b and len(a.split()) >= 3 for a, b in zip(said, said[1:], strict=False))


def speech_only(audio: np.ndarray) -> np.ndarray:
    """The parts of a piece that faster-whisper's VAD (Silero) calls speech, joined, as its own VAD filter does.

    Our VAD cut the piece, but it takes some steady noise for speech; on
    such a stretch, with the text before as the prompt, Whisper repeats the
    prompt. The second VAD leaves nothing to read there.
    """
    from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

    chunks = get_speech_timestamps(audio, VadOptions())
    if not chunks:
        return np.zeros(0, np.float32)
    joined: np.ndarray = np.concatenate(collect_chunks(audio, chunks)[0])
    return joined


def decode_piece(model: Any, audio: np.ndarray, prompt: str | None) -> DecodedPiece:
    """One greedy pass of faster-whisper's ``model`` over float32 16 kHz ``audio`` on its own window."""
    import ctranslate2
    from faster_whisper.tokenizer import Tokenizer

    audio = speech_only(audio)
    if not len(audio):
        return DecodedPiece("", 1.0, float("-inf"))
    seconds = len(audio) / 16000
    frames = min(3000, 100 * math.ceil(seconds + max(PIECE_MARGIN, MARGIN_SHARE * seconds)))
    features = model.feature_extractor(audio)
    window = np.zeros((features.shape[0], frames), dtype=np.float32)  # as faster-whisper pads
    used = min(frames, features.shape[1])
    window[:, :used] = features[:, :used]
    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en")
    previous = tokenizer.encode(" " + prompt.strip()) if prompt else None
    # with timestamps: the decoder marks where the speech ends and stops there; without, a short window
    # with the text before as the prompt can make it repeat the piece until max_length
    tokens = model.get_prompt(tokenizer, previous, without_timestamps=False)
    encoded = model.model.encode(ctranslate2.StorageView.from_array(window[None]), to_cpu=False)
    result = model.model.generate(
        encoded,
        [tokens],
        beam_size=1,
        max_length=min(448, len(tokens) + TOKENS_PER_SECOND * math.ceil(seconds) + 8),
        return_scores=True,
        return_no_speech_prob=True,
        suppress_blank=True,
    )[0]
    words = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
    text = tokenizer.decode(words).strip()
    return DecodedPiece(text, float(result.no_speech_prob), float(result.scores[0]) if words else float("-inf"))
