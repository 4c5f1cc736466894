"""Opening the journal file safely, and turning database errors into one-line user errors.

The connection factory takes an optional passphrase so an encrypted (SQLCipher)
connection, which speaks the same DB-API, can replace the stdlib one without
touching the store.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar
from urllib.parse import quote

from voiceguide import messages
from voiceguide.errors import (
    EncryptionUnavailable,
    JournalBusy,
    JournalCorrupt,
    JournalDiskFull,
    JournalError,
    JournalReadOnly,
    WrongPassphrase,
)
from voiceguide.journal.keys import SQLITE_HEADER, key_literal

DEFAULT_BUSY_TIMEOUT = 5.0
QUICK_CHECK_MAX_BYTES = 16 * 1024 * 1024
"""Files up to this size get a full read-only ``quick_check`` when opened (about 15 ms);
larger ones (years of audio) only have their header and schema read, and damage
found later is still reported as a damaged journal"""
SIDE_FILES = ("-wal", "-shm", "-journal")
ENCRYPTED_CACHE_KIB = 16 * 1024
"""Page cache of an encrypted connection. The OS caches only ciphertext, so every page
SQLite's own cache misses is decrypted and checked again; with 16 MiB instead of
SQLite's 2 MiB, repeated searches of a 20,000-entry journal run as fast as on a
plain one (13.6 ms against 51 ms). Only pages read take memory."""
_open_here: weakref.WeakSet[Database] = weakref.WeakSet()

T = TypeVar("T")


def driver_for(passphrase: str | None) -> ModuleType:
    """The DB-API module to use: stdlib sqlite3, or sqlcipher3 (imported only when needed)."""
    if passphrase is None:
        return sqlite3
    try:
        import sqlcipher3
    except ImportError as error:
        raise EncryptionUnavailable(messages.JOURNAL_NEEDS_SQLCIPHER3) from error
    driver: ModuleType = getattr(sqlcipher3, "dbapi2", sqlcipher3)
    return driver


def connect(
    path: Path,
    passphrase: str | None = None,
    *,
    timeout: float = DEFAULT_BUSY_TIMEOUT,
    readonly: bool = False,
    cipher: bool = False,
    foreign_keys: bool = True,
) -> Any:
    """The one place a journal connection is opened: autocommit, a busy timeout, foreign keys on.

    With a passphrase (or ``cipher``, for converting a plain file) the
    connection comes from sqlcipher3 and is keyed first, as SQLCipher
    requires. ``readonly`` opens with ``mode=ro`` so probing a suspect file
    can never change it. ``foreign_keys=False`` is for ``sqlcipher_export``,
    which copies tables in an order no constraint knows about.
    """
    driver = driver_for("" if cipher and passphrase is None else passphrase)
    uri = "file:" + quote(str(Path(path).absolute())) + ("?mode=ro" if readonly else "")
    conn = driver.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        if passphrase is not None:
            conn.execute(f"PRAGMA key = {key_literal(Path(path), passphrase)}")
        if passphrase is not None or cipher:
            conn.execute("PRAGMA cipher_log_level = NONE")  # a wrong key is our one line, not its log
            conn.execute("PRAGMA temp_store = MEMORY")  # sorts and FTS merges never hit /tmp
            conn.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if foreign_keys:
            conn.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return conn


def make_private(path: Path) -> None:
    """Make the journal file and its WAL/SHM companions 0600: they hold the same reflections."""
    for candidate in [path, *(path.with_name(path.name + suffix) for suffix in SIDE_FILES)]:
        try:
            if candidate.stat().st_mode & 0o777 != 0o600:
                os.chmod(candidate, 0o600)
        except FileNotFoundError:
            continue
        except PermissionError:
            continue  # not ours to change; opening still works or fails clearly


def create_private_file(path: Path) -> None:
    """Create the journal file as 0600 before SQLite touches it: never world-readable."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    except PermissionError as error:
        raise JournalReadOnly(messages.JOURNAL_READ_ONLY.format(path=path)) from error
    os.close(fd)


