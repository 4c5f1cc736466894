"""Keeping an unlocked journal unlocked for a few minutes, the way sudo and gpg-agent do.

Unlocking an encrypted journal costs a key derivation (256,000 rounds of
PBKDF2-HMAC-SHA512, about 0.15 s here) and, without ``VOICEGUIDE_PASSPHRASE``
or the keyring, typing the passphrase. After a successful unlock the derived
key (never the passphrase) is put in the Linux kernel's keyring of the user
with a time-out of ``unlock_minutes`` (default 5, renewed on each use), so
the next commands open the journal at once.

What this trades: for those minutes, a program running as the same user can
read the key; other users (root aside) cannot. Such a program could also read the
decrypted journal through voiceguide, watch the terminal or read the
environment, so the exposure is the one sudo accepts for its time stamp.
The key lives in kernel memory (never on disk, never in swap) and expires on
its own; ``voiceguide journal lock`` drops it at once, and
``unlock_minutes = 0`` turns the cache off. Changing the passphrase or
decrypting drops it too (and always asks for the passphrase itself).

Where the kernel keyring is missing or forbidden (other systems, some
containers), nothing is kept and every command derives the key: slower,
never less safe. Everything here fails quietly into that case.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import platform
import sys
from pathlib import Path

from voiceguide.journal.keys import KEY_BYTES, file_salt

ENV_VAR = "VOICEGUIDE_UNLOCK_MINUTES"
DEFAULT_MINUTES = 5.0
DESCRIPTION_PREFIX = "voiceguide:journal:"

_SYSCALLS = {  # (add_key, keyctl) by machine
    "x86_64": (248, 250),
    "amd64": (248, 250),
    "aarch64": (217, 219),
    "arm64": (217, 219),
}
_USER_KEYRING = -4
_KEYCTL_REVOKE = 3
_KEYCTL_SETPERM = 5
_KEYCTL_SEARCH = 10
_KEYCTL_READ = 11
_KEYCTL_SET_TIMEOUT = 15
_KEYCTL_INVALIDATE = 21
_PERMISSIONS = 0x3F1F0000
"""Possessor: all; the same user: view, read, write, search, set a time-out; group and others: nothing.
A later command is a new process that need not count as possessing the key."""

_libc: ctypes.CDLL | None = None


def minutes() -> float:
    """How long an unlock lasts: ``VOICEGUIDE_UNLOCK_MINUTES``, else the setting, else 5; 0 is off."""
    raw = os.environ.get(ENV_VAR)
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass  # a broken override leaves the stored setting in charge
    try:
        from voiceguide.config import load_config

        return float(load_config().get("unlock_minutes", DEFAULT_MINUTES))
    except Exception:  # an unreadable config is reported by the commands that use it
        return DEFAULT_MINUTES


def available() -> bool:
    """Whether this system has a kernel keyring we may use (Linux, a known machine, not forbidden)."""
    return _calls() is not None and _probe()


def recall(path: Path, salt: bytes) -> bytes | None:
    """The derived key of the journal at ``path`` with this ``salt``, if still kept; renews its time."""
    span = minutes()
    if span <= 0:
        return None
    key_id = _find(_description(path, salt))
    if key_id is None:
        return None
    buffer = ctypes.create_string_buffer(KEY_BYTES + 1)
    size = _keyctl(_KEYCTL_READ, key_id, buffer, KEY_BYTES + 1)
    if size != KEY_BYTES:
        return None
    _keyctl(_KEYCTL_SET_TIMEOUT, key_id, _seconds(span))
    key = buffer.raw[:KEY_BYTES]
    ctypes.memset(buffer, 0, len(buffer))
    return key


def remember(path: Path, salt: bytes, key: bytes) -> bool:
    """Keep ``key`` for ``minutes()``; False when the cache is off or the keyring refuses."""
    span = minutes()
    calls = _calls()
    if span <= 0 or calls is None or len(key) != KEY_BYTES:
        return False
    libc = _c()
    key_id = libc.syscall(
        calls[0],
        b"user",
        _description(path, salt).encode(),
        key,
        ctypes.c_size_t(len(key)),
        ctypes.c_int(_USER_KEYRING),
    )
    if key_id < 0:
        return False
    if _keyctl(_KEYCTL_SETPERM, key_id, _PERMISSIONS) < 0 or _keyctl(_KEYCTL_SET_TIMEOUT, key_id, _seconds(span)) < 0:
        _drop(key_id)  # a key that would never expire is worse than none
        return False
    return True


def forget(path: Path, salt: bytes | None = None) -> None:
    """Drop the kept key of ``path`` (for ``salt``, or the salt the file has now)."""
    if _calls() is None:
        return
    if salt is None:
        salt = file_salt(path)
        if salt is None:
            return
    key_id = _find(_description(path, salt))
    if key_id is not None:
        _drop(key_id)


def _description(path: Path, salt: bytes) -> str:
    """Names the journal without showing its path in /proc/keys."""
    where = str(Path(path).absolute().resolve()).encode("utf-8", "surrogateescape")
    return DESCRIPTION_PREFIX + hashlib.sha256(where + b"\0" + salt).hexdigest()[:40]


def _seconds(span: float) -> int:
    return max(1, round(span * 60))


def _calls() -> tuple[int, int] | None:
    if not sys.platform.startswith("linux"):
        return None
    return _SYSCALLS.get(platform.machine().lower())


def _c() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
    return _libc


def _keyctl(operation: int, *args: object) -> int:
    calls = _calls()
    if calls is None:
        return -1
    converted = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    return int(_c().syscall(calls[1], ctypes.c_int(operation), *converted))


def _find(description: str) -> int | None:
    """The id of our key in the user keyring (searched directly: it need not be linked to the session)."""
    key_id = _keyctl(_KEYCTL_SEARCH, _USER_KEYRING, b"user", description.encode(), 0)
    return key_id if key_id > 0 else None


def _drop(key_id: int) -> None:
    if _keyctl(_KEYCTL_INVALIDATE, key_id) < 0:
        _keyctl(_KEYCTL_REVOKE, key_id)


def _probe() -> bool:
    """One harmless call: ENOKEY means the keyring answers, ENOSYS or EPERM means it is not there."""
    result = _keyctl(_KEYCTL_SEARCH, _USER_KEYRING, b"user", (DESCRIPTION_PREFIX + "probe").encode(), 0)
    if result > 0:
        return True
    return ctypes.get_errno() in (errno.ENOKEY, errno.EKEYEXPIRED, errno.EKEYREVOKED)
