"""The person's own patterns from TOML: loading, merging, and one-line errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from voiceguide import messages
from voiceguide.breathing.custom import (
    all_patterns,
    custom_patterns,
    find_pattern,
    load_pattern_file,
    patterns_dir,
)
from voiceguide.breathing.patterns import BUILTIN_PATTERNS, plan_cycles
from voiceguide.errors import PatternError
from voiceguide.settings import user_paths

VALID = """\
name = "Calm box"
purpose = "A gentler box"
minutes = 6

[[phase]]
kind = "inhale"
seconds = 4
word = "In through the nose"
tone = 500

[[phase]]
kind = "hold"
seconds = 2

[[phase]]
kind = "exhale"
seconds = 6.5
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(textwrap.dedent(text))
    return path


def phases(*tables: str) -> str:
    return "".join(f"\n[[phase]]\n{t}\n" for t in tables)


def test_a_valid_file_loads(tmp_path):
    pattern = load_pattern_file(write(tmp_path, "calm-box.toml", VALID))
    assert pattern.id == "calm-box"  # from the file name
    assert pattern.name == "Calm box"
    assert pattern.purpose == "A gentler box"
    assert [(p.kind, p.seconds) for p in pattern.phases] == [("inhale", 4), ("hold", 2), ("exhale", 6.5)]
    assert pattern.phases[0].word == "In through the nose"
    assert pattern.phases[0].pitch == 500
    assert pattern.phases[1].word == "Hold"  # the usual word when none is given
    assert pattern.has_holds and pattern.caution == messages.BREATH_CAUTION_HOLDS
    assert plan_cycles(pattern) == 29  # 6 min of 12.5 s cycles = 28.8
    assert pattern.source.endswith("calm-box.toml")


def test_id_and_cycles_can_be_given(tmp_path):
    text = 'id = "mine"\nname = "Mine"\ncycles = 12\ncaution = "Go easy."\n' + phases(
        'kind = "inhale"\nseconds = 3', 'kind = "exhale"\nseconds = 5'
    )
    pattern = load_pattern_file(write(tmp_path, "whatever.toml", text))
    assert pattern.id == "mine"
    assert pattern.caution == "Go easy."
    assert plan_cycles(pattern) == 12


HEAD = 'name = "Box two"\nminutes = 5\n'
IN = 'kind = "inhale"\nseconds = 4'
OUT = 'kind = "exhale"\nseconds = 4'


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            HEAD + phases(IN, 'kind = "hold"\nseconds = 0.2'),
            "box2.toml line 10: phase 2 'seconds' must be between 0.5 and 60 (got 0.2)",
        ),
        ("minutes = 5\n" + phases(IN), "box2.toml: 'name' is missing; add name = "),
        ('name = ""\nminutes = 5\n' + phases(IN), "box2.toml line 1: 'name' must be non-empty text"),
        ("name = 3\nminutes = 5\n" + phases(IN), "box2.toml line 1: 'name' must be non-empty text (got 3)"),
        (
            HEAD + phases('kind = "sniff"\nseconds = 4'),
            "box2.toml line 5: phase 1 'kind' must be one of inhale, hold, exhale, rest (got 'sniff')",
        ),
        (HEAD + phases("seconds = 4"), "box2.toml line 4: phase 1 'kind' is missing; add kind = "),
        (HEAD + phases('kind = "inhale"'), "box2.toml line 4: phase 1 'seconds' is missing; add seconds = 4"),
        (
            HEAD + phases('kind = "inhale"\nseconds = "four"'),
            "box2.toml line 6: phase 1 'seconds' must be a number (got text 'four')",
        ),
        (
            HEAD + phases(IN, OUT + "\ntone = 50"),
            "box2.toml line 11: phase 2 'tone' must be between 100 and 2000 (got 50)",
        ),
        (HEAD + phases(IN + '\ntone = "high"'), "box2.toml line 7: phase 1 'tone' must be a number of Hz"),
        (HEAD + phases(IN + '\nword = ""'), "box2.toml line 7: phase 1 'word' must be non-empty text"),
        (HEAD + phases(IN + "\nsecs = 3"), "box2.toml line 7: unknown key phase 1 'secs'; allowed keys are 'kind'"),
        (HEAD + "phases = 3\n" + phases(IN), "box2.toml line 3: unknown key 'phases'; allowed keys are"),
        (
            'name = "x"\nminutes = 5\ncycles = 3\n' + phases(IN),
            "box2.toml line 3: give 'cycles' or 'minutes', not both",
        ),
        ('name = "x"\n' + phases(IN), "box2.toml: 'cycles' or 'minutes' is missing; add minutes = 5"),
        ('name = "x"\ncycles = 2.5\n' + phases(IN), "box2.toml line 2: 'cycles' must be a whole number (got 2.5)"),
        ('name = "x"\ncycles = 0\n' + phases(IN), "box2.toml line 2: 'cycles' must be at least 1 (got 0)"),
        ('name = "x"\nminutes = 0\n' + phases(IN), "box2.toml line 2: 'minutes' must be more than 0 (got 0)"),
        ('name = "x"\nminutes = true\n' + phases(IN), "box2.toml line 2: 'minutes' must be a number (got true)"),
        (HEAD, "box2.toml: no [[phase]] tables; add at least one"),
        (HEAD + '[phase]\nkind = "inhale"\nseconds = 4\n', "box2.toml line 3: 'phase' must be [[phase]] tables"),
        ('id = "my box"\n' + HEAD + phases(IN), "box2.toml line 1: 'id' must be letters, digits"),
    ],
)
def test_each_mistake_is_one_line_naming_file_and_field(tmp_path, text, expected):
    path = write(tmp_path, "box2.toml", text)
    with pytest.raises(PatternError) as err:
        load_pattern_file(path)
    message = str(err.value)
    assert message.startswith(expected), message
    assert "\n" not in message


