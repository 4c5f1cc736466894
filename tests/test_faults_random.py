"""Random commands stopped mid-way by random signals: nothing confirmed is lost, no word leaks, every exit is clean.

Each round starts one command and, while it still runs, sends it one signal at a
moment drawn within that command's own measured duration. The seed is printed;
``VOICEGUIDE_FAULT_SEED=N`` replays a failure.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide.journal import crypto, passphrase
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths

SEED = int(os.environ.get("VOICEGUIDE_FAULT_SEED", random.randrange(1 << 30)))
SECRET = "a kill changes nothing"
TOKEN = re.compile(rb"qz[0-9]+plum%dx" % (SEED % 9973))
"""The words the entries carry, each unique, so finding one anywhere but the journal is a leak"""
ROUNDS = 50
STOPPED_AT_LEAST = 45
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
KINDS = ("add", "reflect", "import", "edit", "encrypt", "passwd", "decrypt")
EARLIEST, LATEST = 0.05, 0.8
"""The stop comes between these fractions of the command's usual duration"""
EDITOR_SCRIPT = """#!/bin/sh
sleep 0.1
printf ' edited' >> "$1"
"""


@pytest.fixture(autouse=True)
def no_remembered_passphrase():
    passphrase.forget()
    yield
    passphrase.forget()


