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

Every problem is reported as one line naming the file, the line, the field
and the fix, because the person editing the file has nothing else to go on.
Every number must be finite and sane (a phase 0.5-60 s, a session at most
3 hours). A bad file in the patterns folder is skipped with that line as a
warning: the built-in patterns and the other files still work.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.breathing.patterns import (
    BUILTIN_PATTERNS,
    MAX_PHASE_SECONDS,
    MAX_SESSION_MINUTES,
    MIN_PHASE_SECONDS,
    PHASE_KINDS,
    BreathPattern,
    Phase,
    plan_cycles,
)
from voiceguide.errors import PatternError
from voiceguide.settings import user_paths

TOP_KEYS = ("id", "name", "purpose", "caution", "cycles", "minutes", "phase")
PHASE_KEYS = ("kind", "seconds", "word", "tone")
TONE_RANGE = (100.0, 2000.0)
"""Hz a cue tone may use: audible on small speakers, not piercing"""
_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_PHASE_HEADER = re.compile(r"^\[\[\s*phase\s*\]\]")
_KEY = re.compile(r"""^(["']?)([A-Za-z0-9_-]+)\1\s*=""")

Warn = Callable[[str], None]


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


def _line_of(text: str, key: str | None, phase: int | None) -> int | None:
    """The line of ``key`` at the top level (``phase`` None) or in the n-th [[phase]] (key None: its header)."""
    current = 0  # 0: the top level; n: inside the n-th [[phase]]; -1: another table
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if _PHASE_HEADER.match(stripped):
            current += 1 if current >= 0 else 0
            if current == phase and key is None:
                return number
            continue
        if stripped.startswith("["):
            if key is not None and phase is None and re.match(rf"^\[\s*{re.escape(key)}\s*\]", stripped):
                return number  # [phase] written with single brackets
            current = -1
            continue
        found = _KEY.match(stripped)
        if found and found.group(2) == key and current == (phase or 0):
            return number
    return None


class _Checker:
    """Validation helpers that know which file they are reading, and where in it each field is."""

    def __init__(self, file: str, text: str = "") -> None:
        self.file = file
        self.text = text

    def fail(self, template: str, at: str | None = None, phase: int | None = None, **fields: Any) -> PatternError:
        """One line; ``at`` (a key) and ``phase`` say where, so the line number can be named."""
        line = _line_of(self.text, at, phase) if self.text and (at or phase) else None
        where = f"{self.file} line {line}" if line else self.file
        return PatternError(template.format(file=where, **fields))

    def unknown_keys(self, table: dict[str, Any], allowed: tuple[str, ...], where: str, phase: int | None) -> None:
        for key in table:
            if key not in allowed:
                field = f"{where}'{key}'" if where else f"'{key}'"
                quoted = ", ".join(f"'{k}'" for k in allowed)
                raise self.fail(messages.PATTERN_UNKNOWN_KEY, key, phase, field=field, allowed=quoted)

    def text_field(
        self, value: Any, key: str, field: str, required: bool = False, fix: str = "", phase: int | None = None
    ) -> str:
        if value is None:
            if required:
                raise self.fail(messages.PATTERN_FIELD_MISSING, None, phase, field=field, fix=fix)
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(
                messages.PATTERN_FIELD_TYPE, key, phase, field=field, expected="non-empty text", got=_describe(value)
            )
        return value.strip()

    def number(self, value: Any, key: str, field: str, low: float, high: float, phase: int | None = None) -> float:
        """A finite number from ``low`` to ``high``: inf, nan and 1e308 are typos, never a run without end."""
        if not _is_number(value):
            raise self.fail(
                messages.PATTERN_FIELD_TYPE, key, phase, field=field, expected="a number", got=_describe(value)
            )
        if not low <= value <= high:
            raise self.fail(messages.PATTERN_FIELD_RANGE, key, phase, field=field, low=low, high=high, got=value)
        return float(value)


def _phase(check: _Checker, n: int, table: Any) -> Phase:
    where = f"phase {n} "
    if not isinstance(table, dict):
        raise check.fail(
            messages.PATTERN_FIELD_TYPE, "phase", field=f"phase {n}", expected="a [[phase]] table", got=_describe(table)
        )
    check.unknown_keys(table, PHASE_KEYS, where, n)
    kind = table.get("kind")
    if kind is None:
        raise check.fail(
            messages.PATTERN_FIELD_MISSING,
            None,
            n,
            field=f"{where}'kind'",
            fix='add kind = "inhale" (or hold, exhale, rest)',
        )
    if kind not in PHASE_KINDS:
        raise check.fail(
            messages.PATTERN_FIELD_CHOICE, "kind", n, field=f"{where}'kind'", choices=", ".join(PHASE_KINDS), got=kind
        )
    if "seconds" not in table:
        raise check.fail(messages.PATTERN_FIELD_MISSING, None, n, field=f"{where}'seconds'", fix="add seconds = 4")
    seconds = check.number(table["seconds"], "seconds", f"{where}'seconds'", MIN_PHASE_SECONDS, MAX_PHASE_SECONDS, n)
    word = check.text_field(table.get("word"), "word", f"{where}'word'", phase=n)
    if "word" in table and not word:
        raise check.fail(
            messages.PATTERN_FIELD_TYPE,
            "word",
            n,
            field=f"{where}'word'",
            expected="non-empty text",
            got=_describe(table["word"]),
        )
    tone = table.get("tone")
    if tone is not None:
        if not _is_number(tone):
            raise check.fail(
                messages.PATTERN_FIELD_TYPE,
                "tone",
                n,
                field=f"{where}'tone'",
                expected="a number of Hz",
                got=_describe(tone),
            )
        tone = check.number(tone, "tone", f"{where}'tone'", *TONE_RANGE, phase=n)
    return Phase(kind, seconds, word, tone)


