"""Where a jrnl journal lives and how to open it: jrnl's config, folders, encrypted files.

Encrypted jrnl journals come in three forms, told apart as jrnl 4.6 does:
``JRNLv3`` + a header with a per-file salt + a Fernet token (jrnl 4.6); a
bare Fernet token (``gAAAAA``, jrnl 2-4.5, key from PBKDF2-HMAC-SHA256 of the
password with jrnl's fixed salt); anything else when the config says the
journal is encrypted: jrnl 1.x AES-256-CBC (key SHA-256 of the password, a
16-byte IV first, PKCS7 padding), whose text is in the 1.x format. The
password is used to decrypt in memory and is never stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from voiceguide import messages
from voiceguide.errors import JournalImportError
from voiceguide.journal.incoming import DateFallback, Incoming
from voiceguide.journal.jrnl_text import JrnlOptions, parse_folder, parse_jrnl, parse_legacy
from voiceguide.settings import IMPORT_MB

V3_PREFIX = b"JRNLv3"
V2_PREFIX = b"gAAAAA"
V2_SALT = b"\xf2\xd5q\x0e\xc1\x8d.\xde\xdc\x8e6t\x89\x04\xce\xf8"
KDF_ROUNDS = 100_000
PASSWORD_ENV = "VOICEGUIDE_JRNL_PASSWORD"
"""Where a script gives an encrypted jrnl journal's password (else it is asked, hidden)"""


@dataclass(frozen=True)
class JrnlJournal:
    """One journal named in a jrnl config, with the settings jrnl would use for it."""

    name: str
    path: Path
    options: JrnlOptions
    encrypt: bool | str = False


CONFIG_MAX_BYTES = 1024 * 1024
"""Largest jrnl config read"""


def _unreadable(path: object, error: OSError) -> JournalImportError:
    reason = error.strerror or str(error)
    return JournalImportError(messages.JOURNAL_IMPORT_UNREADABLE.format(path=path, error=reason))


