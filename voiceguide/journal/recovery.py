"""Turning recordings left behind by a crash or a kill into journal entries.

The next start calls ``finish_final_passes`` (entries saved with their
streamed text whose final pass was cut short) and ``recover_unfinished``:
what the person said is kept, with its audio, even if it cannot be
transcribed right now. Speech engines
are not imported here; the caller passes a transcribe function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from voiceguide.errors import EntryNotFound, VoiceguideError
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
        if recording.entry_id is not None:
            continue  # saved already with its streamed text: finish_final_passes owns it
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


def finish_final_passes(journal: Journal, transcribe: Transcribe | None = None) -> list[Entry]:
    """Entries saved with their streamed text whose final pass a kill interrupted: finish each pass.

    The entry keeps its streamed text when the pass cannot run (no model) or
    hears nothing; either way the recording is dropped, and audio the entry
    lacks (a kill right after its text was saved) is attached from it.
    """
    import numpy as np

    finished = []
    for recording in journal.unfinished_recordings():
        if recording.entry_id is None:
            continue
        result: Any = None
        if transcribe is not None and recording.duration >= MIN_SECONDS:
            try:
                result = transcribe(np.frombuffer(recording.samples, dtype="<i2").astype(np.int16), recording.rate)
            except VoiceguideError:
                result = None
        with journal.transaction():
            entry = apply_final_text(journal, recording.entry_id, recording.id, result)
            if entry is not None and not entry.has_audio and recording.samples:
                codec, data = audio_codec.encode(recording.samples, recording.rate)
                journal.set_audio(entry.id, codec, recording.rate, data)
        if entry is not None:
            finished.append(journal.get(entry.id))
    return finished


def apply_final_text(journal: Journal, entry_id: int, recording_id: int, transcript: Any) -> Any | None:
    """Replace the streamed text with the final one and drop the recording, in one transaction.

    An empty final text (the pass heard nothing the filters let through)
    keeps the streamed text. An entry deleted meanwhile (a guide "redo")
    only drops the recording.
    """
    text = (transcript if isinstance(transcript, str) else getattr(transcript, "text", None) or "").strip()
    with journal.transaction():
        try:
            entry = journal.get(entry_id)
        except EntryNotFound:
            journal.finish_recording(recording_id)
            return None
        if text:
            segments = list(getattr(transcript, "segments", None) or ())
            entry = journal.update_text(
                entry_id,
                spoken_tags(text),
                getattr(transcript, "engine", None),
                getattr(transcript, "model", None),
                segments=segments,
                confidence=getattr(transcript, "confidence", None) if segments else None,
                text_pass="final",
            )
        journal.finish_recording(recording_id)
    return entry


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
            text_pass="final" if text else None,
        )
        journal.set_audio(entry.id, codec, recording.rate, data)
        journal.discard_recording(recording.id)
    return journal.get(entry.id)
