"""What lets a person see the journey: tags, mood check-ins, minutes listened and a picture of practice.

The picture reads ``entry_days`` (entries, words and seconds per local day,
kept by triggers on every insert, edit and delete), so years of daily
entries are a few thousand rows and no entry's text is read; breathing,
listening and check-ins are small tables read whole.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from voiceguide import messages
from voiceguide.errors import JournalError
from voiceguide.journal.connection import Database, guarded
from voiceguide.journal.tags import tags_in
from voiceguide.journal.timestamps import local, stamp, today

MOODS = range(1, 6)
MOMENTS = ("start", "end", "alone")
PERIODS = ("week", "month")


@dataclass(frozen=True)
class Checkin:
    """How the person felt, from 1 to 5, at the start or end of a guided session or on its own."""

    id: int
    created: str
    mood: int
    moment: str
    session: str | None = None
    utc_offset_minutes: int = 0


@dataclass
class Period:
    """One week (from Monday) or one month of practice."""

    start: str
    listened_minutes: float = 0.0
    breathed_minutes: float = 0.0
    entries: int = 0
    mood_start: float | None = None
    """Mean mood at the start of guided sessions (and on its own), None without check-ins"""
    mood_end: float | None = None
    """Mean mood at the end of guided sessions"""
    checkins: int = 0


@dataclass
class Practice:
    """The numbers behind `journal stats`, its chart and the HTML report."""

    by: str
    periods: list[Period] = field(default_factory=list)
    entries: int = 0
    words: int = 0
    minutes_spoken: float = 0.0
    minutes_listened: float = 0.0
    minutes_breathed: float = 0.0
    checkins: int = 0
    current_streak_days: int = 0
    longest_streak_days: int = 0
    practice_days: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def period_start(day: date, by: str) -> date:
    """The Monday of ``day``'s week, or the first of its month."""
    return day - timedelta(days=day.weekday()) if by == "week" else day.replace(day=1)


def period_starts(on: date, by: str, count: int) -> list[date]:
    """``count`` periods ending with the one holding ``on``, oldest first."""
    last = period_start(on, by)
    if by == "week":
        starts = [last - timedelta(weeks=k) for k in range(count)]
    else:
        starts = []
        year, month = last.year, last.month
        for _ in range(count):
            starts.append(date(year, month, 1))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return [s for s in reversed(starts)]


