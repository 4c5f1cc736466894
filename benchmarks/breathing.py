"""`voiceguide breathe` on the private audio server: when each cue tone reaches the speaker."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np

from benchmarks.table import Row

CYCLES = 4
PHASE_SECONDS = 4.0  # box breathing: four phases of four seconds


def bench_breathing_cues(pulse, runs: int) -> list[Row]:
    """Onset errors of the 16 cues of four box cycles, from the recorded speaker, and the session's length."""
    from tests.pulse import SPEAKER_RATE
    from tests.signals import loud_segments

    errors: list[float] = []
    lengths: list[float] = []
    for _ in range(runs):
        with pulse.record_speaker() as rec:
            args = ["breathe", "box", "--cycles", str(CYCLES), "--cue", "tone", "--countdown", "1"]
            subprocess.run(
                [sys.executable, "-m", "voiceguide", *args, "--no-animation", "--quiet"],
                capture_output=True,
                env=dict(os.environ),
                timeout=150,
                check=True,
            )
            samples, _ = rec.stop()
        segments = loud_segments(samples, SPEAKER_RATE, threshold=0.02, min_gap=0.1, window=0.001)
        onsets = np.array([a for a, b in segments if b - a > 0.2])  # cues and the closing sound, not the tick
        cues = CYCLES * 4
        first = onsets[-(cues + 1)]
        planned = np.arange(cues) * PHASE_SECONDS
        errors += list(np.abs(onsets[-(cues + 1) : -1] - first - planned) * 1000)
        lengths.append(abs(onsets[-1] - first - cues * PHASE_SECONDS) * 1000)
    note = f"{len(errors)} cues over {runs} runs of {CYCLES} box cycles, from the first cue"
    return [
        Row("breath_onset_p95", float(np.percentile(errors, 95)), note=note),
        Row("breath_onset_max", float(np.max(errors)), note=note),
        Row("breath_length", float(np.max(lengths)), note=f"closing sound against the plan, worst of {runs}"),
    ]
