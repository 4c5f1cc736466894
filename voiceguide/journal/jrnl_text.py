"""jrnl's plain text read the way jrnl 4.6 reads it.

An entry starts at a line ``[date] title`` (a space after the bracket). The
date is read with the journal's ``timeformat`` first, then the way jrnl reads
a bracketed date (dateutil's parser, which takes partial dates such as
``2019-07 14:23``, other orders and month names); a bracket that is no date
(``[1] footnote``, anything of six characters or fewer) is text of the entry
before. Where jrnl would date something by the day the journal is read (a
journal with no dated entry, a date without a year), the import stops and
names the line unless the person accepts that with ``--date-fallback now``.
Text before the first dated entry, which jrnl silently drops, stops the
import too, and so does a heading shaped like a date that no reader takes
(``[2024-13-45 99:99]``), which jrnl would fold into the entry before.
jrnl 1.x journals (dates without brackets) are read the way jrnl's upgrade
reads them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from voiceguide import messages
from voiceguide.journal.incoming import DateFallback, Incoming, by_today_key, jrnl_key, line_error, text_key
from voiceguide.journal.jrnl_dates import (
    DEFAULT_TIME_FORMAT,
    EARLIEST_DATE,
    LATEST_DATE,
    Dated,
    check_order,
    read_date,
    strptime,
)
from voiceguide.journal.tags import stored_symbols

DEFAULT_TAG_SYMBOLS = "#@"
"""jrnl's own default"""
HEADING = re.compile(r"(?:^|\n)\[([^\]]+)\] ")
SENTENCE_END = re.compile(r"[.?!]+[\"'\u2019\u201d)]*(?=\s|$)")
LEGACY_BRACKETED = re.compile(r"(^\[[^\]]+\].*?$)")


@dataclass(frozen=True)
class JrnlOptions:
    timeformat: str = DEFAULT_TIME_FORMAT
    tagsymbols: str = DEFAULT_TAG_SYMBOLS
    fallback: DateFallback = DateFallback.STOP


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def join_title(title: str, body: str) -> str:
    """How earlier versions joined jrnl's title and body: a title ending a sentence continued on its line."""
    if not body:
        return title
    if not title:
        return body
    sentence = SENTENCE_END.search(title)
    together = sentence is not None and sentence.end() == len(title)
    return title + (" " if together else "\n") + body


def _old_text(raw: str) -> str:
    """The text earlier versions kept: a line break after a first line ending a sentence became a space."""
    first, _, rest = raw.strip("\n").partition("\n")
    return join_title(first.strip(), rest.strip()) if first.strip() else rest.strip()


def _entry(dated: Dated, raw: str, heading: str, options: JrnlOptions, day: date | None = None) -> Incoming:
    """jrnl's Entry._parse_text: a first line ending in ``*`` is a star; the text stays as written.

    ``day``: the date a folder journal's day file gives its entries, whatever their headings say.
    """
    if day is not None:
        dated = replace(dated, when=dated.when.replace(year=day.year, month=day.month, day=day.day))
    head = raw.partition("\n")[0].splitlines()  # the first of raw.splitlines(), without splitting it all
    starred = bool(head) and head[0].strip().endswith("*")
    if starred:
        lines = raw.splitlines()
        raw = lines[0].strip("\n *") + "\n" + "\n".join(lines[1:])
    text = raw.strip()
    symbols = stored_symbols(options.tagsymbols)
    if dated.by_today:  # dated by the day it is read: known by its heading and text, not by that date
        key, old = by_today_key(heading, text), None
    else:
        key, old = jrnl_key(dated.when, text), text_key("jrnl", dated.when, _old_text(raw))
    return Incoming(dated.when, text, key, old if old != key else None, starred, tag_symbols=symbols)


def _no_date(text: str, source: object, options: JrnlOptions, day: date | None = None) -> list[Incoming]:
    """A journal without one dated entry: jrnl makes it all one entry dated now."""
    position = len(text) - len(text.lstrip())
    first = text.lstrip().splitlines()[0].strip()
    if options.fallback is not DateFallback.NOW:
        raise line_error(source, _line_of(text, position), messages.JOURNAL_JRNL_NO_DATED_ENTRY.format(text=first))
    return [_entry(Dated(datetime.now().replace(microsecond=0), by_today=True), text, "", options, day)]


