"""Private files a killed voiceguide can leave behind, and their removal.

Three kinds of file hold journal words outside the journal for a while: the new
copy an encrypt, decrypt or passwd writes beside the journal
(``.journal.db.PID.converting``, plaintext during a decrypt), the buffer
``journal edit`` hands to the editor (``tmp/edit-PID-*/``), and the copies of
Day One recordings an import decodes (``tmp/import-PID-*/``). Their owner holds
an exclusive ``flock`` on them while it works; the kernel drops it when the
process ends however it ends, so a lock that can be taken means the owner is
gone (earlier versions decoded recordings in unlocked ``tmp/tmp*/`` folders,
which are taken as abandoned once an hour old). Such leftovers are overwritten
with zeros, then removed: at every start, before every conversion, and by
`voiceguide doctor`, which also reports them.
"""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path
from typing import NamedTuple

CONVERTING = re.compile(r"^\.(?P<journal>.+)\.(?P<pid>\d+)\.converting(?P<side>-wal|-shm|-journal)?$")
EDIT_DIR = re.compile(r"^(?P<kind>edit|import)-(?P<pid>\d+)-")
EDIT_LOCK = ".lock"
LEGACY_IMPORT_DIR = re.compile(r"^tmp[a-z0-9_]{8}$")
LEGACY_IMPORT_AGE = 3600.0
"""Seconds: a recording was decoded in well under a minute, so such a folder is abandoned by then"""
ZERO_CHUNK = 1 << 20


class Leftover(NamedTuple):
    path: Path
    kind: str
    """Either conversion, edit or import"""
    removed: bool


def hold(fd: int) -> bool:
    """Take the owner's lock on an open file (False: another live process holds it)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def sweep(data: Path) -> list[Leftover]:
    """Overwrite and remove every leftover under ``data`` whose owner is gone; report all found.

    Leftovers of a process still at work are reported with ``removed`` False
    and left alone. Cheap when there is nothing: one directory listing.
    """
    found: list[Leftover] = []
    try:
        names = os.listdir(data)
    except OSError:
        return found
    for name in names:
        match = CONVERTING.match(name)
        if match is None:
            continue
        path = data / name
        if match["side"]:
            main = data / name[: -len(match["side"])]
            if not main.exists():  # its copy is gone: nobody needs it
                found.append(Leftover(path, "conversion", scrub_and_remove(path)))
            continue
        found.append(Leftover(path, "conversion", _remove_if_abandoned(path, int(match["pid"]))))
    tmp = data / "tmp"
    try:
        edits = [entry for entry in os.scandir(tmp) if EDIT_DIR.match(entry.name) and entry.is_dir()]
    except OSError:
        edits = []
    for entry in edits:
        folder = Path(entry.path)
        named = EDIT_DIR.match(entry.name)
        if named is None:
            continue
        found.append(Leftover(folder, named["kind"], _remove_edit_if_abandoned(folder, int(named["pid"]))))
    for entry in _unlocked_imports(tmp):
        found.append(Leftover(Path(entry.path), "import", scrub_tree(Path(entry.path))))
    return found


def _unlocked_imports(tmp: Path) -> list[os.DirEntry[str]]:
    """Folders an earlier version's import decoded recordings in, an hour after it last wrote there."""
    import time

    try:
        entries = list(os.scandir(tmp))
    except OSError:
        return []
    old = time.time() - LEGACY_IMPORT_AGE
    try:
        return [e for e in entries if LEGACY_IMPORT_DIR.match(e.name) and e.is_dir() and e.stat().st_mtime < old]
    except OSError:
        return []


def _remove_if_abandoned(path: Path, pid: int) -> bool:
    if pid != os.getpid() and _alive(pid) and _is_voiceguide(pid):
        return False  # its owner made it a moment ago and has not locked it yet, or holds it still
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if not hold(fd):
            return False
        _zero(fd)
        path.unlink(missing_ok=True)
        for side in ("-wal", "-shm", "-journal"):
            scrub_and_remove(path.with_name(path.name + side))
        return True
    finally:
        os.close(fd)


def _remove_edit_if_abandoned(folder: Path, pid: int) -> bool:
    lock = folder / EDIT_LOCK
    try:
        fd = os.open(lock, os.O_RDWR | os.O_NOFOLLOW)
    except FileNotFoundError:
        if _alive(pid):
            return False  # made a moment ago, not locked yet
        return scrub_tree(folder)
    except OSError:
        return False
    try:
        if not hold(fd):
            return False
        return scrub_tree(folder)
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_voiceguide(pid: int) -> bool:
    """Whether the live process ``pid`` runs voiceguide (the installed command or ``python -m voiceguide``).

    A process id a dead converter left may have been given to another program
    since: its copy is abandoned all the same. Where the command line cannot be
    read, the process is taken to be one, and its copy is left for a later start.
    """
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().split(b"\0")
    except FileNotFoundError:
        return False  # gone since it was seen alive
    except OSError:
        return True
    return any(os.path.basename(arg) == b"voiceguide" for arg in args[:2]) or any(
        a == b"-m" and b == b"voiceguide" for a, b in zip(args, args[1:], strict=False)
    )


def scrub_tree(folder: Path) -> bool:
    import shutil

    for root, _dirs, files in os.walk(folder):
        for name in files:
            _scrub(Path(root) / name)
    shutil.rmtree(folder, ignore_errors=True)
    return not folder.exists()


def scrub_and_remove(path: Path) -> bool:
    _scrub(path)
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return True


def _scrub(path: Path) -> None:
    """Zeros over a regular file's bytes, so its words do not linger in free blocks (best effort)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        _zero(fd)
    finally:
        os.close(fd)


def _zero(fd: int) -> None:
    try:
        size = os.fstat(fd).st_size
        zeros = bytes(ZERO_CHUNK)
        os.lseek(fd, 0, os.SEEK_SET)
        done = 0
        while done < size:
            done += os.write(fd, zeros[: min(ZERO_CHUNK, size - done)])
        os.fsync(fd)
    except OSError:
        pass  # a full or read-only disk: removing it is still worth doing
