"""What the person sees while speaking: one live line with time, level and state.

On a terminal it is a rich Live line on stderr (stdout keeps the
transcript); elsewhere one plain line when listening starts and nothing per
chunk, so logs and pipes stay readable.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Protocol, TextIO

from voiceguide import messages

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live

FLOOR_DB = -60.0
BAR_CELLS = 20


class LevelView(Protocol):
    def start(self, silence: float) -> None: ...

    def update(self, elapsed: float, level: float, speaking: bool, text: str = "") -> None: ...

    def stop(self) -> None: ...


def clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def level_bar(level: float, cells: int = BAR_CELLS) -> str:
    """dBFS from -60 (empty) to 0 (full) as a bar of block characters."""
    share = min(1.0, max(0.0, (level - FLOOR_DB) / -FLOOR_DB))
    full = round(share * cells)
    return "█" * full + "░" * (cells - full)


def meter_line(elapsed: float, level: float, speaking: bool) -> str:
    state = messages.REFLECT_SPEAKING if speaking else messages.REFLECT_WAITING
    return messages.REFLECT_METER.format(
        elapsed=clock_text(elapsed), bar=level_bar(level), level=max(level, FLOOR_DB), state=state
    )


class PlainLevelMeter:
    """One line when listening starts; nothing per chunk."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr

    def start(self, silence: float) -> None:
        print(messages.REFLECT_LISTENING.format(silence=silence), file=self.stream, flush=True)

    def update(self, elapsed: float, level: float, speaking: bool, text: str = "") -> None:
        pass

    def stop(self) -> None:
        pass


class LiveLevelMeter:
    """A rich Live line, redrawn at most ten times a second, cleared when done."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self._live: Live | None = None
        self._last = ""

    def start(self, silence: float) -> None:
        from rich.live import Live
        from rich.text import Text

        self.console.print(messages.REFLECT_LISTENING.format(silence=silence))
        live = Live(Text(""), console=self.console, refresh_per_second=10, transient=True)
        live.start()
        self._live = live

    def update(self, elapsed: float, level: float, speaking: bool, text: str = "") -> None:
        if self._live is None:
            return
        from rich.text import Text

        line = meter_line(elapsed, level, speaking)
        if text:
            room = max(0, self.console.width - len(line) - 4)
            tail = text[-room:] if room else ""
            line = f"{line}  {tail}" if tail else line
        if line != self._last:
            self._last = line
            self._live.update(Text(line, style="bold red" if speaking else ""))

    def stop(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


def make_level_meter(live: bool | None = None) -> LevelView:
    """The live line on a terminal, the plain one otherwise."""
    if live is None:
        live = sys.stderr.isatty()
    return LiveLevelMeter() if live else PlainLevelMeter()
