"""Everything voiceguide writes is 0600 in 0700 folders, whatever the umask."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def modes(home: Path) -> dict[str, int]:
    found = {}
    for root, dirs, files in os.walk(home):
        for name in dirs + files:
            path = Path(root) / name
            found[str(path.relative_to(home))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def loose(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The command as a user with the common umask 022 runs it."""
    code = "import os, sys; os.umask(0o022); from voiceguide.cli import main; main(sys.argv[1:])"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, **(env or {})),
        timeout=120,
    )


@pytest.mark.slow
def test_config_cache_and_journal_files_are_private(voiceguide_home, tmp_path):
    for command in (
        ["config", "set", "rate", "150"],
        ["journal", "add", "a private thought"],
        ["read", "--section", "1", "--to-file", str(tmp_path / "out.wav")],
    ):
        result = loose(*command)
        assert result.returncode == 0, (command, result.stderr)
    found = modes(voiceguide_home)
    assert any(name.startswith("cache/") and name.endswith(".wav") for name in found), found
    assert "config/config.toml" in found and "data/journal.db" in found
    for name, mode in found.items():
        want = 0o700 if (voiceguide_home / name).is_dir() else 0o600
        assert mode == want, (name, oct(mode))
    assert stat.S_IMODE((tmp_path / "out.wav").stat().st_mode) == 0o600


def test_files_sqlite_makes_during_encrypt_are_private(voiceguide_home, tmp_path):
    """SQLite creates its super-journal (journal.db-mj*) 0644 less the umask; it lives a moment, so trace it."""
    pytest.importorskip("sqlcipher3")
    if shutil.which("strace") is None:
        pytest.skip("strace is not installed here (apt-get install strace)")
    assert loose("journal", "add", "a private thought").returncode == 0
    trace = tmp_path / "trace"
    code = "import os, sys; os.umask(0o022); from voiceguide.cli import main; main(sys.argv[1:])"
    done = subprocess.run(
        [
            "strace",
            "-f",
            "-e",
            "trace=openat,umask",
            "-o",
            str(trace),
            sys.executable,
            "-c",
            code,
            "journal",
            "encrypt",
        ],
        capture_output=True,
        text=True,
        env=dict(os.environ, VOICEGUIDE_NEW_PASSPHRASE="a passphrase"),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    umask = 0o022
    created = {}
    for line in trace.read_text().splitlines():
        if match := re.search(r"umask\((0?\d+)\)", line):
            umask = int(match[1], 8)
        elif (match := re.search(r'openat\([^"]*"([^"]+)", [^)]*O_CREAT[^)]*, (0\d+)\) = \d', line)) and match[
            1
        ].startswith(str(voiceguide_home)):
            created[Path(match[1]).name] = int(match[2], 8) & ~umask
    assert any(name.startswith("journal.db-mj") for name in created), created  # the file this is about
    assert {name: oct(mode) for name, mode in created.items() if mode != 0o600} == {}
