"""Checking a journal for damage, and salvaging every readable entry into a new one.

`journal check` runs SQLite's ``integrity_check``. `journal recover` works as
SQLite's own ``.recover`` does: it never trusts the damaged structure as a
whole. When SQLite can still open the file it reads row by row, so one bad
page costs the rows on it and no others; when the first page itself is
destroyed (SQLite cannot open the file at all), it reads the file page by page
and decodes every table row it finds that has the shape of an entry or of an
entry's audio. The damaged file is only ever read.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from voiceguide import messages
from voiceguide.errors import JournalCorrupt, JournalError, WrongPassphrase
from voiceguide.journal.connection import connect, driver_for, translate
from voiceguide.journal.keys import SQLITE_HEADER
from voiceguide.journal.models import KINDS
from voiceguide.journal.passphrase import looks_encrypted, unlock

MAX_PROBLEMS = 20
"""integrity_check lines kept for the report"""
GAP = 10_000
"""Row ids probed past the last readable one when the table's end cannot be read"""
TABLES = ("entries", "audio", "entry_history", "breathing_sessions", "reading_progress")
LATER_TABLES = ("checkins", "listening")
"""Copied when the damaged journal has them (a journal from before m010_insights does not)"""
CODECS = ("opus", "flac", "pcm")
CREATED = re.compile(r"^\d{4}-\d\d-\d\dT")


class Salvage(NamedTuple):
    saved: int
    """entries copied into the new journal"""
    lost: int
    """entries found unreadable"""
    lost_audio: int = 0
    """recordings found unreadable (their entries' text is kept)"""


def open_damaged(path: Path, passphrase: str | None = None) -> tuple[Any, str | None]:
    """A read-only connection that opens as much of a damaged journal as SQLite can; and its passphrase."""
    if not path.exists():
        raise JournalError(messages.JOURNAL_FAILED.format(path=path, error="no such file"))
    if passphrase is None and looks_encrypted(path):
        opened: list[Any] = []

        def attempt(candidate: str) -> None:
            conn = connect(path, candidate, readonly=True)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except driver_for(candidate).Error as error:
                conn.close()
                raise WrongPassphrase(messages.JOURNAL_WRONG_PASSPHRASE.format(path=path)) from error
            opened[:] = [conn]

        passphrase = unlock(path, attempt)
        return opened[0], passphrase
    return connect(path, passphrase, readonly=True), passphrase


def check(path: Path, passphrase: str | None = None) -> list[str]:
    """SQLite's integrity_check of the journal: [] when it is sound, else what is wrong (at most 20 lines)."""
    if _unopenable(path):
        return [messages.JOURNAL_CHECK_NO_HEADER]
    conn, passphrase = open_damaged(path, passphrase)
    driver = driver_for(passphrase)
    try:
        rows = conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})").fetchall()
    except driver.Error as error:
        problem = translate(error, path, passphrase)
        if not isinstance(problem, JournalCorrupt):
            raise problem from error
        return [messages.JOURNAL_CHECK_UNREADABLE]
    finally:
        conn.close()
    found = [str(row[0]) for row in rows]
    return [] if found == ["ok"] else found


