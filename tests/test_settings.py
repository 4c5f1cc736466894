"""Where voiceguide keeps its files: VOICEGUIDE_HOME as a file, odd characters, a relative path."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide import messages

pytest.importorskip("sqlcipher3")

COMMANDS = (
    ["journal", "add", "a note"],
    ["journal", "list"],
    ["config", "set", "rate", "150"],
    ["breathe", "--list"],
    ["reflect", "--text"],
)


def tree(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("below", ["", "sub/folder"])
def test_a_home_that_is_a_file_or_under_one_is_one_clear_line(tmp_path, below):
    plain = tmp_path / "plain-file"
    plain.write_text("not a folder\n")
    home = plain / below if below else plain
    for command in COMMANDS:
        result = run_voiceguide(*command, env={"VOICEGUIDE_HOME": str(home)}, input="text\n")
        assert result.returncode == 1, command
        assert result.stderr.strip() == "Error: " + messages.HOME_NOT_A_FOLDER.format(home=home, path=plain), command
    assert plain.read_text() == "not a folder\n"
    assert tree(tmp_path) == ["plain-file"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["with#hash", "with?question", "with%20percent", "with ?#%3F all", "file:colon"])
def test_odd_characters_in_home_are_never_read_as_a_uri(tmp_path, name):
    parent = tmp_path / "parent"
    parent.mkdir()
    env = {"VOICEGUIDE_HOME": str(parent / name), "VOICEGUIDE_PASSPHRASE": "odd but fine"}
    for command in (["journal", "add", "first"], ["journal", "list"], ["config", "set", "rate", "150"]):
        result = run_voiceguide(*command, env=env)
        assert result.returncode == 0, (command, result.stderr)
    assert run_voiceguide("journal", "encrypt", env=env).returncode == 0
    added = run_voiceguide("journal", "add", "second", env=env)  # the recovery peek, then the encrypted journal
    assert added.returncode == 0, added.stderr
    listed = run_voiceguide("journal", "list", env=env)
    assert "first" in listed.stdout and "second" in listed.stdout
    assert run_voiceguide("journal", "decrypt", "--yes", env=env).returncode == 0
    assert os.listdir(parent) == [name]  # nothing beside the home: no stray file from a misread path
    assert sorted(os.listdir(parent / name / "data")) == ["journal.db"]


def test_a_relative_home_is_taken_from_where_the_command_starts(tmp_path):
    """`file:x?y` relative to the working folder is a folder name, not a URI."""
    env = dict(os.environ, VOICEGUIDE_HOME="file:x?y#z")
    result = subprocess.run(
        [sys.executable, "-m", "voiceguide", "journal", "add", "relative"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "file:x?y#z" / "data" / "journal.db").is_file()
    assert sorted(os.listdir(tmp_path)) == ["file:x?y#z"]
