"""Passphrases typed at a real terminal: how often it asks, and which passphrases it accepts."""

from __future__ import annotations

import pytest

from tests.terminal import Terminal
from voiceguide import messages
from voiceguide.journal import crypto, passphrase
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths

pytest.importorskip("sqlcipher3")

SECRET = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_unlock_state():
    passphrase.forget()
    yield
    passphrase.forget()


def encrypted_journal() -> None:
    with Journal.open() as jr:
        jr.add_entry("a private thought", kind="note")
    crypto.encrypt(SECRET)
    passphrase.forget()


def answer_every_prompt(term: Terminal, answer: str, prompt: str = "Passphrase for", most: int = 10) -> int:
    """Type ``answer`` at each prompt until the command ends; how many times it asked."""
    asked = 0
    while asked < most and term.expect(prompt, count=asked + 1):
        asked += 1
        term.type(answer)
    return asked


@pytest.mark.parametrize("command", [["journal", "list"], ["journal", "add", "more"], ["journal", "decrypt", "--yes"]])
def test_a_wrong_passphrase_is_asked_three_times_in_all_then_exit_1(command):
    encrypted_journal()
    before = user_paths().journal.read_bytes()
    term = Terminal(*command)
    asked = answer_every_prompt(term, "not the passphrase")
    assert term.wait() == 1
    assert asked == 3
    assert term.lines()[-1] == "Error: " + messages.JOURNAL_WRONG_PASSPHRASE.format(path=user_paths().journal)
    assert user_paths().journal.read_bytes() == before


def test_the_right_passphrase_on_the_last_try_opens_the_journal():
    encrypted_journal()
    term = Terminal("journal", "list")
    for k in range(2):
        term.expect("Passphrase for", count=k + 1)
        term.type("not yet")
    term.expect("Passphrase for", count=3)
    term.type(SECRET)
    assert term.wait() == 0
    assert "a private thought" in term.output