def _unopenable(path: Path) -> bool:
    """A plain file whose first page is gone: no SQLite header, and not an SQLCipher file either."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        return False
    return bool(header) and header != SQLITE_HEADER and not looks_encrypted(path)


def recover(source: Path, out: Path, passphrase: str | None = None) -> Salvage:
    """Copy every readable entry (with its audio and history), breathing session and reading place into ``out``.

    ``out`` is a new journal, encrypted with the same passphrase when the
    damaged one was. Entries keep their ids.
    """
    from voiceguide.journal.store import Journal

    if _unopenable(source):
        rows, audio = _scan_pages(source)
        with Journal.open(out) as new:
            return _insert_scanned(new, rows, audio)
    conn, passphrase = open_damaged(source, passphrase)
    try:
        with Journal.open(out, passphrase=passphrase) as new:
            saved, unreadable, no_audio = _copy_rows(conn, new, driver_for(passphrase))
            if (unreadable or no_audio) and passphrase is None and not _wal_has_frames(source):
                # rows behind a damaged interior page: SQLite cannot reach them, their leaf pages still hold them
                rows, audio = _scan_pages(source)
                found = _insert_scanned(new, rows, audio).saved
                ids = ",".join(str(int(i)) for i in no_audio) or "0"
                back = new.conn.execute(f"SELECT count(*) FROM audio WHERE entry_id IN ({ids})").fetchone()[0]
                return Salvage(saved + found, max(0, len(unreadable) - found), len(no_audio) - back)
            return Salvage(saved, len(unreadable), len(no_audio))
    finally:
        conn.close()


def _wal_has_frames(path: Path) -> bool:
    """Pages newer than the file's own may wait in the -wal: then the file's pages alone could be stale."""
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 32
    except OSError:
        return False


# row by row, through SQLite


def _copy_rows(conn: Any, new: Any, driver: Any) -> tuple[int, list[int], list[int]]:
    """Copy what SQLite can read; returns how many entries, and the ids of the entries and audio it could not."""
    saved = 0
    lost: list[int] = []
    lost_audio: list[int] = []
    new.conn.execute("PRAGMA foreign_keys = OFF")  # audio may come before we know its entry was readable
    with new.transaction() as target:
        for table in TABLES + tuple(t for t in LATER_TABLES if _has_table(conn, t, driver)):
            columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
            wanted = ", ".join(columns)
            insert = f"INSERT OR IGNORE INTO {table} ({wanted}) VALUES ({', '.join('?' * len(columns))})"
            unreadable: list[int] = []
            for row in _readable_rows(conn, table, wanted, driver, unreadable):
                if table == "entries":
                    saved += 1
                target.execute(insert, row)
            if table == "entries":
                lost = unreadable
            elif table == "audio":
                lost_audio = unreadable
        for table in ("audio", "entry_history"):  # what belonged to an entry that was lost goes with it
            target.execute(f"DELETE FROM {table} WHERE entry_id NOT IN (SELECT id FROM entries)")
        new.rebuild_tags()
    new.conn.execute("PRAGMA foreign_keys = ON")
    return saved, lost, lost_audio


def _has_table(conn: Any, table: str, driver: Any) -> bool:
    try:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone() is not None
    except driver.Error:
        return False


BOUNDS = {
    "entries": (
        "SELECT max(rowid) FROM entries",
        "SELECT max(rowid) FROM entries_fts",
        "SELECT max(entry_id) FROM audio",
    ),
    "audio": ("SELECT max(rowid) FROM audio", "SELECT max(id) FROM entries"),
}
"""Where to learn a table's highest row id when its own tree cannot say (an entry's id is also its audio's)"""


def _last_rowid(conn: Any, table: str, driver: Any) -> int | None:
    found = []
    for sql in BOUNDS.get(table, (f"SELECT max(rowid) FROM {table}",)):
        try:
            found.append(conn.execute(sql).fetchone()[0] or 0)
        except driver.Error:
            continue
    return max(found) if found else None


def _one_by_one(conn: Any, sql: str, last: int | None, driver: Any, skip: set[int]) -> Iterator[tuple[int, Any]]:
    """(rowid, row) for each row id up to ``last``; row None when it cannot be read, and no ids past the end.

    Without ``last`` ids are probed until GAP in a row are neither readable
    nor unreadable-but-followed-by-a-readable one.
    """
    rowid = 0
    misses = 0
    pending: list[int] = []
    while (last is not None and rowid < last) or (last is None and misses < GAP):
        rowid += 1
        if rowid in skip:
            continue
        try:
            row = conn.execute(sql, (rowid,)).fetchone()
        except driver.Error:
            misses += 1
            if last is None:
                pending.append(rowid)  # unreadable only if a readable row follows
            else:
                yield rowid, None
            continue
        if row is None:
            misses += 1
            continue
        misses = 0
        for earlier in pending:
            yield earlier, None
        pending = []
        yield rowid, row


