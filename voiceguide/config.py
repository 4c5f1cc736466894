"""The settings a person keeps between sessions, in ``config.toml`` in the user config dir.

Flags and ``VOICEGUIDE_*`` environment variables override what is stored
here. Read with ``tomllib``; written by the small writer below (flat keys,
strings, numbers and booleans are all this file ever holds), through a
temporary file so a crash never leaves half a config.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.errors import SettingsError
from voiceguide.settings import ensure_private_dir, user_paths


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
        Key("voice", str, "", "Voice id from `voiceguide voices` (empty: English, America)"),
        Key("rate", int, 165, "Speaking rate in words per minute", 80, 400),
        Key("volume", float, 1.0, "Loudness from 0.0 to 1.0", 0.0, 1.0),
        Key("breath_pattern", str, "exhale", "Breathing pattern offered in `guide` (see `breathe --list`)"),
        Key("breath_minutes", float, 1.0, "Minutes of breathing offered in `guide`", 0.01, 60),
        Key("barge_in", bool, False, "Listen for commands between sentences while reading (headphones)"),
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


def _checked(key: Key, value: Any, where: Any) -> Any:
    if key.kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, key.kind) or (key.kind is not bool and isinstance(value, bool)):
        raise SettingsError(
            messages.CONFIG_BAD_VALUE.format(key=key.name, value=value, expected=key.kind.__name__, where=where)
        )
    if key.low is not None and not key.low <= value <= key.high:
        raise SettingsError(messages.CONFIG_OUT_OF_RANGE.format(key=key.name, value=value, low=key.low, high=key.high))
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
            messages.CONFIG_BAD_VALUE.format(key=name, value=raw, expected=key.kind.__name__, where="the command line")
        ) from None
    return _checked(key, value, "the command line")


def to_toml(values: dict[str, Any]) -> str:
    lines = ["# voiceguide settings; `voiceguide config set KEY VALUE` changes them"]
    for name, value in values.items():
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, (int, float)):
            text = repr(value)
        else:
            text = json.dumps(str(value), ensure_ascii=False)  # a valid TOML basic string
        lines.append(f"{name} = {text}")
    return "\n".join(lines) + "\n"


def set_value(name: str, value: Any, path: Path | None = None) -> Path:
    """Store one setting (already parsed), keeping the others."""
    path = path or config_path()
    stored = load_config(path)
    stored[name] = _checked(KEYS[name], value, path) if name in KEYS else value
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(to_toml({k: stored[k] for k in KEYS if k in stored}))
    os.replace(tmp, path)
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
