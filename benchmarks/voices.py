"""Both speech engines side by side: render speed, memory of whole commands, and spoken breathing cues on time.

Memory is the resident set of the whole process tree (the command and its
render worker), sampled every 20 ms, so the neural voice's worker counts.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

from benchmarks.table import Row

VOICES = (("piper:joe", "neural"), ("gmw/en-us", "espeak-ng"))


def _short(label: str) -> str:
    """The engine's part of a budget key (benchmarks/table.py): neural or espeak."""
    return label.removesuffix("-ng")


SENTENCES = (
    "Healing begins with awareness, and awareness takes courage.",
    "Notice where the breath moves in your body, and let each exhale be a little longer.",
    "Trust is rebuilt slowly, one small promise kept at a time.",
    "There is no right answer here, only what is true for you today.",
)


def bench_render_rtf(runs: int) -> list[Row]:
    """Seconds of rendering per second of speech, one sentence per render, after a warm-up."""
    from voiceguide.settings import VoiceSettings
    from voiceguide.speech.synthesizer import Synthesizer

    rows = []
    for voice, label in VOICES:
        factors = []
        with Synthesizer(VoiceSettings(voice=voice), use_cache=False) as synth:
            synth.render("Warming up.")
            for k in range(runs):
                text = SENTENCES[k % len(SENTENCES)]
                started = time.perf_counter()
                clip = synth.render(text)
                factors.append((time.perf_counter() - started) / clip.duration)
            assert synth.voice == voice, synth.fallback
        rows.append(
            Row(
                f"render_rtf_{_short(label)}",
                statistics.median(factors),
                note=f"{voice}, one sentence per render, median of {runs}",
            )
        )
    return rows


def _tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and every descendant, in MB."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, ppid in parents.items() if ppid in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def peak_tree_memory(args: list[str], env: dict, seconds: float | None = None) -> float:
    """Peak resident memory (MB) of ``voiceguide ARGS`` and its children, until it ends or for ``seconds``."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak, started = 0.0, time.monotonic()
    while proc.poll() is None and (seconds is None or time.monotonic() - started < seconds):
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.02)
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return peak


def bench_memory(runs: int) -> list[Row]:
    rows = []
    for voice, label in VOICES:
        read, guide = [], []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as tmp:
                env = dict(os.environ, VOICEGUIDE_HOME=os.path.join(tmp, "home"))
                out = os.path.join(tmp, "section.wav")
                read.append(peak_tree_memory(["read", "--section", "1", "--to-file", out, "--voice", voice], env))
                # reading section 6 aloud while the Whisper model loads for the listening that follows
                guide.append(
                    peak_tree_memory(["guide", "--section", "6", "--restart", "--voice", voice], env, seconds=25)
                )
        rows.append(Row(f"read_memory_{_short(label)}", max(read), note=f"process tree, worst of {runs}"))
        rows.append(
            Row(
                f"guide_memory_{_short(label)}",
                max(guide),
                note=f"process tree over its first 25 s, worst of {runs}",
            )
        )
    return rows


def _cue_errors_ms(pulse, voice: str, home: str) -> np.ndarray:
    from tests.pulse import SPEAKER_RATE
    from tests.signals import loud_segments

    env = dict(os.environ, VOICEGUIDE_HOME=home)
    cycles = 3
    with pulse.record_speaker() as rec:
        subprocess.run(
            [sys.executable, "-m", "voiceguide", "breathe", "box", "--cycles", str(cycles), "--cue", "voice"]
            + ["--countdown", "1", "--no-animation", "--quiet", "--voice", voice],
            env=env,
            capture_output=True,
            check=True,
            timeout=120,
        )
        samples, _ = rec.stop()
    # a cue word, then silence until the next 4 s phase; the closing sound comes last
    sounds = [s for s in loud_segments(samples, SPEAKER_RATE, threshold=0.02, min_gap=0.5, window=0.001)]
    cues = np.array([a for a, b in sounds if b - a > 0.15][-(4 * cycles + 1) : -1])
    # errors against the planned 4 s grid, placed where it fits the cues best (the median offset)
    offsets = cues - np.arange(len(cues)) * 4.0
    return np.abs(offsets - np.median(offsets)) * 1000


def bench_spoken_cues(pulse, runs: int) -> list[Row]:
    rows = []
    for voice, label in VOICES:
        errors = np.concatenate(
            [_cue_errors_ms(pulse, voice, tempfile.mkdtemp(prefix="vg-cues-")) for _ in range(runs)]
        )
        note = f"{len(errors)} spoken cues of box breathing, recorded monitor"
        rows.append(Row(f"spoken_cue_p95_{_short(label)}", float(np.percentile(errors, 95)), note=note))
        rows.append(Row(f"spoken_cue_max_{_short(label)}", float(errors.max()), note=note))
    return rows
