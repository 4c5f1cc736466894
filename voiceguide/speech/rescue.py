"""Rescuing a short command the greedy decoder wrote astray, by scoring the closed list on the same audio.

Whisper decodes greedily, one likeliest token at a time, and a short word
can go astray on its first token ("back" written as "B-B-"). When a short
transcript is not a command, the listed phrases are scored by the same
decoder on the same audio (``rescue``); a phrase is taken only when the
decoder finds it at least as likely as what it wrote (or nearly so, when
what it wrote is not an English word but a fragment such as "Liator."),
clearly likelier than any other command, and complete (the speech ends
with it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from voiceguide.speech.commands import COMMANDS, Command, CommandName, normalise, written

RESCUE_MAX_SECONDS = 2.5
"""Longest utterance (the VAD's cut: lead-in, speech and trailing silence) that is rescored.

Every listed phrase lasts under two seconds even spoken slowly; ordinary
sentences last longer, and are never rescored.
"""

RESCUE_MIN_GAIN = 0.0
"""How much likelier (natural log) the phrase must be than the transcript's own words.

Zero: the phrase explains the audio at least as well as what the greedy
decoder wrote, so taking it mends a search error rather than overruling
the decoder.
"""

RESCUE_MIN_GAIN_FRAGMENT = -2.0
"""RESCUE_MIN_GAIN when the transcript holds a word that is not English.

"quieter" written as "Liator.": the greedy decoder wrote a fragment, not a
word it heard, so its reading is no rival to be overruled, and the phrase
may be up to e**2 less likely than it. A real word ("Flower.", "Read.",
"Top.") keeps the stricter RESCUE_MIN_GAIN. A word is English when it is in
wordfreq's small English list (the 28,800 words used at least once per
million).
"""

RESCUE_MIN_LEAD = 3.0
"""How much likelier (natural log) the phrase must be than the best phrase of any other command.

e**3, twenty times: "resume" heard as "Re-u." is about as close to "redo"
as to "resume", and near words ("bag", "bat") come out only a few times
likelier as one command than as another; both are rejected rather than
acted on.
"""

RESCUE_MIN_MEAN = -1.75
"""Lowest mean log-probability per token (the end of text included) of a rescued phrase.

About 0.17 per token: the phrase must also be a good reading of the audio
in absolute terms, not merely the least bad one.
"""

RESCUE_MIN_END = math.log(0.67)
"""Lowest log-probability that the speech ends right after the phrase.

A phrase that explains only the start of the utterance ("what can I say"
for "what's the weather like today") leaves the decoder expecting more.
"""
_WRITTEN: dict[str, CommandName] = {written(phrase): name for name, phrases in COMMANDS.items() for phrase in phrases}
"""Every listed phrase as Whisper writes it, to be scored on the audio"""


@runtime_checkable
class ScoresPhrases(Protocol):
    duration: float

    def score(self, phrases: list[str]) -> tuple[Sequence[PhraseScoreLike], PhraseScoreLike | None]: ...


class PhraseScoreLike(Protocol):
    """How well one phrase explains the audio (``speech.transcriber.PhraseScore``)."""

    phrase: str
    logprob: float
    end: float

    @property
    def mean(self) -> float: ...


def is_fragment(text: str) -> bool:
    """Does ``text`` hold a word that is not English ("Liator.", "Boc."), as a stumbling decoder writes?"""
    from wordfreq import zipf_frequency

    return any(zipf_frequency(word, "en", wordlist="small") == 0 for word in normalise(text).split())


def rescue(transcript: ScoresPhrases) -> Command | None:
    """The command the audio says although its transcript is not one, or None (see the module notes).

    ``transcript`` must be able to score phrases on its own audio (Whisper's
    ``CommandTranscript``); any other transcript is never rescued.
    """
    if transcript.duration > RESCUE_MAX_SECONDS or not hasattr(transcript, "score"):
        return None
    scores, own = transcript.score(list(_WRITTEN))
    if not scores or own is None:
        return None
    best = max(scores, key=lambda s: s.logprob)
    name = _WRITTEN[best.phrase]
    others = [s.logprob for s in scores if _WRITTEN[s.phrase] != name]
    lead = best.logprob - max(others) if others else math.inf
    gain = RESCUE_MIN_GAIN_FRAGMENT if is_fragment(own.phrase) else RESCUE_MIN_GAIN
    if (
        best.logprob - own.logprob >= gain
        and lead >= RESCUE_MIN_LEAD
        and best.mean >= RESCUE_MIN_MEAN
        and best.end >= RESCUE_MIN_END
    ):
        return Command(name, getattr(transcript, "text", ""), round(math.exp(best.mean), 3), rescued=True)
    return None