def parse_pattern(data: dict[str, Any], file: str, default_id: str, source: str = "", text: str = "") -> BreathPattern:
    """A BreathPattern from an already-decoded TOML document; errors name ``file`` (and the line, given ``text``)."""
    check = _Checker(file, text)
    check.unknown_keys(data, TOP_KEYS, "", None)
    pattern_id = data.get("id", default_id)
    if not isinstance(pattern_id, str) or not _ID.match(pattern_id):
        raise check.fail(messages.PATTERN_BAD_ID, "id", got=pattern_id)
    name = check.text_field(data.get("name"), "name", "'name'", required=True, fix='add name = "My pattern"')
    purpose = check.text_field(data.get("purpose"), "purpose", "'purpose'")
    caution = check.text_field(data.get("caution"), "caution", "'caution'")

    cycles = minutes = None
    if "cycles" in data and "minutes" in data:
        raise check.fail(messages.PATTERN_CYCLES_OR_MINUTES, "cycles")
    if "cycles" in data:
        value = data["cycles"]
        if not isinstance(value, int) or isinstance(value, bool):
            raise check.fail(
                messages.PATTERN_FIELD_TYPE, "cycles", field="'cycles'", expected="a whole number", got=_describe(value)
            )
        if value < 1:
            raise check.fail(messages.PATTERN_FIELD_MIN, "cycles", field="'cycles'", minimum=1, got=value)
        cycles = value
    elif "minutes" in data:
        value = data["minutes"]
        if _is_number(value) and value <= 0:
            raise check.fail(
                messages.PATTERN_FIELD_TYPE, "minutes", field="'minutes'", expected="more than 0", got=_describe(value)
            )
        minutes = check.number(value, "minutes", "'minutes'", 0, MAX_SESSION_MINUTES)
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
            "phase",
            field="'phase'",
            expected="[[phase]] tables (double brackets)",
            got=_describe(tables),
        )
    phases = tuple(_phase(check, n, table) for n, table in enumerate(tables, start=1))
    pattern = BreathPattern(
        id=pattern_id,
        name=name,
        phases=phases,
        purpose=purpose,
        caution=caution,
        default_minutes=minutes,
        default_cycles=cycles,
        source=source or file,
    )
    try:
        plan_cycles(pattern)  # the whole session, not only each number, must be sane
    except PatternError as error:
        raise check.fail(messages.PATTERN_SESSION, "cycles" if cycles else "minutes", problem=error) from None
    return pattern


def load_pattern_file(path: str | Path) -> BreathPattern:
    """Read and validate one pattern file."""
    path = Path(path)
    file = path.name
    try:
        text = path.read_bytes().decode("utf-8")
        data = tomllib.loads(text)
    except FileNotFoundError:
        raise PatternError(messages.PATTERN_FILE_MISSING.format(file=path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise PatternError(messages.PATTERN_TOML_SYNTAX.format(file=file, error=exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        error = getattr(exc, "strerror", None) or exc.__class__.__name__
        raise PatternError(messages.PATTERN_FILE_UNREADABLE.format(file=file, error=error)) from None
    return parse_pattern(data, file, default_id=path.stem, source=str(path), text=text)


def _scan(directory: Path) -> tuple[dict[str, BreathPattern], dict[str, PatternError]]:
    """The good patterns by id, and each bad file's error by the file's stem."""
    found: dict[str, BreathPattern] = {}
    bad: dict[str, PatternError] = {}
    if not directory.is_dir():
        return found, bad
    for path in sorted(directory.glob("*.toml")):
        try:
            pattern = load_pattern_file(path)
            if pattern.id in BUILTIN_PATTERNS:
                raise PatternError(messages.PATTERN_ID_BUILTIN.format(file=path.name, id=pattern.id))
            if pattern.id in found:
                other = Path(found[pattern.id].source).name
                raise PatternError(messages.PATTERN_ID_DUPLICATE.format(file=path.name, id=pattern.id, other=other))
        except PatternError as error:
            bad[path.stem] = error
            continue
        found[pattern.id] = pattern
    return found, bad


def custom_patterns(directory: str | Path | None = None, warn: Warn | None = None) -> dict[str, BreathPattern]:
    """Every good ``*.toml`` pattern in ``directory`` (the user's patterns dir by default), by id.

    A bad file is left out; ``warn`` gets one line for each, naming the file and line.
    """
    found, bad = _scan(Path(directory) if directory is not None else patterns_dir())
    for error in bad.values():
        if warn is not None:
            warn(messages.PATTERN_SKIPPED.format(problem=error))
    return found


def all_patterns(directory: str | Path | None = None, warn: Warn | None = None) -> dict[str, BreathPattern]:
    """Built-ins first, then the person's own patterns."""
    return {**BUILTIN_PATTERNS, **custom_patterns(directory, warn)}


def find_pattern(name: str, directory: str | Path | None = None, warn: Warn | None = None) -> BreathPattern:
    """A pattern by id, or from a file when ``name`` is a path to a .toml file.

    Asking for a pattern whose own file is bad gives that file's error; other
    bad files are only warned about.
    """
    if name.endswith(".toml") or "/" in name:
        return load_pattern_file(name)
    found, bad = _scan(Path(directory) if directory is not None else patterns_dir())
    if name in bad and name not in BUILTIN_PATTERNS and name not in found:
        raise bad[name]
    for error in bad.values():
        if warn is not None:
            warn(messages.PATTERN_SKIPPED.format(problem=error))
    patterns = {**BUILTIN_PATTERNS, **found}
    try:
        return patterns[name]
    except KeyError:
        raise PatternError(messages.PATTERN_UNKNOWN.format(name=name, choices=", ".join(patterns))) from None
