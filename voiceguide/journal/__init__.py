"""The private journal: entries, search, audio, recordings, breathing and reading progress.

Names are imported on first use, so the command line can register its
passphrase prompt (``voiceguide.journal.passphrase``) without loading SQLite.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOMES = {
    "connect": "voiceguide.journal.connection",
    "BreathingSession": "voiceguide.journal.models",
    "Entry": "voiceguide.journal.models",
    "HistoryItem": "voiceguide.journal.models",
    "StoredAudio": "voiceguide.journal.models",
    "UnfinishedRecording": "voiceguide.journal.models",
    "Journal": "voiceguide.journal.store",
}

__all__ = [
    "BreathingSession",
    "Entry",
    "HistoryItem",
    "Journal",
    "StoredAudio",
    "UnfinishedRecording",
    "connect",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
