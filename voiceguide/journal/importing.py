"""Which journal to bring in and reading it whole, before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from voiceguide import messages
from voiceguide.errors import JournalImportError
from voiceguide.journal.incoming import DateFallback, Incoming
from voiceguide.journal.jrnl_source import (
    JrnlJournal,
    default_config_path,
    pick_journal,
    read_config,
    read_journal,
    with_overrides,
)
from voiceguide.journal.jrnl_text import JrnlOptions
from voiceguide.settings import IMPORT_MB

FORMATS = ("jrnl", "dayone")


@dataclass(frozen=True)
class Gathered:
    """Every entry of the source, read and checked; nothing written yet."""

    entries: list[Incoming]
    media: dict[str, int] = field(default_factory=dict)
    archive: Path | None = None
    """The Day One zip the entries' recordings are in"""
    about: str = ""
    """Which journals jrnl's config names and which one is read, when it came from there"""


def gather(
    fmt: str,
    file: Path | None,
    *,
    password: Callable[[Path], str],
    from_jrnl: str | None = None,
    jrnl_config: Path | None = None,
    timeformat: str | None = None,
    fallback: DateFallback = DateFallback.STOP,
    max_mb: float = IMPORT_MB.default,
) -> Gathered:
    """Read the whole source: a jrnl journal named in jrnl's config, a jrnl file or folder, or a Day One export."""
    if file is not None and from_jrnl is not None:
        raise JournalImportError(messages.JRNL_SOURCES_CLASH)
    if from_jrnl is not None or (file is None and jrnl_config is not None):
        journals = read_config(jrnl_config, fallback)
        chosen = with_overrides(pick_journal(journals, from_jrnl or None, jrnl_config), timeformat)
        about = messages.JRNL_CONFIG_JOURNALS.format(
            path=jrnl_config or default_config_path(), names=", ".join(journals), name=chosen.name, journal=chosen.path
        )
        return replace(_jrnl(chosen, password, max_mb), about=about)
    if file is None:
        raise JournalImportError(messages.JRNL_IMPORT_NEEDS_SOURCE)
    from voiceguide.journal.dayone import is_dayone_classic, is_zip, read_dayone, read_dayone_classic

    if fmt == "dayone" or is_zip(file) or is_dayone_classic(file):  # a zip is never a jrnl journal
        export = read_dayone_classic(file, max_mb) if is_dayone_classic(file) else read_dayone(file, max_mb)
        return Gathered(export.entries, export.media, archive=export.archive)
    options = JrnlOptions(timeformat=timeformat or JrnlOptions.timeformat, fallback=fallback)
    return _jrnl(JrnlJournal(str(file), Path(file), options), password, max_mb)


def _jrnl(journal: JrnlJournal, password: Callable[[Path], str], max_mb: float) -> Gathered:
    entries = read_journal(
        journal.path, journal.options, lambda: password(journal.path), encrypt=journal.encrypt, max_mb=max_mb
    )
    return Gathered(entries)
