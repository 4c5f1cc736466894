"""The pronunciation lexicon: ``pronunciations.toml`` in the config directory.

Each line is ``word = "respelling"``: whole words, matched without regard to
case, replaced before either engine renders (the screen still shows the
text as written). A short default list covers words of the bundled article
that the engines say wrongly; the person's own lines come after and win.
The lexicon's digest is part of every cache key, so an edit is heard at once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from voiceguide import messages
from voiceguide.errors import SettingsError
from voiceguide.settings import ensure_private_dir, user_paths

FILE_NAME = "pronunciations.toml"
DEFAULTS: dict[str, str] = {
    "naive": "nye-eev",
    "heartfelt": "heart-felt",
    "barriers": "barry-ers",
}
"""Words of the bundled article the neural voice says wrongly (as "an eve", "heartwell" and "bears": the
bundled Whisper models heard them so in most renders, and in none once respelled)"""
_WORD = re.compile(r"^[^\s\"=#\[\]]+( [^\s\"=#\[\]]+)*$")


@dataclass(frozen=True)
class Lexicon:
    entries: dict[str, str] = field(default_factory=dict)
    """Word (matched in any case) -> respelling"""

    def __post_init__(self) -> None:
        object.__setattr__(self, "entries", {word.strip().lower(): spoken for word, spoken in self.entries.items()})

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(sorted(self.entries.items())).encode()).hexdigest()[:16]

    def apply(self, text: str) -> str:
        """``text`` with every listed whole word respelled."""
        pattern = self._pattern
        if pattern is None:
            return text
        return pattern.sub(lambda m: self.entries[m.group(0).lower()], text)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.entries:
            return None
        words = sorted(self.entries, key=len, reverse=True)  # "trust fall" before "trust"
        return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)


def lexicon_path() -> Path:
    return user_paths().config / FILE_NAME


def parse(text: str, where: Path | str) -> dict[str, str]:
    """The entries of a lexicon file; a malformed line is an error naming the file and the line."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(messages.LEXICON_BAD_FILE.format(path=where, error=error)) from None
    entries: dict[str, str] = {}
    for word, spoken in data.items():
        if not isinstance(spoken, str) or not spoken.strip() or not _WORD.match(word.strip()):
            raise SettingsError(
                messages.LEXICON_BAD_LINE.format(path=where, line=_line_of(text, word), word=word)
            ) from None
        entries[word.strip().lower()] = spoken.strip()
    return entries


def _line_of(text: str, word: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        name = line.split("=", 1)[0].strip().strip("\"'")
        if name == word:
            return number
    return 1


def load_lexicon(path: Path | None = None) -> Lexicon:
    """The default list with the person's file over it."""
    path = path or lexicon_path()
    entries = dict(DEFAULTS)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Lexicon(entries)
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(messages.LEXICON_BAD_FILE.format(path=path, error=error)) from None
    entries.update(parse(text, path))
    return Lexicon(entries)


def add_word(word: str, spoken: str, path: Path | None = None) -> Path:
    """Store ``word = "spoken"`` in the person's file, keeping their other lines."""
    path = path or lexicon_path()
    word, spoken = word.strip(), spoken.strip()
    if not _WORD.match(word) or not spoken:
        raise SettingsError(messages.LEXICON_BAD_WORD.format(word=word))
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = messages.LEXICON_HEADER + "\n"
    parse(text, path)  # never rewrite a file we could not read back
    lines = [line for line in text.splitlines() if line.split("=", 1)[0].strip().strip("\"'").lower() != word.lower()]
    lines.append(f"{json.dumps(word, ensure_ascii=False)} = {json.dumps(spoken, ensure_ascii=False)}")
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
