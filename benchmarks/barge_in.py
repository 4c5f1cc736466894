"""Barge-in on loudspeakers, on the rig: commands over the reading, false actions, ERLE, command to silence.

Each trial reads section 1 of the bundled article through the real Player
into the rig's room echo (30 ms, -6 dB) and has the person (espeak, en-gb)
say one barge-in command into the microphone at a random moment, at 0 dB or
-10 dB speech-to-echo ratio (the person's speech level against the level of
the guide's echo at the microphone). A trial counts when the session acted
on exactly that command. End of command to silence is from the last loud
sample of the person's speech to the session acting plus the player's
output latency, over the stop, pause and next trials.
"""

from __future__ import annotations

import random
import statistics

from benchmarks.table import Row

SAID = {"stop": "quit", "pause": "pause", "next": "next", "back": "previous", "repeat": "repeat"}
"""What the person says, and the action the reading takes for it"""


def _setup():
    from voiceguide.content import load_article
    from voiceguide.settings import VoiceSettings
    from voiceguide.speech.synthesizer import Synthesizer
    from voiceguide.speech.transcriber import WhisperTranscriber

    transcriber = WhisperTranscriber()
    transcriber.load()
    return load_article(None), Synthesizer(VoiceSettings(), notify=lambda line: None), transcriber


def bench_barge_in(pulse, trials: int) -> list[Row]:
    from tests.barge_in_rig import read_on_rig
    from voiceguide.audio.clip import Clip
    from voiceguide.audio.echo import measure_erle
    from voiceguide.audio.player import Player

    article, synth, transcriber = _setup()
    moments = random.Random(16)
    rows: list[Row] = []
    silence: list[float] = []
    with synth:
        for ser in (0.0, -10.0):
            hits = total = 0
            missed: list[str] = []
            for _ in range(trials):
                for said, action in SAID.items():
                    reading = read_on_rig(
                        pulse,
                        article,
                        synth,
                        transcriber,
                        section=1,
                        say=said,
                        at=moments.uniform(3, 9),
                        ser_db=ser,
                        quit_after=2.5,
                    )
                    acted = reading.actions()
                    total += 1
                    if acted[:1] == [action] and len(acted) == 1:
                        hits += 1
                        took = reading.to_silence()
                        if ser == 0.0 and took is not None and said in ("stop", "pause", "next"):
                            silence.append(took * 1000)
                    else:
                        missed.append(f"{said}->{','.join(acted) or 'nothing'}")
            label = "0db" if ser == 0.0 else "10db"
            rows.append(
                Row(
                    f"barge_in_recognised_{label}",
                    100 * hits / total,
                    note=f"{hits}/{total}; missed: {' '.join(missed[:4]) or 'none'}",
                )
            )
        reading = read_on_rig(pulse, article, synth, transcriber)
        minutes = sum(len(s.text.split()) for s in reading.result.spoken) / synth.settings.rate
        false = len(reading.actions())
        rows.append(
            Row(
                "barge_in_false_per_hour",
                false * 60 / max(minutes, 1e-6),
                note=f"{false} actions over the whole article read into the echo (~{minutes:.1f} min), no one speaking",
            )
        )
        parts = [synth.render(s.spoken).resampled(48000).samples for s in article.sections[0].sentences[:4]]
    import numpy as np

    erles = []
    with pulse.echo(), Player() as player:
        probe = Clip(np.concatenate(parts), player.rate)
        for _ in range(3):
            erles.append(measure_erle(player, probe)[0])
    rows.append(
        Row("barge_in_erle", statistics.median(erles), note=f"median of 3: {', '.join(f'{e:.0f}' for e in erles)} dB")
    )
    if silence:
        rows.append(
            Row(
                "barge_in_to_silence",
                statistics.median(silence),
                note=f"median of {len(silence)}, max {max(silence):.0f} ms (stop, pause, next at 0 dB)",
            )
        )
    return rows
