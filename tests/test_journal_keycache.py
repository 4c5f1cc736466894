"""The unlock cache: an unlocked encrypted journal stays unlocked for a few minutes, in the kernel keyring.

Every test runs real `voiceguide` commands in separate processes against a
real SQLCipher journal and the real Linux user keyring, as a person would.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide.errors import PassphraseRequired
from voiceguide.journal import crypto, keycache, passphrase
from voiceguide.journal.keys import file_salt
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths

pytest.importorskip("sqlcipher3")

SECRET = "correct horse battery staple"
WORD = "quokkalantern"

needs_keyring = pytest.mark.skipif(
    not keycache.available(),
    reason="no kernel keyring on this system (some containers): commands derive the key every time, "
    "which test_without_a_kernel_keyring_every_command_unlocks_anew covers",
)


@pytest.fixture(autouse=True)
def cache_on(monkeypatch):
    monkeypatch.setenv(keycache.ENV_VAR, "5")
    passphrase.forget()
    passphrase.set_prompt(None)
    yield
    path = user_paths().journal
    if path.exists():
        keycache.forget(path)
    passphrase.forget()


@pytest.fixture
def journal_path() -> Path:
    with Journal.open() as jr:
        jr.add_entry(f"The {WORD} stayed lit all night.", kind="reflection", prompt="What felt steady?")
    path = crypto.encrypt(SECRET)
    passphrase.forget()
    keycache.forget(path)
    return path


def search(env: dict | None = None):
    return run_voiceguide("journal", "search", WORD, env=env)


@needs_keyring
def test_after_one_unlock_the_next_command_needs_no_passphrase(journal_path):
    assert "passphrase" in search().stderr.lower()  # locked: no environment, no terminal
    first = search({"VOICEGUIDE_PASSPHRASE": SECRET})
    assert first.returncode == 0 and WORD in first.stdout
    second = search()  # a new process, nothing given
    assert second.returncode == 0, second.stderr
    assert WORD in second.stdout


@needs_keyring
def test_journal_lock_locks_at_once(journal_path):
    assert search({"VOICEGUIDE_PASSPHRASE": SECRET}).returncode == 0
    locked = run_voiceguide("journal", "lock")
    assert locked.returncode == 0 and "Locked" in locked.stdout
    after = search()
    assert after.returncode == 1
    assert "passphrase" in after.stderr.lower() and "Traceback" not in after.stderr


@pytest.mark.slow
@needs_keyring
def test_the_kept_key_expires(journal_path):
    quick = {keycache.ENV_VAR: "0.01"}  # rounds up to one second
    assert search({"VOICEGUIDE_PASSPHRASE": SECRET, **quick}).returncode == 0
    time.sleep(2.5)
    after = search(quick)
    assert after.returncode == 1 and "passphrase" in after.stderr.lower()


@needs_keyring
def test_unlock_minutes_zero_keeps_nothing(journal_path):
    set_off = run_voiceguide("config", "set", "unlock_minutes", "0", env={keycache.ENV_VAR: ""})
    assert set_off.returncode == 0, set_off.stderr
    off = {keycache.ENV_VAR: ""}  # the stored setting decides
    assert search({"VOICEGUIDE_PASSPHRASE": SECRET, **off}).returncode == 0
    assert keycache.recall(journal_path, file_salt(journal_path)) is None
    assert search(off).returncode == 1


@needs_keyring
def test_the_kernel_holds_the_derived_key_not_the_passphrase_nor_the_path(journal_path):
    assert search({"VOICEGUIDE_PASSPHRASE": SECRET}).returncode == 0
    kept = keycache.recall(journal_path, file_salt(journal_path))
    assert kept is not None and len(kept) == 32
    assert SECRET.encode() not in kept
    listing = Path("/proc/keys").read_text()
    assert str(journal_path) not in listing and journal_path.parent.name not in listing
    mine = [line for line in listing.splitlines() if keycache.DESCRIPTION_PREFIX in line]
    assert mine and all(line.split()[4] in ("3f1f0000",) for line in mine)  # no group or other access


@pytest.mark.slow
@needs_keyring
def test_decrypt_and_passwd_still_ask_for_the_passphrase_while_unlocked(journal_path):
    assert search({"VOICEGUIDE_PASSPHRASE": SECRET}).returncode == 0
    refused = run_voiceguide("journal", "decrypt", "--yes")
    assert refused.returncode == 1 and "passphrase" in refused.stderr.lower()
    assert crypto.is_encrypted(journal_path)
    changed = run_voiceguide(
        "journal", "passwd", env={"VOICEGUIDE_PASSPHRASE": SECRET, "VOICEGUIDE_NEW_PASSPHRASE": "a new long passphrase"}
    )
    assert changed.returncode == 0, changed.stderr
    old_key_gone = search()
    assert old_key_gone.returncode == 1  # the old unlock opens nothing now
    assert search({"VOICEGUIDE_PASSPHRASE": "a new long passphrase"}).returncode == 0


@needs_keyring
def test_a_stale_kept_key_falls_back_to_the_passphrase(journal_path):
    salt = file_salt(journal_path)
    assert keycache.remember(journal_path, salt, bytes(32))  # a key that opens nothing
    wrong_kept = search({"VOICEGUIDE_PASSPHRASE": SECRET})
    assert wrong_kept.returncode == 0 and WORD in wrong_kept.stdout
    assert keycache.recall(journal_path, salt) != bytes(32)


@pytest.mark.slow
@needs_keyring
def test_doctor_reports_the_unlock_cache(journal_path):
    wide = {"COLUMNS": "400"}  # one line per check, however long the temporary paths in the other rows
    on = run_voiceguide("doctor", env=wide)
    assert "stays unlocked 5 min" in " ".join(on.stdout.split())
    off = run_voiceguide("doctor", env={keycache.ENV_VAR: "0", **wide})
    assert "every command" in " ".join(off.stdout.split())


def test_without_a_kernel_keyring_every_command_unlocks_anew(journal_path, monkeypatch):
    """On a system with no keyring (here: a machine the cache does not know), nothing is kept, all still works."""
    with monkeypatch.context() as patch:
        patch.setattr(keycache.platform, "machine", lambda: "unknown-machine")
        assert not keycache.available()
        patch.setenv("VOICEGUIDE_PASSPHRASE", SECRET)
        with Journal.open() as jr:  # unlocked from the environment, nothing to keep it in
            assert jr.search(WORD)
        patch.delenv("VOICEGUIDE_PASSPHRASE")
        passphrase.forget()
        with pytest.raises(PassphraseRequired):
            Journal.open()
    if keycache.available():  # where the kernel has one, nothing was put in it
        assert keycache.recall(journal_path, file_salt(journal_path)) is None


@needs_keyring
def test_a_wrong_passphrase_given_while_unlocked_is_refused(journal_path):
    """The cache stands in for asking; a passphrase that is given is still checked."""
    assert search({"VOICEGUIDE_PASSPHRASE": SECRET}).returncode == 0  # unlocked: the key is kept
    before = journal_path.read_bytes()
    wrong = search({"VOICEGUIDE_PASSPHRASE": "not the passphrase at all"})
    assert wrong.returncode == 1
    assert WORD not in wrong.stdout
    assert "VOICEGUIDE_PASSPHRASE" in wrong.stderr and "Traceback" not in wrong.stderr
    assert journal_path.read_bytes() == before
    again = search()  # the right unlock is still kept: a mistyped variable locks nobody out
    assert again.returncode == 0 and WORD in again.stdout
