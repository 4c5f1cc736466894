"""`voiceguide read --to-file` peak memory on a 2 MB article: the reading streams, so memory does not grow with it.

The article is 2 MB of sentences that never repeat, so every one is rendered
(none comes from the cache) and the speech cache fills to its cap and
evicts. At the default rate such an article is longer than one WAV file
holds, so it is read at 400 words a minute (about 17 hours of audio), with
the espeak-ng voice: the neural voice would take most of an hour, and its
worker alone holds about 480 MB of model and runtime whatever the length.
The figure is voiceguide and its render worker together, sampled every 50 ms.

Run alone with ``python -m benchmarks.render_memory``.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path

from benchmarks.table import Row

MB = 1024 * 1024
ARTICLE_MB = 2.0
NEURAL_ARTICLE_KB = 50.0
"""About 20 minutes of audio at --rate 400: the neural voice renders it in a minute or two"""


def article_text(megabytes: float = ARTICLE_MB, seed: int = 7) -> str:
    """Markdown of unique sentences from a fixed vocabulary, a heading every 150 paragraphs."""
    from voiceguide.content.loader import bundled_text

    words = sorted({w.strip(".,;:!?'\"()—-").lower() for w in bundled_text().split()} - {""})
    chooser = random.Random(seed)
    parts: list[str] = []
    size = 0
    paragraph = 0
    while size < megabytes * MB:
        if paragraph % 150 == 0:
            parts.append(f"# Part {paragraph // 150 + 1}\n\n")
        sentences = []
        for _ in range(5):
            chosen = [chooser.choice(words) for _ in range(chooser.randint(8, 20))]
            sentences.append(" ".join(chosen).capitalize() + ".")
        parts.append(" ".join(sentences) + "\n\n")
        size += len(parts[-1].encode())
        paragraph += 1
    return "".join(parts)


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process under it."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss(current)
        todo += _children(current)
    return total


def bench_render_memory(megabytes: float = ARTICLE_MB) -> Row:
    home = Path(tempfile.mkdtemp(prefix="vg-render-"))
    try:
        return _measure(home, megabytes)
    finally:
        shutil.rmtree(home)  # gigabytes of audio and cache


def _measure(home: Path, megabytes: float) -> Row:
    run = _render(home, megabytes, ["--voice", "gmw/en-us"])
    return Row(
        "read_file_memory",
        run.tree_peak / MB,
        note=(
            f"{megabytes:g} MB article, {run.hours:.1f} h of audio (espeak-ng, --rate 400) in {run.took / 60:.1f} min, "
            f"with the render worker; speech cache {run.cache / MB:.0f} MB after"
        ),
    )


def bench_render_memory_neural(kilobytes: float = NEURAL_ARTICLE_KB) -> list[Row]:
    """The neural voice (the default): voiceguide's own process and the voice's worker, each on its own.

    The main process must stay as flat as with espeak-ng; the worker holds the
    model and its runtime, a fixed size. Flatness shows as the same peak over
    the first half of the render as over the whole.
    """
    home = Path(tempfile.mkdtemp(prefix="vg-render-neural-"))
    try:
        run = _render(home, kilobytes / 1024, [])
    finally:
        shutil.rmtree(home)
    about = f"{kilobytes:g} KB article, {run.hours * 60:.0f} min of audio (neural, --rate 400) in {run.took:.0f} s"
    return [
        Row(
            "read_file_memory_neural",
            run.main_peak / MB,
            note=f"{about}; voiceguide alone, {run.main_half / MB:.0f} MB by half-way",
        ),
        Row(
            "read_file_memory_neural_worker",
            run.worker_peak / MB,
            note=f"the voice's worker process (model and runtime), {run.worker_half / MB:.0f} MB by half-way",
        ),
    ]


@dataclass
class Render:
    took: float = 0.0
    hours: float = 0.0
    cache: int = 0
    tree_peak: int = 0
    main_peak: int = 0
    worker_peak: int = 0
    main_half: int = 0
    """The main process's peak over the first half of the render"""
    worker_half: int = 0


def _render(home: Path, megabytes: float, voice: list[str]) -> Render:
    """`read --to-file` of a new article at --rate 400, memory sampled every 50 ms."""
    article = home / "long.md"
    article.write_text(article_text(megabytes))
    out = home / "long.wav"
    exe = os.path.join(os.path.dirname(sys.executable), "voiceguide")
    env = dict(os.environ, VOICEGUIDE_HOME=str(home))
    started = time.monotonic()
    samples: list[tuple[float, int, int]] = []
    with open(home / "stderr.txt", "w+") as errors:
        proc = subprocess.Popen(
            [exe, "read", str(article), "--to-file", str(out), "--rate", "400", *voice],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        while proc.poll() is None:
            main = _rss(proc.pid)
            samples.append((time.monotonic(), main, sum(tree_rss(child) for child in _children(proc.pid))))
            time.sleep(0.05)
        errors.seek(0)
        said = errors.read().strip().splitlines()
    took = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"read --to-file failed: {said[-1:] or proc.returncode}")
    with wave.open(str(out), "rb") as wav:
        hours = wav.getnframes() / wav.getframerate() / 3600
    half = [s for s in samples if s[0] < started + took / 2] or samples
    return Render(
        took=took,
        hours=hours,
        cache=sum(p.stat().st_size for p in (home / "cache").rglob("*.wav")),
        tree_peak=max(m + w for _t, m, w in samples),
        main_peak=max(m for _t, m, _w in samples),
        worker_peak=max(w for _t, _m, w in samples),
        main_half=max(m for _t, m, _w in half),
        worker_half=max(w for _t, _m, w in half),
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["neural"]:
        rows = bench_render_memory_neural(float(sys.argv[2]) if len(sys.argv) > 2 else NEURAL_ARTICLE_KB)
    else:
        rows = [bench_render_memory(float(sys.argv[1]) if len(sys.argv) > 1 else ARTICLE_MB)]
    for row in rows:
        budget = row.budget
        print(f"{budget.what}: {row.value:.1f} {budget.unit} (budget <= {budget.limit:g} {budget.unit}) {row.note}")
