"""The offline fallback engine: pocketsphinx through SpeechRecognition's ``recognize_sphinx``.

Far less accurate than Whisper, but small and dependency-light; the model
ships inside the pocketsphinx wheel. No segments or confidence come back.
"""

from __future__ import annotations

import numpy as np

from voiceguide import messages
from voiceguide.errors import EngineFailed, EngineMissing
from voiceguide.speech.transcriber import Transcript


class SphinxTranscriber:
    engine = "sphinx"
    model_name = "pocketsphinx en-US"

    def __init__(self) -> None:
        try:
            import pocketsphinx  # noqa: F401 - recognize_sphinx needs it
            import speech_recognition
        except ImportError:
            raise EngineMissing(messages.REFLECT_SPHINX_MISSING) from None
        self._sr = speech_recognition

    def load(self) -> None:
        """Nothing to preload: pocketsphinx reads its model on each call (it is small)."""

    def transcribe(self, samples: np.ndarray, rate: int = 16000) -> Transcript:
        pcm = samples if samples.dtype == np.int16 else np.clip(samples * 32768, -32768, 32767).astype(np.int16)
        audio = self._sr.AudioData(pcm.astype("<i2").tobytes(), rate, 2)
        try:
            text = self._sr.Recognizer().recognize_sphinx(audio)
        except self._sr.UnknownValueError:
            text = ""
        except self._sr.RequestError as error:
            raise EngineMissing(f"{messages.REFLECT_SPHINX_MISSING} ({error})") from None
        except Exception as error:
            raise EngineFailed(f"Transcription failed: {error}. Run `voiceguide doctor`.") from None
        return Transcript(text.strip(), (), self.engine, self.model_name, len(pcm) / rate)
