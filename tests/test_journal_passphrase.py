"""Passphrases typed at a real terminal: how often it asks, and which passphrases it accepts."""

from __future__ import annotations

import pytest

from tests.cli_helpers import run_voiceguide
from tests.terminal import Terminal
from voiceguide import messages
from voiceguide.errors import WrongPassphrase
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


# a new passphrase: typed twice, hidden, and one that can be typed again later


def plain_journal() -> None:
    with Journal.open() as jr:
        jr.add_entry("before encryption", kind="note")


def opens_with(secret: str) -> bool:
    passphrase.forget()
    try:
        with Journal.open(passphrase=secret) as jr:
            return [e.text for e in jr.list()] == ["before encryption"]
    except WrongPassphrase:
        return False


NEW_PROMPTS = ("New passphrase: ", "Repeat for confirmation: ")


def type_new(term: Terminal, *answers: str) -> None:
    """Type each answer at the next new-passphrase prompt (first or confirmation)."""
    for typed in answers:
        term.answer(typed, *NEW_PROMPTS)


def test_encrypt_asks_twice_with_hidden_input_and_again_after_a_mismatch():
    plain_journal()
    term = Terminal("journal", "encrypt")
    type_new(term, "kumquat", "lychee", "kumquat", "kumquat")
    assert term.wait() == 0
    assert "do not match" in term.output
    assert "kumquat" not in term.output and "lychee" not in term.output  # hidden: never echoed
    assert crypto.is_encrypted()
    assert opens_with("kumquat")


def test_passwd_unlocks_first_then_asks_the_new_one_twice():
    encrypted_journal()
    term = Terminal("journal", "passwd")
    term.expect("Passphrase for")
    term.type(SECRET)
    type_new(term, "fresh", "fresh")
    assert term.wait() == 0, term.output
    passphrase.forget()
    with pytest.raises(WrongPassphrase):
        Journal.open(passphrase=SECRET)
    with Journal.open(passphrase="fresh") as jr:
        assert [e.text for e in jr.list()] == ["a private thought"]


def test_a_passphrase_too_long_to_type_is_refused_at_the_prompt_and_asked_again():
    plain_journal()
    longest = "x" * passphrase.MAX_TYPED_CHARACTERS
    term = Terminal("journal", "encrypt")
    type_new(term, longest + "y")
    term.expect("New passphrase: ", count=2)
    assert messages.PASSPHRASE_TOO_LONG.format(length=len(longest) + 1, most=len(longest)) in term.output
    type_new(term, longest, longest)
    assert term.wait() == 0, term.output
    assert opens_with(longest)
    # and the longest one can be typed at the prompt that unlocks it
    term = Terminal("journal", "list")
    term.expect("Passphrase for")
    term.type(longest)
    assert term.wait() == 0, term.output
    assert "before encryption" in term.output


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("two\nlines", messages.PASSPHRASE_UNTYPABLE),
        ("a carriage\rreturn", messages.PASSPHRASE_UNTYPABLE),
        ("bell\x07", messages.PASSPHRASE_UNTYPABLE),
        ("y" * 1025, messages.PASSPHRASE_TOO_LONG.format(length=1025, most=1024)),
    ],
)
def test_an_untypable_passphrase_from_the_environment_is_refused_with_the_reason(secret, message):
    plain_journal()
    before = user_paths().journal.read_bytes()
    refused = run_voiceguide("journal", "encrypt", env={"VOICEGUIDE_NEW_PASSPHRASE": secret})
    assert (refused.returncode, refused.stderr.strip()) == (1, "Error: " + message)
    assert not crypto.is_encrypted() and user_paths().journal.read_bytes() == before
    run_voiceguide("journal", "encrypt", env={"VOICEGUIDE_NEW_PASSPHRASE": SECRET})
    before = user_paths().journal.read_bytes()
    refused = run_voiceguide(
        "journal", "passwd", env={"VOICEGUIDE_PASSPHRASE": SECRET, "VOICEGUIDE_NEW_PASSPHRASE": secret}
    )
    assert (refused.returncode, refused.stderr.strip()) == (1, "Error: " + message)
    assert user_paths().journal.read_bytes() == before
    assert opens_with(SECRET)


def test_a_tab_and_any_letters_can_be_typed_so_they_are_accepted():
    plain_journal()
    secret = "tab\there · ünïcödé · 日本語"
    done = run_voiceguide("journal", "encrypt", env={"VOICEGUIDE_NEW_PASSPHRASE": secret})
    assert done.returncode == 0, done.stderr
    assert opens_with(secret)


def test_encrypt_without_a_terminal_or_a_variable_says_how_to_give_the_passphrase():
    plain_journal()
    before = user_paths().journal.read_bytes()
    for command in (["journal", "encrypt"], ["journal", "passwd"]):
        result = run_voiceguide(*command, env={"VOICEGUIDE_PASSPHRASE": SECRET} if command[1] == "passwd" else {})
        assert result.returncode == 1, result.stderr
        assert result.stderr.strip() == "Error: " + messages.PASSPHRASE_NO_TERMINAL
        assert "Warning" not in result.stderr
        if command[1] == "encrypt":
            assert user_paths().journal.read_bytes() == before
            run_voiceguide("journal", "encrypt", env={"VOICEGUIDE_NEW_PASSPHRASE": SECRET})
    assert opens_with(SECRET)
