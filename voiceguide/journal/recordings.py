"""In-progress recordings, written a chunk at a time so a crash loses at most the last chunk.

Each chunk is its own short transaction, committed at once. A recording is
left behind only if its process died; ``unfinished_recordings`` skips those
still being written by a live process, so a second voiceguide never steals
a recording in progress.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from voiceguide.journal.connection import Database, guarded
from voiceguide.journal.models import UnfinishedRecording
from voiceguide.journal.timestamps import parse_utc, stamp

STALE_AFTER = timedelta(minutes=2)
"""A recording untouched this long is abandoned even if its process id is in use again"""


def _process_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


class RecordingStore(Database):
    @guarded
    def begin_recording(
        self,
        rate: int,
        prompt: str | None = None,
        article: str | None = None,
        section: int | None = None,
    ) -> int:
        """Start a recording and return its id; chunks follow with ``append_chunk``."""
        started, offset = stamp()
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO recordings (started, utc_offset_minutes, updated, pid, prompt,"
                " article, section, rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (started, offset, started, os.getpid(), prompt, article, section, int(rate)),
            )
            return int(cursor.lastrowid)

    @guarded
    def append_chunk(self, recording_id: int, seq: int, samples: bytes) -> None:
        """Store one chunk of int16 PCM and commit it at once (re-sending a seq replaces it)."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO recording_chunks (recording_id, seq, samples) VALUES (?, ?, ?)",
                (recording_id, int(seq), bytes(samples)),
            )
            db.execute("UPDATE recordings SET updated = ? WHERE id = ?", (stamp()[0], recording_id))

    @guarded
    def recording_samples(self, recording_id: int) -> bytes:
        """All chunks of a recording so far, in order."""
        rows = self.conn.execute(
            "SELECT samples FROM recording_chunks WHERE recording_id = ? ORDER BY seq",
            (recording_id,),
        )
        return b"".join(bytes(row[0]) for row in rows)

    @guarded
    def owe_final_pass(self, recording_id: int, entry_id: int) -> None:
        """The entry is saved with the streamed text; keep the chunks until its final pass is done.

        If this process dies first, ``unfinished_recordings`` hands the
        recording back with its ``entry_id`` and recovery finishes the pass.
        """
        with self.transaction() as db:
            db.execute(
                "UPDATE recordings SET entry_id = ?, updated = ? WHERE id = ?", (entry_id, stamp()[0], recording_id)
            )

    @guarded
    def finish_recording(self, recording_id: int) -> None:
        """Forget a recording's chunks once its entry is saved."""
        self.discard_recording(recording_id)

    @guarded
    def discard_recording(self, recording_id: int) -> None:
        """Drop a recording and its chunks (too short, or not wanted)."""
        with self.transaction() as db:
            db.execute("DELETE FROM recording_chunks WHERE recording_id = ?", (recording_id,))
            db.execute("DELETE FROM recordings WHERE id = ?", (recording_id,))

    @guarded
    def unfinished_recordings(self, *, include_live: bool = False) -> list[UnfinishedRecording]:
        """Recordings left behind by a process that ended, oldest first, with their audio.

        Recordings of a live process (this one included) are skipped unless
        ``include_live``; one untouched for ``STALE_AFTER`` counts as left behind
        whatever its process id says, since ids are reused after a restart.
        """
        now = datetime.now(UTC)
        found = []
        rows = self.conn.execute(
            "SELECT id, started, utc_offset_minutes, updated, pid, prompt, article, section, rate, entry_id"
            " FROM recordings ORDER BY started, id"
        ).fetchall()
        for rid, started, offset, updated, pid, prompt, article, section, rate, entry_id in rows:
            fresh = now - parse_utc(updated) < STALE_AFTER
            if not include_live and fresh and _process_alive(pid):
                continue
            found.append(
                UnfinishedRecording(
                    id=rid,
                    started=started,
                    utc_offset_minutes=offset,
                    rate=rate,
                    prompt=prompt,
                    article=article,
                    section=section,
                    samples=self.recording_samples(rid),
                    entry_id=entry_id,
                )
            )
        return found


def may_hold_recordings(path: Path) -> bool:
    """A read-only peek that spares every command a full journal open when no recording waits.

    True when the file cannot be read as plain SQLite (encrypted, locked or
    older): the full open decides then.
    """
    import contextlib
    import sqlite3

    from voiceguide.journal.connection import connect

    try:
        with contextlib.closing(connect(path, timeout=1.0, readonly=True)) as db:
            return bool(db.execute("SELECT EXISTS(SELECT 1 FROM recordings)").fetchone()[0])
    except sqlite3.Error:
        return True
