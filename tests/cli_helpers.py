"""Running the real `voiceguide` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys


def run_voiceguide(
    *args: str, env: dict | None = None, input: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "voiceguide", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=timeout,
    )
