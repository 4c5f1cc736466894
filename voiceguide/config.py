"""The settings a person keeps between sessions, in ``config.toml`` in the user config dir.

Flags and ``VOICEGUIDE_*`` environment variables override what is stored
here. Read with ``tomllib``. ``set_value`` changes only the line of the one
setting, so other settings (even a bad one, which `config set` can then
repair), keys it does not know, tables and comments stay as written; it writes
through a temporary file so a crash never leaves half a config.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.errors import SettingsError
from voiceguide.settings import (
    ARTICLE_MB,
    CACHE_MB,
    IMPORT_MB,
    RATE,
    VOICE_HELP,
    VOLUME,
    ensure_private_dir,
    user_paths,
)


@dataclass(frozen=True)
class Key:
    name: str
    kind: type
    default: Any
    help: str
    low: float | None = None
    high: float | None = None


KEYS: dict[str, Key] = {
    k.name: k
    for k in (
        Key("voice", str, "", VOICE_HELP),
        Key("rate", int, int(RATE.default), RATE.help, RATE.low, RATE.high),
        Key("volume", float, VOLUME.default, VOLUME.help, VOLUME.low, VOLUME.high),
        Key("breath_pattern", str, "exhale", "Breathing pattern offered in `guide` (see `breathe --list`)"),
        Key("breath_minutes", float, 1.0, "Minutes of breathing offered in `guide`", 0.01, 60),
        Key(
            "model",
            str,
            "",
            "Whisper model for every pass: tiny.en, base or a model directory "
            "(empty: tiny.en while you speak and for commands, base for the final pass)",
        ),
        Key(
            "barge_in", bool, False, "Listen for commands while reading aloud (the echo canceller takes the guide out)"
        ),
        Key("checkin", bool, True, "Ask how you feel, from one to five, at the start and end of `guide`"),
        Key("article_mb", float, ARTICLE_MB.default, ARTICLE_MB.help, ARTICLE_MB.low, ARTICLE_MB.high),
        Key("import_mb", float, IMPORT_MB.default, IMPORT_MB.help, IMPORT_MB.low, IMPORT_MB.high),
        Key("cache_mb", float, CACHE_MB.default, CACHE_MB.help + " (0: keep none)", CACHE_MB.low, CACHE_MB.high),
        Key(
            "unlock_minutes",
            float,
            5.0,
            "Minutes an unlocked encrypted journal stays unlocked after its last use "
            "(0: ask every time; `journal lock` locks at once)",
            0,
            1440,
        ),
    )
}


def config_path() -> Path:
    return user_paths().config_file


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The stored settings (unknown keys are ignored); an unreadable file is a clear error."""
    path = path or config_path()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(messages.CONFIG_UNREADABLE.format(path=path, error=error)) from None
    stored: dict[str, Any] = {}
    for name, value in data.items():
        if name in KEYS:
            stored[name] = _checked(KEYS[name], value, path)
    return stored


def effective(path: Path | None = None) -> dict[str, Any]:
    """Every key: the stored value or the default."""
    stored = load_config(path)
    return {name: stored.get(name, key.default) for name, key in KEYS.items()}


EXPECTED = {int: "a whole number", float: "a number", str: "text", bool: "true or false"}
_TABLE_HEADER = re.compile(r"""^\s*\[\[?\s*[\w."' -]+\s*\]\]?\s*(#.*)?$""")


def _checked(key: Key, value: Any, where: Any) -> Any:
    given = value
    if key.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, key.kind) or (key.kind is not bool and isinstance(value, bool)):
        raise SettingsError(
            messages.CONFIG_BAD_VALUE.format(key=key.name, value=value, expected=EXPECTED[key.kind], where=where)
        )
    if (
        key.low is not None
        and key.high is not None
        and isinstance(value, int | float)
        and not key.low <= value <= key.high
    ):
        raise SettingsError(
            messages.CONFIG_OUT_OF_RANGE.format(key=key.name, value=given, low=key.low, high=key.high, where=where)
        )
    return value


