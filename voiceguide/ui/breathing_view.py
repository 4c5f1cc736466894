"""What the screen shows during a breathing session.

Three views with one interface: an animated rich ``Live`` bar for terminals,
one plain line per phase for pipes, screen readers and ``--no-animation``,
and a ``NullView`` that only records (tests, voice-only use). The session
calls them from its own loop; none of them keeps time itself.
"""

from __future__ import annotations

import math
import sys
from typing import IO, TYPE_CHECKING, Any, Protocol, TextIO

from voiceguide import messages

if TYPE_CHECKING:  # types only: ui depends on nothing but settings, errors and messages at runtime
    from rich.console import Console, RenderableType

    from voiceguide.breathing.patterns import BreathPattern
    from voiceguide.breathing.scheduler import Cue, RunResult

KIND_STYLES = {"inhale": "bold cyan", "hold": "bold yellow", "exhale": "bold green", "rest": "bold magenta"}
_PARTIAL = " ▏▎▍▌▋▊▉"


class BreathingView(Protocol):
    def start(self, pattern: BreathPattern, cycles: int, total_seconds: float) -> None: ...

    def countdown(self, seconds_left: int) -> None: ...

    def phase(self, cue: Cue) -> None:
        """A new phase has just begun."""
        ...

    def tick(self, cue: Cue | None, elapsed: float, remaining: float) -> None:
        """About 20 times a second: seconds into the phase, seconds left in the session."""
        ...

    def paused(self, is_paused: bool) -> None: ...

    def finish(self, result: RunResult | None) -> None:
        """The session ended (result None when it never started); release the terminal."""
        ...


def format_clock(seconds: float) -> str:
    """m:ss, rounded up so the display reaches 0:00 only at the very end."""
    whole = max(0, math.ceil(seconds - 1e-6))
    return f"{whole // 60}:{whole % 60:02d}"


def format_seconds(seconds: float) -> str:
    """4, 5.5 or 6.7: a phase length as a person would say it."""
    return f"{round(seconds, 1):g}"


def phase_levels(pattern: BreathPattern) -> list[tuple[float, float]]:
    """(start, end) fullness of the lungs for each phase, 0 empty .. 1 full.

    Inhales share the rise and exhales the fall in proportion to their
    length, so a double inhale (the sigh) fills the bar in two steps and a
    hold keeps whatever level the previous phase left.
    """
    total_in = sum(p.seconds for p in pattern.phases if p.kind == "inhale")
    total_out = sum(p.seconds for p in pattern.phases if p.kind == "exhale")
    moving = [p.kind for p in pattern.phases if p.kind in ("inhale", "exhale")]
    level = 1.0 if moving and moving[0] == "exhale" else 0.0
    levels = []
    for p in pattern.phases:
        if p.kind == "inhale":
            end = level + p.seconds / total_in
        elif p.kind == "exhale":
            end = level - p.seconds / total_out
        else:
            end = level
        end = min(1.0, max(0.0, end))
        levels.append((level, end))
        level = end
    return levels


def bar_fraction(levels: list[tuple[float, float]], cue: Cue, elapsed: float) -> float:
    start, end = levels[cue.phase_index]
    progress = min(1.0, max(0.0, elapsed / cue.phase.seconds))
    return start + (end - start) * progress


def bar_text(fraction: float, width: int) -> str:
    """A bar with eighth-block resolution, so slow breaths still move smoothly."""
    eighths = round(min(1.0, max(0.0, fraction)) * width * 8)
    full, rest = divmod(eighths, 8)
    bar = "█" * full + (_PARTIAL[rest] if rest else "")
    return bar + " " * (width - len(bar))


class NullView:
    """Shows nothing; keeps what it was told, for tests."""

    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.ticks = 0

    def start(self, pattern: BreathPattern, cycles: int, total_seconds: float) -> None:
        self.events.append(("start", pattern.id, cycles, total_seconds))

    def countdown(self, seconds_left: int) -> None:
        self.events.append(("countdown", seconds_left))

    def phase(self, cue: Cue) -> None:
        self.events.append(("phase", cue.index))

    def tick(self, cue: Cue | None, elapsed: float, remaining: float) -> None:
        self.ticks += 1

    def paused(self, is_paused: bool) -> None:
        self.events.append(("paused", is_paused))

    def finish(self, result: RunResult | None) -> None:
        self.events.append(("finish", result))


