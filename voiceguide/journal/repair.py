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
from voiceguide.journal.connection import SQLITE_HEADER, connect, driver_for, translate
from voiceguide.journal.models import KINDS
from voiceguide.journal.passphrase import looks_encrypted, unlock

MAX_PROBLEMS = 20
"""integrity_check lines kept for the report"""
GAP = 10_000
"""Row ids probed past the last readable one when the table's end cannot be read"""
TABLES = ("entries", "audio", "entry_history", "breathing_sessions", "reading_progress")
CODECS = ("opus", "flac", "pcm")
CREATED = re.compile(r"^\d{4}-\d\d-\d\dT")


class Salvage(NamedTuple):
    saved: int
    """entries copied into the new journal"""
    lost: int
    """entries found unreadable"""


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
            return _copy_rows(conn, new, driver_for(passphrase))
    finally:
        conn.close()


# row by row, through SQLite


def _copy_rows(conn: Any, new: Any, driver: Any) -> Salvage:
    saved = lost = 0
    new.conn.execute("PRAGMA foreign_keys = OFF")  # audio may come before we know its entry was readable
    with new.transaction() as target:
        for table in TABLES:
            columns = [row[1] for row in target.execute(f"PRAGMA table_info({table})")]
            wanted = ", ".join(columns)
            insert = f"INSERT OR IGNORE INTO {table} ({wanted}) VALUES ({', '.join('?' * len(columns))})"
            for row in _readable_rows(conn, table, wanted, driver, counts := [0]):
                if table == "entries":
                    saved += 1
                target.execute(insert, row)
            if table == "entries":
                lost = counts[0]
        for table in ("audio", "entry_history"):  # what belonged to an entry that was lost goes with it
            target.execute(f"DELETE FROM {table} WHERE entry_id NOT IN (SELECT id FROM entries)")
    new.conn.execute("PRAGMA foreign_keys = ON")
    return Salvage(saved, lost)


def _readable_rows(conn: Any, table: str, columns: str, driver: Any, unreadable: list[int]) -> Iterator[tuple]:
    """Every row SQLite can read, one at a time once a whole-table read fails; ``unreadable`` counts the rest."""
    seen: set[int] = set()
    try:
        for row in conn.execute(f"SELECT rowid, {columns} FROM {table}"):
            seen.add(row[0])
            yield row[1:]
        return
    except driver.Error:
        pass
    try:
        last = conn.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
        bounded = True
    except driver.Error:
        last, bounded = 0, False
    rowid = 0
    misses = 0
    while (bounded and rowid < last) or (not bounded and misses < GAP):
        rowid += 1
        if rowid in seen:
            continue
        try:
            row = conn.execute(f"SELECT {columns} FROM {table} WHERE rowid = ?", (rowid,)).fetchone()
        except driver.Error:
            unreadable[0] += 1
            misses += 1
            continue
        if row is None:
            misses += 1
            continue
        misses = 0
        yield row


def readable_entries(conn: Any, sql_columns: str, where: str, params: list[Any], driver: Any) -> tuple[list, int]:
    """Rows of ``entries e`` matching ``where``, read one by one past damage; and how many could not be read."""
    unreadable = 0
    try:
        last = conn.execute("SELECT max(id) FROM entries").fetchone()[0] or 0
    except driver.Error:
        last = None
    rows = []
    rowid = 0
    misses = 0
    clause = f"{where} AND e.id = ?" if where else "WHERE e.id = ?"
    while (last is not None and rowid < last) or (last is None and misses < GAP):
        rowid += 1
        try:
            row = conn.execute(f"SELECT {sql_columns} FROM entries e {clause}", [*params, rowid]).fetchone()
        except driver.Error:
            unreadable += 1
            misses += 1
            continue
        if row is None:
            misses += 1
            continue
        misses = 0
        rows.append(row)
    return rows, unreadable


# page by page, without SQLite


def _scan_pages(path: Path) -> tuple[dict[int, list], dict[int, list]]:
    """Entries and audio rows found on the table leaf pages of a file SQLite cannot open."""
    data = path.read_bytes()
    best: tuple[dict[int, list], dict[int, list]] = ({}, {})
    for size in (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512):
        if len(data) % size:
            continue
        rows: dict[int, list] = {}
        audio: dict[int, list] = {}
        for rowid, values in _leaf_cells(data, size):
            if _is_entry(values):
                rows.setdefault(rowid, values)
            elif _is_audio(values):
                audio.setdefault(rowid, values)
        if len(rows) > len(best[0]):
            best = (rows, audio)
    return best


def _leaf_cells(data: bytes, size: int) -> Iterator[tuple[int, list]]:
    pages = len(data) // size
    for number in range(1, pages + 1):
        start = (number - 1) * size
        head = start + (100 if number == 1 else 0)
        if data[head] != 0x0D:
            continue
        cells = struct.unpack_from(">H", data, head + 3)[0]
        for k in range(min(cells, (size - 8) // 2)):
            try:
                pointer = struct.unpack_from(">H", data, head + 8 + 2 * k)[0]
                cell = _cell(data, start, pointer, size, pages)
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


def _cell(data: bytes, start: int, pointer: int, usable: int, pages: int) -> tuple[int, list] | None:
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
            page = (following - 1) * usable
            parts.append(data[page + 4 : page + 4 + min(remaining, usable - 4)])
            remaining -= usable - 4
            following = struct.unpack_from(">I", data, page)[0]
        payload = b"".join(parts)
    return rowid, _record(payload)


def _record(payload: bytes) -> list:
    header_size, at = _varint(payload, 0)
    types = []
    while at < header_size:
        serial, at = _varint(payload, at)
        types.append(serial)
    values: list = []
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


def _is_entry(values: list) -> bool:
    return (
        len(values) == ENTRY_WIDTH
        and values[0] is None
        and isinstance(values[1], str)
        and bool(CREATED.match(values[1]))
        and values[3] in KINDS
        and isinstance(values[7], str)
    )


def _is_audio(values: list) -> bool:
    return len(values) == 4 and values[0] is None and values[1] in CODECS and isinstance(values[3], bytes)


def _insert_scanned(new: Any, rows: dict[int, list], audio: dict[int, list]) -> Salvage:
    with new.transaction() as target:
        columns = [row[1] for row in target.execute("PRAGMA table_info(entries)")]
        if len(columns) != ENTRY_WIDTH:
            raise JournalError(messages.JOURNAL_FAILED.format(path=new.path, error="unexpected journal layout"))
        insert = f"INSERT OR IGNORE INTO entries ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        for rowid, values in sorted(rows.items()):
            target.execute(insert, [rowid, *values[1:]])
        for rowid, values in sorted(audio.items()):
            if rowid in rows:
                target.execute(
                    "INSERT OR IGNORE INTO audio (entry_id, codec, rate, data) VALUES (?, ?, ?, ?)",
                    (rowid, values[1], values[2], values[3]),
                )
    return Salvage(len(rows), 0)
