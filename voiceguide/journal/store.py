"""The journal: one private SQLite file with entries, their search index and audio.

Opening checks the file read-only first, so a damaged or foreign file is
reported and left as it is; a journal another process is writing waits for
the busy timeout and then says so in one line.
"""

from __future__ import annotations

import builtins
import errno
import json
import random
import time
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.errors import EntryNotFound, JournalBusy, JournalCorrupt, JournalError, JournalReadOnly
from voiceguide.journal import search as fts
from voiceguide.journal.connection import (
    DEFAULT_BUSY_TIMEOUT,
    Database,
    busy_if_converting,
    check_writable,
    connect,
    create_private_file,
    driver_for,
    file_identity,
    guarded,
    make_private,
    open_checked,
    probe,
    translate,
)
from voiceguide.journal.insights import InsightsStore
from voiceguide.journal.migrations import migrate, unknown_migrations
from voiceguide.journal.models import KINDS, Entry, HistoryItem, StoredAudio, segments_json
from voiceguide.journal.passphrase import looks_encrypted, unlock
from voiceguide.journal.practice import PracticeStore
from voiceguide.journal.recordings import RecordingStore
from voiceguide.journal.tags import tag_names
from voiceguide.journal.timestamps import local_date_sql, stamp, today, utc_ceiling, utc_floor
from voiceguide.settings import ensure_private_dir, user_paths

ENTRY_COLUMNS = (
    "e.id, e.created, e.kind, e.text, e.prompt, e.article, e.section, e.engine, e.model, "
    "e.duration, e.confidence, e.segments, "
    "EXISTS (SELECT 1 FROM audio a WHERE a.entry_id = e.id) AS has_audio, "
    "e.utc_offset_minutes, e.needs_transcription, e.text_pass, e.tag_symbols"
)
LOCAL_DATE = local_date_sql("e.created", "e.utc_offset_minutes")
SNIPPET_TOKENS = 16
TAGGED = "AND e.id IN (SELECT entry_id FROM entry_tags WHERE tag IN (?, ?))"
TAGGED_EACH = "EXISTS (SELECT 1 FROM entry_tags t WHERE t.entry_id = e.id AND t.tag IN (?, ?))"
COMMON_TAG = 1000
"""Entries with a tag above which listing walks the entries newest first and checks each (the
first 20 come at once) instead of sorting all the tagged ones (fast only while they are few)"""


SQLITE_MAX_INTEGER = 2**63 - 1


def _storable(entry_id: int) -> bool:
    """Whether SQLite could hold ``entry_id`` at all: a bigger number is no entry, not an overflow."""
    return -SQLITE_MAX_INTEGER - 1 <= int(entry_id) <= SQLITE_MAX_INTEGER


def _bounded(limit: int) -> int:
    """A LIMIT SQLite takes: none below 0, and a huge one means every row."""
    return min(max(0, int(limit)), SQLITE_MAX_INTEGER)


def _entry(row: Any) -> Entry:
    return Entry(
        id=row[0],
        created=row[1],
        kind=row[2],
        text=row[3],
        prompt=row[4],
        article=row[5],
        section=row[6],
        engine=row[7],
        model=row[8],
        duration=row[9],
        confidence=row[10],
        segments=json.loads(row[11] or "[]"),
        has_audio=bool(row[12]),
        utc_offset_minutes=row[13],
        needs_transcription=bool(row[14]),
        text_pass=row[15],
        tag_symbols=row[16],
    )


