"""Breathing patterns: phases with spoken cues and tones, the built-ins, and session length.

A pattern describes one cycle; how many cycles a session runs is decided by
``plan_cycles`` so a session always ends on a whole breath.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from voiceguide import messages
from voiceguide.errors import PatternError

PhaseKind = Literal["inhale", "hold", "exhale", "rest"]
PHASE_KINDS: tuple[str, ...] = get_args(PhaseKind)

MIN_PHASE_SECONDS = 0.5
"""Shorter phases cannot be cued (or followed) reliably"""
MAX_PHASE_SECONDS = 60.0
"""Nobody holds or draws one breath longer; a bigger number is a typo"""
MAX_SESSION_MINUTES = 180.0
"""The longest session: three hours, so a typo never starts a run that does not end"""

SHORT_PHASE_SECONDS = 2.0
"""Phases shorter than this get one-word cues so the voice fits inside the phase"""

TONE_HZ: dict[str, float] = {"inhale": 440.0, "hold": 550.0, "exhale": 330.0, "rest": 262.0}
"""One pitch per phase kind, so the tone alone tells what to do with eyes closed"""

DEFAULT_WORDS: dict[str, str] = {
    "inhale": messages.BREATH_WORD_INHALE,
    "hold": messages.BREATH_WORD_HOLD,
    "exhale": messages.BREATH_WORD_EXHALE,
    "rest": messages.BREATH_WORD_REST,
}

SHORT_WORDS: dict[str, str] = {
    "inhale": messages.BREATH_SHORT_INHALE,
    "hold": messages.BREATH_SHORT_HOLD,
    "exhale": messages.BREATH_SHORT_EXHALE,
    "rest": messages.BREATH_SHORT_REST,
}


@dataclass(frozen=True)
class Phase:
    """One step of a cycle: what to do, for how long, and what is said and played."""

    kind: PhaseKind
    """inhale, hold, exhale or rest"""
    seconds: float
    """Length of the phase; at least MIN_PHASE_SECONDS"""
    word: str = ""
    """Spoken cue; empty means the usual word for the kind"""
    tone_hz: float | None = None
    """Pitch of the cue tone; None means the pitch for the kind"""

    def __post_init__(self) -> None:
        if self.kind not in PHASE_KINDS:
            raise PatternError(messages.PATTERN_PHASE_KIND.format(got=self.kind, choices=", ".join(PHASE_KINDS)))
        if not MIN_PHASE_SECONDS <= self.seconds <= MAX_PHASE_SECONDS:  # also refuses nan and inf
            raise PatternError(
                messages.PATTERN_PHASE_SECONDS.format(low=MIN_PHASE_SECONDS, high=MAX_PHASE_SECONDS, got=self.seconds)
            )
        if not self.word:
            object.__setattr__(self, "word", DEFAULT_WORDS[self.kind])

    @property
    def pitch(self) -> float:
        """Tone frequency in Hz actually used for this phase"""
        return self.tone_hz if self.tone_hz is not None else TONE_HZ[self.kind]

    @property
    def cue_word(self) -> str:
        """What is spoken: the full word, or one word when the phase is too short for it"""
        return SHORT_WORDS[self.kind] if self.seconds < SHORT_PHASE_SECONDS else self.word


@dataclass(frozen=True)
class BreathPattern:
    """A named cycle of phases plus its defaults and limits."""

    id: str
    name: str
    phases: tuple[Phase, ...]
    purpose: str = ""
    caution: str = ""
    default_minutes: float | None = None
    """Session length when neither minutes nor cycles are given"""
    default_cycles: int | None = None
    """Used instead of default_minutes by patterns counted in breaths (4-7-8)"""
    max_cycles: int | None = None
    """Hard limit on cycles in one session, or None"""
    bpm_range: tuple[float, float] | None = None
    """Breaths a minute ``with_bpm`` accepts; None means the pace is fixed"""
    source: str = field(default="built-in", compare=False)
    """Where the pattern came from: "built-in" or a file path"""

    def __post_init__(self) -> None:
        object.__setattr__(self, "phases", tuple(self.phases))
        if not self.phases:
            raise PatternError(messages.PATTERN_EMPTY.format(name=self.name))
        if self.default_minutes is None and self.default_cycles is None:
            object.__setattr__(self, "default_minutes", 5.0)
        if not self.caution:
            caution = messages.BREATH_CAUTION_HOLDS if self.has_holds else messages.BREATH_CAUTION_GENTLE
            object.__setattr__(self, "caution", caution)

    @property
    def has_holds(self) -> bool:
        return any(p.kind == "hold" for p in self.phases)

    @property
    def cycle_seconds(self) -> float:
        return math.fsum(p.seconds for p in self.phases)

    @property
    def breaths_per_minute(self) -> float:
        return 60.0 / self.cycle_seconds

    @property
    def summary(self) -> str:
        """The rhythm in one glance, e.g. "in 4, hold 4, out 4, hold 4"."""
        short = {"inhale": "in", "hold": "hold", "exhale": "out", "rest": "rest"}
        return ", ".join(f"{short[p.kind]} {p.seconds:g}" for p in self.phases)

    def with_bpm(self, bpm: float) -> BreathPattern:
        """The same pattern rescaled so one cycle lasts 60/bpm seconds (ratios kept)."""
        if self.bpm_range is None:
            choices = ", ".join(p.id for p in BUILTIN_PATTERNS.values() if p.bpm_range)
            raise PatternError(messages.PATTERN_FIXED_PACE.format(name=self.name, choices=choices))
        low, high = self.bpm_range
        if not low <= bpm <= high:
            raise PatternError(messages.PATTERN_BPM_RANGE.format(low=low, high=high, bpm=bpm))
        factor = (60.0 / bpm) / self.cycle_seconds
        phases = tuple(replace(p, seconds=p.seconds * factor) for p in self.phases)
        name = messages.BREATH_RESONANT_BPM_NAME.format(name=self.name, bpm=bpm)
        return replace(self, phases=phases, name=name)


def _builtins() -> dict[str, BreathPattern]:
    inhale: PhaseKind = "inhale"
    hold: PhaseKind = "hold"
    exhale: PhaseKind = "exhale"
    patterns = [
        BreathPattern(
            id="exhale",
            name=messages.BREATH_NAME_EXHALE,
            phases=(Phase(inhale, 4), Phase(exhale, 6)),
            purpose=messages.BREATH_PURPOSE_EXHALE,
            default_minutes=5,
        ),
        BreathPattern(
            id="box",
            name=messages.BREATH_NAME_BOX,
            phases=(Phase(inhale, 4), Phase(hold, 4), Phase(exhale, 4), Phase(hold, 4)),
            purpose=messages.BREATH_PURPOSE_BOX,
            default_minutes=5,
        ),
        BreathPattern(
            id="478",
            name=messages.BREATH_NAME_478,
            phases=(Phase(inhale, 4), Phase(hold, 7), Phase(exhale, 8)),
            purpose=messages.BREATH_PURPOSE_478,
            default_cycles=4,
            max_cycles=8,
        ),
        BreathPattern(
            id="resonant",
            name=messages.BREATH_NAME_RESONANT,
            phases=(Phase(inhale, 5.5), Phase(exhale, 5.5)),
            purpose=messages.BREATH_PURPOSE_RESONANT,
            default_minutes=10,
            bpm_range=(4.5, 7.0),
        ),
        BreathPattern(
            id="sigh",
            name=messages.BREATH_NAME_SIGH,
            phases=(
                Phase(inhale, 2),
                Phase(inhale, 1, messages.BREATH_WORD_INHALE_AGAIN),
                Phase(exhale, 6),
            ),
            purpose=messages.BREATH_PURPOSE_SIGH,
            default_minutes=5,
        ),
    ]
    return {p.id: p for p in patterns}


BUILTIN_PATTERNS: dict[str, BreathPattern] = _builtins()
DEFAULT_PATTERN = "exhale"


def builtin_pattern(pattern_id: str) -> BreathPattern:
    try:
        return BUILTIN_PATTERNS[pattern_id]
    except KeyError:
        raise PatternError(
            messages.PATTERN_UNKNOWN.format(name=pattern_id, choices=", ".join(BUILTIN_PATTERNS))
        ) from None


def _round_half_up(x: float) -> int:
    # round() rounds halves to even; a person expects 2.5 cycles to become 3
    return math.floor(x + 0.5)


def plan_cycles(pattern: BreathPattern, minutes: float | None = None, cycles: int | None = None) -> int:
    """How many whole cycles to run; minutes round to the nearest whole cycle (at least one)."""
    if minutes is not None and cycles is not None:
        raise PatternError(messages.PATTERN_MINUTES_AND_CYCLES)
    if cycles is not None:
        if isinstance(cycles, bool) or not isinstance(cycles, int) or cycles < 1:
            raise PatternError(messages.PATTERN_CYCLES_POSITIVE.format(cycles=cycles))
        planned = cycles
    else:
        if minutes is None:
            if pattern.default_cycles is not None:
                planned = pattern.default_cycles
                minutes = None
            else:
                minutes = pattern.default_minutes
        if minutes is not None:
            if not minutes > 0:
                raise PatternError(messages.PATTERN_MINUTES_POSITIVE.format(minutes=minutes))
            if not minutes <= MAX_SESSION_MINUTES:  # inf and 1e308 too, before any arithmetic on them
                raise PatternError(messages.PATTERN_MINUTES_TOO_LONG.format(most=MAX_SESSION_MINUTES, minutes=minutes))
            planned = max(1, _round_half_up(minutes * 60.0 / pattern.cycle_seconds))
    longest = MAX_SESSION_MINUTES * 60.0
    if pattern.cycle_seconds > longest:
        raise PatternError(messages.PATTERN_CYCLE_TOO_LONG.format(name=pattern.name, hours=MAX_SESSION_MINUTES / 60))
    most = int(longest // pattern.cycle_seconds)
    if minutes is None and planned > most:  # compared as numbers: no float of a huge count is ever made
        raise PatternError(
            messages.PATTERN_CYCLES_TOO_MANY.format(
                hours=MAX_SESSION_MINUTES / 60, name=pattern.name, most=most, cycles=planned
            )
        )
    if pattern.max_cycles is not None and planned > pattern.max_cycles:
        if cycles is None and minutes is not None:
            text = messages.PATTERN_CYCLE_LIMIT_MINUTES.format(
                name=pattern.name, limit=pattern.max_cycles, minutes=minutes, asked=planned
            )
        else:
            text = messages.PATTERN_CYCLE_LIMIT.format(name=pattern.name, limit=pattern.max_cycles, asked=planned)
        raise PatternError(text)
    return planned
