"""Online engines, only behind ``--online``: SpeechRecognition's ``recognize_google``.

The audio of each entry is sent to Google's web speech service; nothing here
runs unless the person passed ``--online`` (``sessions.factory.make_transcriber``
refuses otherwise).
"""

from __future__ import annotations

from typing import Any

from voiceguide import messages
from voiceguide.errors import EngineFailed, EngineMissing
from voiceguide.speech.sphinx import RecognizerTranscriber

ONLINE_ENGINES = ("google",)
"""Engines that send audio off this machine"""


class GoogleTranscriber(RecognizerTranscriber):
    engine = "google"
    model_name = "google web speech"

    def load(self) -> None:
        """Nothing to load: the model is on the remote service."""

    def _recognize(self, audio: Any) -> str:
        return str(self._sr.Recognizer().recognize_google(audio, language="en-US"))

    def _failed(self, error: Exception) -> EngineFailed | EngineMissing:
        return EngineFailed(messages.REFLECT_ONLINE_FAILED.format(error=error))
