"""Saved settings apply to every command that speaks; flags and VOICEGUIDE_* variables win."""

from __future__ import annotations

from tests.cli_helpers import run_voiceguide
from voiceguide.audio.clip import read_wav


def rendered_seconds(tmp_path, name: str, *args: str, env: dict | None = None) -> float:
    out = tmp_path / name
    result = run_voiceguide("read", "--section", "1", "--to-file", str(out), *args, env=env)
    assert result.returncode == 0, result.stderr
    return read_wav(out).duration


def test_saved_rate_is_the_default_and_flags_and_env_override_it(tmp_path):
    assert run_voiceguide("config", "set", "rate", "320").returncode == 0
    saved = rendered_seconds(tmp_path, "saved.wav")
    flag = rendered_seconds(tmp_path, "flag.wav", "--rate", "140")
    env = rendered_seconds(tmp_path, "env.wav", env={"VOICEGUIDE_RATE": "140"})
    assert saved < flag * 0.75
    assert abs(env - flag) < 0.5


def test_commands_that_do_not_use_the_journal_never_open_it(voiceguide_home):
    result = run_voiceguide("sections")
    assert result.returncode == 0
    assert not (voiceguide_home / "data" / "journal.db").exists()
