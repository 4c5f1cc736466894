"""A journal another process is converting (encrypt, decrypt, passwd) is busy, never "damaged"."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide import messages
from voiceguide.errors import JournalBusy
from voiceguide.journal import passphrase
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths

pytest.importorskip("sqlcipher3")

SECRET = "correct horse battery staple"
ENTRIES = 12_000
"""Enough text (about 55 MB) that a conversion takes a second or more, long enough to meet it"""

WRITER = textwrap.dedent(
    """
    import json, sys, time
    from voiceguide.errors import VoiceguideError
    from voiceguide.journal import passphrase
    from voiceguide.journal.store import Journal

    sys.stdin.readline()  # imports done; wait for the conversion to begin
    stop = time.monotonic() + float(sys.argv[1])
    k, through = 0, False
    while time.monotonic() < stop or (not through and time.monotonic() < stop + 60):
        k += 1
        try:
            with Journal.open() as jr:
                entry = jr.add_entry(f"written during the conversion {k}", kind="note")
            print(json.dumps({"ok": entry.text}), flush=True)
            through = True  # the last write went in: the conversion is over, or gave up
        except VoiceguideError as error:
            print(json.dumps({"error": type(error).__name__, "message": str(error)}), flush=True)
            through = False
        passphrase.forget()
    """
)


@pytest.fixture(autouse=True)
def fresh_unlock_state():
    passphrase.forget()
    yield
    passphrase.forget()


def big_journal() -> None:
    with Journal.open() as jr, jr.transaction():
        for k in range(ENTRIES):
            jr.add_entry(f"entry {k} " + "words about trust and patience " * 60, kind="note")


def wait_for_conversion(folder, proc: subprocess.Popen, timeout: float = 60) -> bool:
    """Whether the conversion got under way: its copy beside the journal has grown past 1 MB."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        copies = [folder / name for name in os.listdir(folder) if name.endswith(".converting")]
        try:
            if any(copy.stat().st_size > 1 << 20 for copy in copies):
                return True
        except FileNotFoundError:
            pass
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    pytest.fail("the conversion never began")


def encrypt_while_writing(folder) -> tuple[subprocess.CompletedProcess, list[dict], subprocess.CompletedProcess]:
    """`journal encrypt`, with writes once it is under way: in-process opens in a loop, and one CLI add.

    The CLI add runs while the conversion is held still (SIGSTOP) with its copy
    half written, so it meets the conversion every time.
    """
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, "4"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, VOICEGUIDE_PASSPHRASE=SECRET),
    )
    encrypt = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "journal", "encrypt"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, VOICEGUIDE_NEW_PASSPHRASE=SECRET),
    )
    assert wait_for_conversion(folder, encrypt), encrypt.stderr.read()
    writer.stdin.write("go\n")
    writer.stdin.flush()
    encrypt.send_signal(signal.SIGSTOP)
    try:
        cli_add = subprocess.run(
            [sys.executable, "-m", "voiceguide", "journal", "add", "typed while encrypting"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        encrypt.send_signal(signal.SIGCONT)
    out, err = encrypt.communicate(timeout=120)
    lines, writer_err = writer.communicate(timeout=120)
    assert writer.returncode == 0, writer_err
    return (
        subprocess.CompletedProcess(encrypt.args, encrypt.returncode, out, err),
        [json.loads(line) for line in lines.splitlines()],
        cli_add,
    )


@pytest.mark.slow
def test_writes_during_encrypt_are_told_busy_and_a_retry_saves_each_once():
    big_journal()
    folder = user_paths().data
    path = user_paths().journal
    busy = messages.JOURNAL_CONVERTING.format(path=path)
    in_use = "Error: " + messages.CRYPT_IN_USE.format(path=path)
    saved: list[str] = []
    for _round in range(4):
        # a write slipping in between two steps of the conversion makes it give up, changing nothing: go again
        encrypt, outcomes, cli_add = encrypt_while_writing(folder)
        saved += [o["ok"] for o in outcomes if "ok" in o]
        errors = [o for o in outcomes if "error" in o]
        assert {(o["error"], o["message"]) for o in errors} <= {("JournalBusy", busy)}
        assert (cli_add.returncode, cli_add.stderr.strip()) == (1, "Error: " + busy)
        if encrypt.returncode == 0:
            break
        assert encrypt.stderr.strip() == in_use
    else:
        pytest.fail("the journal was never free long enough to encrypt")
    assert errors, "no write met the conversion"
    assert saved, "no write went through after the conversion"

    # retry: the one that was refused goes in once; every confirmed write is there exactly once
    retried = run_voiceguide("journal", "add", "typed while encrypting", env={"VOICEGUIDE_PASSPHRASE": SECRET})
    assert retried.returncode == 0, retried.stderr
    with Journal.open(passphrase=SECRET) as jr:
        texts = [e.text for e in jr.list(limit=2 * ENTRIES)]
    assert len(texts) == ENTRIES + len(saved) + 1
    assert sorted(t for t in texts if t.startswith("written during")) == sorted(saved)
    assert texts.count("typed while encrypting") == 1
    assert sorted(os.listdir(folder)) == ["journal.db"]


HOLDER = textwrap.dedent(
    """
    import sys, time
    from voiceguide.journal.connection import connect

    conn = connect(sys.argv[1], sys.argv[2])
    conn.execute("BEGIN IMMEDIATE")
    print("holding", flush=True)
    sys.stdin.readline()
    conn.execute("ROLLBACK")
    """
)


def test_an_encrypted_journal_another_process_is_writing_is_busy_not_converting():
    with Journal.open() as jr:
        jr.add_entry("before", kind="note")
    from voiceguide.journal import crypto

    crypto.encrypt(SECRET)
    passphrase.forget()
    path = user_paths().journal
    with Journal.open(passphrase=SECRET, busy_timeout=0.3) as jr:
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path), SECRET],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "holding"
            with pytest.raises(JournalBusy) as busy:
                jr.add_entry("while another writes", kind="note")
            assert str(busy.value) == messages.JOURNAL_BUSY  # nothing is converting it
        finally:
            holder.communicate("done\n", timeout=30)
        jr.add_entry("after", kind="note")
        assert [e.text for e in jr.list()] == ["after", "before"]
