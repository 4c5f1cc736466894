"""Voice commands: a closed list of short phrases, and a listener that hears one.

A transcript is a command only when, after normalising case and punctuation
and dropping filler such as "please" or "okay" at either end, it is exactly
one of the listed phrases, and Whisper was confident enough. Anything else
is ``NotUnderstood``: never a guess, so "what's the weather" or a cough can
never move the session on.

One exception, which is not a guess either: Whisper decodes greedily, one
likeliest token at a time, and a short word can go astray on its first
token ("back" written as "B-B-"). When a short transcript is not a command,
the listed phrases are scored by the same decoder on the same audio
(``rescue``); a phrase is taken only when the decoder finds it at least as
likely as what it wrote (or nearly so, when what it wrote is not an English
word but a fragment such as "Liator."), clearly likelier than any other
command, and complete (the speech ends with it).

The listener is half-duplex: it records only while nothing plays. It cuts
the utterance with the webrtcvad endpointer and acts early: after a short
pause it transcribes what it has in the background, and if that is already
a confident command it answers at once; otherwise it waits for the full
silence and transcribes the whole utterance.
"""

from __future__ import annotations

import concurrent.futures
import math
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from voiceguide.collaborators import KeySource, RecorderLike, TranscriberLike, TranscriptLike

if TYPE_CHECKING:
    import numpy as np

    from voiceguide.speech.vad import VadSettings


class CommandName(StrEnum):
    """Every command there is; a StrEnum, so a name reads and prints as the word it stands for."""

    NEXT = "next"
    BACK = "back"
    REPEAT = "repeat"
    PAUSE = "pause"
    RESUME = "resume"
    SLOWER = "slower"
    FASTER = "faster"
    LOUDER = "louder"
    QUIETER = "quieter"
    BREATHE = "breathe"
    REFLECT = "reflect"
    SKIP = "skip"
    READ_BACK = "read_back"
    KEEP = "keep"
    REDO = "redo"
    STOP = "stop"
    HELP = "help"
    YES = "yes"
    NO = "no"
    ONE = "one"
    TWO = "two"
    THREE = "three"
    FOUR = "four"
    FIVE = "five"


MOODS: dict[CommandName, int] = {
    CommandName.ONE: 1,
    CommandName.TWO: 2,
    CommandName.THREE: 3,
    CommandName.FOUR: 4,
    CommandName.FIVE: 5,
}
"""The closed answers to "how do you feel, from one to five?"; elsewhere they mean nothing"""

COMMANDS: dict[CommandName, tuple[str, ...]] = {
    CommandName.NEXT: (
        "next",
        "next one",
        "next section",
        "next please",
        "move on",
        "go to the next section",
        "forward",
    ),
    CommandName.BACK: ("back", "go back", "previous", "previous section", "back up", "last section"),
    CommandName.REPEAT: (
        "repeat",
        "repeat that",
        "repeat it",
        "again",
        "say that again",
        "say it again",
        "once more",
        "one more time",
    ),
    CommandName.PAUSE: ("pause", "wait", "hold on", "one moment", "just a moment", "pause please"),
    CommandName.RESUME: ("resume", "continue", "carry on", "keep going", "go on", "unpause", "i'm ready", "ready"),
    CommandName.SLOWER: ("slower", "slow down", "more slowly", "speak slower", "talk slower", "slower please"),
    CommandName.FASTER: ("faster", "speed up", "quicker", "speak faster", "talk faster", "more quickly"),
    CommandName.LOUDER: ("louder", "volume up", "speak up", "turn it up", "more volume"),
    CommandName.QUIETER: ("quieter", "softer", "volume down", "turn it down", "less volume", "more quietly", "quiet"),
    CommandName.BREATHE: ("breathe", "breath", "breathing", "let's breathe", "breathing exercise", "breathe now"),
    CommandName.REFLECT: ("reflect", "reflection", "let me reflect", "journal", "record a reflection"),
    CommandName.SKIP: ("skip", "skip it", "skip this", "skip that", "skip breathing", "not now", "pass", "skipped"),
    CommandName.READ_BACK: (
        "read it back",
        "read back",
        "read that back",
        "read it to me",
        "play it back",
        "read it",
        "reread it",
        "read it again",
    ),
    CommandName.KEEP: ("keep", "keep it", "keep that", "keep this", "save it", "save"),
    CommandName.REDO: (
        "redo",
        "re do",
        "redo it",
        "redo that",
        "try again",
        "record again",
        "start again",
        "redo this",
    ),
    CommandName.STOP: (
        "stop",
        "stop please",
        "stop the session",
        "end the session",
        "end session",
        "quit",
        "exit",
        "that's enough",
        "finish",
    ),
    CommandName.HELP: (
        "what can i say",
        "what can i say now",
        "help",
        "help me",
        "commands",
        "what are the commands",
        "what can i do",
    ),
    CommandName.YES: (
        "yes",
        "yeah",
        "yep",
        "yes please",
        "sure",
        "ok",
        "okay",
        "yes i would",
        "let's do it",
        "i would",
    ),
    CommandName.NO: ("no", "nope", "no thanks", "no thank you", "not really"),
    CommandName.ONE: ("one", "1", "number one", "number 1"),
    CommandName.TWO: ("two", "2", "number two", "number 2"),
    CommandName.THREE: ("three", "3", "number three", "number 3"),
    CommandName.FOUR: ("four", "4", "number four", "number 4"),
    CommandName.FIVE: ("five", "5", "number five", "number 5"),
}
"""Command name -> the phrases that mean it (normalised: lower case, no punctuation)."""

