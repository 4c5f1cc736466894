"""Running the real `voiceguide` command on a pseudo-terminal, as a person at a keyboard does."""

from __future__ import annotations

import os
import pty
import select
import sys
import time


class Terminal:
    """A voiceguide process whose controlling terminal is ours: we see its prompts and type answers."""

    def __init__(self, *args: str, env: dict | None = None) -> None:
        full_env = dict(os.environ, **(env or {}))
        pid, fd = pty.fork()
        if pid == 0:  # the child: nothing but exec
            try:
                os.execve(sys.executable, [sys.executable, "-m", "voiceguide", *args], full_env)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.output = ""
        self.code: int | None = None
        self._answered: dict[tuple[str, ...], int] = {}

    def _read(self, timeout: float) -> bool:
        """Read what the process wrote within ``timeout``; False once it has closed the terminal."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the process has exited and the terminal is gone
            return False
        if not data:
            return False
        self.output += data.decode("utf-8", "replace")
        return True

    def expect(self, text: str, count: int = 1, timeout: float = 60) -> bool:
        """Wait until ``text`` has appeared ``count`` times in all output; False if the process ended first."""
        deadline = time.monotonic() + timeout
        while self.output.count(text) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{text!r} did not appear {count} time(s); output so far: {self.output!r}")
            if not self._read(0.1):
                return self.output.count(text) >= count
        return True

    def answer(self, text: str, *prompts: str, timeout: float = 60) -> None:
        """Type ``text`` at the next of ``prompts`` not answered yet (any of them counts as one prompt)."""
        answered = self._answered.get(prompts, 0)
        deadline = time.monotonic() + timeout
        while sum(self.output.count(prompt) for prompt in prompts) <= answered:
            if time.monotonic() > deadline or not self._read(0.1):
                raise TimeoutError(f"no prompt {prompts!r} to answer; output so far: {self.output!r}")
        self._answered[prompts] = answered + 1
        self.type(text)

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode("utf-8") + b"\r")

    def wait(self, timeout: float = 60) -> int:
        """The exit code, after reading everything the process still writes."""
        deadline = time.monotonic() + timeout
        while self._read(0.1):
            if time.monotonic() > deadline:
                os.kill(self.pid, 9)
                raise TimeoutError(f"still running; output so far: {self.output!r}")
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.code = os.waitstatus_to_exitcode(status)
        return self.code

    def lines(self) -> list[str]:
        return [line.strip() for line in self.output.replace("\r", "\n").split("\n") if line.strip()]
