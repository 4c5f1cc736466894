"""`journal search` and `journal list` on a 20,000-entry journal, plain and encrypted.

Whole commands, as a person runs them (process start, opening and checking
the journal, unlocking it, the query, printing), medians of several runs.
The encrypted journal must stay within twice the plain time. It is measured
twice: unlocked (a command within ``unlock_minutes`` of the last, the key kept
by the kernel keyring; how a session of commands runs) and locked (the first
command, which derives the key from the passphrase: 256,000 PBKDF2 rounds,
the cost that protects a stolen file from guessing).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.table import Row

ENTRIES = 20_000
PASSPHRASE = "benchmark passphrase"
VOCABULARY = (
    "trust honest promise listen sorry forgive slowly small steady calm sister brother friend "
    "call walk park evening morning tired sad glad afraid open careful boundary repair again "
    "today tomorrow week breath shoulders heart quiet voice hands kept broke rebuild patience "
    "conversation answer question notice feel felt learn learning gentle kind hard good better"
).split()


def build_journal(folder: Path, entries: int = ENTRIES, seed: int = 7) -> Path:
    """A journal of ``entries`` reflections of 30-120 words each, a year of them."""
    from datetime import datetime, timedelta

    from voiceguide.journal.store import Journal

    rng = random.Random(seed)
    path = folder / "data" / "journal.db"
    start = datetime(2025, 1, 1, 8, 0)
    with Journal.open(path) as journal, journal.transaction():
        for k in range(entries):
            words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(30, 120)))
            journal.add_entry(
                words.capitalize() + ".",
                kind="reflection",
                prompt="What felt steady?",
                created=start + timedelta(minutes=26 * k),
            )
    return path


def _command_ms(home: Path, args: list[str], env: dict[str, str], runs: int) -> float:
    full = dict(os.environ, VOICEGUIDE_HOME=str(home), **env)
    exe = os.path.join(os.path.dirname(sys.executable), "voiceguide")
    times = []
    for _ in range(runs + 1):  # the first run warms the page cache
        started = time.perf_counter()
        done = subprocess.run([exe, *args], capture_output=True, env=full)
        times.append((time.perf_counter() - started) * 1000)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace"))
    return statistics.median(times[1:])


def _query_ms(path: Path, passphrase: str | None, runs: int) -> float:
    """The search call alone, in-process, on an open journal."""
    from voiceguide.journal.store import Journal

    with Journal.open(path, passphrase=passphrase) as journal:
        journal.search("trust")
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            journal.search("forgive* AND sister", limit=20)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _kdf_ms(runs: int) -> float:
    """One key derivation as every encrypted command pays it (SQLCipher 4's PBKDF2 settings)."""
    import hashlib

    from voiceguide.journal.keys import KDF_ITERATIONS

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), os.urandom(16), KDF_ITERATIONS, 32)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def bench_journal_crypto(runs: int = 7, entries: int = ENTRIES) -> list[Row]:
    """Rows for the plain and the encrypted journal, search and list, with their budgets."""
    from voiceguide.journal import crypto, keycache, passphrase

    with tempfile.TemporaryDirectory(prefix="vg-bench-journal-") as root:
        plain_home = Path(root) / "plain"
        locked_home = Path(root) / "encrypted"
        plain = build_journal(plain_home, entries)
        shutil.copytree(plain_home, locked_home)
        locked = crypto.encrypt(PASSPHRASE, locked_home / "data" / "journal.db")
        passphrase.forget()
        unlocked = {"VOICEGUIDE_PASSPHRASE": PASSPHRASE, keycache.ENV_VAR: "5"}
        first = {"VOICEGUIDE_PASSPHRASE": PASSPHRASE, keycache.ENV_VAR: "0"}
        search = ["journal", "search", "forgive* AND sister"]
        listing = ["journal", "list", "--limit", "20"]
        try:
            plain_search = _command_ms(plain_home, search, {}, runs)
            unlocked_search = _command_ms(locked_home, search, unlocked, runs)
            locked_search = _command_ms(locked_home, search, first, runs)
            plain_list = _command_ms(plain_home, listing, {}, runs)
            unlocked_list = _command_ms(locked_home, listing, unlocked, runs)
            locked_list = _command_ms(locked_home, listing, first, runs)
        finally:
            keycache.forget(locked)
        cached = "kept key" if keycache.available() else "NO kernel keyring here: key derived"
        plain_query = _query_ms(plain, None, runs * 3)
        locked_query = _query_ms(locked, PASSPHRASE, runs * 3)
        size_mb = locked.stat().st_size / 1e6
        kdf = _kdf_ms(runs)
    note = f"{entries:,} entries, {size_mb:.0f} MB; median of {runs}"
    return [
        Row("search_plain", plain_search, note=note),
        Row("search_unlocked", unlocked_search / plain_search, note=f"{unlocked_search:.1f} ms; {cached}"),
        Row(
            "search_locked", locked_search / plain_search, note=f"{locked_search:.1f} ms; derives the key: {kdf:.0f} ms"
        ),
        Row("list_plain", plain_list, note=note),
        Row("list_unlocked", unlocked_list / plain_list, note=f"{unlocked_list:.1f} ms; {cached}"),
        Row("list_locked", locked_list / plain_list, note=f"{locked_list:.1f} ms; derives the key: {kdf:.0f} ms"),
        Row(
            "search_query_ratio",
            locked_query / plain_query,
            note=f"{plain_query:.1f} ms plain, {locked_query:.1f} ms encrypted, in-process",
        ),
    ]


if __name__ == "__main__":
    for row in bench_journal_crypto():
        print(
            f"{row.what:45} {row.value:8.1f} {row.unit:3} (budget {row.budget:.1f})  "
            f"{'ok' if row.ok else 'OVER'}  {row.note}"
        )
