"""Getting entries out (Markdown, JSON, jrnl text) and jrnl and Day One journals in.

Exports show local time as the person saw it (the offset stored with each
entry). Imports are idempotent: each imported entry carries a key (a jrnl
entry: a hash of its date and words, or of its heading and words where jrnl
dates it by the day it is read; a Day One entry: its UUID), so importing the
same source twice adds nothing. Reading the sources is in jrnl_text,
jrnl_dates, jrnl_source and dayone.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from voiceguide import messages
from voiceguide.journal.connection import guarded
from voiceguide.journal.incoming import STARRED_TAG, Incoming, jrnl_key
from voiceguide.journal.jrnl_dates import DEFAULT_TIME_FORMAT
from voiceguide.journal.jrnl_source import read_text
from voiceguide.journal.jrnl_text import parse_jrnl
from voiceguide.journal.models import Entry
from voiceguide.journal.store import Journal
from voiceguide.journal.tags import tags_in
from voiceguide.journal.timestamps import stamp

JRNL_TIME_FORMAT = DEFAULT_TIME_FORMAT
STAR_LINE = "\n\n" + STARRED_TAG


def _newest_first(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.created, e.id), reverse=True)


def _oldest_first(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: (e.created, e.id))


def export_json(entries: Iterable[Entry]) -> str:
    """A JSON list of entry objects, newest first, with the stored field names."""
    return json.dumps([e.to_dict() for e in _newest_first(entries)], ensure_ascii=False, indent=2)


def export_markdown(entries: Iterable[Entry], title: str = messages.JOURNAL_EXPORT_TITLE) -> str:
    """A document to read or print: one dated section per entry, oldest first, like a diary."""
    lines = [f"# {title}", ""]
    for entry in _oldest_first(entries):
        when = entry.local_time
        lines += [f"## {when.strftime('%A')} {when.day} {when.strftime('%B %Y, %H:%M')}", ""]
        about = entry.kind.capitalize()
        if entry.article:
            about += f" · {entry.article}"
            if entry.section is not None:
                about += f", section {entry.section}"
        lines += [f"*{about}*", ""]
        if entry.prompt:
            lines += [f"> {line}" if line else ">" for line in entry.prompt.splitlines()] + [""]
        if entry.text.strip():
            lines += [entry.text.strip(), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def export_jrnl(entries: Iterable[Entry]) -> str:
    """jrnl's plain-text format: ``[YYYY-MM-DD HH:MM] `` then the text as it is, oldest first.

    jrnl takes the first sentence as the title. A star kept as a last
    ``#starred`` line goes back to jrnl's `` *`` at the end of the first line,
    so a journal imported, exported and imported again adds nothing.
    """
    blocks = []
    for entry in _oldest_first(entries):
        text = entry.text.strip()
        starred = text.endswith(STAR_LINE) and bool(text[: -len(STAR_LINE)].strip())
        first, newline, rest = (text[: -len(STAR_LINE)].rstrip() if starred else text).partition("\n")
        heading = f"[{entry.local_time.strftime(JRNL_TIME_FORMAT)}] {first}" + (" *" if starred else "")
        blocks.append(heading + newline + rest + "\n")
    return "\n".join(blocks)


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int
    """Already in the journal from an earlier import"""


@dataclass(frozen=True)
class ImportPreview:
    """What an import would bring, for ``--dry-run``."""

    count: int
    first: datetime | None
    last: datetime | None
    tags: list[tuple[str, int]]
    """Tags (words starting with a tag symbol) with how many entries carry them, most used first"""


def preview(entries: list[Incoming]) -> ImportPreview:
    """Counted the way the journal counts them once imported (``tags.tags_in``)."""
    counts: Counter[str] = Counter()
    for entry in entries:
        counts.update(tags_in(entry.stored_text(), entry.tag_symbols))
    dates = sorted(entry.when.replace(tzinfo=None) for entry in entries)
    return ImportPreview(
        count=len(entries),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        tags=sorted(counts.items(), key=lambda item: (-item[1], item[0])),
    )


IMPORT_CACHE_KIB = 128 * 1024
"""Page cache while an import fills the search index (SQLite takes the memory only as pages are used)"""
INSERT_IMPORTED = """
    INSERT INTO entries (created, utc_offset_minutes, kind, text, words, import_key, tag_symbols, needs_transcription)
    SELECT ?, ?, 'note', ?, ?, ?, ?, 0
    WHERE NOT EXISTS (SELECT 1 FROM entries WHERE import_key = ?)
    ON CONFLICT (import_key) DO NOTHING
"""
"""A key already present, or the key an earlier version gave the same entry: nothing is added"""


@guarded
def _add_imported(journal: Journal, entries: list[Incoming]) -> int:
    """One statement for all rows; keys already present add nothing. Returns how many were added."""

    def rows() -> Iterator[tuple[str, int, str, int, str, str | None, str]]:
        for entry in entries:
            created, offset = stamp(entry.when)
            text = entry.stored_text()
            yield created, offset, text, len(text.split()), entry.key, entry.tag_symbols, entry.old_key or entry.key

    with journal.transaction() as db:
        before = db.execute("PRAGMA cache_size").fetchone()[0]
        db.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")  # the index's pages are written once, not many times
        try:
            newest = journal.newest_entry_id()
            added = int(db.executemany(INSERT_IMPORTED, rows()).rowcount)
            journal.tag_entries_after(db, newest)  # new rows take the ids after the newest
            return added
        finally:
            db.execute(f"PRAGMA cache_size = {int(before)}")


def import_entries(journal: Journal, entries: list[Incoming]) -> ImportResult:
    """Add each entry as a note in one transaction: all of them or, on any failure, none."""
    added = _add_imported(journal, entries)
    return ImportResult(added=added, skipped=len(entries) - added)


def import_key(when: datetime, text: str) -> str:
    """Same date and words, same key: what makes a repeated import add nothing."""
    return jrnl_key(when, text)


def import_jrnl(journal: Journal, text: str, *, source: str = "the jrnl text") -> ImportResult:
    """Add each jrnl entry as a note, dated in this machine's local time; all or nothing."""
    return import_entries(journal, parse_jrnl(text, source))


def import_jrnl_file(journal: Journal, path: Path) -> ImportResult:
    """Import a jrnl plain-text file (``jrnl --export txt`` or jrnl's own journal file)."""
    return import_entries(journal, parse_jrnl(read_text(Path(path)), str(path)))
