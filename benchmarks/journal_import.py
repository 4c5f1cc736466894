"""`journal import` of a 20,000-entry jrnl journal, plain and encrypted by jrnl itself.

Whole commands into a fresh journal, as a person runs them: process start,
reading and checking the file (and, encrypted, deriving jrnl's key and
decrypting), then writing every entry and its search index in one
transaction. Medians of several runs.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.journal_crypto import VOCABULARY
from benchmarks.table import Row

ENTRIES = 20_000
PASSWORD = "benchmark jrnl password"


def jrnl_text(entries: int = ENTRIES, seed: int = 11) -> str:
    """A jrnl journal of ``entries`` entries of 30-120 words, one every few hours, some starred and tagged."""
    rng = random.Random(seed)
    start = datetime(2015, 1, 1, 8, 0)
    blocks = []
    for k in range(entries):
        when = start + timedelta(minutes=263 * k)
        title = " ".join(rng.choice(VOCABULARY) for _ in range(6)).capitalize() + "."
        body = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(30, 120)))
        star = " *" if k % 10 == 0 else ""
        tag = " @family" if k % 7 == 0 else ""
        blocks.append(f"[{when:%Y-%m-%d %H:%M}] {title}{star}\n{body}{tag}\n")
    return "\n".join(blocks)


def encrypt_with_jrnl(text: str) -> bytes:
    """The journal as jrnl 4.6 writes it encrypted (its own code, a test-only dependency)."""
    from jrnl.encryption.Jrnlv3Encryption import Jrnlv3Encryption

    method = Jrnlv3Encryption("bench", {})
    method.password = PASSWORD
    return method.encrypt(text)


def _import_ms(source: Path, runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (user + system) of the command, in ms."""
    exe = os.path.join(os.path.dirname(sys.executable), "voiceguide")
    times, cpu = [], []
    for _ in range(runs):
        home = Path(tempfile.mkdtemp(prefix="vg-import-"))
        env = dict(os.environ, VOICEGUIDE_HOME=str(home), VOICEGUIDE_JRNL_PASSWORD=PASSWORD)
        try:
            used = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [exe, "journal", "import", "--format", "jrnl", str(source)],
                capture_output=True,
                env=env,
                stdin=subprocess.DEVNULL,
            )
            times.append((time.perf_counter() - started) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append((after.ru_utime + after.ru_stime - used.ru_utime - used.ru_stime) * 1000)
            if done.returncode != 0 or f"Imported {ENTRIES} entries" not in done.stdout.decode():
                raise RuntimeError(done.stderr.decode(errors="replace"))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    return statistics.median(times), statistics.median(cpu)


def bench_journal_import(runs: int) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="vg-jrnl-"))
    try:
        text = jrnl_text()
        plain = folder / "journal.txt"
        plain.write_text(text, encoding="utf-8")
        encrypted = folder / "encrypted.journal"
        encrypted.write_bytes(encrypt_with_jrnl(text))
        runs = max(3, runs // 2)
        size = f"{len(text.encode()) / 1e6:.0f} MB of text"
        plain_ms, plain_cpu = _import_ms(plain, runs)
        locked_ms, locked_cpu = _import_ms(encrypted, runs)
        return [
            Row(
                "import_jrnl_20k",
                plain_ms / 1000,
                note=f"{size}, fresh journal, CPU {plain_cpu / 1000:.1f} s, median of {runs}",
            ),
            Row(
                "import_jrnl_20k_encrypted",
                locked_ms / 1000,
                note=f"password from VOICEGUIDE_JRNL_PASSWORD, CPU {locked_cpu / 1000:.1f} s, median of {runs}",
            ),
        ]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
