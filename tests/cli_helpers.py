"""Running the real `voiceguide` command as a user would: in a subprocess, or through main() in this process.

``run_voiceguide`` starts a new process: use it where the process boundary is
what is tested (signals, kills, start-up, stderr of C libraries, caches kept
between commands). ``invoke_voiceguide`` runs the same ``main()`` with the
same exit-code policy, stdin, stdout, stderr and environment in this process,
without a second of start-up per call; it answers in the same shape.
"""

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


def invoke_voiceguide(*args: str, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """``voiceguide ARGS`` through ``voiceguide.cli.main`` here: exit code, stdout and stderr as a process gives them.

    Each call starts as a new process would: nothing unlocked, no prompt registered.
    """
    from click.testing import CliRunner

    import voiceguide.audio
    from voiceguide.cli import main
    from voiceguide.journal import passphrase

    detach = voiceguide.audio.detach_c_stderr  # main() sets it for a real process; the test process keeps fd 2
    passphrase.forget()
    passphrase.set_prompt(None)
    code = 0
    with CliRunner().isolation(input=input or "", env=env) as (out, err, _both):
        try:
            main(list(args))
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            stdout, stderr = out.getvalue().decode(), err.getvalue().decode()
            voiceguide.audio.detach_c_stderr = detach
    passphrase.forget()
    passphrase.set_prompt(None)
    return subprocess.CompletedProcess(["voiceguide", *args], code, stdout, stderr)