def streaks(days: set[date], on: date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days; the current run may end yesterday (today is not over)."""
    longest = run = 0
    previous = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    day = on if on in days else on - timedelta(days=1)
    current = 0
    while day in days:
        current += 1
        day -= timedelta(days=1)
    return current, longest


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class InsightsStore(Database):
    # tags

    def _set_tags(self, db: Any, entry_id: int, text: str) -> None:
        """Inside the caller's transaction: the entry's tags are the ones its text holds now."""
        row = db.execute("SELECT tag_symbols FROM entries WHERE id = ?", (entry_id,)).fetchone()
        db.execute("DELETE FROM entry_tags WHERE entry_id = ?", (entry_id,))
        db.executemany(
            "INSERT OR IGNORE INTO entry_tags (tag, entry_id) VALUES (?, ?)",
            [(tag, entry_id) for tag in tags_in(text, row[0] if row else None)],
        )

    def tag_entries_after(self, db: Any, newest: int) -> None:
        """Inside the caller's transaction: tags for entries added in bulk, past id ``newest``."""
        rows = db.execute("SELECT id, text, tag_symbols FROM entries WHERE id > ?", (int(newest),)).fetchall()
        db.executemany(
            "INSERT OR IGNORE INTO entry_tags (tag, entry_id) VALUES (?, ?)",
            [(tag, entry_id) for entry_id, text, symbols in rows for tag in tags_in(text or "", symbols)],
        )

    @guarded
    def rebuild_tags(self) -> None:
        """Every entry's tags from its text again (after rows were copied in without ``add_entry``)."""
        with self.transaction() as db:
            db.execute("DELETE FROM entry_tags")
            for entry_id, text in db.execute("SELECT id, text FROM entries").fetchall():
                self._set_tags(db, entry_id, text or "")

    @guarded
    def tags(self) -> list[tuple[str, int]]:
        """Every tag with the number of entries holding it, most used first."""
        rows = self.conn.execute("SELECT tag, count(*) FROM entry_tags GROUP BY tag ORDER BY count(*) DESC, tag")
        return [(row[0], row[1]) for row in rows]

    # check-ins and listening

    @guarded
    def add_checkin(
        self, mood: int, *, moment: str = "alone", session: str | None = None, created: datetime | None = None
    ) -> Checkin:
        """Record how the person feels, 1 to 5."""
        if int(mood) not in MOODS:
            raise JournalError(messages.CHECKIN_RANGE.format(mood=mood))
        if moment not in MOMENTS:
            raise JournalError(messages.CHECKIN_RANGE.format(mood=moment))
        created_text, offset = stamp(created)
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO checkins (created, utc_offset_minutes, mood, moment, session) VALUES (?, ?, ?, ?, ?)",
                (created_text, offset, int(mood), moment, session),
            )
        return Checkin(cursor.lastrowid, created_text, int(mood), moment, session, offset)

    @guarded
    def checkins(self, session: str | None = None) -> list[Checkin]:
        """Check-ins oldest first, all or one guided session's."""
        sql = "SELECT id, created, mood, moment, session, utc_offset_minutes FROM checkins"
        params: tuple[str, ...] = ()
        if session is not None:
            sql += " WHERE session = ?"
            params = (session,)
        return [Checkin(*row) for row in self.conn.execute(sql + " ORDER BY created, id", params)]

    @guarded
    def add_listening(
        self,
        seconds: float,
        *,
        article: str | None = None,
        section: int | None = None,
        started: datetime | None = None,
    ) -> None:
        """Record time spent listening to an article (a section in `guide`, a reading in `read`)."""
        if not seconds or seconds <= 0:
            return
        started_text, offset = stamp(started)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO listening (started, utc_offset_minutes, article, section, seconds) VALUES (?, ?, ?, ?, ?)",
                (started_text, offset, article, section, float(seconds)),
            )

    # recall

    @guarded
    def newest_entry_id(self) -> int:
        """The highest entry id so far (0 for an empty journal): entries after it are this session's."""
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM entries").fetchone()[0])

    @guarded
    def earlier_reflection(self, article: str, section: int, *, up_to: int) -> Any:
        """The newest entry with words on ``article``'s ``section`` whose id is at most ``up_to``, or None."""
        row = self.conn.execute(
            "SELECT id FROM entries WHERE article = ? AND section = ? AND id <= ? AND trim(text) != ''"
            " ORDER BY id DESC LIMIT 1",
            (article, int(section), int(up_to)),
        ).fetchone()
        return None if row is None else self.get(row[0])  # type: ignore[attr-defined]

    # the picture of practice

    @guarded
    def practice(self, *, by: str = "week", periods: int = 12, on: date | None = None) -> Practice:
        """Minutes listened and breathed, entries and mood per week or month, with totals and streaks."""
        if by not in PERIODS:
            raise JournalError(messages.STATS_BAD_PERIOD.format(by=by))
        on = on or today()
        starts = period_starts(on, by, max(1, min(int(periods), 520)))
        buckets = {s: Period(s.isoformat()) for s in starts}
        first = starts[0]

        def bucket(day: date | None) -> Period | None:
            if day is None or day < first or day > on:
                return None
            return buckets.get(period_start(day, by))

        picture = Practice(by=by, periods=list(buckets.values()))
        days: set[date] = set()
        totals = self.conn.execute("SELECT day, entries, words, seconds FROM entry_days")
        seconds_spoken = 0.0
        for text, count, words, spoken in totals:
            picture.entries += count
            picture.words += words
            seconds_spoken += spoken
            day = _day(text)
            if day is not None:
                days.add(day)
            found = bucket(day)
            if found is not None:
                found.entries += count
        picture.minutes_spoken = round(seconds_spoken / 60, 1)

        for table, column, total in (
            ("breathing_sessions", "breathed_minutes", "minutes_breathed"),
            ("listening", "listened_minutes", "minutes_listened"),
        ):
            seconds = 0.0
            for started, offset, spent in self.conn.execute(
                f"SELECT started, utc_offset_minutes, seconds FROM {table}"
            ):
                seconds += spent
                day = local(started, offset).date()
                days.add(day)
                found = bucket(day)
                if found is not None:
                    setattr(found, column, getattr(found, column) + spent / 60)
            setattr(picture, total, round(seconds / 60, 1))

        moods: dict[tuple[date, str], list[int]] = defaultdict(list)
        counted: Counter[date] = Counter()
        for created, offset, mood, moment in self.conn.execute(
            "SELECT created, utc_offset_minutes, mood, moment FROM checkins"
        ):
            picture.checkins += 1
            day = local(created, offset).date()
            days.add(day)
            found = bucket(day)
            if found is not None:
                start = period_start(day, by)
                moods[(start, "end" if moment == "end" else "start")].append(mood)
                counted[start] += 1
        for start, period in buckets.items():
            period.listened_minutes = round(period.listened_minutes, 1)
            period.breathed_minutes = round(period.breathed_minutes, 1)
            period.checkins = counted[start]
            for moment in ("start", "end"):
                values = moods.get((start, moment))
                if values:
                    setattr(period, f"mood_{moment}", round(sum(values) / len(values), 1))
        picture.current_streak_days, picture.longest_streak_days = streaks(days, on)
        picture.practice_days = len(days)
        return picture
