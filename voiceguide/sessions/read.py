"""Reading an article aloud, sentence by sentence, with keys to pause, skip and repeat.

The session renders one sentence ahead (``prefetch``) while the current one
plays, polls the keys every ``poll_interval`` seconds while a clip runs, and
saves the position after every sentence so the next run can resume. It owns
no device, engine, terminal or clock: they are passed in. ``print_text``
shows the reading as text (``render_file`` writes it as one WAV).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, TextIO

from voiceguide import messages
from voiceguide.collaborators import Clock, KeySource, PlayerLike, SystemClock
from voiceguide.content.model import Article, Section, Sentence
from voiceguide.content.navigation import (
    Position,
    clamp,
    is_article_end,
    is_section_end,
    next_section,
    next_sentence,
    previous_section,
    previous_sentence,
    section_start,
    sentence_at,
)
from voiceguide.errors import SettingsError
from voiceguide.settings import VoiceSettings
from voiceguide.ui.reading_view import NullReadingView, ReadingView

if TYPE_CHECKING:  # numpy loads with the audio modules, when a session runs, not on import
    from voiceguide.audio.clip import Clip

FILE_RATE = 22050
"""Sample rate of --to-file output: plenty for speech, half the size of 44.1 kHz"""

PAUSE_KEYS = (" ",)
QUIT_KEYS = ("q", "Q", "\x1b")
KEY_ACTIONS = {
    "n": "next",
    "N": "next",
    "p": "previous",
    "P": "previous",
    "]": "next_section",
    "[": "previous_section",
    "r": "repeat",
    "R": "repeat",
    "+": "faster",
    "=": "faster",
    "-": "slower",
    "_": "slower",
}


@dataclass(frozen=True)
class Pauses:
    """Silence between sentences, in seconds; longer at the end of a paragraph and a section."""

    sentence: float = 0.35
    """After a sentence inside a paragraph"""
    block: float = 0.7
    """After the last sentence of a paragraph, list item or sub-heading, and after a section title"""
    section: float = 1.5
    """After the last sentence of a section"""

    def __post_init__(self) -> None:
        if min(self.sentence, self.block, self.section) < 0:
            raise SettingsError(messages.READ_BAD_PAUSE)

    def after(self, article: Article, position: Position) -> float:
        """The silence that follows the sentence at ``position``."""
        if is_section_end(article, position):
            return self.section
        section = article.sections[position.section - 1]
        block, index = section.locate(position.sentence)
        if index == len(section.blocks[block].sentences) - 1:
            return self.block
        return self.sentence


class SynthesizerLike(Protocol):
    settings: VoiceSettings

    def render(self, text: str) -> Clip: ...

    def prefetch(self, text: str) -> None: ...

    def with_settings(self, settings: VoiceSettings) -> SynthesizerLike: ...


class ProgressStore(Protocol):
    def get_progress(self, article_key: str) -> tuple[int, int] | None: ...

    def set_progress(self, article_key: str, section: int, sentence: int) -> None: ...


class _NoKeys:
    def poll(self) -> str | None:
        return None


@dataclass(frozen=True)
class Spoken:
    """One clip the session handed to the player: what, where and when."""

    kind: str
    """"title" or "sentence\""""
    position: Position
    text: str
    queued_at: float
    """Clock time of ``player.play()``"""


@dataclass(frozen=True)
class KeyPress:
    key: str
    action: str
    at: float
    """Clock time the session acted on it"""


@dataclass
class ReadResult:
    position: Position
    """Where to resume: the next sentence to read"""
    finished: bool
    """Read to the end of the article (or of the chosen section)"""
    spoken: list[Spoken] = field(default_factory=list)
    keys: list[KeyPress] = field(default_factory=list)


class _Jump(Exception):
    """A key moved the reading elsewhere (or quit); unwinds the play loop."""

    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action


def progress_key(article: Article) -> str:
    """The key reading progress is saved under: the resolved file, or the bundled name."""
    return article.source


def saved_position(article: Article, store: ProgressStore | None) -> Position | None:
    """The saved place in ``article`` (clamped), or None when there is none or it is the start."""
    if store is None:
        return None
    saved = store.get_progress(progress_key(article))
    if saved is None:
        return None
    position = clamp(article, Position(*saved))
    return None if position == Position(1, 0) else position


