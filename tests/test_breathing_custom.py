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
            "box2.toml: phase 2 'seconds' must be at least 0.5 (got 0.2)",
        ),
        ("minutes = 5\n" + phases(IN), "box2.toml: 'name' is missing; add name = "),
        ('name = ""\nminutes = 5\n' + phases(IN), "box2.toml: 'name' must be non-empty text"),
        ("name = 3\nminutes = 5\n" + phases(IN), "box2.toml: 'name' must be non-empty text (got 3)"),
        (
            HEAD + phases('kind = "sniff"\nseconds = 4'),
            "box2.toml: phase 1 'kind' must be one of inhale, hold, exhale, rest (got 'sniff')",
        ),
        (HEAD + phases("seconds = 4"), "box2.toml: phase 1 'kind' is missing; add kind = "),
        (HEAD + phases('kind = "inhale"'), "box2.toml: phase 1 'seconds' is missing; add seconds = 4"),
        (
            HEAD + phases('kind = "inhale"\nseconds = "four"'),
            "box2.toml: phase 1 'seconds' must be a number (got text 'four')",
        ),
        (HEAD + phases(IN, OUT + "\ntone = 50"), "box2.toml: phase 2 'tone' must be between 100 and 2000 (got 50)"),
        (HEAD + phases(IN + '\ntone = "high"'), "box2.toml: phase 1 'tone' must be a number of Hz"),
        (HEAD + phases(IN + '\nword = ""'), "box2.toml: phase 1 'word' must be non-empty text"),
        (HEAD + phases(IN + "\nsecs = 3"), "box2.toml: unknown key phase 1 'secs'; allowed keys are 'kind'"),
        (HEAD + "phases = 3\n" + phases(IN), "box2.toml: unknown key 'phases'; allowed keys are"),
        ('name = "x"\nminutes = 5\ncycles = 3\n' + phases(IN), "box2.toml: give 'cycles' or 'minutes', not both"),
        ('name = "x"\n' + phases(IN), "box2.toml: 'cycles' or 'minutes' is missing; add minutes = 5"),
        ('name = "x"\ncycles = 2.5\n' + phases(IN), "box2.toml: 'cycles' must be a whole number (got 2.5)"),
        ('name = "x"\ncycles = 0\n' + phases(IN), "box2.toml: 'cycles' must be at least 1 (got 0)"),
        ('name = "x"\nminutes = 0\n' + phases(IN), "box2.toml: 'minutes' must be more than 0 (got 0)"),
        ('name = "x"\nminutes = true\n' + phases(IN), "box2.toml: 'minutes' must be a number (got true)"),
        (HEAD, "box2.toml: no [[phase]] tables; add at least one"),
        (HEAD + '[phase]\nkind = "inhale"\nseconds = 4\n', "box2.toml: 'phase' must be [[phase]] tables"),
        ('id = "my box"\n' + HEAD + phases(IN), "box2.toml: 'id' must be letters, digits"),
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


def test_a_custom_id_clashing_with_a_builtin_names_the_file():
    write(patterns_dir(), "mybox.toml", 'id = "box"\n' + VALID)
    with pytest.raises(PatternError) as err:
        all_patterns()
    assert str(err.value) == messages.PATTERN_ID_BUILTIN.format(file="mybox.toml", id="box")


def test_two_files_with_one_id_name_both(tmp_path):
    write(tmp_path, "a.toml", 'id = "same"\n' + VALID)
    write(tmp_path, "b.toml", 'id = "same"\n' + VALID)
    with pytest.raises(PatternError, match="b.toml: id 'same' is also used by a.toml"):
        custom_patterns(tmp_path)


def test_find_pattern_by_path_and_unknown_names(tmp_path):
    path = write(tmp_path, "walk.toml", VALID)
    assert find_pattern(str(path)).id == "walk"
    with pytest.raises(PatternError, match="Unknown breathing pattern 'walk'"):
        find_pattern("walk")
