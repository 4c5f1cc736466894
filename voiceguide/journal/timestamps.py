"""Moments stored as UTC ISO-8601 text plus the local offset at that moment.

UTC text sorts and compares as plain strings; the offset lets us show (and
export) the time the person saw on their clock, even after they travel or
the clocks change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
EARLIEST = "0000-00-00T00:00:00Z"
"""Sorts before every stored moment: the floor of a date too early to compute"""
LATEST = "9999-99-99T99:99:99Z"
"""Sorts after every stored moment: the ceiling of a date too late to compute"""


def stamp(moment: datetime | None = None) -> tuple[str, int]:
    """UTC text to the second and the local offset in minutes for ``moment``.

    ``None`` means now; a naive datetime is taken as the machine's local time.
    """
    if moment is None:
        moment = datetime.now().astimezone()
    elif moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.astimezone()
    offset = moment.utcoffset() or timedelta(0)
    utc = moment.astimezone(UTC)
    return _iso(utc), round(offset.total_seconds() / 60)


def _iso(utc: datetime) -> str:
    """ISO_FORMAT with the year always in four digits (strftime writes year 999 as "999")."""
    return f"{utc.year:04d}" + utc.strftime(ISO_FORMAT[2:])


def parse_utc(text: str) -> datetime:
    """The aware UTC datetime for stored text (fromisoformat first: strptime is ten times slower)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return datetime.strptime(text, ISO_FORMAT).replace(tzinfo=UTC)
    if moment.utcoffset() != timedelta(0) or len(text) != 20:
        return datetime.strptime(text, ISO_FORMAT).replace(tzinfo=UTC)  # only the stored form, as before
    return moment


def local(text: str, offset_minutes: int) -> datetime:
    """The stored moment as the wall-clock time it was where it happened."""
    return parse_utc(text).astimezone(timezone(timedelta(minutes=offset_minutes)))


def today() -> date:
    """The machine's local date."""
    return datetime.now().astimezone().date()


def utc_floor(day: date) -> str:
    """UTC text early enough to include every moment whose local date is ``day``.

    Offsets on Earth reach +14 h, so the start of ``day`` minus 14 h is safe; the
    exact local date is checked per row.
    """
    try:
        start = datetime.combine(day, time(0, 0), tzinfo=UTC) - timedelta(hours=14)
    except OverflowError:
        return EARLIEST  # --since 0001-01-01: everything
    return _iso(start)


def utc_ceiling(day: date) -> str:
    """UTC text late enough for every moment whose local date is ``day`` (offsets reach -12 h)."""
    try:
        end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=UTC) + timedelta(hours=12)
    except OverflowError:
        return LATEST  # --until 9999-12-31: everything
    return _iso(end)


LOCAL_DATE_SQL = "date({column}, printf('%+d minutes', {offset}))"
"""SQL for the local date of a stored moment, e.g. for filters and streaks."""


def local_date_sql(column: str = "created", offset: str = "utc_offset_minutes") -> str:
    return LOCAL_DATE_SQL.format(column=column, offset=offset)
