"""The offline fallback engine: pocketsphinx through SpeechRecognition's ``recognize_sphinx``.

Far less accurate than Whisper, but small and dependency-light; the model
ships inside the pocketsphinx wheel. No segments or confidence come back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from voiceguide import messages
from voiceguide.errors import EngineFailed, EngineMissing
from voiceguide.speech.transcriber import Transcript


class RecognizerTranscriber:
    """An engine reached through SpeechRecognition: 16-bit PCM in, text out."""

    engine = ""
    model_name = ""

    def __init__(self) -> None:
        try:
            import speech_recognition
        except ImportError:
            raise EngineMissing(messages.REFLECT_SPHINX_MISSING) from None
        self._sr: Any = speech_recognition

    def load(self) -> None:
        """Nothing to preload: pocketsphinx reads its model on each call (it is small)."""

    def _recognize(self, audio: Any) -> str:
        raise EngineMissing(messages.REFLECT_UNKNOWN_ENGINE.format(engine=self.engine))

    def _failed(self, error: Exception) -> EngineFailed | EngineMissing:
        return EngineFailed(f"Transcription failed: {error}. Run `voiceguide doctor`.")

    def transcribe(self, samples: np.ndarray, rate: int = 16000) -> Transcript:
        pcm = samples if samples.dtype == np.int16 else np.clip(samples * 32768, -32768, 32767).astype(np.int16)
        audio = self._sr.AudioData(pcm.astype("<i2").tobytes(), rate, 2)
        try:
            text = self._recognize(audio)
        except self._sr.UnknownValueError:
            text = ""
        except Exception as error:
            raise self._failed(error) from None
        return Transcript(str(text).strip(), (), self.engine, self.model_name, len(pcm) / rate)


class SphinxTranscriber(RecognizerTranscriber):
    engine = "sphinx"
    model_name = "pocketsphinx en-US"

    def __init__(self) -> None:
        try:
            import pocketsphinx  # noqa: F401 - recognize_sphinx needs it
        except ImportError:
            raise EngineMissing(messages.REFLECT_SPHINX_MISSING) from None
        super().__init__()

    def _recognize(self, audio: Any) -> str:
        return str(self._sr.Recognizer().recognize_sphinx(audio))

    def _failed(self, error: Exception) -> EngineFailed | EngineMissing:
        if isinstance(error, self._sr.RequestError):
            return EngineMissing(f"{messages.REFLECT_SPHINX_MISSING} ({error})")
        return super()._failed(error)
