"""`voiceguide read`: process start to the first audio frame heard at the (recorded) speaker."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from benchmarks.table import Row


def _first_sound_after_start(pulse, home: str, voice: str, wait: float) -> float:
    from tests.pulse import SPEAKER_RATE
    from tests.signals import loud_segments

    exe = os.path.join(os.path.dirname(sys.executable), "voiceguide")
    env = dict(os.environ, VOICEGUIDE_HOME=home)
    with pulse.record_speaker() as rec:
        started = time.monotonic()
        proc = subprocess.Popen(
            [exe, "read", "--section", "1", "--from-start", "--voice", voice],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(wait)
        proc.terminate()
        proc.wait(10)
        samples, origin = rec.stop()
    segs = loud_segments(samples, SPEAKER_RATE, threshold=0.01, window=0.001)
    return (origin + segs[0][0] - started) * 1000 if segs else float("nan")


def bench_read_start(pulse, runs: int) -> list[Row]:
    """Both engines: the first run renders the first sentence (starting the engine), the second plays it cached."""
    rows = []
    for voice, engine in (("piper:joe", "neural"), ("gmw/en-us", "espeak")):
        cold, warm = [], []
        for _ in range(runs):
            home = tempfile.mkdtemp(prefix="vg-read-")
            cold.append(_first_sound_after_start(pulse, home, voice, wait=5.0))
            warm.append(_first_sound_after_start(pulse, home, voice, wait=1.5))
        rows += [
            Row(
                f"read_cold_{engine}",
                statistics.median(cold),
                note=f"median of {runs}; starts the engine and renders the first sentence",
            ),
            Row(
                f"read_warm_{engine}",
                statistics.median(warm),
                note=f"median of {runs}; sentence from the render cache, no engine started",
            ),
        ]
    return rows
