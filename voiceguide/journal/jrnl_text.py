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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from voiceguide import messages
from voiceguide.journal.incoming import DateFallback, Incoming, line_error, text_key

DEFAULT_TIME_FORMAT = "%Y-%m-%d %H:%M"
DEFAULT_TAG_SYMBOLS = "@"
EARLIEST_DATE = datetime(1000, 1, 2)
LATEST_DATE = datetime(9999, 12, 31)
"""Imported dates stay within four-digit years in every time zone"""
NO_YEAR = 9999
"""The default year given to dateutil: a date that comes back with it had none"""
DEFAULT_SHAPE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
HEADING = re.compile(r"(?:^|\n)\[([^\]]+)\] ")
SENTENCE_END = re.compile(r"[.?!]+[\"'\u2019\u201d)]*(?=\s|$)")
BROKEN_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}\b")
"""A heading shaped like jrnl's default date that no parser reads"""
LEGACY_BRACKETED = re.compile(r"(^\[[^\]]+\].*?$)")
FUTURE_DAYS = 28
"""jrnl's rule for a date without a year: more than four weeks ahead means last year"""


@dataclass(frozen=True)
class JrnlOptions:
    timeformat: str = DEFAULT_TIME_FORMAT
    tagsymbols: str = DEFAULT_TAG_SYMBOLS
    fallback: DateFallback = DateFallback.STOP


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _strptime(value: str, layout: str) -> datetime | None:
    if layout == DEFAULT_TIME_FORMAT and DEFAULT_SHAPE.fullmatch(value):  # the common case, without strptime
        try:
            return datetime(int(value[:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]), int(value[14:16]))
        except ValueError:
            return None
    try:
        return datetime.strptime(value, layout)
    except (ValueError, TypeError):
        return None


def read_date(blob: str, options: JrnlOptions, *, source: object, line: int) -> datetime | None:
    """The date in ``[blob]`` as jrnl reads it, or None when jrnl would take the line as text."""
    when = _strptime(blob, options.timeformat)
    if when is None:
        if len(blob) <= 6:  # jrnl: probably a Markdown footnote
            return None
        from dateutil import parser

        try:
            when = parser.parse(blob, default=datetime(NO_YEAR, 1, 1))
        except (ValueError, OverflowError, TypeError):
            if BROKEN_DATE.match(blob):  # jrnl would hide it in the entry before; a typo, say where
                raise line_error(source, line, messages.JOURNAL_JRNL_BAD_DATE.format(date=blob)) from None
            return None
        when = when.replace(tzinfo=None)
        if when.year == NO_YEAR:
            when = _without_year(when, blob, options, source=source, line=line)
    if not EARLIEST_DATE <= when < LATEST_DATE:
        raise line_error(source, line, messages.JOURNAL_JRNL_DATE_RANGE.format(date=blob))
    return when


def _without_year(when: datetime, blob: str, options: JrnlOptions, *, source: object, line: int) -> datetime:
    if options.fallback is not DateFallback.NOW:
        raise line_error(source, line, messages.JOURNAL_JRNL_NO_YEAR.format(date=blob))
    now = datetime.now()
    try:
        dated = when.replace(year=now.year)
        if (dated - now).days > FUTURE_DAYS:
            dated = dated.replace(year=now.year - 1)
    except ValueError:  # 29 February in a year without one
        dated = when.replace(year=now.year - 1, day=28)
    return dated


def split_title(text: str) -> tuple[str, str]:
    """The first sentence of the first line is the title, the rest is the body (how export writes it)."""
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


def _entry(when: datetime, raw: str) -> Incoming:
    """jrnl's Entry._parse_text: a first line ending in ``*`` is a star; then title and body."""
    head = raw.partition("\n")[0].splitlines()  # the first of raw.splitlines(), without splitting it all
    starred = bool(head) and head[0].strip().endswith("*")
    if starred:
        lines = raw.splitlines()
        raw = lines[0].strip("\n *") + "\n" + "\n".join(lines[1:])
    first, _, rest = raw.strip("\n").partition("\n")
    text = join_title(first.strip(), rest.strip()) if first.strip() else rest.strip()
    return Incoming(when=when, text=text, key=text_key("jrnl", when, text), starred=starred)


