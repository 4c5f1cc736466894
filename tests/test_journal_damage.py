"""A damaged journal: errors never quote an entry, readable entries stay readable and can be salvaged."""

from __future__ import annotations

import sqlite3

from tests.cli_helpers import run_voiceguide
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths

WORD = "thistledownharbour"
"""Appears nowhere but in the damaged entry"""


def test_errors_about_a_damaged_entry_never_contain_its_text():
    with Journal.open() as jr:
        for k in range(3):
            jr.add_entry(f"entry {k} before", kind="note")
    with sqlite3.connect(user_paths().journal) as db:  # bytes that are not UTF-8 in front of the words
        db.execute(f"UPDATE entries SET text = CAST(x'ff41ff' || CAST('{WORD} private' AS BLOB) AS TEXT) WHERE id = 2")
    for command in (
        ["journal", "show", "2"],
        ["journal", "search", "before"],
        ["journal", "stats"],
        ["journal", "edit", "2"],
    ):
        result = run_voiceguide(*command, env={"EDITOR": "true"})
        assert WORD not in result.stderr, command
        if result.returncode:
            assert result.stderr.count("\n") == 1 and "damaged" in result.stderr, (command, result.stderr)
    for command in (["journal", "list"], ["journal", "export", "--format", "json"]):
        result = run_voiceguide(*command)
        assert WORD not in result.stderr + result.stdout, command