def _readable_rows(
    conn: Any, table: str, columns: str, driver: Any, unreadable: list[int]
) -> Iterator[tuple[Any, ...]]:
    """Every row SQLite can read, one at a time once a whole-table read fails; ``unreadable`` gets the rest's ids."""
    seen: set[int] = set()
    try:
        for row in conn.execute(f"SELECT rowid, {columns} FROM {table}"):
            seen.add(row[0])
            yield row[1:]
        return
    except driver.Error:
        pass
    last = _last_rowid(conn, table, driver)
    for rowid, row in _one_by_one(conn, f"SELECT {columns} FROM {table} WHERE rowid = ?", last, driver, seen):
        if row is None:
            unreadable.append(rowid)
        else:
            yield row


def readable_entries(conn: Any, sql_columns: str, where: str, params: list[Any], driver: Any) -> tuple[list[Any], int]:
    """Rows of ``entries e`` matching ``where``, read one by one past damage; and how many could not be read."""
    clause = f"{where} AND e.id = ?" if where else "WHERE e.id = ?"
    sql = f"SELECT {sql_columns} FROM entries e {clause}"
    reader = _Bound(conn, params)
    rows: list[Any] = []
    unreadable = 0
    for _rowid, row in _one_by_one(reader, sql, _last_rowid(conn, "entries", driver), driver, set()):
        if row is None:
            unreadable += 1
        else:
            rows.append(row)
    return rows, unreadable


class _Bound:
    """A connection whose queries get the filter parameters before the row id."""

    def __init__(self, conn: Any, params: list[Any]) -> None:
        self.conn = conn
        self.params = params

    def execute(self, sql: str, args: tuple[Any, ...]) -> Any:
        return self.conn.execute(sql, [*self.params, *args])


# page by page, without SQLite


def _scan_pages(path: Path) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    """Entries and audio rows found on the table leaf pages of the file, read without SQLite.

    With its header intact the file says its page size and which pages are
    free (those hold deleted rows, which must stay deleted); without it every
    page size is tried and the one that finds most entries wins.
    """
    data = path.read_bytes()
    if data.startswith(SQLITE_HEADER):
        size = struct.unpack_from(">H", data, 16)[0]
        size = 65536 if size == 1 else size
        return _rows_on_pages(data, size, size - data[20], _free_pages(data, size))
    best: tuple[dict[int, list[Any]], dict[int, list[Any]]] = ({}, {})
    for size in (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512):
        if len(data) % size == 0:
            found = _rows_on_pages(data, size, size, set())
            if len(found[0]) > len(best[0]):
                best = found
    return best


def _rows_on_pages(
    data: bytes, size: int, usable: int, skip: set[int]
) -> tuple[dict[int, list[Any]], dict[int, list[Any]]]:
    rows: dict[int, list[Any]] = {}
    audio: dict[int, list[Any]] = {}
    for rowid, values in _leaf_cells(data, size, usable, skip):
        if _is_entry(values):
            rows.setdefault(rowid, values)
        elif _is_audio(values):
            audio.setdefault(rowid, values)
    return rows, audio


