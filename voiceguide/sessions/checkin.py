"""A mood check-in on its own (`voiceguide checkin 3`): the number as typed, or a word for it."""

from __future__ import annotations

from voiceguide import messages
from voiceguide.errors import SettingsError
from voiceguide.speech.commands import MOODS, Command, match


def parse_mood(text: str) -> int:
    """1 to 5 from "3", "three" or "3/5"; anything else is one clear line saying what to give."""
    cleaned = text.strip().removesuffix("/5").strip()
    heard = match(cleaned)
    if isinstance(heard, Command) and heard.name in MOODS:
        return MOODS[heard.name]
    raise SettingsError(messages.CHECKIN_NOT_A_NUMBER)
