"""Where voiceguide may write a file a person asked for (exports, rendered readings).

Never the journal, its -wal/-shm companions or anything in the data folder;
never through a symbolic link (a planted link would send private words, or
zeros, wherever it points); never over an existing file unless the person
said --force.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from voiceguide import messages
from voiceguide.errors import SettingsError
from voiceguide.settings import user_paths


def check_output(path: str | Path, *, force: bool = False) -> Path:
    """``path`` if voiceguide may write it, else a SettingsError saying why and what to do."""
    path = Path(path).expanduser()
    if path.is_symlink():
        raise SettingsError(messages.OUTPUT_SYMLINK.format(path=path))
    data = user_paths().data
    target = path.absolute().resolve()
    folder = data.absolute().resolve()
    if target == folder or folder in target.parents or _same_file_as_journal(target, data):
        raise SettingsError(messages.OUTPUT_IN_DATA.format(path=path, data=data))
    if path.exists() and not force:
        raise SettingsError(messages.OUTPUT_EXISTS.format(path=path))
    return path


def check_output_folder(folder: str | Path) -> Path:
    """A folder to write several files into (export --audio): not the data folder nor inside it."""
    folder = Path(folder).expanduser()
    data = user_paths().data
    target = folder.absolute().resolve()
    home = data.absolute().resolve()
    if target == home or home in target.parents:
        raise SettingsError(messages.OUTPUT_IN_DATA.format(path=folder, data=data))
    return folder


def _same_file_as_journal(target: Path, data: Path) -> bool:
    """A hard link to the journal elsewhere is still the journal."""
    try:
        wanted = target.stat()
    except OSError:
        return False
    journal = data / "journal.db"
    for candidate in (journal, journal.with_name("journal.db-wal"), journal.with_name("journal.db-shm")):
        try:
            found = candidate.stat()
        except OSError:
            continue
        if (found.st_dev, found.st_ino) == (wanted.st_dev, wanted.st_ino):
            return True
    return False


def open_output(path: str | Path, *, force: bool = False) -> BinaryIO:
    """Open a checked output path for writing, 0600, refusing a link planted since the check."""
    path = check_output(path, force=force)
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | (os.O_TRUNC if force else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise SettingsError(messages.OUTPUT_EXISTS.format(path=path)) from None
    except OSError as error:
        if path.is_symlink():
            raise SettingsError(messages.OUTPUT_SYMLINK.format(path=path)) from None
        raise SettingsError(messages.READ_OUT_UNWRITABLE.format(path=path, reason=error.strerror or error)) from None
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")
