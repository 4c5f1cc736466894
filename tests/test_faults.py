"""Faults lose nothing: kills mid-write, a full disk, a read-only journal, two writers at once."""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide import messages
from voiceguide.journal import passphrase
from voiceguide.journal.recovery import recover_unfinished
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths

KILLS = 20
SECRET = "a kill changes nothing"
SEED = int(os.environ.get("VOICEGUIDE_FAULT_SEED", random.randrange(1 << 30)))


@pytest.fixture(autouse=True)
def no_remembered_passphrase():
    passphrase.forget()
    yield
    passphrase.forget()


def rng(request) -> random.Random:
    """Random kill moments, reproducible with VOICEGUIDE_FAULT_SEED (printed on failure)."""
    print(f"VOICEGUIDE_FAULT_SEED={SEED}")
    return random.Random(f"{SEED}-{request.node.name}")


def one_after_another(code: str, *args: str, count: int = KILLS):
    """``count`` children, each started while the previous one runs, so start-up costs no time."""
    upcoming = Child(code, *args)
    for k in range(count):
        current, upcoming = upcoming, (Child(code, *args) if k < count - 1 else None)
        yield current.go()


class Child:
    """A Python child process whose stdout lines arrive on a queue, so nothing blocks."""

    def __init__(self, code: str, *args: str, env: dict | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, **(env or {})),
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            if line.endswith("\n"):  # a line cut by the kill is not a report of anything
                self.lines.put(line.strip())

    def go(self) -> Child:
        """Let a child that was started ahead (imports done) begin its work."""
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()
        return self

    def expect(self, wanted: str, timeout: float = 30) -> float:
        """Wait for the line ``wanted``; returns when it arrived (monotonic)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                if self.proc.poll() is not None:
                    raise AssertionError(f"child exited: {self.proc.stderr.read()}") from None
                continue
            self.seen.append(line)
            if line == wanted:
                return time.monotonic()
        raise AssertionError(f"no {wanted!r} within {timeout} s")

    def kill(self) -> list[str]:
        """SIGKILL, then every line it had printed."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        time.sleep(0.02)
        while True:
            try:
                self.seen.append(self.lines.get_nowait())
            except queue.Empty:
                return self.seen


def check_intact(path: Path, key: str | None = None) -> None:
    with Journal.open(path, passphrase=key) as journal:
        assert journal.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # FTS5 raises if its index disagrees with the entries it indexes
        journal.conn.execute("INSERT INTO entries_fts (entries_fts, rank) VALUES ('integrity-check', 1)")


# kills during journal writes


WRITER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from voiceguide.journal.store import Journal

    sys.stdin.readline()
    journal = Journal.open(Path(sys.argv[1]), passphrase=sys.argv[2] or None)
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        text = f"entry {os.getpid()}-{n} " + "trust " * (n % 50)
        with journal.transaction():
            entry = journal.add_entry(text, kind="reflection")
            if n % 3 == 0:
                journal.set_audio(entry.id, "pcm", 16000, os.urandom(64_000))
        print(entry.id, text, flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_kills_during_journal_writes_lose_no_committed_entry(tmp_path, request, encrypted):
    if encrypted:
        pytest.importorskip("sqlcipher3")
    moments = rng(request)
    path = tmp_path / "journal.db"
    key = SECRET if encrypted else None
    Journal.open(path, passphrase=key).close()
    committed: dict[int, str] = {}
    for writer in one_after_another(WRITER, str(path), key or ""):
        writer.expect("ready")
        time.sleep(moments.uniform(0.0, 0.4))
        for line in writer.kill()[1:]:
            entry_id, text = line.split(" ", 1)
            committed[int(entry_id)] = text
        with Journal.open(path, passphrase=key) as journal:
            assert journal.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = {e.id: e.text for e in journal.list(limit=1_000_000)}
        for entry_id, text in committed.items():
            assert stored.get(entry_id, "").strip() == text.strip(), entry_id
        for entry_id, text in stored.items():
            assert text.startswith("entry "), (entry_id, text)  # nothing half-written
    assert len(committed) > KILLS  # the kills did land among the writes
    check_intact(path, key)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("journal.db")) in (
        ["journal.db"],
        ["journal.db", "journal.db-shm", "journal.db-wal"],
    )