class PlainView:
    """One plain line per phase: readable in a log, a pipe or a screen reader."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self.stream = stream
        self.cycles = 0

    def _say(self, line: str) -> None:
        stream = self.stream or sys.stdout
        print(line, file=stream, flush=True)

    def start(self, pattern: BreathPattern, cycles: int, total_seconds: float) -> None:
        self.cycles = cycles
        self._say(
            messages.BREATH_INTRO.format(
                name=pattern.name, cycles=cycles, time=format_clock(total_seconds), purpose=pattern.purpose
            ).strip()
        )

    def countdown(self, seconds_left: int) -> None:
        self._say(messages.BREATH_COUNTDOWN.format(n=seconds_left))

    def phase(self, cue: Cue) -> None:
        self._say(plain_line(cue, self.cycles))

    def tick(self, cue: Cue | None, elapsed: float, remaining: float) -> None:
        pass

    def paused(self, is_paused: bool) -> None:
        self._say(messages.BREATH_PAUSED if is_paused else messages.BREATH_RESUMED)

    def finish(self, result: RunResult | None) -> None:
        if result is not None:
            self._say(summary_line(result))


def plain_line(cue: Cue, cycles: int) -> str:
    return messages.BREATH_PLAIN_LINE.format(
        cycle=cue.cycle + 1, cycles=cycles, word=cue.phase.word, seconds=format_seconds(cue.phase.seconds)
    )


def summary_line(result: RunResult) -> str:
    if result.interrupted:
        return messages.BREATH_STOPPED.format(
            completed=result.completed_cycles, planned=result.planned_cycles, time=format_clock(result.seconds)
        )
    return messages.BREATH_DONE.format(cycles=result.completed_cycles, time=format_clock(result.seconds))


class RichBreathingView:
    """A bar that fills while breathing in, holds, and empties while breathing out."""

    def __init__(self, console: Console | None = None, max_width: int = 48) -> None:
        from rich.console import Console

        self.console = console or Console()
        self.max_width = max_width
        self._live: Any = None
        self._pattern: BreathPattern | None = None
        self._levels: list[tuple[float, float]] = []
        self._cycles = 0
        self._remaining = 0.0
        self._paused = False
        self._cue: Cue | None = None
        self._elapsed = 0.0
        self._countdown: int | None = None

    def start(self, pattern: BreathPattern, cycles: int, total_seconds: float) -> None:
        from rich.live import Live

        self._pattern, self._cycles, self._remaining = pattern, cycles, total_seconds
        self._levels = phase_levels(pattern)
        self._live = Live(self._render(), console=self.console, auto_refresh=False, transient=False)
        self._live.start(refresh=True)

    def countdown(self, seconds_left: int) -> None:
        self._countdown = seconds_left
        self._refresh()

    def phase(self, cue: Cue) -> None:
        self._countdown = None
        self._cue, self._elapsed = cue, 0.0
        self._refresh()

    def tick(self, cue: Cue | None, elapsed: float, remaining: float) -> None:
        if cue is not None:
            self._countdown = None
            self._cue = cue
        self._elapsed, self._remaining = elapsed, remaining
        self._refresh()

    def paused(self, is_paused: bool) -> None:
        self._paused = is_paused
        self._refresh()

    def finish(self, result: RunResult | None) -> None:
        if self._live is not None:
            if result is not None and not result.interrupted:
                self._remaining, self._elapsed = 0.0, self._cue.phase.seconds if self._cue else 0.0
            self._live.update(self._render(), refresh=True)
            self._live.stop()
            self._live = None
        if result is not None:
            self.console.print(summary_line(result))

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._render(), refresh=True)

    def _render(self) -> RenderableType:
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        width = max(10, min(self.max_width, self.console.width - 8))
        cue = self._cue
        if cue is None:
            word = Text(messages.BREATH_COUNTDOWN.format(n=self._countdown) if self._countdown else "", "bold")
            bar = Text(bar_text(0.0, width), "dim")
        else:
            left = math.ceil(max(0.0, cue.phase.seconds - self._elapsed) - 1e-6)
            word = Text.assemble((cue.phase.word, KIND_STYLES[cue.phase.kind]), f"  {left}s")
            style = KIND_STYLES[cue.phase.kind].replace("bold ", "")
            bar = Text(bar_text(bar_fraction(self._levels, cue, self._elapsed), width), style)
        cycle = cue.cycle + 1 if cue else 0
        status = Text.assemble(
            messages.BREATH_CYCLE_OF.format(cycle=cycle, cycles=self._cycles),
            "   ",
            messages.BREATH_TIME_LEFT.format(time=format_clock(self._remaining)),
        )
        hint = Text(
            messages.BREATH_PAUSED if self._paused else messages.BREATH_KEYS_HINT, "bold" if self._paused else "dim"
        )
        title = self._pattern.name if self._pattern else ""
        return Panel(Group(word, bar, status, hint), title=title, expand=False)


def make_breathing_view(
    *, animate: bool = True, console: Console | None = None, stream: TextIO | None = None
) -> BreathingView:
    """The animated view on a terminal, plain lines otherwise (or with --no-animation)."""
    out = stream or (console.file if console is not None else sys.stdout)
    if animate:
        if console is None:
            from rich.console import Console

            console = Console(file=out)
        if console.is_terminal:
            return RichBreathingView(console)
    return PlainView(out)