def looks_legacy(text: str, options: JrnlOptions) -> bool:
    """jrnl 1.x: the first line starts with a date in the timeformat, without brackets."""
    first = text.lstrip().partition("\n")[0]
    if first.startswith("["):
        return False
    width = len(datetime.now().strftime(options.timeformat))
    return strptime(first[:width], options.timeformat) is not None


def parse_legacy(
    text: str, source: object = "the jrnl text", options: JrnlOptions | None = None, *, day: date | None = None
) -> list[Incoming]:
    """jrnl 1.x text (``2013-06-10 15:40 Title``), as jrnl's LegacyJournal reads it."""
    options = options or JrnlOptions()
    width = len(datetime.now().strftime(options.timeformat))
    found: list[tuple[datetime, list[str]]] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip()
        when = strptime(line[:width], options.timeformat)
        if when is not None:
            if not EARLIEST_DATE <= when < LATEST_DATE:
                raise line_error(source, number, messages.JOURNAL_JRNL_DATE_RANGE.format(date=line[:width]))
            found.append((when, [line[width + 1 :]]))
        elif found:
            found[-1][1].append(LEGACY_BRACKETED.sub(r" \1", line))
        elif line.strip():
            raise line_error(source, number, messages.JOURNAL_JRNL_TEXT_BEFORE_ENTRY)
    return [_entry(Dated(when), "\n".join(lines) + "\n", "", options, day) for when, lines in found]


def parse_jrnl(
    text: str, source: object = "the jrnl text", options: JrnlOptions | None = None, *, day: date | None = None
) -> list[Incoming]:
    """Each entry of a jrnl journal, oldest first as written; a line that cannot be read names itself."""
    options = options or JrnlOptions()
    if not text.strip():
        return []
    if looks_legacy(text, options):
        return parse_legacy(text, source, options, day=day)
    starts: list[tuple[Dated, int, int, str]] = []  # date, where the heading starts, where its text starts, heading
    guessed: list[tuple[int, str]] = []  # line and heading of dates not in the timeformat
    line, counted = 1, 0  # line numbers counted as we go: once over the text, not once per heading
    for match in HEADING.finditer(text):
        bracket = match.start(1) - 1
        line += text.count("\n", counted, bracket)
        counted = bracket
        dated = read_date(match[1], options.timeformat, options.fallback, source=source, line=line)
        if dated is not None:
            starts.append((dated, bracket, match.end(), match[1]))
            if dated.guessed:
                guessed.append((line, match[1]))
    if day is None:  # a day file's entries take its date: their order does not matter
        check_order(guessed, source=source)
    if not starts:
        return _no_date(text, source, options, day)
    preamble = text[: starts[0][1]]
    if preamble.strip():
        position = len(preamble) - len(preamble.lstrip())
        raise line_error(source, _line_of(text, position), messages.JOURNAL_JRNL_TEXT_BEFORE_ENTRY)
    ends = [bracket for _, bracket, _, _ in starts[1:]] + [len(text)]
    return [
        _entry(dated, text[begin:end], heading, options, day)
        for (dated, _, begin, heading), end in zip(starts, ends, strict=True)
    ]


DAY_FILE = re.compile(r"^[0123]\d\.txt$")


def day_files(folder: Path) -> Iterator[tuple[Path, int, int, int]]:
    """jrnl's folder journal: ``YYYY/MM/DD.txt``; any other file is not part of the journal."""
    for year in sorted(folder.glob("[0-9][0-9][0-9][0-9]")):
        if not year.is_dir():
            continue
        for month in sorted(year.glob("[01][0-9]")):
            if not (month.is_dir() and 1 <= int(month.name) <= 12):
                continue
            for day in sorted(month.glob("[0123][0-9].txt")):
                if day.is_file() and strptime(f"{year.name}-{month.name}-{day.stem}", "%Y-%m-%d"):
                    yield day, int(year.name), int(month.name), int(day.stem)


def parse_folder(folder: Path, options: JrnlOptions, read_text: Callable[[Path], str]) -> list[Incoming]:
    """Every day file's entries; the file's place (year, month, day) is the entry's date, as in jrnl."""
    entries: list[Incoming] = []
    for path, year, month, day in day_files(folder):
        entries += parse_jrnl(read_text(path), path, options, day=date(year, month, day))
    return entries
