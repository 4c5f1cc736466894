"""Getting entries out (Markdown, JSON, jrnl text) and jrnl text in.

Exports show local time as the person saw it (the offset stored with each
entry). Imports are idempotent: each imported entry carries a key made from
its date and text, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from voiceguide import messages
from voiceguide.errors import JournalImportError
from voiceguide.journal.models import Entry
from voiceguide.journal.store import Journal

JRNL_TIME_FORMAT = "%Y-%m-%d %H:%M"
JRNL_READ_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",  # jrnl 4's default "%F %r"
    "%Y-%m-%d %I:%M %p",
    "%Y-%m-%d",
)
EARLIEST_DATE = datetime(1000, 1, 2)
LATEST_DATE = datetime(9999, 12, 31)
"""Imported dates stay within four-digit years in every time zone"""
HEADING = re.compile(r"^\[(?P<date>\d{4}-\d{2}-\d{2}[^\]]*)\] ?(?P<title>.*)$")
SENTENCE_END = re.compile(r"[.?!]+[\"'\u2019\u201d)]*(?=\s|$)")
STARRED = " *"


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


def split_title(text: str) -> tuple[str, str]:
    """jrnl's split: the first sentence of the first line is the title, the rest is the body."""
    text = text.strip()
    first, _, rest = text.partition("\n")
    match = SENTENCE_END.search(first)
    if match is None or match.end() == len(first):
        return first.strip(), rest.strip()
    title = first[: match.end()]
    body = first[match.end() :].strip() + ("\n" + rest if rest else "")
    return title.strip(), body.strip()


def join_title(title: str, body: str) -> str:
    """Undo ``split_title``: a title ending a sentence continues on the same line."""
    if not body:
        return title
    if not title:
        return body
    sentence = SENTENCE_END.search(title)
    together = sentence is not None and sentence.end() == len(title)
    return title + (" " if together else "\n") + body


def export_jrnl(entries: Iterable[Entry]) -> str:
    """jrnl's plain-text format: ``[YYYY-MM-DD HH:MM] Title`` then the body, oldest first."""
    blocks = []
    for entry in _oldest_first(entries):
        title, body = split_title(entry.text)
        heading = f"[{entry.local_time.strftime(JRNL_TIME_FORMAT)}] {title}".rstrip()
        blocks.append(heading + ("\n" + body if body else "") + "\n")
    return "\n".join(blocks)


@dataclass(frozen=True)
class ImportResult:
    added: int
    skipped: int
    """Already in the journal from an earlier import"""


def _parse_date(value: str) -> datetime | None:
    for layout in JRNL_READ_FORMATS:
        try:
            return datetime.strptime(value.strip(), layout)
        except ValueError:
            continue
    return None


def parse_jrnl(text: str, source: str = "the jrnl text") -> list[tuple[datetime, str]]:
    """(naive local datetime, text) for each entry; a line that cannot be read names itself."""
    current: list[str] | None = None
    entries: list[tuple[datetime, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        heading = HEADING.match(line)
        if heading:
            when = _parse_date(heading["date"])
            if when is None or not EARLIEST_DATE <= when < LATEST_DATE:
                template = messages.JOURNAL_JRNL_BAD_DATE if when is None else messages.JOURNAL_JRNL_DATE_RANGE
                problem = template.format(date=heading["date"])
                raise JournalImportError(
                    messages.JOURNAL_JRNL_BAD_LINE.format(source=source, line=number, problem=problem)
                )
            title = heading["title"].rstrip()
            if title.endswith(STARRED):
                title = title[: -len(STARRED)].rstrip()
            elif title == "*":
                title = ""
            current = [title]
            entries.append((when, current))
        elif current is not None:
            current.append(line)
        elif line.strip():
            raise JournalImportError(
                messages.JOURNAL_JRNL_BAD_LINE.format(
                    source=source, line=number, problem=messages.JOURNAL_JRNL_TEXT_BEFORE_ENTRY
                )
            )
    return [(when, join_title(lines[0].strip(), "\n".join(lines[1:]).strip())) for when, lines in entries]


def import_key(when: datetime, text: str) -> str:
    """Same date and text, same key: what makes a repeated import add nothing."""
    digest = hashlib.sha256(f"{when.isoformat(timespec='seconds')}\n{text}".encode()).hexdigest()
    return f"jrnl:{digest}"


def import_jrnl(journal: Journal, text: str, *, source: str = "the jrnl text") -> ImportResult:
    """Add each jrnl entry as a note, dated in this machine's local time; all or nothing."""
    parsed = parse_jrnl(text, source)
    added = skipped = 0
    with journal.transaction():
        for when, body in parsed:
            key = import_key(when, body)
            if journal.find_import_key(key) is not None:
                skipped += 1
                continue
            journal.add_entry(body, kind="note", created=when, import_key=key)
            added += 1
    return ImportResult(added=added, skipped=skipped)


def import_jrnl_file(journal: Journal, path: Path) -> ImportResult:
    """Import a jrnl plain-text file (``jrnl --export txt`` or jrnl's own journal file)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = Path(path).read_bytes()[: error.start].count(b"\n") + 1
        problem = messages.JOURNAL_JRNL_NOT_UTF8
        raise JournalImportError(
            messages.JOURNAL_JRNL_BAD_LINE.format(source=path, line=line, problem=problem)
        ) from error
    except OSError as error:
        reason = error.strerror or str(error)
        raise JournalImportError(messages.JOURNAL_IMPORT_UNREADABLE.format(path=path, error=reason)) from error
    return import_jrnl(journal, text, source=str(path))