def _free_pages(data: bytes, size: int) -> set[int]:
    """The freelist's trunk and leaf pages (as far as it can be followed)."""
    pages = len(data) // size
    free: set[int] = set()
    trunk = struct.unpack_from(">I", data, 32)[0]
    while 1 <= trunk <= pages and trunk not in free:
        free.add(trunk)
        at = (trunk - 1) * size
        following, count = struct.unpack_from(">II", data, at)
        for k in range(min(count, size // 4 - 2)):
            free.add(struct.unpack_from(">I", data, at + 8 + 4 * k)[0])
        trunk = following
    return free


def _leaf_cells(data: bytes, size: int, usable: int, skip: set[int]) -> Iterator[tuple[int, list[Any]]]:
    pages = len(data) // size
    for number in range(1, pages + 1):
        if number in skip:
            continue
        start = (number - 1) * size
        head = start + (100 if number == 1 else 0)
        if data[head] != 0x0D:
            continue
        cells = struct.unpack_from(">H", data, head + 3)[0]
        for k in range(min(cells, (usable - 8) // 2)):
            try:
                pointer = struct.unpack_from(">H", data, head + 8 + 2 * k)[0]
                cell = _cell(data, start, pointer, size, usable, pages)
            except (IndexError, struct.error, ValueError):
                continue  # a damaged cell, or a page that only looked like a leaf
            if cell is not None:
                yield cell


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for k in range(9):
        byte = data[at + k]
        if k == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + k + 1
    raise ValueError("varint")


def _cell(data: bytes, start: int, pointer: int, size: int, usable: int, pages: int) -> tuple[int, list[Any]] | None:
    if not 8 <= pointer < usable:
        return None
    at = start + pointer
    payload_size, at = _varint(data, at)
    rowid, at = _varint(data, at)
    if payload_size > len(data):
        return None
    biggest = usable - 35
    if payload_size <= biggest:
        payload = data[at : at + payload_size]
    else:
        least = (usable - 12) * 32 // 255 - 23
        local = least + (payload_size - least) % (usable - 4)
        if local > biggest:
            local = least
        parts = [data[at : at + local]]
        remaining = payload_size - local
        following = struct.unpack_from(">I", data, at + local)[0]
        seen = set()
        while remaining > 0:
            if not 1 <= following <= pages or following in seen:
                return None
            seen.add(following)
            page = (following - 1) * size
            parts.append(data[page + 4 : page + 4 + min(remaining, usable - 4)])
            remaining -= usable - 4
            following = struct.unpack_from(">I", data, page)[0]
        payload = b"".join(parts)
    return rowid, _record(payload)


def _record(payload: bytes) -> list[Any]:
    header_size, at = _varint(payload, 0)
    types = []
    while at < header_size:
        serial, at = _varint(payload, at)
        types.append(serial)
    values: list[Any] = []
    at = header_size
    for serial in types:
        if serial == 0:
            values.append(None)
        elif serial in (8, 9):
            values.append(serial - 8)
        elif serial <= 6:
            width = (0, 1, 2, 3, 4, 6, 8)[serial]
            values.append(int.from_bytes(payload[at : at + width], "big", signed=True))
            at += width
        elif serial == 7:
            values.append(struct.unpack_from(">d", payload, at)[0])
            at += 8
        elif serial >= 12:
            width = (serial - 12) // 2
            raw = payload[at : at + width]
            values.append(raw.decode("utf-8") if serial % 2 else bytes(raw))
            at += width
        else:
            raise ValueError("serial type")
    if at > len(payload):
        raise ValueError("record")
    return values


ENTRY_WIDTH = 16
"""The columns m001 made; later migrations add columns at the end (m008's text_pass), so a row
written before them has these 16 values and one written after has more"""


def _is_entry(values: list[Any]) -> bool:
    return (
        ENTRY_WIDTH <= len(values) <= ENTRY_WIDTH + 4
        and values[0] is None
        and isinstance(values[1], str)
        and bool(CREATED.match(values[1]))
        and values[3] in KINDS
        and isinstance(values[7], str)
    )


def _is_audio(values: list[Any]) -> bool:
    return len(values) == 4 and values[0] is None and values[1] in CODECS and isinstance(values[3], bytes)


def _insert_scanned(new: Any, rows: dict[int, list[Any]], audio: dict[int, list[Any]]) -> Salvage:
    with new.transaction() as target:
        columns = [row[1] for row in target.execute("PRAGMA table_info(entries)")]
        if len(columns) < ENTRY_WIDTH:
            raise JournalError(messages.JOURNAL_FAILED.format(path=new.path, error="unexpected journal layout"))
        added = 0
        for rowid, values in sorted(rows.items()):
            wanted = columns[: min(len(values), len(columns))]  # columns a row lacks keep their defaults
            insert = f"INSERT OR IGNORE INTO entries ({', '.join(wanted)}) VALUES ({', '.join('?' * len(wanted))})"
            added += target.execute(insert, [rowid, *values[1 : len(wanted)]]).rowcount
        for rowid, values in sorted(audio.items()):
            target.execute(
                "INSERT OR IGNORE INTO audio (entry_id, codec, rate, data) "
                "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM entries WHERE id = ?)",
                (rowid, values[1], values[2], values[3], rowid),
            )
        new.rebuild_tags()
    return Salvage(added, 0)
