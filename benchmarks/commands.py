"""Voice commands: recognition, false accepts and end of speech to action, on espeak audio in-process.

Every listed phrase is spoken by three espeak voices at three rates and fed,
paced in real time in 30 ms chunks, through the same path the guide uses
(VAD endpointer, Whisper, matcher). End of speech to action is measured
from the time the last speech sample (the last loud 10 ms of the phrase)
was handed over to the moment the listener decided.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from benchmarks.table import Row

VOICES = ("en-us", "en", "en+f3")
RATES = (140, 170, 200)
CHUNK = 480
"""30 ms at 16 kHz, as the recorder would hand them over"""

SENTENCES = (
    "I went for a walk this morning and the air was cold.",
    "My sister called me yesterday to talk about her new job.",
    "Sometimes I feel tired before the day has even started.",
    "The meeting ran late, so I missed the bus home.",
    "I think I need to be more patient with myself.",
    "We had soup for dinner and watched an old film.",
    "It is hard to say what I really feel when people ask.",
    "The garden looks better now that the rain has stopped.",
    "I keep thinking about the conversation we had last week.",
    "My neighbour helped me carry the boxes upstairs.",
    "I would like to spend more time outside this spring.",
    "The children were loud, but it was a happy kind of noise.",
    "I forgot my keys again and had to wait for an hour.",
    "Reading before bed helps me fall asleep more easily.",
    "I am proud that I finished the project on time.",
    "There was a long queue at the shop this afternoon.",
    "He said he was sorry, and I believe he meant it.",
    "I should drink more water during the day.",
    "The train was quiet, so I could finally think.",
    "I want to call my grandmother this weekend.",
    "Work has been stressful, but the team is kind.",
    "I noticed that I hold my breath when I am worried.",
    "The coffee was too strong this morning.",
    "We laughed about the time the tent blew away.",
    "I am not sure what I want to do next year.",
    "Tomorrow I will try to go to bed a little earlier.",
    "The dog was waiting by the door when I came home.",
    "I wrote a letter that I may never send.",
    "My back hurts after sitting at the desk all day.",
    "It felt good to say no to something for once.",
    "The sky was pink and orange over the river.",
    "I have been listening to the same song all week.",
    "Trust takes time, and I am learning to wait.",
    "I cleaned the kitchen and then made some tea.",
    "She reminded me that it is fine to ask for help.",
    "I felt nervous before the phone call, then calm.",
    "The bus driver smiled at everyone who got on.",
    "I lost my temper and I want to apologise.",
    "We planted tomatoes in the small pots by the window.",
    "I often wake up at four and cannot sleep again.",
    "Our friends came over and we cooked together.",
    "I should stop checking my phone before breakfast.",
    "The doctor said the results look fine.",
    "It rained all day and I stayed in with a book.",
    "I am grateful for the quiet hour after lunch.",
    "My brother and I have not spoken since the summer.",
    "I made a list of the small things that went well.",
    "The library was warm and nearly empty.",
    "I felt listened to when she put her phone away.",
    "I would rather have one honest friend than many polite ones.",
)


class _Chunk:
    __slots__ = ("samples", "rate")

    def __init__(self, samples: np.ndarray) -> None:
        self.samples, self.rate = samples, 16000


class _Paced:
    """Chunks of ``audio`` handed over in real time; remembers when the last speech sample went out."""

    def __init__(self, audio: np.ndarray, speech_end: int, tail: float = 2.5) -> None:
        self.audio = np.concatenate([audio, np.zeros(int(tail * 16000), np.int16)])
        self.speech_end = speech_end
        self.speech_end_at: float | None = None

    def __iter__(self):
        start = time.monotonic()
        for i in range(0, len(self.audio), CHUNK):
            due = start + (i + CHUNK) / 16000
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if self.speech_end_at is None and i + CHUNK >= self.speech_end:
                # the chunk holding the last speech sample is handed over now
                self.speech_end_at = time.monotonic() - (i + CHUNK - self.speech_end) / 16000
            yield _Chunk(self.audio[i : i + CHUNK])


def _speech(text: str, voice: str, wpm: int) -> tuple[np.ndarray, int]:
    """16 kHz speech with 0.3 s of silence before it; and the index after its last loud 10 ms."""
    from tests.signals import espeak
    from voiceguide.audio.clip import Clip

    samples, rate = espeak(text, voice, wpm)
    speech = Clip(samples, rate).resampled(16000).samples
    window = 160
    usable = len(speech) - len(speech) % window
    peaks = np.abs(speech[:usable].astype(np.int32)).reshape(-1, window).max(axis=1)
    loud = np.nonzero(peaks > 0.02 * 32768)[0]
    end = (int(loud[-1]) + 1) * window if len(loud) else len(speech)
    lead = np.zeros(4800, np.int16)
    return np.concatenate([lead, speech]), len(lead) + end


def bench_commands(phrases_per_command: int | None = None, model: str | None = None) -> list[Row]:
    """The command figures with the default model, or with ``model`` (keys ending in ``_<model>``)."""
    from voiceguide.speech.commands import COMMANDS, MOOD_PROMPT, MOODS, Command
    from voiceguide.speech.listener import CommandListener
    from voiceguide.speech.transcriber import WhisperTranscriber

    suffix = f"_{model}" if model else ""
    listener = CommandListener(None, WhisperTranscriber(model))
    listener.load()
    # the mood numbers are heard only at the check-in question, where the guide listens with MOOD_PROMPT
    mood_listener = CommandListener(None, listener.transcriber, prompt=MOOD_PROMPT)
    hits = total = 0
    latencies: list[float] = []
    misses: list[str] = []
    for name, phrases in COMMANDS.items():
        for phrase in phrases[: phrases_per_command or 1]:
            for voice in VOICES:
                for wpm in RATES:
                    audio, end = _speech(phrase, voice, wpm)
                    paced = _Paced(audio, end)
                    decision = (mood_listener if name in MOODS else listener).decide(paced)
                    total += 1
                    heard = decision.heard
                    if isinstance(heard, Command) and heard.name == name:
                        hits += 1
                        latencies.append((decision.decided_at - paced.speech_end_at) * 1000)
                    else:
                        misses.append(f"{phrase}/{voice}/{wpm}: {getattr(heard, 'heard', heard)!s}")
    false = 0
    accepted: list[str] = []
    for k, sentence in enumerate(SENTENCES):
        audio, end = _speech(sentence, VOICES[k % len(VOICES)], RATES[k % len(RATES)])
        heard = listener.decide(_Paced(audio, end)).heard
        if isinstance(heard, Command):
            false += 1
            accepted.append(f"{sentence!r} -> {heard.name}")
    listener.close()
    mood_listener.close()
    miss_note = ("missed: " + "; ".join(misses[:3])) if misses else "none missed"
    return [
        Row(
            f"commands_recognised{suffix}",
            100 * hits / total,
            note=f"{hits}/{total}: {len(COMMANDS)} commands x {len(VOICES)} voices x {len(RATES)} rates; {miss_note}",
        ),
        Row(
            f"commands_false{suffix}",
            100 * false / len(SENTENCES),
            note=f"{false}/{len(SENTENCES)}" + (f": {accepted[0]}" if accepted else ""),
        ),
        Row(
            f"command_latency{suffix}",
            statistics.median(latencies),
            note=f"median of {len(latencies)}, p90 {np.percentile(latencies, 90):.0f} ms, in-process, paced",
        ),
    ]


if __name__ == "__main__":
    for row in bench_commands():
        print(row)