# kills during recording


RECORDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import numpy as np
    from voiceguide.journal.store import Journal

    RATE, STEP = 16000, 0.25
    sys.stdin.readline()
    journal = Journal.open(Path(sys.argv[1]), passphrase=sys.argv[2] or None)
    rid = journal.begin_recording(RATE, prompt="What did you notice?")
    print("started", flush=True)
    t0 = time.monotonic()
    seq = 0
    while True:
        seq += 1
        time.sleep(max(0.0, t0 + seq * STEP - time.monotonic()))  # a chunk as the microphone delivers it
        t = (np.arange(int(RATE * STEP)) + (seq - 1) * RATE * STEP) / RATE
        journal.append_chunk(rid, seq, (np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2").tobytes())
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
def test_kills_during_recording_lose_at_most_the_last_second(tmp_path, request, encrypted):
    if encrypted:
        pytest.importorskip("sqlcipher3")
    moments = rng(request)
    path = tmp_path / "journal.db"
    key = SECRET if encrypted else None
    Journal.open(path, passphrase=key).close()
    for k, recorder in enumerate(one_after_another(RECORDER, str(path), key or "")):
        started = recorder.expect("started")
        time.sleep(moments.uniform(0.8, 1.8))
        killed = time.monotonic()
        recorder.kill()
        spoken = killed - started
        with Journal.open(path, passphrase=key) as journal:
            assert journal.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            recovered = recover_unfinished(journal)
            assert len(recovered) == 1, (k, spoken)  # every kill: the recording comes back as an entry
            entry = recovered[0]
            assert spoken - 1.0 <= entry.duration <= spoken + 0.3, (k, spoken, entry.duration)
            assert entry.needs_transcription and entry.has_audio
            assert journal.unfinished_recordings() == []
            from voiceguide.journal.audio_codec import decode

            audio = journal.get_audio(entry.id)
            samples, _ = decode(audio.codec, audio.data, audio.rate)
            assert len(samples) == pytest.approx(entry.duration * 16000, abs=16000 * 0.05)
            assert np.abs(samples).max() > 4000  # the tone, not silence or noise
    with Journal.open(path, passphrase=key) as journal:
        assert len(journal.needing_transcription()) == KILLS
    check_intact(path, key)


# a full disk


ADDER = textwrap.dedent(
    """
    import resource, sys
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from voiceguide.cli import main
    main(["journal", "add", "words that do not fit " * int(sys.argv[2])])
    """
)


def test_a_full_disk_by_rlimit_is_one_clear_line_and_no_corruption():
    for k in range(5):
        assert run_voiceguide("journal", "add", f"kept {k}").returncode == 0
    path = user_paths().journal
    limit = max(p.stat().st_size for p in path.parent.glob("journal.db*")) + 4096
    result = subprocess.run(
        [sys.executable, "-c", ADDER, str(limit), "40000"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert "disk space" in result.stderr
    check_intact(path)
    with Journal.open() as journal:
        assert [e.text for e in journal.list()] == [f"kept {k}" for k in reversed(range(5))]
    assert run_voiceguide("journal", "add", "after the disk was freed").returncode == 0


@contextmanager
def small_tmpfs(folder: Path, size: str):
    """A tiny tmpfs at ``folder`` (root only); skipped with the reason when mounting is refused."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()}); the RLIMIT test covers it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_a_really_full_disk_is_one_clear_line_and_no_corruption(tmp_path):
    with small_tmpfs(tmp_path / "disk", "1m") as disk:
        env = {"VOICEGUIDE_HOME": str(disk / "home")}
        for k in range(5):
            assert run_voiceguide("journal", "add", f"kept {k}", env=env).returncode == 0
        filler = disk / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while os.write(fd, bytes(4096)):
                pass
        except OSError:
            pass  # the disk is full
        finally:
            os.close(fd)
        result = run_voiceguide("journal", "add", "no room " * 5000, env=env)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
        filler.unlink()
        journal = disk / "home" / "data" / "journal.db"
        check_intact(journal)
        with Journal.open(journal) as jr:
            assert [e.text for e in jr.list()] == [f"kept {k}" for k in reversed(range(5))]
        assert run_voiceguide("journal", "add", "room again", env=env).returncode == 0


# a read-only journal


def test_a_read_only_filesystem_is_one_clear_line(tmp_path):
    with small_tmpfs(tmp_path / "ro", "4m") as disk:
        env = {"VOICEGUIDE_HOME": str(disk / "home")}
        assert run_voiceguide("journal", "add", "written before", env=env).returncode == 0
        journal = disk / "home" / "data" / "journal.db"
        before = journal.read_bytes()
        remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {remount.stderr.strip()}")
        for command in (["journal", "add", "more"], ["journal", "list"]):
            result = run_voiceguide(*command, env=env)
            assert result.returncode == 1, command
            assert result.stderr.strip() == "Error: " + messages.JOURNAL_READ_ONLY.format(path=journal)
        assert journal.read_bytes() == before


def test_an_immutable_journal_is_one_clear_line(tmp_path):
    """chattr +i: even root cannot write it, which is what a read-only file means to root."""
    assert run_voiceguide("journal", "add", "written before").returncode == 0
    journal = user_paths().journal
    locked = subprocess.run(["chattr", "+i", str(journal)], capture_output=True, text=True)
    if locked.returncode != 0:
        pytest.skip(f"chattr +i is not available here: {locked.stderr.strip() or 'no chattr'}")
    try:
        before = journal.read_bytes()
        result = run_voiceguide("journal", "add", "more")
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
        assert "read-only" in result.stderr
        assert journal.read_bytes() == before
    finally:
        subprocess.run(["chattr", "-i", str(journal)], capture_output=True)


# two writers at once


CONCURRENT = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from voiceguide.journal.store import Journal

    go = Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.001)
    journal = Journal.open(Path(sys.argv[1]))  # both may create and migrate it at once
    for n in range(int(sys.argv[3])):
        journal.add_entry(f"{os.getpid()} {n}")
    journal.close()
    print("done", flush=True)
    """
)


def test_two_processes_adding_entries_at_once_both_succeed(tmp_path):
    path = tmp_path / "journal.db"
    go = tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", CONCURRENT, str(path), str(go), "200"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    time.sleep(0.5)
    go.touch()
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0 and out.strip() == "done", err
    with Journal.open(path) as journal:
        texts = [e.text for e in journal.list(limit=1000)]
    assert len(texts) == 400
    for writer in writers:
        assert sum(t.startswith(f"{writer.pid} ") for t in texts) == 200
    check_intact(path)


def test_commands_run_at_once_all_succeed():
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "voiceguide", "journal", "add", f"at once {k}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(6)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with Journal.open() as journal:
        assert sorted(e.text for e in journal.list()) == [f"at once {k}" for k in range(6)]


# a full disk while a spoken entry is saved

TALK = (
    "Today I noticed that trust grows in small steps. I kept a promise to myself and it felt steady. "
    "Tomorrow I would like to call my sister and listen without hurrying. "
)


@pytest.mark.slow
def test_a_full_disk_during_reflect_from_file_saves_all_or_nothing(tmp_path):
    """Text and audio are one transaction: a failure leaves no entry, a retry after freeing space saves one."""
    from tests.signals import espeak
    from voiceguide.audio.clip import Clip, write_wav

    samples, rate = espeak(TALK * 3)  # about 40 s: its audio needs far more room than its text
    recording = write_wav(tmp_path / "memo.wav", Clip(samples, rate, 1))
    with small_tmpfs(tmp_path / "disk", "2m") as disk:
        env = {"VOICEGUIDE_HOME": str(disk / "home")}
        assert run_voiceguide("journal", "add", "kept before", env=env).returncode == 0
        journal = disk / "home" / "data" / "journal.db"
        failures = 0
        for reserve in (8, 24, 48, 96):  # KiB left free: the text fits in some, the audio in none
            spare = disk / "spare"
            spare.write_bytes(bytes(reserve * 1024))
            filler = disk / "filler"
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                while os.write(fd, bytes(4096)):
                    pass
            except OSError:
                pass  # the disk is full
            finally:
                os.close(fd)
            spare.unlink()
            result = run_voiceguide("reflect", "--from-file", str(recording), env=env, timeout=300)
            filler.unlink()
            check_intact(journal)
            with Journal.open(journal) as jr:
                entries = jr.list()
            if result.returncode == 0:
                break
            failures += 1
            assert result.stderr.count("\n") == 1 and "disk space" in result.stderr, result.stderr
            assert [e.text for e in entries] == ["kept before"], reserve  # nothing half-saved
        assert failures, "the disk never filled"
        if result.returncode != 0:
            result = run_voiceguide("reflect", "--from-file", str(recording), env=env, timeout=300)
        assert result.returncode == 0, result.stderr
        with Journal.open(journal) as jr:
            spoken = [e for e in jr.list() if e.kind == "reflection"]
            assert len(spoken) == 1 and spoken[0].has_audio and "trust" in spoken[0].text.lower()


# the -wal file deleted while the guide runs

GUIDE_ARTICLE = "# Many Steps\n\n" + "".join(f"## Step {k}\n\nNotice step {k} and breathe.\n\n" for k in range(1, 31))


class Guiding:
    """`voiceguide guide --text` in a subprocess, answering as a person types."""

    def __init__(self, article: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voiceguide", "guide", str(article), "--text", "--restart"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        self.saved = 0
        self.out: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.out.put(line)

    def say(self, *lines: str) -> None:
        self.proc.stdin.write("".join(line + "\n" for line in lines))
        self.proc.stdin.flush()

    def answer(self, text: str) -> None:
        """Skip the breathing, answer, and wait until the entry is confirmed saved."""
        self.say("skip", text)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                line = self.out.get(timeout=0.1)
            except queue.Empty:
                assert self.proc.poll() is None, self.proc.stderr.read()
                continue
            if messages.GUIDE_SAVED in line:
                self.saved += 1
                self.say("next")
                return
        raise AssertionError(f"{text!r} was never confirmed")


@pytest.fixture
def guide_article(tmp_path):
    path = tmp_path / "steps.md"
    path.write_text(GUIDE_ARTICLE)
    assert run_voiceguide("config", "set", "breath_minutes", "0.02").returncode == 0
    assert run_voiceguide("config", "set", "checkin", "false").returncode == 0  # answers go straight to sections
    return path


def confirmed_in_main_file(path: Path) -> list[str]:
    """The entries the journal file alone holds (a copy without its -wal, as after a lost WAL)."""
    import shutil
    import sqlite3

    copy = path.with_name("alone.db")
    shutil.copy(path, copy)
    with sqlite3.connect(copy) as db:
        return [row[0] for row in db.execute("SELECT text FROM entries ORDER BY id")]


def test_confirmed_entries_are_in_the_journal_file_when_the_wal_is_deleted_and_the_guide_killed(guide_article):
    guide = Guiding(guide_article)
    for k in range(20):
        guide.answer(f"confirmed answer {k}")
    journal = user_paths().journal
    journal.with_name("journal.db-wal").unlink()
    guide.proc.send_signal(signal.SIGKILL)
    guide.proc.wait(10)
    assert confirmed_in_main_file(journal) == [f"confirmed answer {k}" for k in range(20)]
    check_intact(journal)


def test_a_deleted_wal_is_noticed_and_named_and_nothing_confirmed_is_lost(guide_article):
    guide = Guiding(guide_article)
    for k in range(3):
        guide.answer(f"confirmed answer {k}")
    journal = user_paths().journal
    journal.with_name("journal.db-wal").unlink()
    guide.say("skip", "the answer after the deletion")
    guide.proc.wait(60)
    err = guide.proc.stderr.read()
    assert guide.proc.returncode == 1
    assert err.strip() == "Error: " + messages.JOURNAL_WAL_MISSING.format(path=journal)
    texts = confirmed_in_main_file(journal)
    assert texts[:3] == [f"confirmed answer {k}" for k in range(3)]
    check_intact(journal)
    with Journal.open(journal) as jr:
        assert [e.text for e in jr.list()][::-1] == texts