SPOKEN_NAMES: dict[CommandName, str] = {
    CommandName.NEXT: "next",
    CommandName.BACK: "back",
    CommandName.REPEAT: "repeat",
    CommandName.PAUSE: "pause",
    CommandName.RESUME: "resume",
    CommandName.SLOWER: "slower",
    CommandName.FASTER: "faster",
    CommandName.LOUDER: "louder",
    CommandName.QUIETER: "quieter",
    CommandName.BREATHE: "breathe",
    CommandName.REFLECT: "reflect",
    CommandName.SKIP: "skip",
    CommandName.READ_BACK: "read it back",
    CommandName.KEEP: "keep",
    CommandName.REDO: "redo",
    CommandName.STOP: "stop",
    CommandName.HELP: "what can I say",
    CommandName.YES: "yes",
    CommandName.NO: "no",
    CommandName.ONE: "one",
    CommandName.TWO: "two",
    CommandName.THREE: "three",
    CommandName.FOUR: "four",
    CommandName.FIVE: "five",
}
"""How each command is said in the list spoken by "what can I say"."""

FILLERS: tuple[str, ...] = (
    "please",
    "okay",
    "ok",
    "um",
    "umm",
    "uh",
    "uhm",
    "er",
    "erm",
    "hmm",
    "so",
    "now",
    "just",
    "well",
    "oh",
    "and",
    "then",
    "thanks",
    "thank you",
    "alright",
    "all right",
    "right",
    "hey",
    "voice guide",
    "voiceguide",
)
"""Words that may come before or after a command phrase without changing it"""

MIN_CONFIDENCE = 0.3
"""Mean per-token probability (exp of Whisper's avg_logprob) below which nothing is acted on"""

COMMAND_PROMPT = (
    "Next. Back. Repeat. Pause. Resume. Slower. Faster. Louder. Quieter. Breathe. Reflect. Skip. "
    "Read it back. Keep. Redo. Stop. What can I say? Yes. No."
)
"""Given to Whisper as earlier text, so short command words win over look-alike words"""
MOOD_PROMPT = COMMAND_PROMPT + " One. Two. Three. Four. Five."
"""The prompt at "how do you feel, from one to five?": without the numbers in it, espeak's "three"
is written "Free." and "one" "What?"; with them in every prompt, "back" is written "Buck." more often"""

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

_PHRASES: dict[str, CommandName] = {phrase: name for name, phrases in COMMANDS.items() for phrase in phrases}
_FILLER_WORDS = sorted((tuple(f.split()) for f in FILLERS), key=len, reverse=True)


@dataclass(frozen=True)
class Command:
    """A phrase from the closed list was heard: act on ``name``."""

    name: CommandName
    heard: str
    """The transcript it was matched from"""
    confidence: float = 1.0
    rescued: bool = False
    """The transcript was not the phrase; rescoring the closed list on the audio chose it"""


@dataclass(frozen=True)
class NotUnderstood:
    """Words were heard but they are not a command (or too unsure): never acted on."""

    heard: str
    confidence: float = 0.0
    reason: str = "unknown"
    """'unknown' (not a listed phrase) or 'unsure' (below MIN_CONFIDENCE)"""


@dataclass(frozen=True)
class Nothing:
    """No words: silence until the timeout, or a sound that held no speech (a cough, a knock)."""

    reason: str
    """'timeout' or 'noise'"""


