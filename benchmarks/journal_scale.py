"""A 20,000-entry journal imported from a generated jrnl file: whole-command search and list,
beside jrnl's own `jrnl -contains` and `jrnl -n` on the same file.

jrnl is installed from PyPI into its own venv (.bench/jrnl) so it never mixes
with voiceguide's dependencies.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from benchmarks.journal_crypto import VOCABULARY, _command_ms
from benchmarks.table import Row

ENTRIES = 20_000
WORD = "forgive"
JRNL_VENV = Path(__file__).resolve().parent.parent / ".bench" / "jrnl"


def jrnl_text(entries: int = ENTRIES, seed: int = 11) -> str:
    """jrnl's plain-text format: `[YYYY-MM-DD HH:MM] title body`, blank lines between entries."""
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, 8, 0)
    out = []
    for k in range(entries):
        when = (start + timedelta(minutes=26 * k)).strftime("%Y-%m-%d %H:%M")
        title = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(4, 9))).capitalize() + "."
        body = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(25, 110))).capitalize() + "."
        out.append(f"[{when}] {title}\n{body}\n")
    return "\n".join(out)


def _jrnl() -> Path | None:
    exe = JRNL_VENV / "bin" / "jrnl"
    if exe.exists():
        return exe
    try:
        subprocess.run([sys.executable, "-m", "venv", str(JRNL_VENV)], check=True, capture_output=True)
        subprocess.run(
            [str(JRNL_VENV / "bin" / "pip"), "install", "-q", "jrnl"], check=True, capture_output=True, timeout=600
        )
    except (subprocess.SubprocessError, OSError):
        return None
    return exe if exe.exists() else None


def _jrnl_config(folder: Path, journal: Path) -> Path:
    config = folder / "jrnl.yaml"
    config.write_text(
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        "indent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%Y-%m-%d %H:%M'\nversion: v4.2\n"
    )
    return config


def _jrnl_ms(exe: Path, config: Path, args: list[str], runs: int, home: Path) -> float:
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"))
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run([str(exe), "--config-file", str(config), *args], capture_output=True, env=env)
        times.append((time.perf_counter() - started) * 1000)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace")[-300:])
    return statistics.median(times[1:])


def bench_journal_scale(runs: int) -> list[Row]:
    folder = Path(tempfile.mkdtemp(prefix="vg-scale-"))
    source = folder / "journal.txt"
    source.write_text(jrnl_text())
    home = folder / "home"
    started = time.perf_counter()
    done = subprocess.run(
        [
            os.path.join(os.path.dirname(sys.executable), "voiceguide"),
            "journal",
            "import",
            "--format",
            "jrnl",
            str(source),
        ],
        capture_output=True,
        env=dict(os.environ, VOICEGUIDE_HOME=str(home)),
    )
    imported = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode(errors="replace"))
    search = _command_ms(home, ["journal", "search", WORD], {}, runs)
    listing = _command_ms(home, ["journal", "list"], {}, runs)
    stats = _command_ms(home, ["journal", "stats"], {}, runs)
    report = folder / "report.html"
    html = _command_ms(home, ["journal", "export", "--format", "html", "--out", str(report), "--force"], {}, runs)
    exe = _jrnl()
    if exe is not None:
        config = _jrnl_config(folder, source)
        jrnl_search = _jrnl_ms(exe, config, ["-contains", WORD], runs, folder)
        jrnl_list = _jrnl_ms(exe, config, ["-n", "20"], runs, folder)
        beside_s = f"jrnl -contains: {jrnl_search:.0f} ms"
        beside_l = f"jrnl -n 20: {jrnl_list:.0f} ms"
    else:
        beside_s = beside_l = "jrnl could not be installed"
    return [
        Row(
            "search_20k",
            search,
            note=f"median of {runs}; {beside_s}; import took {imported:.1f} s",
        ),
        Row("list_20k", listing, note=f"median of {runs}; {beside_l}"),
        Row("stats_20k", stats, note=f"median of {runs}; chart drawn"),
        Row("report_20k", html, note=f"median of {runs}; {report.stat().st_size / 1e6:.1f} MB file"),
    ]
