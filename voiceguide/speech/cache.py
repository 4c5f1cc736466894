"""Rendered sentences on disk, capped in size: the least recently used go first.

A file's modification time is when it was last used (written, or read back:
``get`` touches it), so eviction needs no index and works the same when
several voiceguide processes share the folder. Each process keeps a running
total of what it added and scans the folder only when that total passes the
cap, then removes the oldest files until the folder is well under it.
Only files named like a cache key are ever counted or removed. Several
processes rendering into one folder at once may pass the cap together,
each by what it added since it last looked: once it has evicted, at most
a tenth of the cap (1 - EVICT_TO) and one file.
"""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from voiceguide.settings import CACHE_MB, user_paths

MB = 1024 * 1024
DEFAULT_CACHE_MB = CACHE_MB.default
"""Default cap (`voiceguide config set cache_mb`)"""
EVICT_TO = 0.9
"""After an eviction the folder holds at most this share of the cap, so the next one is not at once"""
_KEY_FILE = re.compile(r"^[0-9a-f]{32}\.wav$")


def default_folder() -> Path:
    """Where rendered sentences are kept unless a Synthesizer is given another folder"""
    return user_paths().cache / "speech"


class SpeechCache:
    """One folder of ``<key>.wav`` files holding at most ``max_mb`` megabytes."""

    def __init__(self, folder: Path, max_mb: float = DEFAULT_CACHE_MB) -> None:
        self.folder = Path(folder)
        self.max_bytes = max(0, int(max_mb * MB))
        self._total: int | None = None
        self._lock = threading.Lock()
        self.evicted = 0
        """Files this process removed to stay under the cap"""

    def path(self, key: str) -> Path:
        return self.folder / f"{key}.wav"

    def get(self, key: str) -> Path | None:
        """The cached file of ``key``, marked as just used; None when there is none."""
        path = self.path(key)
        try:
            os.utime(path)
        except OSError:
            return None
        return path

    def forget(self, key: str) -> None:
        """Remove a file that turned out unreadable."""
        self.path(key).unlink(missing_ok=True)

    def put(self, rendered: Path, key: str) -> bool:
        """Move a rendered file in under ``key``; False (and the file removed) when the cap keeps nothing."""
        if self.max_bytes == 0:
            rendered.unlink(missing_ok=True)
            return False
        size = rendered.stat().st_size
        os.replace(rendered, self.path(key))
        with self._lock:
            if self._total is None:
                self._total = self._scan_total()
            else:
                self._total += size
            if self._total > self.max_bytes:
                self._total = self._evict(keep=self.path(key))
        return True

    def size(self) -> int:
        """Bytes the cached sentences take now."""
        return self._scan_total()

    def _entries(self) -> list[tuple[float, int, Path]]:
        found = []
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        for name in names:
            if not _KEY_FILE.match(name):
                continue
            path = self.folder / name
            try:
                info = path.stat()
            except OSError:
                continue  # removed meanwhile by another process
            found.append((info.st_mtime, info.st_size, path))
        return found

    def _scan_total(self) -> int:
        return sum(size for _, size, _ in self._entries())

    def _evict(self, keep: Path) -> int:
        """Remove the least recently used files until the folder is at most EVICT_TO of the cap."""
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        goal = int(self.max_bytes * EVICT_TO)
        for _, size, path in entries:
            if total <= goal:
                break
            if path == keep:
                continue  # the sentence about to be played stays
            path.unlink(missing_ok=True)
            total -= size
            self.evicted += 1
        return total
