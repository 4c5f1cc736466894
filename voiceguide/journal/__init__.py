"""The private journal: entries, search, audio, recordings, breathing and reading progress."""

from voiceguide.journal.connection import connect
from voiceguide.journal.models import (
    BreathingSession,
    Entry,
    HistoryItem,
    StoredAudio,
    UnfinishedRecording,
)
from voiceguide.journal.store import Journal

__all__ = [
    "BreathingSession",
    "Entry",
    "HistoryItem",
    "Journal",
    "StoredAudio",
    "UnfinishedRecording",
    "connect",
]