def check_writable(path: Path) -> None:
    """A read-only file or folder gives a clear error before SQLite's own vaguer one."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        raise JournalReadOnly(messages.JOURNAL_READ_ONLY.format(path=path))
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise JournalReadOnly(messages.JOURNAL_READ_ONLY.format(path=path))


def probe(path: Path, passphrase: str | None, timeout: float, *, quick_check: bool = True) -> None:
    """Check, without writing anything, that an existing file is a readable SQLite database.

    A damaged or foreign file must be left exactly as it is, so this looks at the
    header and reads the schema through a ``mode=ro`` connection before any
    connection that could write is opened. Without ``quick_check`` a small file's
    damaged pages are left for the reader to skip, as a big file's are.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0:
        return  # a file we created but never wrote: a new journal
    if passphrase is None:
        try:
            with open(path, "rb") as handle:
                header = handle.read(len(SQLITE_HEADER))
        except OSError as error:
            raise JournalReadOnly(messages.JOURNAL_READ_ONLY.format(path=path)) from error
        if header != SQLITE_HEADER:
            from voiceguide.journal.passphrase import looks_like_damaged_sqlite

            if looks_like_damaged_sqlite(path):  # its first page is gone: damaged, not foreign
                raise JournalCorrupt(messages.JOURNAL_DAMAGED.format(path=path))
            raise JournalCorrupt(messages.JOURNAL_CORRUPT.format(path=path))
    driver = driver_for(passphrase)
    try:
        conn = connect(path, passphrase, timeout=timeout, readonly=True)
    except driver.Error as error:
        raise translate(error, path, passphrase) from error
    try:
        _check_contents(conn, path, size, quick_check=quick_check)
    except driver.Error as error:
        message = str(error).lower()
        if "unable to open" in message or "readonly" in message:
            return  # mode=ro could not set up WAL files; the normal open decides
        raise translate(error, path, passphrase) from error
    finally:
        conn.close()


def _check_contents(conn: Any, path: Path, size: int, *, quick_check: bool = True) -> None:
    """Reads only: the schema is a voiceguide journal's, and a small file passes quick_check."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    if tables and "_migrations" not in tables:
        raise JournalCorrupt(messages.JOURNAL_FOREIGN.format(path=path))
    if quick_check and size <= QUICK_CHECK_MAX_BYTES:
        row = conn.execute("PRAGMA quick_check").fetchone()
        if row is None or row[0] != "ok":
            raise JournalCorrupt(messages.JOURNAL_DAMAGED.format(path=path))


def open_checked(path: Path, passphrase: str, timeout: float, *, quick_check: bool = True) -> Any:
    """One keyed connection to an encrypted journal, checked with reads before anything is written.

    SQLCipher authenticates every page it reads (HMAC-SHA512), so a wrong
    passphrase or a damaged page fails on the first read, before any write;
    checking on the connection that is then used saves a second key derivation.
    """
    driver = driver_for(passphrase)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        size = 0
    try:
        conn = connect(path, passphrase, timeout=timeout)
    except driver.Error as error:
        raise translate(error, path, passphrase) from error
    try:
        if size:
            _check_contents(conn, path, size, quick_check=quick_check)
    except driver.Error as error:
        conn.close()
        raise translate(error, path, passphrase) from error
    except BaseException:
        conn.close()
        raise
    return conn


def translate(error: Exception, path: Path, passphrase: str | None = None) -> JournalError:
    """One clear line for a database error; the user never sees sqlite3's wording alone."""
    message = str(error).lower()
    if "locked" in message or "busy" in message:
        return JournalBusy(messages.JOURNAL_BUSY)
    if "readonly" in message or "read-only" in message or "read only" in message:
        return JournalReadOnly(messages.JOURNAL_READ_ONLY.format(path=path))
    if "disk i/o error" in message and wal_missing(path):
        return JournalError(messages.JOURNAL_WAL_MISSING.format(path=path))
    if "disk is full" in message or "disk i/o error" in message:
        return JournalDiskFull(messages.JOURNAL_DISK_FULL.format(path=path, error=safe_error(error)))
    if "not a database" in message or "encrypted" in message:
        if passphrase is not None:
            return WrongPassphrase(messages.JOURNAL_WRONG_PASSPHRASE.format(path=path))
        return JournalCorrupt(messages.JOURNAL_CORRUPT.format(path=path))
    if "malformed" in message or "could not decode" in message or "corrupt" in message:
        return JournalCorrupt(messages.JOURNAL_DAMAGED.format(path=path))
    return JournalError(messages.JOURNAL_FAILED.format(path=path, error=safe_error(error)))


def wal_missing(path: Path) -> bool:
    """The journal and its -shm are there but its -wal is not: someone deleted it while it was open."""
    path = Path(path)
    wal, shm = path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")
    return path.exists() and shm.exists() and not wal.exists()


