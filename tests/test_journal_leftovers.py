"""Nothing leaked by a kill: copies of killed conversions and edit buffers go at the next start."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide.journal import crypto, passphrase
from voiceguide.journal.store import Journal
from voiceguide.sessions.doctor import check_privacy
from voiceguide.settings import ensure_private_dir, user_paths

pytest.importorskip("sqlcipher3")

SECRET = "a kill changes nothing"
WORD = "quillfeatherlagoon"
"""Appears nowhere but in the entries"""


@pytest.fixture(autouse=True)
def no_remembered_passphrase():
    passphrase.forget()
    yield
    passphrase.forget()


def big_journal(megabytes: int = 20) -> Path:
    """A journal of about ``megabytes`` MB: entries with the word, and audio."""
    with Journal.open() as jr, jr.transaction():
        for k in range(megabytes * 10):
            entry = jr.add_entry(f"entry {k} {WORD} " + "steady " * 200, kind="reflection")
            jr.set_audio(entry.id, "pcm", 16000, os.urandom(100_000))
    return user_paths().journal


def start(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "voiceguide", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, **(env or {})),
    )


def kill_when_copy_grows(proc: subprocess.Popen, folder: Path, size: int = 2 << 20) -> Path:
    """SIGKILL ``proc`` once its copy of the journal holds ``size`` bytes; returns the copy."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        copies = [p for p in folder.glob(".journal.db.*.converting") if p.stat().st_size >= size]
        if copies:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            return copies[0]
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.002)
    raise AssertionError("the conversion never wrote its copy")


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".converting" in p.name)


def test_a_killed_decrypt_leaves_plaintext_that_the_next_start_overwrites_and_removes():
    path = big_journal()
    crypto.encrypt(SECRET, path)
    passphrase.forget()
    env = {"VOICEGUIDE_PASSPHRASE": SECRET}
    copy = kill_when_copy_grows(start("journal", "decrypt", "--yes", env=env), path.parent)
    assert WORD.encode() in copy.read_bytes()  # the kill did leave plaintext beside the encrypted journal
    inode = copy.stat().st_ino
    fd = os.open(copy, os.O_RDONLY)  # see the blocks after the name is gone
    try:
        result = run_voiceguide("journal", "list", "--limit", "1", env=env)
        assert result.returncode == 0, result.stderr
        assert leftovers(path.parent) == []
        assert os.fstat(fd).st_ino == inode
        assert WORD.encode() not in os.pread(fd, os.fstat(fd).st_size, 0)  # overwritten before removal
    finally:
        os.close(fd)
    assert crypto.is_encrypted(path)
    with Journal.open(path, passphrase=SECRET) as jr:
        assert jr.stats()["entries"] == 200


@pytest.mark.parametrize("command", ["encrypt", "passwd"])
def test_a_killed_encrypt_or_passwd_copy_goes_at_the_next_conversion(command):
    path = big_journal()
    env = {"VOICEGUIDE_NEW_PASSPHRASE": "another secret", "VOICEGUIDE_PASSPHRASE": SECRET}
    if command == "passwd":
        crypto.encrypt(SECRET, path)
        passphrase.forget()
    copy = kill_when_copy_grows(start("journal", command, env=env), path.parent)
    assert copy.exists()
    # another conversion sweeps first, even when no other command ran in between
    if command == "encrypt":
        crypto.encrypt(SECRET, path)
    else:
        crypto.change_passphrase("a third one", SECRET, path)
    assert leftovers(path.parent) == []


