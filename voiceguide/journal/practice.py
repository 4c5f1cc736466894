"""Breathing sessions and reading progress: what lets `guide` resume and show practice over time."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from voiceguide.journal.connection import Database, guarded
from voiceguide.journal.models import BreathingSession
from voiceguide.journal.timestamps import local, stamp, today, utc_floor


def _session(row: tuple[Any, ...]) -> BreathingSession:
    return BreathingSession(
        id=row[0],
        started=row[1],
        pattern=row[2],
        planned_cycles=row[3],
        completed_cycles=row[4],
        seconds=row[5],
        interrupted=bool(row[6]),
        utc_offset_minutes=row[7],
    )


SESSION_COLUMNS = "id, started, pattern, planned_cycles, completed_cycles, seconds, interrupted, utc_offset_minutes"


class PracticeStore(Database):
    @guarded
    def add_breathing_session(
        self,
        pattern: str,
        planned_cycles: int,
        completed_cycles: int,
        seconds: float,
        interrupted: bool,
        started: datetime | None = None,
    ) -> BreathingSession:
        """Record a finished or stopped breathing exercise (``started`` defaults to now)."""
        started_text, offset = stamp(started)
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO breathing_sessions (started, utc_offset_minutes, pattern,"
                " planned_cycles, completed_cycles, seconds, interrupted)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    started_text,
                    offset,
                    pattern,
                    int(planned_cycles),
                    int(completed_cycles),
                    float(seconds),
                    int(bool(interrupted)),
                ),
            )
            row = db.execute(
                f"SELECT {SESSION_COLUMNS} FROM breathing_sessions WHERE id = ?",
                (cursor.lastrowid,),
            ).fetchone()
        return _session(row)

    @guarded
    def breathing_sessions(self, limit: int | None = 20) -> list[BreathingSession]:
        """Sessions newest first."""
        sql = f"SELECT {SESSION_COLUMNS} FROM breathing_sessions ORDER BY started DESC, id DESC"
        params: tuple[int, ...] = ()
        if limit is not None:
            sql += " LIMIT ?"
            params = (max(0, int(limit)),)
        return [_session(row) for row in self.conn.execute(sql, params)]

    @guarded
    def minutes_per_week(self, weeks: int = 8, *, on: date | None = None) -> list[tuple[date, float]]:
        """Minutes of breathing practice per local week (Monday first), oldest week first.

        Weeks without practice are included as 0 so a chart shows the gaps.
        """
        weeks = max(1, int(weeks))
        day = on or today()
        this_monday = day - timedelta(days=day.weekday())
        first = this_monday - timedelta(weeks=weeks - 1)
        totals = {first + timedelta(weeks=i): 0.0 for i in range(weeks)}
        rows = self.conn.execute(
            "SELECT started, utc_offset_minutes, seconds FROM breathing_sessions WHERE started >= ?",
            (utc_floor(first),),
        )
        for started, offset, seconds in rows:
            local_day = local(started, offset).date()
            monday = local_day - timedelta(days=local_day.weekday())
            if monday in totals:
                totals[monday] += seconds / 60
        return [(monday, round(minutes, 1)) for monday, minutes in totals.items()]

    @guarded
    def get_progress(self, article_key: str) -> tuple[int, int] | None:
        """Where reading of an article stopped: (section, sentence), or None if never read."""
        row = self.conn.execute(
            "SELECT section, sentence FROM reading_progress WHERE article = ?", (article_key,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    @guarded
    def set_progress(self, article_key: str, section: int, sentence: int) -> None:
        """Remember where reading stopped; the key is stable, e.g. 'bundled:healing-trust'."""
        with self.transaction() as db:
            db.execute(
                """
                INSERT INTO reading_progress (article, section, sentence, updated)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (article) DO UPDATE SET
                    section = excluded.section, sentence = excluded.sentence,
                    updated = excluded.updated
                """,
                (article_key, int(section), int(sentence), stamp()[0]),
            )

    @guarded
    def prompts_used(self, article_key: str, section: int) -> int:
        """How many reflections on this article's section answered a prompt (the next prompt is the one after)."""
        row = self.conn.execute(
            "SELECT count(*) FROM entries WHERE kind = 'reflection' AND article = ? AND section = ?"
            " AND prompt IS NOT NULL",
            (article_key, section),
        ).fetchone()
        return int(row[0])
