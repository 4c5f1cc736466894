"""Day One recordings a journal import decodes never outlive it: removed on every way out, or at the next start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from tests.cli_helpers import run_voiceguide
from tests.signals import espeak
from tests.test_cli_journal import _m4a
from tests.test_journal_dayone import ENTRIES
from voiceguide.sessions.doctor import check_privacy
from voiceguide.settings import ensure_private_dir, user_paths

RECORDINGS = 40


@pytest.fixture(scope="module")
def recording() -> bytes:
    """Two minutes of speech as Day One stores it: each takes a moment to decode."""
    samples, rate = espeak("I walked by the river this morning and felt calm and steady. " * 4)
    repeats = int(np.ceil(120 * rate / len(samples)))
    return _m4a(np.tile(samples, repeats), rate)


def export_with_recordings(folder: Path, recording: bytes) -> Path:
    entries = [
        dict(
            ENTRIES[1],
            uuid=f"{k:032X}",
            text=f"Entry {k} spoken by the river.",
            audios=[{"identifier": f"A{k}", "md5": f"{k:04x}", "format": "m4a", "duration": 120.0}],
        )
        for k in range(RECORDINGS)
    ]
    export = folder / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("Journal.json", json.dumps({"entries": entries}))
        for k in range(RECORDINGS):
            archive.writestr(f"audios/{k:04x}.m4a", recording)
    return export


def copies_on_disk(tmp: Path) -> list[Path]:
    """The recordings extracted under data/tmp (not the lock files)."""
    if not tmp.exists():
        return []
    return [p for p in tmp.rglob("*") if p.is_file() and p.name != ".lock"]


def import_until_a_recording_is_on_disk(export: Path, recording: bytes) -> subprocess.Popen:
    """`journal import` in a process of its own, stopped at no signal yet: returns once a copy is extracted."""
    tmp = ensure_private_dir(user_paths().data) / "tmp"
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "journal", "import", str(export)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        for copy in copies_on_disk(tmp):
            try:
                if copy.read_bytes() == recording:  # written whole: the decoder is reading it
                    return proc
            except OSError:
                pass
        time.sleep(0.002)
    proc.kill()
    proc.wait(10)
    raise AssertionError(f"no recording seen on disk (exit {proc.returncode})")


def entries_in_journal() -> int:
    listed = run_voiceguide("journal", "list", "--json", "--limit", "1000")
    assert listed.returncode == 0, listed.stderr
    return len(json.loads(listed.stdout))


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stopped_import_removes_the_recording_it_was_decoding(tmp_path, recording, signum):
    export = export_with_recordings(tmp_path, recording)
    proc = import_until_a_recording_is_on_disk(export, recording)
    proc.send_signal(signum)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum, err
    tmp = user_paths().data / "tmp"
    assert copies_on_disk(tmp) == [] and list(tmp.iterdir()) == []
    assert entries_in_journal() == 0  # all or nothing


@pytest.mark.slow
def test_a_recording_a_killed_import_left_goes_at_the_next_start_and_doctor_reports_it(tmp_path, recording):
    export = export_with_recordings(tmp_path, recording)
    tmp = user_paths().data / "tmp"

    proc = import_until_a_recording_is_on_disk(export, recording)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    left = copies_on_disk(tmp)
    assert [p.read_bytes() for p in left] == [recording]  # SIGKILL cannot be caught
    (folder,) = {p.parent for p in left}
    assert folder.name.startswith(f"import-{proc.pid}-")
    report = check_privacy()
    assert f"found and removed {folder} (left by a killed import" in report.detail
    assert list(tmp.iterdir()) == []

    proc = import_until_a_recording_is_on_disk(export, recording)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert copies_on_disk(tmp) != []
    assert entries_in_journal() == 0  # any start: the copy goes, and the killed import added nothing
    assert list(tmp.iterdir()) == []

    done = run_voiceguide("journal", "import", str(export), timeout=600)
    assert done.returncode == 0, done.stderr
    assert entries_in_journal() == RECORDINGS and list(tmp.iterdir()) == []


def test_an_import_still_running_keeps_its_copy_while_another_start_sweeps(tmp_path, recording):
    export = export_with_recordings(tmp_path, recording)
    proc = import_until_a_recording_is_on_disk(export, recording)
    try:
        assert run_voiceguide("journal", "tags").returncode == 0
        assert proc.poll() is None  # still decoding, its folder was left alone
        folders = [p.name for p in (user_paths().data / "tmp").iterdir()]
        assert len(folders) == 1 and folders[0].startswith(f"import-{proc.pid}-")
    finally:
        proc.kill()
        proc.wait(10)


def test_an_unlocked_import_folder_an_earlier_version_left_goes_once_an_hour_old():
    tmp = ensure_private_dir(ensure_private_dir(user_paths().data) / "tmp")
    fresh, stale = tmp / "tmpab12cd34", tmp / "tmpzz9_x8y7"
    for folder in (fresh, stale):
        folder.mkdir()
        (folder / "rec.m4a").write_bytes(b"private recording")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    assert run_voiceguide("journal", "tags").returncode == 0
    assert sorted(tmp.iterdir()) == [fresh]