@dataclass(frozen=True)
class KeyPressed:
    """A key was pressed while listening; keys always work as well as the voice."""

    key: str


Heard = Command | NotUnderstood | Nothing | KeyPressed


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, hyphens as spaces, no other punctuation, single spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("-", " ")
    text = re.sub(r"[^\w' ]+", " ", text)
    words = [w.strip("'") for w in text.split()]
    return " ".join(w for w in words if w)


def _strip_fillers(words: list[str]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        for filler in _FILLER_WORDS:
            n = len(filler)
            if len(words) > n and tuple(words[:n]) == filler:
                words, changed = words[n:], True
            if len(words) > n and tuple(words[-n:]) == filler:
                words, changed = words[:-n], True
    return words


def match(text: str, confidence: float = 1.0, *, threshold: float = MIN_CONFIDENCE) -> Command | NotUnderstood:
    """The command ``text`` says exactly, or NotUnderstood; fillers at the ends are allowed."""
    phrase = normalise(text)
    name = _PHRASES.get(phrase)
    if name is None:
        name = _PHRASES.get(" ".join(_strip_fillers(phrase.split())))
    if name is None:
        return NotUnderstood(text, confidence, "unknown")
    if confidence < threshold:
        return NotUnderstood(text, confidence, "unsure")
    return Command(name, text, confidence)


def written(phrase: str) -> str:
    """A listed phrase as Whisper writes it: "what can i say" -> "What can I say?"."""
    words = [w.capitalize() if w == "i" or w.startswith("i'") else w for w in phrase.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:] + ("?" if words[0] == "what" else ".")


_WRITTEN: dict[str, CommandName] = {written(phrase): name for phrase, name in _PHRASES.items()}


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


def spoken_list(names: list[CommandName] | None = None) -> str:
    """The commands as a spoken list: "next, back, ... or no" (the mood numbers only when asked for)."""
    said = [SPOKEN_NAMES[n] for n in (names or [n for n in COMMANDS if n not in MOODS])]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]


# -- hearing one --------------------------------------------------------------


@dataclass(frozen=True)
class ListenSettings:
    """How long the listener waits and how it decides an utterance ended, in seconds."""

    start_timeout: float = 8.0
    """No speech start within this long: Nothing('timeout')"""
    end_silence: float = 0.7
    """Silence after speech that ends the utterance"""
    early_silence: float = 0.25
    """Silence after which what was said is transcribed in the background, to act sooner"""
    max_speech: float = 4.0
    """Longest utterance; a command is a few words"""
    pad: float = 0.25
    """Audio kept before the speech start, so the first sound is not clipped"""


@dataclass(frozen=True)
class Decision:
    """What the listener decided, with timings for benchmarks and logs."""

    heard: Heard
    speech_end: float | None = None
    """Seconds into the stream where the VAD last heard speech"""
    decided_at: float | None = None
    """time.monotonic() when the decision was made"""
    early: bool = False
    """Decided on the early (background) transcript"""