def _no_date(text: str, source: object, options: JrnlOptions) -> list[Incoming]:
    """A journal without one dated entry: jrnl makes it all one entry dated now."""
    position = len(text) - len(text.lstrip())
    first = text.lstrip().splitlines()[0].strip()
    if options.fallback is not DateFallback.NOW:
        raise line_error(source, _line_of(text, position), messages.JOURNAL_JRNL_NO_DATED_ENTRY.format(text=first))
    when = datetime.now().replace(microsecond=0)
    return [_entry(when, text)]


def looks_legacy(text: str, options: JrnlOptions) -> bool:
    """jrnl 1.x: the first line starts with a date in the timeformat, without brackets."""
    first = text.lstrip().partition("\n")[0]
    if first.startswith("["):
        return False
    width = len(datetime.now().strftime(options.timeformat))
    return _strptime(first[:width], options.timeformat) is not None


def parse_legacy(text: str, source: object = "the jrnl text", options: JrnlOptions | None = None) -> list[Incoming]:
    """jrnl 1.x text (``2013-06-10 15:40 Title``), as jrnl's LegacyJournal reads it."""
    options = options or JrnlOptions()
    width = len(datetime.now().strftime(options.timeformat))
    found: list[tuple[datetime, list[str]]] = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.rstrip()
        when = _strptime(line[:width], options.timeformat)
        if when is not None:
            if not EARLIEST_DATE <= when < LATEST_DATE:
                raise line_error(source, number, messages.JOURNAL_JRNL_DATE_RANGE.format(date=line[:width]))
            found.append((when, [line[width + 1 :]]))
        elif found:
            found[-1][1].append(LEGACY_BRACKETED.sub(r" \1", line))
        elif line.strip():
            raise line_error(source, number, messages.JOURNAL_JRNL_TEXT_BEFORE_ENTRY)
    return [_entry(when, "\n".join(lines) + "\n") for when, lines in found]


def parse_jrnl(text: str, source: object = "the jrnl text", options: JrnlOptions | None = None) -> list[Incoming]:
    """Each entry of a jrnl journal, oldest first as written; a line that cannot be read names itself."""
    options = options or JrnlOptions()
    if not text.strip():
        return []
    if looks_legacy(text, options):
        return parse_legacy(text, source, options)
    starts: list[tuple[datetime, int, int]] = []  # date, where the heading starts, where its text starts
    line, counted = 1, 0  # line numbers counted as we go: once over the text, not once per heading
    for match in HEADING.finditer(text):
        bracket = match.start(1) - 1
        line += text.count("\n", counted, bracket)
        counted = bracket
        when = read_date(match[1], options, source=source, line=line)
        if when is not None:
            starts.append((when, bracket, match.end()))
    if not starts:
        return _no_date(text, source, options)
    preamble = text[: starts[0][1]]
    if preamble.strip():
        position = len(preamble) - len(preamble.lstrip())
        raise line_error(source, _line_of(text, position), messages.JOURNAL_JRNL_TEXT_BEFORE_ENTRY)
    ends = [bracket for _, bracket, _ in starts[1:]] + [len(text)]
    return [_entry(when, text[begin:end]) for (when, _, begin), end in zip(starts, ends, strict=True)]


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
                if day.is_file() and _strptime(f"{year.name}-{month.name}-{day.stem}", "%Y-%m-%d"):
                    yield day, int(year.name), int(month.name), int(day.stem)


def parse_folder(folder: Path, options: JrnlOptions, read_text: Callable[[Path], str]) -> list[Incoming]:
    """Every day file's entries; the file's place (year, month, day) is the entry's date, as in jrnl."""
    entries: list[Incoming] = []
    for path, year, month, day in day_files(folder):
        for entry in parse_jrnl(read_text(path), path, options):
            when = entry.when.replace(year=year, month=month, day=day)
            entries.append(
                Incoming(when=when, text=entry.text, key=text_key("jrnl", when, entry.text), starred=entry.starred)
            )
    return entries
