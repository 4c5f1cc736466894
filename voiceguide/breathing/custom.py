"""The person's own breathing patterns, one TOML file each.

Files live in ``<config>/patterns/*.toml`` (or are named on the command line)::

    name = "Calm box"
    purpose = "A gentler box"        # optional
    minutes = 6                      # or: cycles = 20
    [[phase]]
    kind = "inhale"                  # inhale, hold, exhale or rest
    seconds = 4                      # at least 0.5
    word = "Breathe in"              # optional: the spoken cue
    tone = 440                       # optional: cue pitch in Hz

Every problem is reported as one line naming the file, the field and the fix,
because the person editing the file has nothing else to go on.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.breathing.patterns import (
    BUILTIN_PATTERNS,
    MIN_PHASE_SECONDS,
    PHASE_KINDS,
    BreathPattern,
    Phase,
)
from voiceguide.errors import PatternError
from voiceguide.settings import user_paths

TOP_KEYS = ("id", "name", "purpose", "caution", "cycles", "minutes", "phase")
PHASE_KEYS = ("kind", "seconds", "word", "tone")
TONE_RANGE = (100.0, 2000.0)
"""Hz a cue tone may use: audible on small speakers, not piercing"""
_ID = re.compile(r"^[A-Za-z0-9_-]+$")


def patterns_dir() -> Path:
    """Where custom pattern files are looked for."""
    return user_paths().config / "patterns"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Checker:
    """Validation helpers that know which file they are reading."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, template: str, **fields: Any) -> PatternError:
        return PatternError(template.format(file=self.file, **fields))

    def unknown_keys(self, table: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in allowed:
                field = f"{where}'{key}'" if where else f"'{key}'"
                quoted = ", ".join(f"'{k}'" for k in allowed)
                raise self.fail(messages.PATTERN_UNKNOWN_KEY, field=field, allowed=quoted)

    def text(self, value: Any, field: str, required: bool = False, fix: str = "") -> str:
        if value is None:
            if required:
                raise self.fail(messages.PATTERN_FIELD_MISSING, field=field, fix=fix)
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(messages.PATTERN_FIELD_TYPE, field=field, expected="non-empty text", got=_describe(value))
        return value.strip()

    def number(self, value: Any, field: str, minimum: float) -> float:
        if not _is_number(value):
            raise self.fail(messages.PATTERN_FIELD_TYPE, field=field, expected="a number", got=_describe(value))
        if not value >= minimum:
            raise self.fail(messages.PATTERN_FIELD_MIN, field=field, minimum=minimum, got=value)
        return float(value)


def _phase(check: _Checker, n: int, table: Any) -> Phase:
    where = f"phase {n} "
    if not isinstance(table, dict):
        raise check.fail(
            messages.PATTERN_FIELD_TYPE, field=f"phase {n}", expected="a [[phase]] table", got=_describe(table)
        )
    check.unknown_keys(table, PHASE_KEYS, where)
    kind = table.get("kind")
    if kind is None:
        raise check.fail(
            messages.PATTERN_FIELD_MISSING, field=f"{where}'kind'", fix='add kind = "inhale" (or hold, exhale, rest)'
        )
    if kind not in PHASE_KINDS:
        raise check.fail(
            messages.PATTERN_FIELD_CHOICE, field=f"{where}'kind'", choices=", ".join(PHASE_KINDS), got=kind
        )
    if "seconds" not in table:
        raise check.fail(messages.PATTERN_FIELD_MISSING, field=f"{where}'seconds'", fix="add seconds = 4")
    seconds = check.number(table["seconds"], f"{where}'seconds'", MIN_PHASE_SECONDS)
    word = check.text(table.get("word"), f"{where}'word'")
    if "word" in table and not word:
        raise check.fail(
            messages.PATTERN_FIELD_TYPE, field=f"{where}'word'", expected="non-empty text", got=_describe(table["word"])
        )
    tone = table.get("tone")
    if tone is not None:
        if not _is_number(tone):
            raise check.fail(
                messages.PATTERN_FIELD_TYPE, field=f"{where}'tone'", expected="a number of Hz", got=_describe(tone)
            )
        low, high = TONE_RANGE
        if not low <= tone <= high:
            raise check.fail(messages.PATTERN_FIELD_RANGE, field=f"{where}'tone'", low=low, high=high, got=tone)
        tone = float(tone)
    return Phase(kind, seconds, word, tone)


def parse_pattern(data: dict[str, Any], file: str, default_id: str, source: str = "") -> BreathPattern:
    """A BreathPattern from an already-decoded TOML document; errors name ``file``."""
    check = _Checker(file)
    check.unknown_keys(data, TOP_KEYS, "")
    pattern_id = data.get("id", default_id)
    if not isinstance(pattern_id, str) or not _ID.match(pattern_id):
        raise check.fail(messages.PATTERN_BAD_ID, got=pattern_id)
    name = check.text(data.get("name"), "'name'", required=True, fix='add name = "My pattern"')
    purpose = check.text(data.get("purpose"), "'purpose'")
    caution = check.text(data.get("caution"), "'caution'")

    cycles = minutes = None
    if "cycles" in data and "minutes" in data:
        raise check.fail(messages.PATTERN_CYCLES_OR_MINUTES)
    if "cycles" in data:
        value = data["cycles"]
        if not isinstance(value, int) or isinstance(value, bool):
            raise check.fail(
                messages.PATTERN_FIELD_TYPE, field="'cycles'", expected="a whole number", got=_describe(value)
            )
        cycles = int(check.number(value, "'cycles'", 1))
    elif "minutes" in data:
        value = data["minutes"]
        if _is_number(value) and value <= 0:
            raise check.fail(
                messages.PATTERN_FIELD_TYPE, field="'minutes'", expected="more than 0", got=_describe(value)
            )
        minutes = check.number(value, "'minutes'", 0)
    else:
        raise check.fail(
            messages.PATTERN_FIELD_MISSING, field="'cycles' or 'minutes'", fix="add minutes = 5 (or cycles = 20)"
        )

    tables = data.get("phase")
    if tables is None or tables == []:
        raise check.fail(messages.PATTERN_NO_PHASES)
    if not isinstance(tables, list):
        raise check.fail(
            messages.PATTERN_FIELD_TYPE,
            field="'phase'",
            expected="[[phase]] tables (double brackets)",
            got=_describe(tables),
        )
    phases = tuple(_phase(check, n, table) for n, table in enumerate(tables, start=1))
    return BreathPattern(
        id=pattern_id,
        name=name,
        phases=phases,
        purpose=purpose,
        caution=caution,
        default_minutes=minutes,
        default_cycles=cycles,
        source=source or file,
    )


def load_pattern_file(path: str | Path) -> BreathPattern:
    """Read and validate one pattern file."""
    path = Path(path)
    file = path.name
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise PatternError(messages.PATTERN_FILE_MISSING.format(file=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise PatternError(messages.PATTERN_TOML_SYNTAX.format(file=file, error=exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        error = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise PatternError(messages.PATTERN_FILE_UNREADABLE.format(file=file, error=error)) from None
    return parse_pattern(data, file, default_id=path.stem, source=str(path))


def custom_patterns(directory: str | Path | None = None) -> dict[str, BreathPattern]:
    """Every ``*.toml`` pattern in ``directory`` (the user's patterns dir by default), by id."""
    directory = Path(directory) if directory is not None else patterns_dir()
    found: dict[str, BreathPattern] = {}
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("*.toml")):
        pattern = load_pattern_file(path)
        if pattern.id in BUILTIN_PATTERNS:
            raise PatternError(messages.PATTERN_ID_BUILTIN.format(file=path.name, id=pattern.id))
        if pattern.id in found:
            other = Path(found[pattern.id].source).name
            raise PatternError(messages.PATTERN_ID_DUPLICATE.format(file=path.name, id=pattern.id, other=other))
        found[pattern.id] = pattern
    return found


def all_patterns(directory: str | Path | None = None) -> dict[str, BreathPattern]:
    """Built-ins first, then the person's own patterns."""
    return {**BUILTIN_PATTERNS, **custom_patterns(directory)}


def find_pattern(name: str, directory: str | Path | None = None) -> BreathPattern:
    """A pattern by id, or from a file when ``name`` is a path to a .toml file."""
    if name.endswith(".toml") or "/" in name:
        return load_pattern_file(name)
    patterns = all_patterns(directory)
    try:
        return patterns[name]
    except KeyError:
        raise PatternError(messages.PATTERN_UNKNOWN.format(name=name, choices=", ".join(patterns))) from None
