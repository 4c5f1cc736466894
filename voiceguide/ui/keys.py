"""Single key presses from the terminal, without Enter and without blocking."""

from __future__ import annotations

import os
import select
import sys
from typing import Any, TextIO


class TerminalKeys:
    """cbreak mode on a TTY while in use; ``poll()`` returns the next key or None."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdin
        self._saved: list[Any] | None = None
        self.enabled = False

    def __enter__(self) -> TerminalKeys:
        try:
            if self.stream.isatty():
                import termios
                import tty

                fd = self.stream.fileno()
                self._saved = termios.tcgetattr(fd)
                tty.setcbreak(fd)
                self.enabled = True
        except (OSError, ValueError, AttributeError):
            self.enabled = False
        return self

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None

    def poll(self, timeout: float = 0.0) -> str | None:
        if not self.enabled:
            return None
        fd = self.stream.fileno()
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(fd, 8).decode(errors="ignore")
        return data[:1] if data else None


class NoKeys:
    """For sessions without a terminal."""

    enabled = False

    def poll(self, timeout: float = 0.0) -> str | None:
        return None
