"""What the journal hands back: plain dataclasses named after the stored columns."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from voiceguide.journal.timestamps import local, parse_utc

KINDS = ("reflection", "note", "breathing")


@dataclass(frozen=True)
class Entry:
    """One journal entry as stored; ``to_dict()`` is the JSON shape users and scripts see."""

    id: int
    created: str
    """UTC, ISO-8601 to the second, e.g. 2026-11-27T16:32:00Z"""
    kind: str
    text: str
    prompt: str | None = None
    article: str | None = None
    section: int | None = None
    engine: str | None = None
    model: str | None = None
    duration: float | None = None
    """Seconds of speech"""
    confidence: float | None = None
    segments: list[dict[str, Any]] = field(default_factory=list)
    """[{start, end, text, confidence}], seconds from the start of the recording"""
    has_audio: bool = False
    utc_offset_minutes: int = 0
    """The local offset when it was written, so times show as the person saw them"""
    needs_transcription: bool = False
    """Saved without text (e.g. recovered after a crash); retranscribe it later"""
    text_pass: str | None = None
    """Where the text came from: 'streamed' (pieces transcribed while the person spoke), 'final' (the
    whole recording in one pass after it ended), 'file' (an imported recording); None: typed or older"""
    tag_symbols: str | None = None
    """The tag symbols of the journal it was imported from, where they are not ``#`` and ``@``"""

    @property
    def created_at(self) -> datetime:
        """Aware UTC datetime."""
        return parse_utc(self.created)

    @property
    def local_time(self) -> datetime:
        """The wall-clock time where and when it was written."""
        return local(self.created, self.utc_offset_minutes)

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def tags(self) -> list[str]:
        """The ``#word`` and ``@word`` tags in the text, lower case (see ``tags_in`` for imported entries)."""
        from voiceguide.journal.tags import tags_in

        return tags_in(self.text, self.tag_symbols)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the stored field names and the entry's tags."""
        fields = asdict(self)
        del fields["tag_symbols"]  # how the tags were read; the tags themselves follow
        return {**fields, "tags": self.tags}


class HistoryItem(NamedTuple):
    """A text an entry had before it was edited or retranscribed."""

    changed: str
    text: str
    engine: str | None
    model: str | None
    text_pass: str | None = None


class StoredAudio(NamedTuple):
    codec: str
    rate: int
    data: bytes


@dataclass(frozen=True)
class UnfinishedRecording:
    """A recording whose process ended before it was saved: the chunks written so far."""

    id: int
    started: str
    utc_offset_minutes: int
    rate: int
    prompt: str | None
    article: str | None
    section: int | None
    samples: bytes
    """int16 little-endian mono PCM, chunks concatenated in order"""
    entry_id: int | None = None
    """The entry already saved from this recording with its streamed text, awaiting the final pass"""

    @property
    def duration(self) -> float:
        return len(self.samples) / 2 / self.rate


@dataclass(frozen=True)
class BreathingSession:
    id: int
    started: str
    pattern: str
    planned_cycles: int
    completed_cycles: int
    seconds: float
    interrupted: bool
    utc_offset_minutes: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def segments_json(segments: Iterable[Any] | None) -> str:
    """Store segments from dicts or from objects with start/end/text/confidence attributes."""
    rows = []
    for segment in segments or ():
        if isinstance(segment, Mapping):
            get = segment.get
        else:

            def get(name: str, segment: Any = segment) -> Any:
                return getattr(segment, name, None)

        rows.append(
            {
                "start": _number(get("start")),
                "end": _number(get("end")),
                "text": str(get("text") or "").strip(),
                "confidence": _number(get("confidence")),
            }
        )
    return json.dumps(rows, ensure_ascii=False)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