def test_invalid_toml_names_the_file_and_line(tmp_path):
    path = write(tmp_path, "box2.toml", 'name = "Box two"\nminutes = 5\nkind inhale\n')
    with pytest.raises(PatternError) as err:
        load_pattern_file(path)
    message = str(err.value)
    assert message.startswith("box2.toml: not valid TOML: ")
    assert "line 3" in message
    assert "\n" not in message


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(PatternError, match="no such pattern file"):
        load_pattern_file(tmp_path / "nope.toml")


def test_a_file_that_is_not_text_is_a_clear_error(tmp_path):
    path = tmp_path / "bin.toml"
    path.write_bytes(b'name = "\xff\xfe"\n')
    with pytest.raises(PatternError, match="bin.toml: "):
        load_pattern_file(path)


def test_patterns_dir_is_in_the_user_config_dir():
    assert patterns_dir() == user_paths().config / "patterns"


def test_all_patterns_merges_builtins_and_the_users_files():
    write(patterns_dir(), "calm.toml", VALID)
    write(patterns_dir(), "notes.txt", "not a pattern")
    patterns = all_patterns()
    assert list(patterns)[: len(BUILTIN_PATTERNS)] == list(BUILTIN_PATTERNS)
    assert patterns["calm"].name == "Calm box"
    assert find_pattern("calm").name == "Calm box"
    assert find_pattern("box") is BUILTIN_PATTERNS["box"]


def test_no_patterns_dir_means_only_builtins():
    assert custom_patterns() == {}
    assert all_patterns() == BUILTIN_PATTERNS


def test_a_custom_id_clashing_with_a_builtin_is_skipped_naming_the_file():
    write(patterns_dir(), "mybox.toml", 'id = "box"\n' + VALID)
    warnings = []
    assert all_patterns(warn=warnings.append) == BUILTIN_PATTERNS
    problem = messages.PATTERN_ID_BUILTIN.format(file="mybox.toml", id="box")
    assert warnings == [messages.PATTERN_SKIPPED.format(problem=problem)]
    assert find_pattern("box") is BUILTIN_PATTERNS["box"]


def test_two_files_with_one_id_keep_the_first_and_name_both(tmp_path):
    write(tmp_path, "a.toml", 'id = "same"\n' + VALID)
    write(tmp_path, "b.toml", 'id = "same"\n' + VALID.replace("Calm box", "Other box"))
    warnings = []
    assert custom_patterns(tmp_path, warn=warnings.append)["same"].name == "Calm box"
    assert len(warnings) == 1 and "b.toml: id 'same' is also used by a.toml" in warnings[0]


def test_find_pattern_by_path_and_unknown_names(tmp_path):
    path = write(tmp_path, "walk.toml", VALID)
    assert find_pattern(str(path)).id == "walk"
    with pytest.raises(PatternError, match="Unknown breathing pattern 'walk'"):
        find_pattern("walk")


