"""Voice commands: a closed list of short phrases, and the matcher that turns a transcript into one.

A transcript is a command only when, after normalising case and punctuation
and dropping filler such as "please" or "okay" at either end, it is exactly
one of the listed phrases, and Whisper was confident enough. Anything else
is ``NotUnderstood``: never a guess, so "what's the weather" or a cough can
never move the session on. The one exception, which is not a guess either,
is in ``speech.rescue``; the listener that hears an utterance is
``speech.listener``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


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


def spoken_list(names: list[CommandName] | None = None) -> str:
    """The commands as a spoken list: "next, back, ... or no" (the mood numbers only when asked for)."""
    said = [SPOKEN_NAMES[n] for n in (names or [n for n in COMMANDS if n not in MOODS])]
    return said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
