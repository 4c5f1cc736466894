"""Saved settings apply to every command that speaks; flags and VOICEGUIDE_* variables win."""

from __future__ import annotations

import pytest

from tests.cli_helpers import invoke_voiceguide, run_voiceguide
from voiceguide import messages
from voiceguide.audio.clip import read_wav
from voiceguide.speech.models import tiny_path


def rendered_seconds(tmp_path, name: str, *args: str, env: dict | None = None) -> float:
    out = tmp_path / name
    result = invoke_voiceguide("read", "--section", "1", "--to-file", str(out), *args, env=env)
    assert result.returncode == 0, result.stderr
    return read_wav(out).duration


@pytest.mark.slow
def test_saved_rate_is_the_default_and_flags_and_env_override_it(tmp_path):
    assert invoke_voiceguide("config", "set", "rate", "320").returncode == 0
    saved = rendered_seconds(tmp_path, "saved.wav")
    flag = rendered_seconds(tmp_path, "flag.wav", "--rate", "140")
    env = rendered_seconds(tmp_path, "env.wav", env={"VOICEGUIDE_RATE": "140"})
    assert saved < flag * 0.75
    assert abs(env - flag) < 0.5


def test_commands_that_do_not_use_the_journal_never_open_it(voiceguide_home):
    result = invoke_voiceguide("sections")
    assert result.returncode == 0
    assert not (voiceguide_home / "data" / "journal.db").exists()


# repairing and keeping what is in config.toml


def write_config(home, text: str):
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def one_line_error(result) -> str:
    assert result.returncode == 1, result.stdout
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1, result.stderr
    return result.stderr.strip()


def test_config_set_repairs_each_bad_value_the_error_names(voiceguide_home):
    path = write_config(voiceguide_home, 'rate = "fast"\nvolume = 7\n')
    told = one_line_error(invoke_voiceguide("read", "--text", "--section", "1"))
    assert told == "Error: " + messages.CONFIG_BAD_VALUE.format(
        key="rate", expected="a whole number", value="fast", where=path
    )
    assert invoke_voiceguide("config", "set", "rate", "150").returncode == 0
    told = one_line_error(invoke_voiceguide("read", "--text", "--section", "1"))
    assert told == "Error: " + messages.CONFIG_OUT_OF_RANGE.format(key="volume", value=7, low=0, high=1, where=path)
    assert invoke_voiceguide("config", "set", "volume", "0.5").returncode == 0
    assert invoke_voiceguide("read", "--text", "--section", "1").returncode == 0
    assert path.read_text() == "rate = 150\nvolume = 0.5\n"


def test_config_set_keeps_unknown_keys_tables_and_comments(voiceguide_home):
    original = (
        "# my settings\n"
        "theme = 'dark'   # not voiceguide's\n"
        "volume = 0.5\n"
        "\n"
        "[plugins.lamp]\n"
        "enabled = true\n"
        "colours = [\n  [1, 2],\n]\n"
    )
    path = write_config(voiceguide_home, original)
    assert invoke_voiceguide("config", "set", "volume", "0.8").returncode == 0
    assert invoke_voiceguide("config", "set", "rate", "150").returncode == 0
    assert path.read_text() == original.replace("volume = 0.5\n", "volume = 0.8\nrate = 150\n")
    shown = invoke_voiceguide("config", "show")
    assert "rate = 150\n" in shown.stdout and "volume = 0.8\n" in shown.stdout


def test_a_layout_config_set_cannot_change_safely_is_left_alone_with_a_clear_line(voiceguide_home):
    original = 'rate = """\n150"""\n'
    path = write_config(voiceguide_home, original)
    told = one_line_error(invoke_voiceguide("config", "set", "rate", "150"))
    assert told == "Error: " + messages.CONFIG_CANNOT_EDIT.format(path=path, key="rate")
    assert path.read_text() == original


def test_config_set_refuses_names_that_name_nothing(voiceguide_home):
    told = one_line_error(invoke_voiceguide("config", "set", "breath_pattern", "nonexist"))
    assert told.startswith("Error: Unknown breathing pattern 'nonexist'. Choose one of: exhale, box")
    told = one_line_error(invoke_voiceguide("config", "set", "voice", "no-such-voice"))
    assert told == "Error: " + messages.UNKNOWN_VOICE.format(voice="no-such-voice")
    for model in ("nonexist", "tiny", str(voiceguide_home)):  # a folder without a model in it names no model
        told = one_line_error(invoke_voiceguide("config", "set", "model", model))
        assert told == "Error: " + messages.MODEL_UNKNOWN.format(name=model, names="tiny.en, base")
    assert not (voiceguide_home / "config" / "config.toml").exists()
    for key, value in (
        ("breath_pattern", "box"),
        ("voice", "gmw/en-gb-x-rp"),
        ("voice", ""),
        ("model", "tiny.en"),
        ("model", "base"),
        ("model", tiny_path()),
        ("model", ""),
    ):
        done = invoke_voiceguide("config", "set", key, value)
        assert done.returncode == 0, done.stderr
    patterns = voiceguide_home / "config" / "patterns"
    patterns.mkdir()
    (patterns / "mine.toml").write_text('name = "Mine"\nminutes = 2\n[[phase]]\nkind = "inhale"\nseconds = 4\n')
    assert invoke_voiceguide("config", "set", "breath_pattern", "mine").returncode == 0
    assert 'breath_pattern = "mine"\n' in invoke_voiceguide("config", "show").stdout


def test_a_model_flag_or_variable_that_names_no_model_is_one_line_and_saves_nothing(tmp_path):
    from tests.signals import espeak
    from voiceguide.audio.clip import Clip, write_wav

    samples, rate = espeak("A calm walk by the river.")
    spoken = tmp_path / "said.wav"
    write_wav(spoken, Clip(samples, rate))
    unknown = "Error: " + messages.MODEL_UNKNOWN.format(name="nonexist", names="tiny.en, base")
    flag = run_voiceguide("reflect", "--from-file", str(spoken), "--model", "nonexist")
    assert (flag.returncode, flag.stderr.strip()) == (1, unknown)
    variable = run_voiceguide("reflect", "--from-file", str(spoken), env={"VOICEGUIDE_MODEL": "nonexist"})
    assert (variable.returncode, variable.stderr.strip()) == (1, unknown)
    assert run_voiceguide("journal", "list", "--json").stdout.strip() in ("", "[]")
