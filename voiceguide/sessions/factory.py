"""The one place that picks concrete classes: real devices, engines and the journal store.

Sessions take their collaborators as arguments; the CLI calls these
functions so that it never has to know which Player or Synthesizer is real.
"""

from __future__ import annotations

import sys

from voiceguide.breathing.patterns import BreathPattern


def run_breathing(pattern: BreathPattern, cycles: int, *, cue_mode: str, countdown: int, animate: bool,
                  quiet: bool, voice, volume: float):
    from voiceguide.audio.player import Player
    from voiceguide.breathing.scheduler import SystemClock
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.breathe import BreatheSession
    from voiceguide.speech.synthesizer import Synthesizer
    from voiceguide.ui.breathing_view import make_breathing_view
    from voiceguide.ui.keys import TerminalKeys

    with Journal.open() as journal:
        first_use = not journal.breathing_sessions(limit=1)
        synth = Synthesizer(voice) if cue_mode in ("voice", "both") else None
        try:
            with Player() as player, TerminalKeys() as keys:
                session = BreatheSession(
                    pattern, cycles, player=player, clock=SystemClock(),
                    view=make_breathing_view(animate=animate), cue_mode=cue_mode, volume=volume,
                    countdown=countdown, render_voice=synth.render if synth else None,
                    journal=journal, keys=keys,
                )
                for line in session.notices(first_use=first_use, quiet=quiet):
                    print(line, file=sys.stderr)
                result = session.run()
                player.wait(2)
        finally:
            if synth is not None:
                synth.close()
    return result


def run_reading(article, *, section: int | None, from_start: bool, voice, notify):
    """Read ``article`` aloud on the real Player, resuming where the last reading stopped.

    ``notify`` gets the one-line notices (resuming, stopped) for the user.
    """
    import concurrent.futures

    from voiceguide import messages
    from voiceguide.audio.player import Player
    from voiceguide.content.navigation import Position
    from voiceguide.errors import DeviceUnavailable
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.read import ReadSession, saved_position
    from voiceguide.speech.synthesizer import Synthesizer
    from voiceguide.ui.keys import TerminalKeys
    from voiceguide.ui.reading_view import make_reading_view

    if section is not None:
        article.section(section)  # an unknown section fails before any device opens
    with Synthesizer(voice) as synth, Journal.open() as journal, \
            concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="voice-check") as pool:
        # the voice check starts the engine while the journal and the device open
        checking = pool.submit(synth.check_voice)
        start = None if from_start else saved_position(article, journal)
        if start is not None and section is not None and start.section != section:
            start = None
        first = start or Position(section or 1, 0)
        synth.prefetch(article.sections[first.section - 1].spoken_title if first.sentence == 0
                       else article.sections[first.section - 1].sentences[first.sentence].spoken)
        try:
            player = Player()
        except DeviceUnavailable:
            checking.result()  # an unknown voice is the first thing to fix
            raise
        with player, TerminalKeys() as keys:
            checking.result()
            if start is not None:
                notify(messages.READ_RESUMING.format(section=start.section, sentence=start.sentence + 1))
            session = ReadSession(article, player=player, synthesizer=synth, view=make_reading_view(),
                                  keys=keys, progress=journal)
            result = session.run(start, section=section)
            player.wait(2)
        if not result.finished:
            notify(messages.READ_STOPPED.format(section=result.position.section,
                                                sentence=result.position.sentence + 1))
        elif section is not None:
            notify(messages.READ_FINISHED_SECTION.format(number=section))
        else:
            notify(messages.READ_FINISHED_ARTICLE)
    return result


def render_reading(article, *, section: int | None, out_path, voice, progress=None) -> float:
    """Render the reading to one WAV file, without an audio device; returns its seconds."""
    from voiceguide.sessions.read import render_to_file
    from voiceguide.speech.synthesizer import Synthesizer

    if section is not None:
        article.section(section)
    with Synthesizer(voice) as synth:
        synth.check_voice()
        return render_to_file(article, section, out_path, synth, progress=progress)