def parse_value(name: str, raw: str) -> Any:
    """A value typed on the command line, as the key's type."""
    key = KEYS.get(name)
    if key is None:
        raise SettingsError(messages.CONFIG_UNKNOWN_KEY.format(key=name, keys=", ".join(KEYS)))
    value: Any = raw
    try:
        if key.kind is bool:
            lowered = raw.strip().lower()
            if lowered not in ("true", "false", "yes", "no", "on", "off", "1", "0"):
                raise ValueError(raw)
            value = lowered in ("true", "yes", "on", "1")
        elif key.kind is int:
            value = int(raw)
        elif key.kind is float:
            value = float(raw)
    except ValueError:
        raise SettingsError(
            messages.CONFIG_BAD_VALUE.format(key=name, value=raw, expected=EXPECTED[key.kind], where="the command line")
        ) from None
    return _checked(key, value, "the command line")


def check_name(name: str, value: Any) -> None:
    """A setting that names something must name something that exists (a pattern, a voice, a model)."""
    if name == "breath_pattern":
        from voiceguide.breathing.custom import find_pattern

        find_pattern(value)  # a clear error listing the patterns there are
    elif name == "voice" and value:
        from voiceguide.speech.synthesizer import Synthesizer, VoiceSettings

        with Synthesizer(VoiceSettings(voice=value)) as synth:
            synth.check_voice()
    elif name == "model" and value:
        from voiceguide.speech.models import check_name as check_model

        check_model(value)  # the same names --model takes


def toml_value(value: Any) -> str:
    """A setting's value as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a valid TOML basic string


def to_toml(values: dict[str, Any]) -> str:
    lines = [HEADER]
    lines += [f"{name} = {toml_value(value)}" for name, value in values.items()]
    return "\n".join(lines) + "\n"


HEADER = "# voiceguide settings; `voiceguide config set KEY VALUE` changes them"


def _with_setting(text: str, name: str, value: Any) -> str:
    """``text`` with the top-level line of ``name`` replaced (or added before the first table)."""
    line = f"{name} = {toml_value(value)}\n"
    assignment = re.compile(rf"""^\s*(["']?){re.escape(name)}\1\s*=""")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    top_end = len(lines)
    for number, current in enumerate(lines):
        if _TABLE_HEADER.match(current):
            top_end = number
            break
        if assignment.match(current):
            lines[number] = line
            return "".join(lines)
    while top_end > 0 and not lines[top_end - 1].strip():
        top_end -= 1  # keep the blank line that sets a table apart
    lines.insert(top_end, line)
    return "".join(lines if text else [HEADER + "\n", *lines])


def _read_document(path: Path) -> tuple[str, dict[str, Any]]:
    if not path.exists():
        return "", {}
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(messages.CONFIG_UNREADABLE.format(path=path, error=error)) from None


def set_value(name: str, value: Any, path: Path | None = None) -> Path:
    """Store one setting (already parsed); nothing else in the file changes, not even a bad value."""
    path = path or config_path()
    text, document = _read_document(path)
    value = _checked(KEYS[name], value, path) if name in KEYS else value
    changed = _with_setting(text, name, value)
    try:
        same_but_one = tomllib.loads(changed) == {**document, name: value}
    except tomllib.TOMLDecodeError:
        same_but_one = False  # e.g. the old value was a string over several lines
    if not same_but_one:
        raise SettingsError(messages.CONFIG_CANNOT_EDIT.format(path=path, key=name))
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        ensure_private_dir(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(changed)
        os.replace(tmp, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise SettingsError(messages.CONFIG_UNWRITABLE.format(path=path, error=error.strerror or error)) from None
    return path


def remember(updates: dict[str, Any], path: Path | None = None) -> None:
    """Store several settings changed during a session; a failure to write is not worth stopping for."""
    try:
        for name, value in updates.items():
            set_value(name, value, path)
    except (OSError, SettingsError):
        pass


def resolve(given: dict[str, Any], path: Path | None = None) -> dict[str, Any]:
    """Flags and environment variables (``given``, None when not set) over the stored settings and defaults."""
    values = effective(path)
    for name, value in given.items():
        if value is not None:
            values[name] = value
    return values
