"""Measure voiceguide against its budgets and print one table (medians of several runs).

The machine is shared and noisy, so every figure is a median, and the
audio figures are measured from the private server's recorded monitor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from rich.console import Console
from rich.table import Table

from benchmarks.accuracy import bench_accuracy, bench_live_memory, bench_person_in_noise
from benchmarks.barge_in import bench_barge_in
from benchmarks.breathing import bench_breathing_cues
from benchmarks.commands import bench_commands
from benchmarks.journal_crypto import bench_journal_crypto
from benchmarks.journal_import import bench_journal_import
from benchmarks.journal_scale import bench_journal_scale
from benchmarks.journal_years import bench_journal_years
from benchmarks.reading import bench_read_start
from benchmarks.reflect import reflect_steps
from benchmarks.render_memory import bench_render_memory, bench_render_memory_neural
from benchmarks.table import Row
from benchmarks.voices import bench_memory, bench_render_rtf, bench_spoken_cues


def bench_help(runs: int) -> Row:
    times = []
    env = dict(os.environ, VOICEGUIDE_HOME=tempfile.mkdtemp())
    exe = os.path.join(os.path.dirname(sys.executable), "voiceguide")
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([exe, "--help"], capture_output=True, env=env, check=True)
        times.append((time.perf_counter() - started) * 1000)
    return Row("help", statistics.median(times[1:]), note=f"median of {runs}")


def bench_stop_latency(pulse, runs: int) -> Row:
    from tests.pulse import SPEAKER_RATE
    from tests.signals import loud_segments
    from voiceguide.audio.player import Player
    from voiceguide.audio.tones import tone

    results = []
    with Player() as player:
        for _ in range(runs):
            with pulse.record_speaker() as rec:
                playing = player.play(tone(440, 5.0, volume=0.5))
                playing.wait_started(2)
                time.sleep(0.6)
                stopped = time.monotonic()
                player.stop()
                time.sleep(0.3)
                samples, origin = rec.stop()
            segs = loud_segments(samples, SPEAKER_RATE, threshold=0.02, window=0.001)
            if segs:
                results.append((origin + segs[-1][1] - stopped) * 1000)
    return Row(
        "stop",
        statistics.median(results),
        note=f"median of {len(results)}, max {max(results):.1f}",
    )


def bench_transcription(runs: int) -> Row:
    from tests.signals import espeak
    from voiceguide.speech.transcriber import WhisperTranscriber

    text = (
        "Trust grows back slowly. I want to keep small promises, to listen before I answer, "
        "and to forgive myself when I fall short. "
    ) * 3
    samples, rate = espeak(text)
    transcriber = WhisperTranscriber()
    transcriber.transcribe(samples[: rate * 2], rate)  # load and warm up
    factors = []
    for _ in range(runs):
        started = time.perf_counter()
        transcriber.transcribe(samples, rate)
        factors.append((time.perf_counter() - started) / (len(samples) / rate))
    return Row(
        "transcribe_rtf",
        statistics.median(factors),
        note=f"{len(samples) / rate:.0f} s of speech, tiny.en int8, median of {runs}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="repetitions per figure (median)")
    parser.add_argument("--check", action="store_true", help="exit 1 when any figure is over its budget")
    parser.add_argument(
        "--only", metavar="NAMES", help=f"comma-separated steps to run (default: all of {', '.join(STEPS)})"
    )
    args = parser.parse_args()
    chosen = list(STEPS) if not args.only else [name.strip() for name in args.only.split(",")]
    unknown = [name for name in chosen if name not in STEPS]
    if unknown:
        parser.error(f"unknown step {', '.join(unknown)}: choose from {', '.join(STEPS)}")
    os.environ.setdefault("VOICEGUIDE_HOME", tempfile.mkdtemp(prefix="vg-bench-"))
    compile_package()

    from tests.pulse import PrivatePulse

    pulse = PrivatePulse().start()
    os.environ.update(pulse.env)
    rows: list[Row] = []
    try:
        for name in chosen:
            got = STEPS[name](pulse, args.runs)
            rows.extend(got if isinstance(got, list) else [got])
    finally:
        pulse.stop()
    print_table(rows)
    over = [r for r in rows if not r.ok]
    if args.check and over:
        print(f"over budget: {', '.join(r.budget.what for r in over)}", file=sys.stderr)
        sys.exit(1)


def compile_package() -> None:
    """Byte-compile voiceguide as pip does when it installs it, so commands start as an installed one does.

    An editable install under PYTHONDONTWRITEBYTECODE (set on the shared machines) never writes
    its .pyc files and compiles every module on every start: 37 ms more before `read` plays.
    """
    import compileall

    import voiceguide

    compileall.compile_dir(os.path.dirname(voiceguide.__file__), quiet=1)


def print_table(rows: list[Row]) -> None:
    table = Table(title="voiceguide benchmarks (2-core machine; medians)")
    for col in ("what", "measured", "budget", "", "note"):
        table.add_column(col)
    for r in rows:
        budget = r.budget
        cmp = ">=" if budget.higher_is_better else "<="
        fmt = "{:.3f}" if budget.unit == "x" else "{:.1f}"
        table.add_row(
            budget.what,
            f"{fmt.format(r.value)} {budget.unit}",
            f"{cmp} {budget.limit:.4g} {budget.unit}",
            "[green]ok[/]" if r.ok else "[red]over[/]",
            r.note,
        )
    Console(width=140).print(table)


Step = Callable[[object, int], "Row | list[Row]"]
STEPS: dict[str, Step] = {
    "help": lambda pulse, runs: bench_help(runs * 2),
    "stop": lambda pulse, runs: bench_stop_latency(pulse, runs),
    "read": lambda pulse, runs: bench_read_start(pulse, max(3, runs // 2)),
    "voices": lambda pulse, runs: bench_render_rtf(runs),
    "spoken_cues": lambda pulse, runs: bench_spoken_cues(pulse, max(1, runs // 4)),
    "memory": lambda pulse, runs: bench_memory(max(1, runs // 4)),
    "transcribe": lambda pulse, runs: bench_transcription(max(3, runs // 2)),
    "breathe": lambda pulse, runs: bench_breathing_cues(pulse, max(1, runs // 3)),
    "commands": lambda pulse, runs: bench_commands(),
    "commands_base": lambda pulse, runs: bench_commands(model="base"),
    "barge_in": lambda pulse, runs: bench_barge_in(pulse, max(2, runs // 3)),
    "reflect": lambda pulse, runs: [step() for step in reflect_steps(runs)],
    "accuracy": lambda pulse, runs: bench_accuracy(max(1, runs)),
    "live_memory": lambda pulse, runs: bench_live_memory(),
    "person_noise": lambda pulse, runs: bench_person_in_noise(),
    "journal": lambda pulse, runs: bench_journal_scale(runs),
    "journal_years": lambda pulse, runs: bench_journal_years(runs),
    "crypto": lambda pulse, runs: bench_journal_crypto(runs),
    "import": lambda pulse, runs: bench_journal_import(runs),
    "render_file": lambda pulse, runs: bench_render_memory(),
    "render_file_neural": lambda pulse, runs: bench_render_memory_neural(),
}
"""The benchmark steps by name, in the order they run"""


if __name__ == "__main__":
    main()
