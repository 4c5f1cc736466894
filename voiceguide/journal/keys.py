"""The keys of an encrypted journal: its salt, the key derived from a passphrase, and how SQLCipher is given it.

SQLCipher 4 derives a journal's key with 256,000 rounds of PBKDF2-HMAC-SHA512
over the 16-byte salt at the start of the file (about 0.15 s). The key is
derived here instead, exactly as SQLCipher does, once per process, and
every connection gets it raw, so a command that opens the journal twice
(recovery, then the command) derives it once; the unlock cache
(``keycache``) keeps the same derived key, never the passphrase. Imports no
database code.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"
KDF_ITERATIONS = 256_000
"""SQLCipher 4's default PBKDF2-HMAC-SHA512 work factor; journals are always created with it"""
SALT_BYTES = 16
KEY_BYTES = 32

_derived: dict[tuple[str, bytes], bytes] = {}
_derive_lock = threading.Lock()


class DerivedKey(str):
    """A journal key already derived from its passphrase (64 hex digits), usable wherever a passphrase is.

    Comes from the unlock cache (``voiceguide.journal.keycache``); SQLCipher
    takes it raw, with no key derivation. It is never stored anywhere a
    passphrase is, and cannot change or remove the encryption.
    """


def file_salt(path: Path) -> bytes | None:
    """The 16-byte salt at the start of an SQLCipher file (None for plain SQLite, a short file or no file)."""
    try:
        with open(path, "rb") as handle:
            salt = handle.read(SALT_BYTES)
    except OSError:
        return None
    return salt if len(salt) == SALT_BYTES and salt != SQLITE_HEADER else None


def derived_key(path: Path, passphrase: str) -> bytes | None:
    """The 32-byte key SQLCipher uses for ``path`` under ``passphrase`` (None: no file or salt yet)."""
    salt = file_salt(path)
    if salt is None:
        return None
    if isinstance(passphrase, DerivedKey):
        return bytes.fromhex(passphrase)
    with _derive_lock:
        raw = _derived.get((passphrase, salt))
        if raw is None:
            raw = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)
            _derived[(passphrase, salt)] = raw
    return raw


def key_literal(path: Path, passphrase: str) -> str:
    """The value for ``PRAGMA key``: the raw key when the file has a salt, else the passphrase.

    A new file has no salt yet: SQLCipher makes one and derives the key from the passphrase itself.
    """
    if isinstance(passphrase, DerivedKey):
        return f"\"x'{passphrase}'\""
    raw = derived_key(path, passphrase)
    if raw is None:
        return sql_literal(passphrase)
    return f"\"x'{raw.hex()}'\""


def sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