def voiceguide_started(pid: int) -> bool:
    """Whether voiceguide's own handlers are in place in ``pid`` (it catches SIGTERM; Python alone does not).

    Before that the interpreter itself is starting, and a signal ends it as
    Python or the kernel decide (test_signals_native covers that moment).
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) >> (signal.SIGTERM - 1) & 1)


def allowed_exits(signum: int) -> set[int]:
    """0 when the command finished first; otherwise what a shell reports for a stop it caught, or -9."""
    return {0, -signal.SIGKILL} if signum == signal.SIGKILL else {0, 128 + signum}


class Chaos:
    """One journal, and what has been confirmed to be in it."""

    def __init__(self, tmp_path: Path, moments: random.Random, speech: Path) -> None:
        self.tmp = tmp_path
        self.moments = moments
        self.speech = speech
        self.home = user_paths().data.parent
        self.journal = user_paths().journal
        self.tokens: set[str] = set()
        """every word written to the journal, confirmed or not: none may appear outside it"""
        self.confirmed: set[str] = set()
        self.reflections = 0
        self.count = 0
        self.usual: dict[str, float] = {}
        """seconds each kind of command takes when nothing stops it, measured here"""
        self.stopped = 0
        editor = tmp_path / "editor.sh"
        editor.write_text(EDITOR_SCRIPT)
        editor.chmod(0o700)
        self.env = dict(
            os.environ,
            EDITOR=str(editor),
            VOICEGUIDE_PASSPHRASE=SECRET,
            VOICEGUIDE_NEW_PASSPHRASE=SECRET,
            PYTHONUNBUFFERED="1",
        )

    def token(self) -> str:
        self.count += 1
        word = f"qz{self.count}plum{SEED % 9973}x"  # as TOKEN finds it
        self.tokens.add(word)
        return word

    def command(self, name: str) -> tuple[list[str], list[str]]:
        """(arguments, tokens it confirms when it says it is done)."""
        if name == "add":
            word = self.token()
            return ["journal", "add", f"a note with {word} " + "steady " * 50], [word]
        if name == "reflect":
            return ["reflect", "--from-file", str(self.speech), "--prompt", "What stays with you?"], []
        if name == "import":
            words = [self.token() for _ in range(3)]
            source = self.tmp / f"import-{self.count}.txt"
            source.write_text(
                "".join(f"[2026-0{k + 1}-1{k} 09:3{k}] Title {w}\nBody about {w}.\n\n" for k, w in enumerate(words))
            )
            return ["journal", "import", str(source)], words
        if name == "edit":
            return ["journal", "edit", "1"], []
        return ["journal", name, *(["--yes"] if name == "decrypt" else [])], []

    def start(self, args: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "voiceguide", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=self.env,
            start_new_session=True,
        )

    def measure(self) -> None:
        """Each kind twice, unstopped: its shorter duration here (the order leaves the journal plain, as it began)."""
        for _twice in range(2):
            for name in KINDS:
                args, words = self.command(name)
                begun = time.monotonic()
                proc = self.start(args)
                out, err = proc.communicate(timeout=300)
                took = time.monotonic() - begun
                self.usual[name] = min(took, self.usual.get(name, took))
                assert proc.returncode == 0, (name, err)
                self.confirmed.update(words)
                self.reflections += name == "reflect"

    def pick(self) -> str:
        conversion = "decrypt" if crypto.is_encrypted(self.journal) else "encrypt"
        choices = ["add", "reflect", "import", "edit", conversion]
        if conversion == "decrypt":
            choices.append("passwd")
        return self.moments.choice(choices)

    def round(self, k: int) -> str:
        name = self.pick()
        args, words = self.command(name)
        signum = self.moments.choice(SIGNALS)
        moment = self.moments.uniform(EARLIEST, LATEST) * self.usual[name]
        begun = time.monotonic()
        proc = self.start(args)
        sent = False
        try:
            proc.wait(moment)
        except subprocess.TimeoutExpired:
            while not voiceguide_started(proc.pid) and proc.poll() is None:
                time.sleep(0.001)
            if proc.poll() is None:
                if signum == signal.SIGKILL:
                    os.killpg(proc.pid, signum)  # nothing can be cleaned up: the editor dies with it
                else:
                    proc.send_signal(signum)
                sent = True
        out, err = proc.communicate(timeout=120)
        took = time.monotonic() - begun
        stopped = sent and proc.returncode != 0
        self.stopped += stopped
        if not sent:  # done before its stop: the machine is quieter than when it was measured
            self.usual[name] = min(self.usual[name], took)
        story = (
            f"round {k}: {name} {signal.Signals(signum).name} at {moment:.2f} s of {self.usual[name]:.2f}"
            f" -> {proc.returncode} after {took:.2f} s{'' if sent else ' (finished first)'}: {err.strip()[-300:]}"
        )
        assert "Traceback" not in err and "terminate called" not in err, story
        assert proc.returncode in allowed_exits(signum), story
        if proc.returncode == 0:
            self.confirmed.update(words)
            self.reflections += name == "reflect" and "Saved entry" in out
        return story

    def check(self, story: str) -> None:
        """What the next start does (the sweep); then integrity, every confirmed entry, and no word outside."""
        from voiceguide.journal.leftovers import sweep

        sweep(user_paths().data)  # as every command does first; test_journal_leftovers runs it through the CLI
        encrypted = crypto.is_encrypted(self.journal)
        with Journal.open(self.journal, passphrase=SECRET if encrypted else None) as journal:
            assert journal.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", story
            journal.conn.execute("INSERT INTO entries_fts (entries_fts, rank) VALUES ('integrity-check', 1)")
            entries = journal.list(limit=100_000)
        texts = " ".join(e.text for e in entries)
        missing = sorted(w for w in self.confirmed if w not in texts)
        assert not missing, (story, missing)
        assert sum(e.kind == "reflection" and "trust" in e.text.lower() for e in entries) >= self.reflections
        for path in self.home.rglob("*"):
            if not path.is_file() or (
                not encrypted and path.name in ("journal.db", "journal.db-wal", "journal.db-shm")
            ):
                continue
            found = {w.decode() for w in TOKEN.findall(path.read_bytes())}  # one pass over the file for all words
            leaked = sorted(found & self.tokens)
            assert not leaked, (story, str(path), leaked[:3])


@pytest.mark.slow
def test_random_commands_stopped_mid_way_lose_nothing_confirmed_leak_nothing_and_exit_cleanly(tmp_path, request):
    pytest.importorskip("sqlcipher3")
    from tests.signals import espeak
    from voiceguide.audio.clip import Clip, write_wav

    print(f"VOICEGUIDE_FAULT_SEED={SEED}")
    samples, rate = espeak("Trust grows in small steps, and today I kept a promise to myself.")
    speech = write_wav(tmp_path / "memo.wav", Clip(samples, rate, 1))
    chaos = Chaos(tmp_path, random.Random(f"{SEED}-{request.node.name}"), speech)
    assert run_voiceguide("journal", "add", f"the first entry {chaos.token()}").returncode == 0
    chaos.confirmed.update(chaos.tokens)
    started = time.monotonic()
    chaos.measure()
    chaos.check("after measuring")
    stories = []
    for k in range(ROUNDS):
        stories.append(chaos.round(k))
        checking = time.monotonic()
        chaos.check(stories[-1])
        print(f"{stories[-1][:120]} (checked in {time.monotonic() - checking:.2f} s)")
    print(f"{ROUNDS} rounds in {time.monotonic() - started:.1f} s, {chaos.stopped} stopped while running")
    print("usual durations: " + ", ".join(f"{name} {s:.2f} s" for name, s in chaos.usual.items()))
    assert chaos.stopped >= STOPPED_AT_LEAST, f"only {chaos.stopped} of {ROUNDS} rounds stopped a running command"
    assert len(chaos.confirmed) > 1