def read_bounded(path: Path, max_mb: float = IMPORT_MB.default) -> bytes:
    """A file's bytes, refused when over ``max_mb``: a big file by its size, a device or pipe that never
    ends after reading one byte more than the limit, so memory stays bounded."""
    limit = int(max_mb * 1024 * 1024)
    try:
        with open(path, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > limit:
                raise JournalImportError(messages.IMPORT_TOO_BIG.format(path=path, mb=max_mb))
            data = handle.read(limit + 1)
    except OSError as error:
        raise _unreadable(path, error) from error
    if len(data) > limit:
        raise JournalImportError(messages.IMPORT_TOO_BIG.format(path=path, mb=max_mb))
    return data


def read_text(path: Path, max_mb: float = IMPORT_MB.default) -> str:
    """A file's UTF-8 text; bytes that are not UTF-8 name their line."""
    return decode(read_bounded(path, max_mb), path)


def decode(data: bytes, source: object) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise JournalImportError(
            messages.JOURNAL_JRNL_BAD_LINE.format(source=source, line=line, problem=messages.JOURNAL_JRNL_NOT_UTF8)
        ) from error


# jrnl's config


def default_config_path() -> Path:
    """jrnl's own place: ``$XDG_CONFIG_HOME/jrnl/jrnl.yaml``."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "jrnl" / "jrnl.yaml"


def _expand(value: str) -> Path:
    return Path(os.path.expanduser(os.path.expandvars(value)))


def read_config(path: Path | None, fallback: DateFallback = DateFallback.STOP) -> dict[str, JrnlJournal]:
    """The journals a jrnl config names, each with its own timeformat, tagsymbols and encryption."""
    import yaml

    path = Path(path) if path is not None else default_config_path()
    try:
        with open(path, "rb") as handle:
            data = handle.read(CONFIG_MAX_BYTES + 1)  # a config is a few lines: /dev/zero is not one
        if len(data) > CONFIG_MAX_BYTES:
            raise OSError(messages.JRNL_CONFIG_TOO_BIG.format(kb=CONFIG_MAX_BYTES // 1024))
        raw = data.decode("utf-8")
    except FileNotFoundError as error:
        raise JournalImportError(messages.JRNL_CONFIG_MISSING.format(path=path)) from error
    except (OSError, UnicodeDecodeError) as error:
        raise JournalImportError(messages.JRNL_CONFIG_BAD.format(path=path, error=error)) from error
    try:
        config = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        problem = str(error).splitlines()[0]
        raise JournalImportError(messages.JRNL_CONFIG_BAD.format(path=path, error=problem)) from error
    journals = config.get("journals") if isinstance(config, dict) else None
    if not isinstance(journals, dict) or not journals:
        raise JournalImportError(messages.JRNL_CONFIG_BAD.format(path=path, error="it names no journals"))
    found = {}
    for name, value in journals.items():
        scoped = dict(config)
        if isinstance(value, dict):
            scoped.update(value)
        else:
            scoped["journal"] = value
        if not isinstance(scoped.get("journal"), str):
            continue
        options = JrnlOptions(
            timeformat=str(scoped.get("timeformat") or JrnlOptions.timeformat),
            tagsymbols=str(scoped.get("tagsymbols") or JrnlOptions.tagsymbols),
            fallback=fallback,
        )
        found[str(name)] = JrnlJournal(str(name), _expand(scoped["journal"]), options, scoped.get("encrypt", False))
    return found


def pick_journal(journals: dict[str, JrnlJournal], name: str | None, config: Path | None) -> JrnlJournal:
    wanted = name or "default"
    if wanted in journals:
        return journals[wanted]
    where = config or default_config_path()
    names = ", ".join(sorted(journals))
    raise JournalImportError(messages.JRNL_NO_SUCH_JOURNAL.format(name=wanted, path=where, names=names))


# encryption


def encryption_of(data: bytes, encrypt: bool | str) -> str | None:
    """``v3``, ``v2``, ``v1`` or None (plain text), the way jrnl 4.6 decides."""
    if data.startswith(V3_PREFIX):
        return "v3"
    if encrypt == "jrnlv1":
        return "v1"
    if data.startswith(V2_PREFIX) and b"\n" not in data.strip():
        return "v2"
    if encrypt or (_not_text(data) and len(data) >= 32 and len(data) % 16 == 0):
        return "v1"
    return None


def _not_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _fernet_key(password: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

    kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=KDF_ROUNDS)
    return base64.urlsafe_b64encode(kdf.derive(password.encode("utf-8")))


def _v3_parts(data: bytes) -> tuple[bytes, bytes]:
    """(salt, Fernet token) of a jrnl 4.6 file; its header is base64 JSON (or plain JSON, early 4.6)."""
    offset = len(V3_PREFIX)
    (length,) = struct.unpack_from(">H", data, offset)
    offset += 2
    field = data[offset : offset + length]
    try:
        header = json.loads(base64.b64decode(field, validate=True))
    except binascii.Error:
        header = json.loads(field)
    return base64.urlsafe_b64decode(header["salt"]), data[offset + length :]


def decrypt(data: bytes, kind: str, password: str, source: object) -> str:
    """The journal's text; a wrong password (or a damaged file) is one clear line."""
    from cryptography.fernet import Fernet, InvalidToken
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:
        if kind == "v3":
            salt, token = _v3_parts(data)
            plain = Fernet(_fernet_key(password, salt)).decrypt(token)
        elif kind == "v2":
            plain = Fernet(_fernet_key(password, V2_SALT)).decrypt(data.strip())
        else:
            key = hashlib.sha256(password.encode("utf-8")).digest()
            decryptor = Cipher(algorithms.AES(key), modes.CBC(data[:16])).decryptor()
            padded = decryptor.update(data[16:]) + decryptor.finalize()
            if padded[-1:] == b" ":  # the oldest jrnl padded with spaces
                plain = padded.rstrip(b" ")
            else:
                unpadder = padding.PKCS7(128).unpadder()
                plain = unpadder.update(padded) + unpadder.finalize()
        return plain.decode("utf-8")
    except (InvalidToken, ValueError, KeyError, TypeError, struct.error, UnicodeDecodeError) as error:
        raise JournalImportError(messages.JRNL_WRONG_PASSWORD.format(path=source)) from error


# one journal, whatever its kind


def read_journal(
    path: Path,
    options: JrnlOptions,
    password: Callable[[], str],
    *,
    encrypt: bool | str = False,
    max_mb: float = IMPORT_MB.default,
) -> list[Incoming]:
    """Every entry of a jrnl journal: one file (plain or encrypted) or a folder of day files."""
    path = Path(path)
    if path.is_dir():
        from voiceguide.journal.dayone import is_dayone_classic, read_dayone_classic

        if is_dayone_classic(path):  # jrnl reads these as Day One journals
            return read_dayone_classic(path, max_mb).entries
        return parse_folder(path, options, lambda day_file: read_text(day_file, max_mb))
    data = read_bounded(path, max_mb)
    kind = encryption_of(data, encrypt)
    if kind is None:
        return parse_jrnl(decode(data, path), path, options)
    text = decrypt(data, kind, password(), path)
    if kind == "v1":
        return parse_legacy(text, path, options)
    return parse_jrnl(text, path, options)


def with_overrides(journal: JrnlJournal, timeformat: str | None) -> JrnlJournal:
    if not timeformat:
        return journal
    return replace(journal, options=replace(journal.options, timeformat=timeformat))
