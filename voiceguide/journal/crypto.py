"""Encrypting, decrypting and re-keying the journal file, atomically.

Each conversion writes a complete new database next to the journal with
SQLCipher's ``sqlcipher_export`` (same schema, FTS index included), checks
it, flushes it to disk and renames it over the journal, so a crash at any
moment leaves either the old file or the new one, never half of each. Before
it starts, the journal leaves WAL mode, which SQLite allows only when no other
connection is open: a journal in use by another voiceguide is refused rather
than converted under its feet. Afterwards the old file's blocks are
overwritten with zeros through a descriptor still open on it, and no WAL,
rollback journal or temporary copy is left in the folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.errors import JournalBusy, JournalError
from voiceguide.journal import keycache, leftovers
from voiceguide.journal import passphrase as keys
from voiceguide.journal.connection import (
    DEFAULT_BUSY_TIMEOUT,
    SIDE_FILES,
    connect,
    driver_for,
    open_in_this_process,
    translate,
)
from voiceguide.journal.keys import file_salt
from voiceguide.settings import user_paths

SCRUB_CHUNK = 1 << 20


def is_encrypted(path: Path | None = None) -> bool:
    """Whether the journal file (default: the user's) is encrypted; never asks for a passphrase."""
    return keys.looks_encrypted(Path(path) if path is not None else user_paths().journal)


def require_encrypted(wanted: bool, path: Path | None = None) -> Path:
    """A clear error unless the journal is (``wanted``) or is not encrypted; checked before prompting."""
    path = _journal_path(path)
    if keys.looks_encrypted(path) != wanted:
        template = messages.CRYPT_NOT_ENCRYPTED if wanted else messages.CRYPT_ALREADY_ENCRYPTED
        raise JournalError(template.format(path=path))
    return path


def current_passphrase(path: Path | None = None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> str | None:
    """Unlock the journal the usual way (environment, keyring, prompt) and return its passphrase."""
    return _validate(_journal_path(path), None, busy_timeout)


def encrypt(passphrase: str, path: Path | None = None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Path:
    """Encrypt the plain journal at ``path`` (default: the user's; created if missing)."""
    path = require_encrypted(False, path)
    _check_new(passphrase)
    _validate(path, None, busy_timeout)
    _convert(path, None, passphrase, busy_timeout)
    return path


def decrypt(
    passphrase: str | None = None, path: Path | None = None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> Path:
    """Turn the encrypted journal back into plain SQLite (passphrase: given, or asked as usual)."""
    path = require_encrypted(True, path)
    old = _validate(path, passphrase, busy_timeout)
    _convert(path, old, None, busy_timeout)
    return path


def change_passphrase(
    new: str, old: str | None = None, path: Path | None = None, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
) -> Path:
    """Re-encrypt the journal under a new passphrase (the old one: given, or asked as usual)."""
    path = require_encrypted(True, path)
    _check_new(new)
    old = _validate(path, old, busy_timeout)
    _convert(path, old, new, busy_timeout)
    return path


def _journal_path(path: Path | None) -> Path:
    return Path(path) if path is not None else user_paths().journal


def _check_new(passphrase: str) -> None:
    keys.check_new(passphrase)


def _validate(path: Path, passphrase: str | None, busy_timeout: float) -> str | None:
    """Open the journal the normal way (checks, unlocks, migrates); return the passphrase used."""
    from voiceguide.journal.store import Journal

    driver_for("")  # a missing sqlcipher3 is reported before anything is asked or written
    with Journal.open(path, passphrase=passphrase, busy_timeout=busy_timeout, cached=False) as journal:
        return journal._passphrase


def _sqlcipher_connect(path: Path, passphrase: str | None, timeout: float) -> Any:
    """A sqlcipher3 connection, keyed or not: only sqlcipher3 has ``sqlcipher_export``."""
    return connect(path, passphrase, timeout=timeout, cipher=True, foreign_keys=False)


def _convert(path: Path, old: str | None, new: str | None, timeout: float) -> None:
    driver = driver_for("")
    folder = path.parent
    temp = folder / f".{path.name}.{os.getpid()}.converting"
    if open_in_this_process(path):
        raise JournalBusy(messages.CRYPT_IN_USE.format(path=path))
    leftovers.sweep(folder)  # copies a killed conversion left, plaintext ones included
    old_salt = file_salt(path)
    source = _sqlcipher_connect(path, old, timeout)
    renamed = False
    owner = -1
    try:
        _leave_wal(source, path)
        before = source.execute("PRAGMA data_version").fetchone()[0]
        owner = _create_private(temp)
        source.execute("ATTACH DATABASE ? AS target KEY ?", (str(temp), new or ""))
        source.execute("BEGIN IMMEDIATE")
        source.execute("SELECT sqlcipher_export('target')")
        version = source.execute("PRAGMA main.user_version").fetchone()[0]
        source.execute(f"PRAGMA target.user_version = {int(version)}")
        source.execute("COMMIT")
        source.execute("DETACH DATABASE target")
        # hold the write lock from here to the rename, and make sure nobody wrote meanwhile
        source.execute("BEGIN IMMEDIATE")
        if source.execute("PRAGMA data_version").fetchone()[0] != before:
            raise JournalBusy(messages.CRYPT_IN_USE.format(path=path))
        expected = source.execute("SELECT count(*) FROM entries").fetchone()[0]
        _check_copy(temp, new, expected, timeout)
        _fsync(temp)
        if any(path.with_name(path.name + s).exists() for s in ("-wal", "-journal")):
            raise JournalBusy(messages.CRYPT_IN_USE.format(path=path))
        old_fd = os.open(path, os.O_RDWR)
        try:
            os.replace(temp, path)
            renamed = True
            _fsync_dir(folder)
            _scrub(old_fd)
        finally:
            os.close(old_fd)
    except driver.Error as error:
        problem = translate(error, path, old)
        if type(problem) is JournalError:
            problem = JournalError(messages.CRYPT_FAILED.format(path=path, error=error))
        raise problem from error
    finally:
        if source.in_transaction:
            source.execute("ROLLBACK")
        if not renamed:
            try:
                source.execute("PRAGMA journal_mode = WAL")
            except driver.Error:
                pass  # the next Journal.open switches it back
        source.close()
        if not renamed:
            for leftover in [temp, *(temp.with_name(temp.name + s) for s in SIDE_FILES)]:
                leftovers.scrub_and_remove(leftover)
        if owner >= 0:
            os.close(owner)
    keys.forget(path)
    if old_salt is not None:
        keycache.forget(path, old_salt)  # the old key opens nothing now; drop it anyway
    if new is not None:
        keys.remember(path, new)


def _leave_wal(conn: Any, path: Path) -> None:
    """Fold the WAL into the file and leave WAL mode: only possible with no other connection open."""
    driver = driver_for("")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except driver.OperationalError as error:
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise JournalBusy(messages.CRYPT_IN_USE.format(path=path)) from error
        raise
    if str(mode).lower() != "delete":
        raise JournalBusy(messages.CRYPT_IN_USE.format(path=path))


def _create_private(path: Path) -> int:
    """Create the copy 0600 and hold its owner's lock (see ``leftovers``); returns the descriptor to close."""
    leftovers.scrub_and_remove(path)  # a leftover of a conversion that was killed: ours, and useless
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    leftovers.hold(fd)
    return fd


def _check_copy(temp: Path, passphrase: str | None, expected: int, timeout: float) -> None:
    """The new file opens with the new key, passes quick_check, holds every entry, and is in WAL mode."""
    conn = connect(temp, passphrase, timeout=timeout)
    try:
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise JournalError(messages.CRYPT_FAILED.format(path=temp, error="copy failed its check"))
        if conn.execute("SELECT count(*) FROM entries").fetchone()[0] != expected:
            raise JournalError(messages.CRYPT_FAILED.format(path=temp, error="entries missing"))
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # not every system can open a folder; the rename is still atomic
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _scrub(fd: int) -> None:
    """Overwrite the replaced file with zeros before its blocks are freed (best effort).

    Copy-on-write filesystems, SSD wear levelling, snapshots and backups may
    still keep old blocks; the README says so.
    """
    size = os.fstat(fd).st_size
    zeros = bytes(SCRUB_CHUNK)
    os.lseek(fd, 0, os.SEEK_SET)
    done = 0
    while done < size:
        done += os.write(fd, zeros[: min(SCRUB_CHUNK, size - done)])
    os.fsync(fd)
