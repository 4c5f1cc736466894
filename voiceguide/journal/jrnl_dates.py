"""A bracketed jrnl date read the way jrnl 4.6 reads it (``jrnl.time.parse``).

First the journal's ``timeformat``; then dateutil's parser (partial dates such
as ``2019-07 14:23``, other orders, month names); then, where dateutil finds
nothing, parsedatetime, jrnl's reader of natural dates (``yesterday 14:00``,
``last monday``, ``10:30 meeting``). A bracket of six characters or fewer is a
footnote, not a date. Where the date jrnl would give depends on the day the
journal is read (a date without a year, a natural date), the import stops and
names the line, unless the person accepts jrnl's reading with
``--date-fallback now``; such an entry is then known by its heading and text,
not by the date it got, so importing it again adds nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from voiceguide import messages
from voiceguide.journal.incoming import DateFallback, line_error

DEFAULT_TIME_FORMAT = "%Y-%m-%d %H:%M"
EARLIEST_DATE = datetime(1000, 1, 2)
LATEST_DATE = datetime(9999, 12, 31)
"""Imported dates stay within four-digit years in every time zone"""
NO_YEAR = 9999
"""The default year given to dateutil: a date that comes back with it had none (jrnl's FAKE_YEAR)"""
DEFAULT_SHAPE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d")
BROKEN_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}\b")
"""A heading shaped like jrnl's default date that no parser reads"""
FUTURE_DAYS = 28
"""jrnl's rule for a date without a year: more than four weeks ahead means last year"""


NUMERIC_YEAR_LAST = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{2}|\d{4})(?!\d)(.*)")
"""``09.06.2013 15:39``: dateutil takes the month first unless the first number cannot be a month"""
CLOCK = re.compile(r"\s+\d\d:\d\d")


def check_order(guessed: list[tuple[int, str]], *, source: object) -> None:
    """Stop where dateutil's month-first guess could swap day and month unseen.

    ``guessed``: (line, heading) of the dates that were not in the journal's
    timeformat. A date such as ``09.06.2013`` reads either way: it is accepted
    only when another date of the journal shows the month comes first
    (``06.13.2013``) and none shows the day does (``13.06.2013``).
    """
    ambiguous: list[tuple[int, str]] = []
    day_first = month_first = False
    for line, blob in guessed:
        found = NUMERIC_YEAR_LAST.fullmatch(blob.strip())
        if found is None:
            continue
        first, second = int(found[1]), int(found[3])
        day_first |= first > 12
        month_first |= second > 12
        if first <= 12 and second <= 12 and first != second:
            ambiguous.append((line, blob))
    if ambiguous and (day_first or not month_first):
        line, blob = ambiguous[0]
        found = NUMERIC_YEAR_LAST.fullmatch(blob.strip())
        assert found is not None
        sep, year = found[2], "%Y" if len(found[4]) == 4 else "%y"
        clock = " %H:%M" if CLOCK.fullmatch(found[5]) else ""
        problem = messages.JOURNAL_JRNL_DAY_OR_MONTH.format(
            date=blob, day_first=f"%d{sep}%m{sep}{year}{clock}", month_first=f"%m{sep}%d{sep}{year}{clock}"
        )
        raise line_error(source, line, problem)


@dataclass(frozen=True)
class Dated:
    when: datetime
    by_today: bool = False
    """The date depends on the day the journal is read (accepted with --date-fallback now)"""
    guessed: bool = False
    """Not in the journal's timeformat: read by dateutil or parsedatetime"""


def strptime(value: str, layout: str) -> datetime | None:
    if layout == DEFAULT_TIME_FORMAT and DEFAULT_SHAPE.fullmatch(value):  # the common case, without strptime
        try:
            return datetime(int(value[:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]), int(value[14:16]))
        except ValueError:
            return None
    try:
        return datetime.strptime(value, layout)
    except (ValueError, TypeError):
        return None