def safe_error(error: BaseException) -> str:
    """An error's wording without any journal text it quotes (sqlite3 quotes a value it cannot decode)."""
    text = str(error)
    for marker in (" with text ", " with value "):
        if marker in text:
            text = text.split(marker, 1)[0]
    return text


def file_identity(path: Path) -> tuple[int, int] | None:
    """The (device, inode) of ``path``, or None when there is no file: a conversion replaces it."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino)


def conversion_under_way(path: Path, opened: tuple[int, int] | None = None) -> bool:
    """Whether another process is converting ``path`` (encrypt, decrypt, passwd) or just did.

    A conversion writes ``.NAME.PID.converting`` beside the journal and renames
    it over the journal, then zeroes the old file. A connection opened before
    the rename reads those zeros, which look like damage; it is only busy.
    ``opened`` is the file's identity when this process began opening it.
    """
    path = Path(path)
    now = file_identity(path)
    if opened is not None and now is not None and now != opened:
        return True
    prefix, suffix = f".{path.name}.", ".converting"
    try:
        names = os.listdir(path.parent)
    except OSError:
        return False
    for name in names:
        pid = name[len(prefix) : -len(suffix)] if name.startswith(prefix) and name.endswith(suffix) else ""
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            return True
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    except OSError:
        return False
    return True


def busy_if_converting(problem: JournalError, path: Path, opened: tuple[int, int] | None) -> JournalError:
    """A damaged-looking or busy journal that another process is converting is only busy: say so."""
    if isinstance(problem, JournalCorrupt | JournalBusy) and conversion_under_way(path, opened):
        return JournalBusy(messages.JOURNAL_CONVERTING.format(path=path))
    return problem


def open_in_this_process(path: Path) -> bool:
    """Whether this process has ``path`` open: SQLite's own locks cannot see that across libraries."""
    target = Path(path).absolute().resolve()
    return any(Path(db.path).absolute().resolve() == target for db in list(_open_here))


class Database:
    """A connection plus a lock, with transactions and error translation shared by the stores."""

    def __init__(
        self, conn: Any, path: Path, passphrase: str | None = None, opened: tuple[int, int] | None = None
    ) -> None:
        self.conn = conn
        self.path = path
        self._opened = opened if opened is not None else file_identity(path)
        self._driver = driver_for(passphrase)
        self._passphrase = passphrase
        self._lock = threading.RLock()
        self._depth = 0
        self.checkpoint_each_commit = False
        """For a long-running process (guide, reflect): fold each commit into the main file at once, so
        nothing confirmed lives only in the -wal file, and notice when that file was deleted"""
        _open_here.add(self)

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction (BEGIN IMMEDIATE, so a busy journal fails at the start, not halfway).

        Nested calls join the outer transaction, so an import of many entries
        commits once.
        """
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self.conn
                finally:
                    self._depth -= 1
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except self._driver.Error as error:
                raise self._translate(error) from error
            self._depth = 1
            try:
                yield self.conn
            except BaseException:
                self._depth = 0
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except self._driver.Error as error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise self._translate(error) from error
            if self.checkpoint_each_commit:
                self.checkpoint()

    def checkpoint(self) -> None:
        """Copy what the -wal file holds into the journal file; a deleted -wal is one clear error.

        A -wal deleted under an open connection still takes its writes (the
        descriptor outlives the name), and the checkpoint reads them from
        there, so everything committed is in the main file before this says so.
        """
        with self._lock:
            try:
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
            except self._driver.Error as error:
                raise self._translate(error) from error
            if str(mode).lower() == "wal" and wal_missing(self.path):
                raise JournalError(messages.JOURNAL_WAL_MISSING.format(path=self.path))

    def _translate(self, error: Exception) -> JournalError:
        return busy_if_converting(translate(error, self.path, self._passphrase), self.path, self._opened)

    def close(self) -> None:
        """Close the connection; SQLite folds the WAL back into the file."""
        with self._lock:
            self.conn.close()
            _open_here.discard(self)


def guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Run a store method under the connection lock and turn database errors into JournalError."""

    @functools.wraps(method)
    def wrapper(self: Database, *args: Any, **kwargs: Any) -> T:
        with self._lock:
            try:
                return method(self, *args, **kwargs)
            except self._driver.Error as error:
                raise self._translate(error) from error

    return wrapper