class Journal(RecordingStore, PracticeStore, InsightsStore, Database):
    """Entries, search, audio, recordings, breathing, reading progress, tags and check-ins in one file."""

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        *,
        passphrase: str | None = None,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        cached: bool = True,
        skip_damaged: bool = False,
    ) -> Journal:
        """Open (creating if needed) and migrate the journal at ``path`` (default: the user's).

        An encrypted journal opened without a passphrase is unlocked through
        ``voiceguide.journal.passphrase`` (environment, opted-in keyring, or the
        prompt the command line registered), or with the key a recent unlock
        kept unless ``cached`` is False (decrypt and passwd ask for the passphrase).

        The default folder is made 0700 and the files 0600: these are private
        reflections. A folder the user chose elsewhere keeps its mode unless we
        create it.

        ``skip_damaged`` is for readers that skip rows they cannot read and say how
        many (list, export): a small journal's damaged pages are not refused at the
        open then, the same as a big journal's, which is never quick_checked.
        """
        default = user_paths().journal
        path = Path(path) if path is not None else default
        opened = file_identity(path)
        try:
            return cls._open(path, default, passphrase, busy_timeout, cached, opened, skip_damaged)
        except (JournalCorrupt, JournalBusy) as problem:
            busy = busy_if_converting(problem, path, opened)
            if busy is problem:
                raise
            raise busy from problem

    @classmethod
    def _open(
        cls,
        path: Path,
        default: Path,
        passphrase: str | None,
        busy_timeout: float,
        cached: bool,
        opened: tuple[int, int] | None,
        skip_damaged: bool = False,
    ) -> Journal:
        encrypted = passphrase is None and looks_encrypted(path)
        # a missing sqlcipher3 is reported before anything else
        driver = driver_for("" if encrypted else passphrase)
        try:
            if path.is_dir():
                raise JournalCorrupt(messages.JOURNAL_CORRUPT.format(path=path))
            if not path.parent.exists() or path == default:
                ensure_private_dir(path.parent)
        except OSError as error:
            if error.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise JournalError(messages.JOURNAL_FAILED.format(path=path, error=error)) from error
            raise JournalReadOnly(messages.JOURNAL_READ_ONLY.format(path=path)) from error
        if encrypted or passphrase is not None:
            check_writable(path)
            create_private_file(path)
            unlocked: list[Any] = []

            def attempt(candidate: str) -> None:
                unlocked[:] = [open_checked(path, candidate, busy_timeout, quick_check=not skip_damaged)]

            if passphrase is None:
                passphrase = unlock(path, attempt, cached=cached)
            else:
                attempt(passphrase)
            conn = unlocked[0]
        else:
            probe(path, passphrase, busy_timeout, quick_check=not skip_damaged)
            check_writable(path)
            create_private_file(path)
            try:
                conn = connect(path, passphrase, timeout=busy_timeout)
            except driver.Error as error:
                raise translate(error, path, passphrase) from error
        journal = cls(conn, path, passphrase, opened)
        try:
            journal._prepare(busy_timeout)
        except BaseException:
            conn.close()
            raise
        return journal

    @guarded
    def _prepare(self, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self._use_wal(busy_timeout)
        newer = unknown_migrations(self.conn)
        if newer:
            raise JournalError(messages.JOURNAL_NEWER.format(path=self.path))
        migrate(self.conn)
        make_private(self.path)

    def _use_wal(self, busy_timeout: float) -> None:
        """Switch to WAL, waiting for a process that creates or opens the file at the same moment.

        SQLite answers "locked" at once, without its busy handler, when two
        connections both hold a read lock and want the exclusive one the
        switch needs (either waiting would deadlock), so wait and retry here.
        """
        deadline = time.monotonic() + busy_timeout
        while self.conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            try:
                self.conn.execute("PRAGMA journal_mode = WAL")
            except Exception as error:
                message = str(error).lower()
                if ("locked" not in message and "busy" not in message) or time.monotonic() > deadline:
                    raise
                time.sleep(random.uniform(0.005, 0.03))

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # entries

    @guarded
    def add_entry(
        self,
        text: str,
        *,
        kind: str = "reflection",
        prompt: str | None = None,
        article: str | None = None,
        section: int | None = None,
        engine: str | None = None,
        model: str | None = None,
        duration: float | None = None,
        confidence: float | None = None,
        segments: Iterable[Any] | None = None,
        created: datetime | None = None,
        import_key: str | None = None,
        needs_transcription: bool = False,
        text_pass: str | None = None,
    ) -> Entry:
        """Save an entry; ``created`` defaults to now and a naive time is local time.

        With an ``import_key`` already present nothing is added and the earlier
        entry comes back, which makes imports safe to repeat.
        """
        if kind not in KINDS:
            raise JournalError(messages.JOURNAL_BAD_KIND.format(kind=kind))
        created_text, offset = stamp(created)
        with self.transaction() as db:
            if import_key is not None:
                existing = self.find_import_key(import_key)
                if existing is not None:
                    return self.get(existing)
            cursor = db.execute(
                """
                INSERT INTO entries (created, utc_offset_minutes, kind, article, section, prompt,
                    text, words, engine, model, duration, confidence, segments, import_key,
                    needs_transcription, text_pass)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    created_text,
                    offset,
                    kind,
                    article,
                    section,
                    prompt,
                    text,
                    len(text.split()),
                    engine,
                    model,
                    duration,
                    confidence,
                    segments_json(segments),
                    import_key,
                    int(needs_transcription),
                    text_pass,
                ),
            )
            self._set_tags(db, cursor.lastrowid, text)
            return self.get(cursor.lastrowid)

    @guarded
    def find_import_key(self, import_key: str) -> int | None:
        """The id of the entry imported under ``import_key``, if any."""
        row = self.conn.execute("SELECT id FROM entries WHERE import_key = ?", (import_key,)).fetchone()
        return None if row is None else row[0]

    @guarded
    def get(self, entry_id: int) -> Entry:
        if not _storable(entry_id):
            raise EntryNotFound(messages.JOURNAL_NO_ENTRY.format(id=entry_id))
        row = self.conn.execute(f"SELECT {ENTRY_COLUMNS} FROM entries e WHERE e.id = ?", (entry_id,)).fetchone()
        if row is None:
            raise EntryNotFound(messages.JOURNAL_NO_ENTRY.format(id=entry_id))
        return _entry(row)

    @guarded
    def list(
        self,
        since: date | None = None,
        until: date | None = None,
        kind: str | None = None,
        limit: int | None = None,
        tag: str | None = None,
    ) -> builtins.list[Entry]:
        """Entries newest first; ``since``/``until`` are local dates, both inclusive; ``tag``: see ``tag_names``."""
        where, params = self._filters(since, until, kind, tag)
        sql = f"SELECT {ENTRY_COLUMNS} FROM entries e {where} ORDER BY e.created DESC, e.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(_bounded(limit))
        return [_entry(row) for row in self.conn.execute(sql, params)]

    def list_readable(
        self,
        since: date | None = None,
        until: date | None = None,
        kind: str | None = None,
        limit: int | None = None,
        tag: str | None = None,
    ) -> tuple[builtins.list[Entry], int]:
        """Like ``list``, but a damaged journal gives every entry that can still be read, and how many cannot."""
        try:
            return self.list(since, until, kind, limit, tag), 0
        except JournalCorrupt:
            pass
        from voiceguide.journal.repair import readable_entries

        with self._lock:
            where, params = self._filters(since, until, kind, tag)
            rows, unreadable = readable_entries(self.conn, ENTRY_COLUMNS, where, params, self._driver)
        entries = sorted((_entry(row) for row in rows), key=lambda e: (e.created, e.id), reverse=True)
        return (entries if limit is None else entries[: max(0, int(limit))]), unreadable

    def _filters(
        self, since: date | None, until: date | None, kind: str | None, tag: str | None = None
    ) -> tuple[str, builtins.list[Any]]:
        clauses: builtins.list[str] = []
        params: builtins.list[Any] = []
        if since is not None:
            clauses += ["e.created >= ?", f"{LOCAL_DATE} >= ?"]
            params += [utc_floor(since), since.isoformat()]
        if until is not None:
            clauses += ["e.created < ?", f"{LOCAL_DATE} <= ?"]
            params += [utc_ceiling(until), until.isoformat()]
        if kind is not None:
            if kind not in KINDS:
                raise JournalError(messages.JOURNAL_BAD_KIND.format(kind=kind))
            clauses.append("e.kind = ?")
            params.append(kind)
        if tag is not None:
            names = (tag_names(tag) * 2)[:2]
            count = self.conn.execute("SELECT count(*) FROM entry_tags WHERE tag IN (?, ?)", names).fetchone()[0]
            clauses.append(TAGGED_EACH if count > COMMON_TAG else TAGGED.removeprefix("AND "))
            params += names
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params

    @guarded
    def search(
        self, query: str, limit: int = 20, *, markers: tuple[str, str] = ("[", "]"), tag: str | None = None
    ) -> builtins.list[tuple[Entry, str]]:
        """Entries matching ``query``, best first (bm25), each with a snippet marking the matches.

        Words, "phrases", prefix* and AND/OR/NOT work as in FTS5; input FTS5
        rejects is searched as literal words instead, so typing never raises a
        database error. To style matches safely (e.g. rich markup), pass
        sentinel markers and replace them after escaping the snippet. ``tag``
        keeps only entries with that tag.
        """
        queries = fts.candidates(query)
        if not queries:
            raise JournalError(messages.JOURNAL_EMPTY_QUERY)
        sql = f"""
            SELECT {ENTRY_COLUMNS},
                snippet(entries_fts, -1, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet
            FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
            WHERE entries_fts MATCH ? {TAGGED if tag else ""}
            ORDER BY bm25(entries_fts, 1.0, 0.5), e.created DESC
            LIMIT ?
        """
        start, end = markers
        for attempt, match in enumerate(queries):
            try:
                wanted = (tag_names(tag) * 2)[:2] if tag else []
                rows = self.conn.execute(sql, (start, end, match, *wanted, _bounded(limit))).fetchall()
            except self._driver.OperationalError as error:
                problem = self._translate(error)
                if attempt == len(queries) - 1 or type(problem) is not JournalError:
                    raise problem from error
                continue
            return [(_entry(row), row[-1]) for row in rows]
        return []

    @guarded
    def update_text(
        self,
        entry_id: int,
        text: str,
        engine: str | None = None,
        model: str | None = None,
        *,
        segments: Iterable[Any] | None = None,
        confidence: float | None = None,
        text_pass: str | None = None,
    ) -> Entry:
        """Replace an entry's text (an edit or a retranscription); the old text goes to history.

        ``engine``/``model``/``segments``/``confidence`` are replaced only when given;
        ``text_pass`` is set as given (None for an edit by hand).
        """
        with self.transaction() as db:
            old = self.get(entry_id)
            db.execute(
                "INSERT INTO entry_history (entry_id, changed, text, engine, model, text_pass)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (entry_id, stamp()[0], old.text, old.engine, old.model, old.text_pass),
            )
            db.execute(
                """
                UPDATE entries SET text = ?, words = ?, engine = coalesce(?, engine),
                    model = coalesce(?, model), segments = coalesce(?, segments),
                    confidence = coalesce(?, confidence), needs_transcription = 0, text_pass = ?
                WHERE id = ?
                """,
                (
                    text,
                    len(text.split()),
                    engine,
                    model,
                    None if segments is None else segments_json(segments),
                    confidence,
                    text_pass,
                    entry_id,
                ),
            )
            self._set_tags(db, entry_id, text)
            return self.get(entry_id)

    @guarded
    def history(self, entry_id: int) -> builtins.list[HistoryItem]:
        """Earlier texts of an entry, oldest first."""
        self.get(entry_id)
        rows = self.conn.execute(
            "SELECT changed, text, engine, model, text_pass FROM entry_history WHERE entry_id = ? ORDER BY id",
            (entry_id,),
        )
        return [HistoryItem(*row) for row in rows]

    @guarded
    def delete(self, entry_id: int) -> None:
        """Remove an entry with its audio and history."""
        self.get(entry_id)  # an id no entry can have says so before any write
        with self.transaction() as db:
            if db.execute("DELETE FROM entries WHERE id = ?", (entry_id,)).rowcount == 0:
                raise EntryNotFound(messages.JOURNAL_NO_ENTRY.format(id=entry_id))

    @guarded
    def needing_transcription(self) -> builtins.list[Entry]:
        """Entries saved without text (e.g. recovered after a crash), oldest first."""
        rows = self.conn.execute(
            f"SELECT {ENTRY_COLUMNS} FROM entries e WHERE e.needs_transcription = 1 ORDER BY e.created, e.id"
        )
        return [_entry(row) for row in rows]

    # audio

    @guarded
    def set_audio(self, entry_id: int, codec: str, rate: int, data: bytes) -> None:
        """Attach compressed audio to an entry (replacing any it had)."""
        with self.transaction() as db:
            self.get(entry_id)
            db.execute(
                "INSERT OR REPLACE INTO audio (entry_id, codec, rate, data) VALUES (?, ?, ?, ?)",
                (entry_id, codec, int(rate), bytes(data)),
            )

    @guarded
    def get_audio(self, entry_id: int) -> StoredAudio | None:
        if not _storable(entry_id):
            return None
        row = self.conn.execute("SELECT codec, rate, data FROM audio WHERE entry_id = ?", (entry_id,)).fetchone()
        return None if row is None else StoredAudio(row[0], row[1], bytes(row[2]))

    # stats

    @guarded
    def stats(self, *, on: date | None = None) -> dict[str, Any]:
        """Totals people like to see: entries, words, minutes spoken and the current streak.

        The streak counts consecutive local days with an entry, ending today, or
        yesterday if nothing is written yet today (the day is not over).
        """
        count, words, seconds = self.conn.execute(
            "SELECT count(*), coalesce(sum(words), 0), coalesce(sum(duration), 0) FROM entries"
        ).fetchone()
        days = {date.fromisoformat(row[0]) for row in self.conn.execute(f"SELECT DISTINCT {LOCAL_DATE} FROM entries e")}
        day = on or today()
        if day not in days:
            day -= timedelta(days=1)
        streak = 0
        while day in days:
            streak += 1
            day -= timedelta(days=1)
        return {
            "entries": count,
            "words": words,
            "minutes_spoken": round(seconds / 60, 1),
            "current_streak_days": streak,
        }


__all__ = ["Entry", "Journal", "connect"]
