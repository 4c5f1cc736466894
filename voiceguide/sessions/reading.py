"""Reading aloud and to a file with the real classes: the Player, the Synthesizer and the journal.

Part of the one place that picks concrete classes (``factory``), kept apart
for its size. The first sound comes first: the device opens in a thread,
the first sentence loads from the cache (or its engine starts) before the
journal opens, and the rest of the session loads while it plays.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from voiceguide.audio.opening import PlayerOpening
    from voiceguide.content.model import Article
    from voiceguide.content.navigation import Position
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.read import ReadResult
    from voiceguide.settings import VoiceSettings
    from voiceguide.speech.synthesizer import Synthesizer

Notify = Callable[[str], None]
"""Where a one-line notice for the person goes (the command line's echo)"""


def run_reading(
    path: str | Path | None,
    *,
    section: int | None,
    from_start: bool,
    voice: VoiceSettings,
    notify: Notify,
    barge_in: bool = False,
) -> ReadResult:
    """Read the article at ``path`` (default: the bundled one) aloud on the real Player, resuming where
    the last reading stopped.

    The device starts opening before the article is even read; ``notify`` gets the one-line notices
    (resuming, stopped) for the user.
    """
    from voiceguide.audio.opening import for_reading
    from voiceguide.sessions.factory import load_article

    # the device opens in a thread (or began to as the process started) while the article is read
    # and its first sentence found
    opening = for_reading(barge_in)
    try:
        article = load_article(path)
        if section is not None:
            article.section(section)  # an unknown section fails before anything is heard
        return _read_aloud(article, section, from_start, voice, notify, opening, barge_in)
    finally:
        opening.discard()


def _read_aloud(
    article: Article,
    section: int | None,
    from_start: bool,
    voice: VoiceSettings,
    notify: Notify,
    opening: PlayerOpening,
    barge_in: bool = False,
) -> ReadResult:
    from voiceguide.content.navigation import Position
    from voiceguide.speech.synthesizer import Synthesizer

    with Synthesizer(voice, notify=notify) as synth:
        if from_start:  # the first sentence is known: its clip loads, or its engine starts, before anything else
            synth.prefetch(_spoken_at(article, Position(section or 1, 0)))
        from voiceguide.journal.store import Journal

        with Journal.open() as journal:
            return _read_from(article, section, from_start, notify, opening, synth, journal, barge_in)


def _spoken_at(article: Article, position: Position) -> str:
    """What is said first when reading starts at ``position``: the section's title, or the sentence."""
    current = article.sections[position.section - 1]
    return current.spoken_title if position.sentence == 0 else current.sentences[position.sentence].spoken


def _read_from(
    article: Article,
    section: int | None,
    from_start: bool,
    notify: Notify,
    opening: PlayerOpening,
    synth: Synthesizer,
    journal: Journal,
    barge_in: bool = False,
) -> ReadResult:
    from voiceguide import messages
    from voiceguide.content.navigation import Position
    from voiceguide.errors import DeviceUnavailable
    from voiceguide.sessions.read import ReadSession, progress_key, saved_position
    from voiceguide.ui.keys import TerminalKeys
    from voiceguide.ui.reading_view import make_reading_view

    start = None if from_start else saved_position(article, journal)
    if start is not None and section is not None and start.section != section:
        start = None
    first_text = _spoken_at(article, start or Position(section or 1, 0))
    # the engine starts (and checks the voice) while the device opens
    synth.prefetch(first_text)
    try:
        player = opening.player()
    except DeviceUnavailable:
        synth.render(first_text)  # an unknown voice is the first thing to fix
        raise
    with player, TerminalKeys() as terminal, _listening(barge_in, player, terminal, notify) as keys:
        if start is not None:
            notify(messages.READ_RESUMING.format(section=start.section, sentence=start.sentence + 1))
        session = ReadSession(
            article, player=player, synthesizer=synth, view=make_reading_view(), keys=keys, progress=journal
        )
        started = time.monotonic()
        try:
            result = session.run(start, section=section)
            player.wait(2)
        finally:
            journal.add_listening(time.monotonic() - started, article=progress_key(article))
    if not result.finished:
        notify(messages.READ_STOPPED.format(section=result.position.section, sentence=result.position.sentence + 1))
    elif section is not None:
        notify(messages.READ_FINISHED_SECTION.format(number=section))
    else:
        notify(messages.READ_FINISHED_ARTICLE)
    return result


def _listening(barge_in: bool, player: Any, keys: Any, notify: Notify) -> AbstractContextManager[Any]:
    """The reading's keys: with voice commands through the echo canceller (barge-in), or just the terminal's."""
    if not barge_in:
        return contextlib.nullcontext(keys)
    from voiceguide.speech.barge_in import speaker_barge_in
    from voiceguide.speech.transcriber import WhisperTranscriber

    return speaker_barge_in(player, WhisperTranscriber(), keys, notify)


def render_reading(
    article: Article,
    *,
    section: int | None,
    out_path: str | Path,
    voice: VoiceSettings,
    progress: Callable[[int, int], None] | None = None,
    notify: Notify | None = None,
) -> float:
    """Render the reading to one WAV file, without an audio device; returns its seconds."""
    from voiceguide.sessions.render_file import render_to_file
    from voiceguide.speech.synthesizer import Synthesizer

    if section is not None:
        article.section(section)
    with Synthesizer(voice) as synth:
        synth.check_voice()
        return render_to_file(article, section, out_path, synth, progress=progress, notify=notify)