class ReadSession:
    """Reads an article (or one section) aloud from a Position until its end or q."""

    def __init__(
        self,
        article: Article,
        *,
        player: PlayerLike,
        synthesizer: SynthesizerLike,
        view: ReadingView | None = None,
        keys: KeySource | None = None,
        clock: Clock | None = None,
        pauses: Pauses | None = None,
        progress: ProgressStore | None = None,
        article_key: str | None = None,
        poll_interval: float = 0.02,
        on_spoken: Callable[[Spoken], None] | None = None,
    ) -> None:
        self.article = article
        self.player = player
        self.synth = synthesizer
        self.view = view or NullReadingView()
        self.keys = keys or _NoKeys()
        self.clock = clock or SystemClock()
        self.pauses = pauses or Pauses()
        self.progress = progress
        self.article_key = article_key or progress_key(article)
        self.poll_interval = poll_interval
        self.on_spoken = on_spoken
        self.paused = False
        self._result = ReadResult(Position(1, 0), False)
        self._view_section: int | None = None
        self._view_started = False

    # -- the reading loop ----------------------------------------------------
    def run(self, start: Position | None = None, *, section: int | None = None) -> ReadResult:
        """Read from ``start`` (default: the start of ``section``, or of the article).

        With ``section`` only that section is read, and the session stops at its end.
        """
        if section is not None:
            self.article.section(section)  # a clear error for a section that does not exist
            if start is None or start.section != section:
                start = Position(section, 0)
        position = clamp(self.article, start or Position(1, 0))
        result = self._result = ReadResult(position, False)
        announced: int | None = None
        self._view_section, self._view_started = section, False
        breath = False
        """A jump was taken: a breath between the cut and what follows (keys work in it as anywhere)"""
        try:
            while True:
                try:
                    if breath:
                        breath = False
                        self._gap(self.pauses.sentence)
                    if position.sentence == 0 and announced != position.section:
                        announced = position.section
                        self._announce(self.article.sections[position.section - 1])
                    self._read_sentence(position)
                    following = self._following(position, section)
                    # the next run resumes after this sentence; after the article's end, at its start
                    self._save(
                        Position(1, 0)
                        if is_article_end(self.article, position)
                        else next_sentence(self.article, position)
                    )
                    if following is None:
                        result.position, result.finished = position, True
                        break
                    self._gap(self.pauses.after(self.article, position))
                    position = following
                except _Jump as jump:
                    self.player.stop()
                    if jump.action == "quit":
                        self._save(position)
                        result.position = position
                        break
                    moved = self._move(position, jump.action, section)
                    if moved is None:
                        self._save(position)
                        result.position, result.finished = position, True
                        break
                    position, breath = moved, True
        except KeyboardInterrupt:
            self.player.stop()
            self._save(position)
            result.position = position
            raise
        finally:
            self.view.finish(result)
        return result

    def _following(self, position: Position, section: int | None) -> Position | None:
        """The next sentence in reading order, or None at the end of what is being read."""
        if is_article_end(self.article, position):
            return None
        following = next_sentence(self.article, position)
        if section is not None and following.section != section:
            return None
        return following

    def _move(self, position: Position, action: str, section: int | None) -> Position | None:
        """Where a navigation key leads; None when it leads past the end of what is being read."""
        article = self.article
        if action == "next":
            moved = self._following(position, section)
        elif action == "previous":
            moved = previous_sentence(article, position, within_section=section is not None)
        elif action == "next_section":
            if position.section == len(article.sections) or section is not None:
                return None
            moved = next_section(article, position)
        elif action == "previous_section":
            moved = section_start(article, position) if section is not None else previous_section(article, position)
        else:  # repeat
            moved = position
        return moved

    def _announce(self, section: Section) -> None:
        self._play(
            "title",
            Position(section.number, 0),
            section.spoken_title,
            section.title,
            show=lambda: self.view.section(section),
        )
        self._gap(self.pauses.block)

    def _read_sentence(self, position: Position) -> None:
        sentence = sentence_at(self.article, position)
        following = None if is_article_end(self.article, position) else next_sentence(self.article, position)
        self._play(
            "sentence",
            position,
            sentence.spoken,
            sentence.text,
            prefetch=sentence_at(self.article, following).spoken if following else None,
            show=lambda: self.view.sentence(self.article, position),
        )

    def _show(self, update: Callable[[], None]) -> None:
        """Update the view, starting it with the first sound: drawing it never delays that sound."""
        if not self._view_started:
            self._view_started = True
            self.view.start(self.article, self._view_section)
        update()

    def _play(
        self,
        kind: str,
        position: Position,
        spoken: str,
        shown: str,
        prefetch: str | None = None,
        show: Callable[[], None] | None = None,
    ) -> None:
        clip = self.synth.render(spoken)
        playback = self.player.play(clip)
        if show is not None:
            self._show(show)  # the text appears as its sound starts
        record = Spoken(kind, position, shown, self.clock.monotonic())
        self._result.spoken.append(record)
        if self.on_spoken is not None:
            self.on_spoken(record)
        if prefetch is not None:
            self.synth.prefetch(prefetch)
        while True:
            self._check_keys()
            if self.paused:
                self.clock.sleep_until(self.clock.monotonic() + self.poll_interval)
                continue
            if playback.wait(self.poll_interval):
                return

    def _gap(self, seconds: float) -> None:
        """Silence between clips; keys still work, and a pause stretches it."""
        end = self.clock.monotonic() + seconds
        while True:
            self._check_keys()
            now = self.clock.monotonic()
            if self.paused:
                self.clock.sleep_until(now + self.poll_interval)
                end += self.clock.monotonic() - now
                continue
            if now >= end:
                return
            self.clock.sleep_until(min(end, now + self.poll_interval))

    # -- keys ----------------------------------------------------------------
    def _check_keys(self) -> None:
        key = self.keys.poll()
        if key is None:
            return
        now = self.clock.monotonic()
        if key in PAUSE_KEYS:
            self.paused = not self.paused
            if self.paused:
                self.player.pause()
            else:
                self.player.resume()
            self._result.keys.append(KeyPress(key, "pause" if self.paused else "resume", now))
            self.view.paused(self.paused)
            return
        action: str | None
        if key in QUIT_KEYS:
            action = "quit"
        else:
            action = KEY_ACTIONS.get(key)
        if action is None:
            return
        self._result.keys.append(KeyPress(key, action, now))
        if action in ("faster", "slower"):
            self._change_rate(1 if action == "faster" else -1)
            return
        if self.paused:
            self.paused = False
            self.player.resume()
            self.view.paused(False)
        raise _Jump(action)

    def _change_rate(self, steps: int) -> None:
        settings = self.synth.settings
        changed = settings.step_rate(steps)
        if changed.rate != settings.rate:
            self.synth.with_settings(changed)
        self.view.notice(messages.READ_RATE.format(rate=changed.rate))

    def _save(self, position: Position) -> None:
        if self.progress is not None:
            self.progress.set_progress(self.article_key, position.section, position.sentence)


# -- without a device ---------------------------------------------------------
def reading_order(
    article: Article, section: int | None = None, start: Position | None = None
) -> Iterator[tuple[str, Position, Sentence | Section]]:
    """("title", position, Section) and ("sentence", position, Sentence) in reading order."""
    numbers = [article.section(section).number] if section is not None else [s.number for s in article.sections]
    first = clamp(article, start) if start is not None and section is None else None
    for number in numbers:
        current = article.sections[number - 1]
        if first is not None and number < first.section:
            continue
        offset = first.sentence if first is not None and number == first.section else 0
        if offset == 0:
            yield "title", Position(number, 0), current
        for index in range(offset, len(current.sentences)):
            yield "sentence", Position(number, index), current.sentences[index]


def print_text(article: Article, section: int | None, stream: TextIO, start: Position | None = None) -> int:
    """The reading as text, one line per sentence and a heading per section; returns sentences printed."""
    count = 0
    for _kind, _position, item in reading_order(article, section, start):
        if isinstance(item, Section):
            if count:
                stream.write("\n")
            stream.write(messages.READ_SECTION_HEADING.format(number=item.number, title=item.title) + "\n")
        else:
            stream.write(item.text + "\n")
            count += 1
    stream.flush()
    return count