# absurd numbers: a clear line naming file and line, never OverflowError or a session without end


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("seconds", "inf", "box2.toml line 6: phase 1 'seconds' must be between 0.5 and 60 (got inf)"),
        ("seconds", "nan", "box2.toml line 6: phase 1 'seconds' must be between 0.5 and 60 (got nan)"),
        ("seconds", "1e308", "box2.toml line 6: phase 1 'seconds' must be between 0.5 and 60 (got 1e+308)"),
        ("seconds", "61", "box2.toml line 6: phase 1 'seconds' must be between 0.5 and 60 (got 61)"),
        ("tone", "inf", "box2.toml line 7: phase 1 'tone' must be between 100 and 2000 (got inf)"),
        ("minutes", "inf", "box2.toml line 2: 'minutes' must be between 0 and 180 (got inf)"),
        ("minutes", "1e308", "box2.toml line 2: 'minutes' must be between 0 and 180 (got 1e+308)"),
        ("minutes", "-inf", "box2.toml line 2: 'minutes' must be more than 0 (got -inf)"),
        ("minutes", "181", "box2.toml line 2: 'minutes' must be between 0 and 180 (got 181)"),
        (
            "cycles",
            "1000000000000000000",
            "box2.toml line 2: A session lasts at most 3 hours: the x pattern allows at most 2700 cycles "
            "(asked for 1000000000000000000).",
        ),
        ("cycles", "1e18", "box2.toml line 2: 'cycles' must be a whole number (got 1e+18)"),
    ],
)
def test_absurd_numbers_are_one_clear_line_naming_file_and_line(tmp_path, field, value, expected):
    top = {"minutes": f"minutes = {value}", "cycles": f"cycles = {value}"}.get(field, "minutes = 5")
    phase = {"seconds": f'kind = "inhale"\nseconds = {value}', "tone": f"{IN}\ntone = {value}"}.get(field, IN)
    path = write(tmp_path, "box2.toml", f'name = "x"\n{top}\n' + phases(phase))
    with pytest.raises(PatternError) as err:
        load_pattern_file(path)
    message = str(err.value)
    assert message.startswith(expected), message
    assert "\n" not in message


def test_a_cycle_longer_than_a_session_is_refused(tmp_path):
    many = phases(*['kind = "rest"\nseconds = 60' for _ in range(181)])
    path = write(tmp_path, "long.toml", 'name = "x"\nminutes = 5\n' + many)
    with pytest.raises(PatternError, match=r"^long.toml line 2: One cycle of the x pattern lasts more than 3 hours"):
        load_pattern_file(path)


def test_three_hours_is_the_longest_session_and_allowed(tmp_path):
    path = write(tmp_path, "long.toml", 'name = "x"\nminutes = 180\n' + phases('kind = "inhale"\nseconds = 60'))
    assert plan_cycles(load_pattern_file(path)) == 180
    path = write(tmp_path, "many.toml", 'name = "x"\ncycles = 2700\n' + phases(IN))
    assert plan_cycles(load_pattern_file(path)) == 2700


def test_a_bad_file_is_skipped_with_one_warning_and_the_rest_still_work():
    write(patterns_dir(), "calm.toml", VALID)
    write(patterns_dir(), "broken.toml", 'name = "x"\nminutes = 5\n' + phases('kind = "inhale"\nseconds = inf'))
    write(patterns_dir(), "syntax.toml", 'name = "x\n')
    warnings = []
    patterns = all_patterns(warn=warnings.append)
    assert set(patterns) == {*BUILTIN_PATTERNS, "calm"}
    assert warnings == [
        messages.PATTERN_SKIPPED.format(
            problem="broken.toml line 6: phase 1 'seconds' must be between 0.5 and 60 (got inf)."
        ),
        warnings[1],
    ]
    assert warnings[1].startswith(messages.PATTERN_SKIPPED.format(problem="syntax.toml: not valid TOML: "))
    assert "line 1" in warnings[1]
    found = []
    assert find_pattern("calm", warn=found.append).name == "Calm box"
    assert find_pattern("box", warn=found.append) is BUILTIN_PATTERNS["box"]
    assert len(found) == 4  # each look-up warns once per bad file
    with pytest.raises(PatternError, match=r"^broken.toml line 6: phase 1 'seconds'"):
        find_pattern("broken")  # asked for by name: its own error, not "unknown"
