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
