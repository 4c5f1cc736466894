"""Turning recordings left behind by a crash or a kill into journal entries.

The next start calls ``recover_unfinished``: what the person said is kept,
with its audio, even if it cannot be transcribed right now. Speech engines
are not imported here; the caller passes a transcribe function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from voiceguide.errors import VoiceguideError
from voiceguide.journal import audio_codec
from voiceguide.journal.models import Entry, UnfinishedRecording
from voiceguide.journal.tags import spoken_tags
from voiceguide.journal.timestamps import local

if TYPE_CHECKING:
    import numpy as np

    from voiceguide.journal.store import Journal

MIN_SECONDS = 0.5
"""A shorter recording that is also silent held nothing the person said: discarded"""
SILENT_PEAK = 500
"""Peak sample (of 32767) below which a short fragment is silence (about -36 dBFS)"""

Transcribe = Callable[["np.ndarray", int], Any]
"""(int16 samples, rate) -> a result with .text (and optionally .engine, .model,
.segments, .confidence), or a plain string"""


def recover_unfinished(journal: Journal, transcribe: Transcribe | None = None) -> list[Entry]:
    """Save each left-behind recording as a reflection with its audio; return the new entries.

    Without ``transcribe`` (or if it fails with a voiceguide error, e.g. no
    model installed) the entry is saved with empty text and marked for
    retranscription. Chunks are removed in the same transaction that saves the
    entry, so a crash during recovery loses nothing either.
    """
    recovered = []
    for recording in journal.unfinished_recordings():
        if _held_nothing(recording):
            journal.discard_recording(recording.id)
            continue
        recovered.append(_recover(journal, recording, transcribe))
    return recovered


def _held_nothing(recording: UnfinishedRecording) -> bool:
    """No audio, or a short silent fragment. Any sound is kept: a kill soon after speech began
    must still lose at most the last second, even when what came before it is short."""
    if not recording.samples:
        return True
    if recording.duration >= MIN_SECONDS:
        return False
    import numpy as np

    samples = np.frombuffer(recording.samples, dtype="<i2")
    return bool(np.abs(samples.astype(np.int32)).max() < SILENT_PEAK)


def _recover(journal: Journal, recording: UnfinishedRecording, transcribe: Transcribe | None) -> Entry:
    import numpy as np

    samples = np.frombuffer(recording.samples, dtype="<i2").astype(np.int16)
    result: Any = None
    if transcribe is not None:
        try:
            result = transcribe(samples, recording.rate)
        except VoiceguideError:
            result = None  # keep the audio; it can be retranscribed later
    text = result if isinstance(result, str) else getattr(result, "text", None)
    codec, data = audio_codec.encode(recording.samples, recording.rate)
    with journal.transaction():
        entry = journal.add_entry(
            spoken_tags((text or "").strip()),
            kind="reflection",
            prompt=recording.prompt,
            article=recording.article,
            section=recording.section,
            engine=getattr(result, "engine", None),
            model=getattr(result, "model", None),
            duration=recording.duration,
            confidence=getattr(result, "confidence", None),
            segments=getattr(result, "segments", None),
            created=local(recording.started, recording.utc_offset_minutes),
            needs_transcription=text is None,
        )
        journal.set_audio(entry.id, codec, recording.rate, data)
        journal.discard_recording(recording.id)
    return journal.get(entry.id)