def read_date(blob: str, timeformat: str, fallback: DateFallback, *, source: object, line: int) -> Dated | None:
    """The date in ``[blob]`` as jrnl reads it, or None when jrnl would take the line as text."""
    when = strptime(blob, timeformat)
    dated = Dated(when) if when is not None else _fuzzy(blob, fallback, source=source, line=line)
    if dated is not None and not EARLIEST_DATE <= dated.when < LATEST_DATE:
        raise line_error(source, line, messages.JOURNAL_JRNL_DATE_RANGE.format(date=blob))
    return dated


def _fuzzy(blob: str, fallback: DateFallback, *, source: object, line: int) -> Dated | None:
    """jrnl's ``time.parse(blob, bracketed=True)`` after its timeformat failed."""
    if len(blob) <= 6:  # jrnl: probably a Markdown footnote
        return None
    from dateutil import parser

    try:
        found = parser.parse(blob, default=datetime(NO_YEAR, 1, 1))
    except (ValueError, OverflowError, TypeError):
        return _natural(blob, fallback, source=source, line=line)
    when = _whole(found.timetuple(), has_time=not found.hour == found.minute == 0)
    if found.year != NO_YEAR:
        return Dated(when, guessed=True)
    if fallback is not DateFallback.NOW:
        raise line_error(source, line, messages.JOURNAL_JRNL_NO_YEAR.format(date=blob))
    return Dated(_four_weeks_ahead(when.replace(year=datetime.now().year)), by_today=True)


def _natural(blob: str, fallback: DateFallback, *, source: object, line: int) -> Dated | None:
    """What dateutil cannot read, jrnl gives to parsedatetime: ``yesterday 14:00``, ``last monday``."""
    import parsedatetime

    constants = parsedatetime.Constants(usePyICU=False)
    constants.DOWParseStyle = -1  # jrnl: "monday" is today or the last Monday
    calendar = parsedatetime.Calendar(constants, version=parsedatetime.VERSION_CONTEXT_STYLE)
    try:
        found, context = calendar.parse(blob)
        has_date, has_time = bool(context.hasDate), bool(context.hasTime)
    except (ValueError, OverflowError, TypeError, IndexError, AttributeError):  # where jrnl itself fails
        has_date = has_time = False
    if not (has_date or has_time):
        if BROKEN_DATE.match(blob):  # jrnl would hide it in the entry before; a typo, say where
            raise line_error(source, line, messages.JOURNAL_JRNL_BAD_DATE.format(date=blob))
        return _a_year(blob)
    if fallback is not DateFallback.NOW:
        problem = messages.JOURNAL_JRNL_BAD_DATE if BROKEN_DATE.match(blob) else messages.JOURNAL_JRNL_RELATIVE_DATE
        raise line_error(source, line, problem.format(date=blob))
    try:
        when = _whole(found, has_time=has_time)
    except ValueError:
        raise line_error(source, line, messages.JOURNAL_JRNL_DATE_RANGE.format(date=blob)) from None
    return Dated(_four_weeks_ahead(when), by_today=True)


def _a_year(blob: str) -> Dated | None:
    """jrnl: what neither reader takes may still be a year on its own."""
    try:
        year = int(blob)
    except ValueError:
        return None
    return Dated(datetime(year, 1, 1)) if 1 <= year <= LATEST_DATE.year else None


def _whole(parts: Any, *, has_time: bool) -> datetime:
    """jrnl keeps the date to the second, and a date with no time at midnight."""
    return datetime(*parts[:6]) if has_time else datetime(*parts[:3])


def _four_weeks_ahead(when: datetime) -> datetime:
    """jrnl: a date more than four weeks ahead of now (by whole days, rounded down) was meant last year."""
    if (datetime.now() - when).days < -FUTURE_DAYS:
        try:
            return when.replace(year=when.year - 1)
        except ValueError:  # 29 February
            return when.replace(year=when.year - 1, day=28)
    return when