def test_a_conversion_still_running_keeps_its_copy():
    """The owner's lock, not a process id, decides: a copy another process works on is left alone."""
    folder = user_paths().data
    folder.mkdir(parents=True)
    copy = folder / f".journal.db.{os.getpid()}.converting"
    copy.write_bytes(b"SQLite format 3\x00" + WORD.encode())
    with open(copy, "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert run_voiceguide("journal", "list").returncode == 0
        assert copy.read_bytes().endswith(WORD.encode())
        report = check_privacy()
        assert str(copy) in report.detail and "still running" in report.detail
    assert run_voiceguide("journal", "list").returncode == 0
    assert not copy.exists()


def test_a_fresh_copy_of_a_running_conversion_is_kept_even_before_it_is_locked():
    """A copy is made, then locked: a start in between sees a live voiceguide owner and leaves the copy alone."""
    path = big_journal()
    conversion = start("journal", "encrypt", env={"VOICEGUIDE_NEW_PASSPHRASE": SECRET})
    sleeper = subprocess.Popen(["sleep", "60"])  # alive, but not a voiceguide: its id in a name means nothing
    try:
        deadline = time.monotonic() + 60
        while not list(path.parent.glob(f".journal.db.{conversion.pid}.converting")):
            assert time.monotonic() < deadline and conversion.poll() is None, conversion.stderr.read()
            time.sleep(0.002)
        conversion.send_signal(signal.SIGSTOP)  # the conversion stays alive, mid-way, for as long as needed
        fresh = path.parent / f".notes.db.{conversion.pid}.converting"  # as it is between create and lock
        fresh.write_bytes(b"SQLite format 3\x00" + WORD.encode())
        stray = path.parent / f".notes.db.{sleeper.pid}.converting"
        stray.write_bytes(b"SQLite format 3\x00" + WORD.encode())
        assert run_voiceguide("sections").returncode == 0
        assert fresh.read_bytes().endswith(WORD.encode())
        assert not stray.exists()
    finally:
        conversion.send_signal(signal.SIGCONT)
        sleeper.kill()
        sleeper.wait(10)
    assert conversion.wait(120) == 0, conversion.stderr.read()
    assert run_voiceguide("sections").returncode == 0  # its owner is gone now
    assert leftovers(path.parent) == []
    assert crypto.is_encrypted(path)


def test_doctor_reports_and_removes_what_a_killed_conversion_left():
    folder = ensure_private_dir(user_paths().data)
    copy = folder / ".journal.db.999999999.converting"
    copy.write_bytes(b"SQLite format 3\x00" + WORD.encode())
    (folder / (copy.name + "-journal")).write_bytes(WORD.encode())
    report = check_privacy()
    assert f"found and removed {copy}" in report.detail
    assert leftovers(folder) == []
    another = folder / ".journal.db.999999998.converting"
    another.write_bytes(WORD.encode())
    folder.chmod(0o755)  # a problem of its own: the report still names what it removed
    report = check_privacy()
    assert not report.ok and f"found and removed {another}" in report.detail


# journal edit

EDITOR = """#!/bin/sh
echo "$1" > "{ready}"
exec sleep 60
"""


def start_edit(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """`journal edit 1` with an editor that says which file it got and then waits."""
    ready = tmp_path / "ready"
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR.format(ready=ready))
    editor.chmod(0o700)
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "journal", "edit", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ, EDITOR=str(editor)),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while not (ready.exists() and ready.read_text().strip()):
        assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() else ""
        time.sleep(0.01)
    buffer = Path(ready.read_text().strip())
    assert WORD in buffer.read_text()
    return proc, buffer


def kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


CATCHABLE_AND_ENDING = [
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGINT,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
    signal.SIGALRM,
    signal.SIGPIPE,
    signal.SIGVTALRM,
    signal.SIGPROF,
    signal.SIGXCPU,
    signal.SIGXFSZ,
]
"""Every signal a process can catch whose default action ends it"""


@pytest.mark.parametrize("signum", CATCHABLE_AND_ENDING, ids=lambda s: signal.Signals(s).name)
def test_edit_buffer_is_removed_on_every_signal_that_can_be_caught(tmp_path, signum):
    assert run_voiceguide("journal", "add", f"private {WORD}").returncode == 0
    proc, buffer = start_edit(tmp_path)
    try:
        proc.send_signal(signum)
        proc.wait(30)
        assert not buffer.parent.exists()
        assert proc.returncode == 128 + signum
    finally:
        kill_group(proc)  # the editor, if it outlived the command
    assert b"Traceback" not in proc.stderr.read()
    assert list((user_paths().data / "tmp").iterdir()) == []


def test_edit_buffer_left_by_sigkill_goes_at_the_next_start(tmp_path):
    assert run_voiceguide("journal", "add", f"private {WORD}").returncode == 0
    proc, buffer = start_edit(tmp_path)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert buffer.exists()  # SIGKILL cannot be caught
    assert run_voiceguide("journal", "list").returncode == 0
    assert list((user_paths().data / "tmp").iterdir()) == []


def test_an_edit_in_progress_keeps_its_buffer_while_others_start(tmp_path):
    assert run_voiceguide("journal", "add", f"private {WORD}").returncode == 0
    proc, buffer = start_edit(tmp_path)
    try:
        assert run_voiceguide("journal", "list").returncode == 0
        assert WORD in buffer.read_text()
    finally:
        kill_group(proc)
        proc.wait(10)
