"""What the screen shows while an article is read aloud.

A rich ``Live`` panel on a terminal (section title, the current sentence
highlighted among its neighbours, a key-help line), one plain line per
sentence for pipes and screen readers, and a ``NullReadingView`` for tests
and voice-only use. The session calls them; none keeps time itself.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from voiceguide import messages

if TYPE_CHECKING:  # types only: ui depends on nothing but settings, errors and messages at runtime
    from rich.console import Console
    from rich.live import Live
    from rich.panel import Panel
    from rich.text import Text

    from voiceguide.content.model import Article, Section
    from voiceguide.content.navigation import Position

NEIGHBOURS = 2
"""Sentences shown before and after the current one"""


class ReadingView(Protocol):
    def start(self, article: Article, section: int | None) -> None: ...

    def section(self, section: Section) -> None:
        """A section begins: its title is being announced."""
        ...

    def sentence(self, article: Article, position: Position) -> None:
        """The sentence at ``position`` starts playing."""
        ...

    def paused(self, is_paused: bool) -> None: ...

    def notice(self, text: str) -> None:
        """A short status line, e.g. the new speaking rate."""
        ...

    def finish(self, result: Any) -> None:
        """The reading ended; release the terminal."""
        ...


class NullReadingView:
    """Records what it was told; shows nothing."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def start(self, article: Article, section: int | None) -> None:
        self.events.append(("start", section))

    def section(self, section: Section) -> None:
        self.events.append(("section", section.number))

    def sentence(self, article: Article, position: Position) -> None:
        self.events.append(("sentence", position))

    def paused(self, is_paused: bool) -> None:
        self.events.append(("paused", is_paused))

    def notice(self, text: str) -> None:
        self.events.append(("notice", text))

    def finish(self, result: Any) -> None:
        self.events.append(("finish", result))


class PlainReadingView:
    """One line per sentence (and per section title and status change), nothing redrawn."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def _line(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()

    def start(self, article: Article, section: int | None) -> None:
        pass

    def section(self, section: Section) -> None:
        self._line(messages.READ_SECTION_HEADING.format(number=section.number, title=section.title))

    def sentence(self, article: Article, position: Position) -> None:
        self._line(article.sections[position.section - 1].sentences[position.sentence].text)

    def paused(self, is_paused: bool) -> None:
        self._line(messages.READ_PAUSED if is_paused else messages.READ_RESUMED)

    def notice(self, text: str) -> None:
        self._line(text)

    def finish(self, result: Any) -> None:
        pass


class LiveReadingView:
    """A panel redrawn on every event: title, neighbouring sentences, the current one in bold."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console
        """rich's Console, made in start(): rich loads once the first sentence is playing, not before"""
        self._live: Live | None = None
        self._article: Article | None = None
        self._position: Position | None = None
        self._title = ""
        self._status = ""

    def start(self, article: Article, section: int | None) -> None:
        from rich.console import Console
        from rich.live import Live

        self._article = article
        if self.console is None:
            self.console = Console()
        live = Live(self._render(), console=self.console, auto_refresh=False, transient=False)
        live.start()
        self._live = live

    def _render(self) -> Panel:
        from rich.console import Group
        from rich.panel import Panel
        from rich.text import Text

        lines: list[Text] = []
        if self._article is not None and self._position is not None:
            sentences = self._article.sections[self._position.section - 1].sentences
            current = self._position.sentence
            for index in range(max(0, current - NEIGHBOURS), min(len(sentences), current + NEIGHBOURS + 1)):
                style = "bold reverse" if index == current else "dim"
                lines.append(Text(sentences[index].text, style=style))
        if self._status:
            lines.append(Text(self._status, style="yellow"))
        lines.append(Text(messages.READ_KEYS_HELP, style="dim italic"))
        return Panel(Group(*lines), title=self._title or None, title_align="left")

    def _refresh(self) -> None:
        if self._live is not None:
            self._live.update(self._render(), refresh=True)

    def section(self, section: Section) -> None:
        self._title = messages.READ_SECTION_HEADING.format(number=section.number, title=section.title)
        self._refresh()

    def sentence(self, article: Article, position: Position) -> None:
        self._article, self._position = article, position
        current = article.sections[position.section - 1]
        self._title = messages.READ_SECTION_HEADING.format(number=current.number, title=current.title)
        self._refresh()

    def paused(self, is_paused: bool) -> None:
        self._status = messages.READ_PAUSED if is_paused else ""
        self._refresh()

    def notice(self, text: str) -> None:
        self._status = text
        self._refresh()

    def finish(self, result: Any) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None


def make_reading_view(stream: TextIO | None = None) -> ReadingView:
    """The live panel on a terminal, plain lines otherwise."""
    stream = stream or sys.stdout
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return LiveReadingView() if tty else PlainReadingView(stream)