class CommandListener:
    """Listens for one short utterance on ``recorder`` and turns it into a Command (or not)."""

    def __init__(
        self,
        recorder: RecorderLike | Callable[[], RecorderLike] | None,
        transcriber: TranscriberLike,
        *,
        settings: ListenSettings | None = None,
        vad: VadSettings | None = None,
        prompt: str | None = COMMAND_PROMPT,
        threshold: float = MIN_CONFIDENCE,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.recorder = recorder
        self.transcriber = transcriber
        self.settings = settings or ListenSettings()
        self.vad = vad
        self.prompt = prompt
        self.threshold = threshold
        self.monotonic = monotonic
        self._pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="command")
        self.last: Decision | None = None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def load(self) -> None:
        """Load the model now (it takes a second), so the first command is quick."""
        load = getattr(self.transcriber, "load", None)
        if load is not None:
            load()
        is_fragment("back")  # wordfreq's import and word list, for the first rescue

    def transcribe(self, samples: np.ndarray) -> TranscriptLike:
        fast = getattr(self.transcriber, "transcribe_command", None)
        heard: TranscriptLike
        if fast is not None:
            heard = fast(samples, 16000, prompt=self.prompt)
        else:
            heard = self.transcriber.transcribe(samples, 16000)
        return heard

    def judge(self, transcript: TranscriptLike) -> Command | NotUnderstood | Nothing:
        if not transcript.text.strip():
            return Nothing("noise")
        heard = match(transcript.text, transcript.confidence, threshold=self.threshold)
        if isinstance(heard, NotUnderstood) and heard.reason == "unknown" and isinstance(transcript, ScoresPhrases):
            return rescue(transcript) or heard
        return heard

    def hear(self, samples: np.ndarray) -> Command | NotUnderstood | Nothing:
        """Transcribe and judge one utterance (in the background, for the early decision)."""
        return self.judge(self.transcribe(samples))

    def listen(self, keys: KeySource | None = None, timeout: float | None = None, prompt: str | None = None) -> Heard:
        """Record until one utterance ends (or the timeout, or a key); the recorder is closed after.

        ``prompt`` replaces the listener's own for this one utterance (MOOD_PROMPT at a check-in).
        """
        if prompt is not None:
            saved, self.prompt = self.prompt, prompt
            try:
                return self.listen(keys, timeout)
            finally:
                self.prompt = saved
        recorder = self.recorder() if callable(self.recorder) else self.recorder  # a class or factory: one per listen
        if recorder is None:
            raise ValueError("this listener has no recorder: use decide() on chunks")
        recorder.start()
        try:
            # a loaded machine can be slow to deliver the first chunk; a dead device still fails
            decision = self.decide(recorder.chunks(timeout=5.0), keys=keys, timeout=timeout)
        finally:
            recorder.stop()
        self.last = decision
        return decision.heard

    def decide(self, chunks: Iterable[Any], *, keys: KeySource | None = None, timeout: float | None = None) -> Decision:
        """The decision for a stream of recorder chunks (anything with ``samples`` and ``rate``)."""
        import numpy as np

        from voiceguide.speech.vad import FRAME_SECONDS, RATE, Endpointer, VadSettings

        s = self.settings
        vad = self.vad or VadSettings(pause=min(0.5, s.end_silence), silence=s.end_silence)
        endpointer = Endpointer(vad)
        parts: list[np.ndarray] = []
        total = 0
        limit = s.start_timeout if timeout is None else timeout
        early: tuple[int, concurrent.futures.Future[Command | NotUnderstood | Nothing]] | None = None
        """(voiced frames when submitted, the background transcription)"""

        def last_voiced() -> int:
            voiced = endpointer.voiced
            i = len(voiced)
            while i > 0 and not voiced[i - 1]:
                i -= 1
            return i

        def utterance() -> np.ndarray:
            first = endpointer.stretches[0].start if endpointer.stretches else None
            if first is None:
                starts = [i for i, v in enumerate(endpointer.voiced) if v]
                first = starts[0] * FRAME_SECONDS if starts else 0.0
            audio = np.concatenate(parts) if parts else np.zeros(0, np.int16)
            begin = max(0, int((first - s.pad) * RATE))
            return audio[begin:]

        def finish(heard: Heard, is_early: bool = False) -> Decision:
            return Decision(heard, last_voiced() * FRAME_SECONDS, self.monotonic(), is_early)

        for chunk in chunks:
            samples = chunk.samples
            if chunk.rate != RATE:
                from voiceguide.audio.clip import Clip

                samples = Clip(samples, chunk.rate).resampled(RATE).samples
            parts.append(samples)
            total += len(samples)
            endpointer.feed(samples)
            if keys is not None:
                key = keys.poll()
                if key is not None:
                    return Decision(KeyPressed(key), None, self.monotonic())
            if not endpointer.heard_speech:
                if total / RATE >= limit:
                    return finish(Nothing("timeout"))
                continue
            voiced_frames = last_voiced()
            quiet = (len(endpointer.voiced) - voiced_frames) * FRAME_SECONDS
            first = endpointer.stretches[0].start if endpointer.stretches else None
            spoken = voiced_frames * FRAME_SECONDS - (first if first is not None else 0.0)
            if early is not None and early[0] != voiced_frames:
                early = None  # they went on talking: that transcript is stale
            if early is not None and early[1].done():
                heard = early[1].result()
                if isinstance(heard, Command):
                    return finish(heard, True)
            if quiet >= s.end_silence or spoken >= s.max_speech:
                if early is not None:  # the same speech: its decision is the whole utterance's
                    return finish(early[1].result(), True)
                return finish(self.hear(utterance()))
            if early is None and quiet >= s.early_silence:
                early = (voiced_frames, self._pool.submit(self.hear, utterance()))
        if endpointer.heard_speech:
            return finish(self.hear(utterance()))
        return finish(Nothing("timeout"))
