"""The encrypted journal: encrypt, decrypt and passwd, and everything else still working encrypted."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli_helpers import invoke_voiceguide, run_voiceguide
from tests.signals import espeak, word_error_rate
from voiceguide import messages
from voiceguide.content import BUNDLED_SOURCE
from voiceguide.errors import JournalBusy, JournalCorrupt, PassphraseRequired, WrongPassphrase
from voiceguide.journal import crypto, passphrase
from voiceguide.journal.audio_codec import encode
from voiceguide.journal.recovery import recover_unfinished
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths

pytest.importorskip("sqlcipher3")

SECRET = "correct horse battery staple"
WORDS = ("zanzibarquokka", "marmaladewhisper", "flintlockgazebo")
"""Words that appear nowhere but in the entries, to look for in the raw bytes"""


@pytest.fixture(autouse=True)
def fresh_unlock_state():
    """Each test starts with no remembered passphrase and no registered prompt."""
    passphrase.forget()
    passphrase.set_prompt(None)
    yield
    passphrase.forget()
    passphrase.set_prompt(None)


def locked_env(secret: str = SECRET) -> dict[str, str]:
    return {"VOICEGUIDE_PASSPHRASE": secret}


def make_encrypted_journal(entries: int = 3) -> Path:
    """A journal with a few entries, a breathing session and reading progress, then encrypted."""
    with Journal.open() as jr:
        for k in range(entries):
            jr.add_entry(f"Entry {k}: {WORDS[k % len(WORDS)]} and trust", kind="reflection", prompt="What felt steady?")
        jr.add_breathing_session("box", 4, 4, 64.0, False)
        jr.set_progress(BUNDLED_SOURCE, 3, 2)
    path = crypto.encrypt(SECRET)
    passphrase.forget()
    return path


def all_bytes_under(folder: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in folder.rglob("*") if p.is_file()]


def journal_files(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


# encrypt, decrypt, passwd


def test_encrypt_leaves_no_word_of_any_entry_in_the_data_folder(voiceguide_home):
    for word in WORDS:
        assert invoke_voiceguide("journal", "add", f"I wrote {word} today").returncode == 0
    # a reader still has the journal open in WAL mode up to the moment before encrypting
    result = invoke_voiceguide("journal", "encrypt", env={"VOICEGUIDE_NEW_PASSPHRASE": SECRET})
    assert result.returncode == 0, result.stderr
    assert messages.CRYPT_ENCRYPTED.format(path=user_paths().journal) in result.stdout
    files = all_bytes_under(voiceguide_home)
    assert files, "the journal should exist"
    for path, data in files:
        for word in WORDS:
            assert word.encode() not in data, f"{word} found in {path}"
        assert b"SQLite format 3" not in data[:16], path
    assert journal_files(user_paths().journal) == ["journal.db"]  # no -wal, -journal or copy
    assert stat.S_IMODE(user_paths().journal.stat().st_mode) == 0o600
    assert crypto.is_encrypted()


def test_encrypt_of_an_encrypted_journal_says_so(voiceguide_home):
    make_encrypted_journal()
    result = invoke_voiceguide("journal", "encrypt", env=locked_env())
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: " + messages.CRYPT_ALREADY_ENCRYPTED.format(path=user_paths().journal)


def test_wrong_passphrase_is_one_line_and_leaves_the_file_untouched():
    path = make_encrypted_journal()
    before = path.read_bytes()
    for command in (["journal", "list"], ["journal", "decrypt", "--yes"], ["journal", "passwd"]):
        result = invoke_voiceguide(*command, env={**locked_env("not it"), "VOICEGUIDE_NEW_PASSPHRASE": "x"})
        assert result.returncode == 1, command
        assert result.stderr.strip() == "Error: " + messages.PASSPHRASE_WRONG_FROM.format(
            path=path, source="VOICEGUIDE_PASSPHRASE"
        )
        assert path.read_bytes() == before
        assert journal_files(path) == ["journal.db"]


def test_without_a_passphrase_and_no_terminal_says_how_to_give_one():
    path = make_encrypted_journal()
    result = invoke_voiceguide("journal", "list")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: " + messages.PASSPHRASE_REQUIRED.format(path=path)
    assert "Traceback" not in result.stderr and "ERROR CORE" not in result.stderr


def test_passwd_changes_the_key_and_decrypt_gives_back_plain_sqlite():
    path = make_encrypted_journal()
    changed = invoke_voiceguide("journal", "passwd", env={**locked_env(), "VOICEGUIDE_NEW_PASSPHRASE": "a new one"})
    assert changed.returncode == 0, changed.stderr
    assert invoke_voiceguide("journal", "list", env=locked_env()).returncode == 1
    assert invoke_voiceguide("journal", "list", env=locked_env("a new one")).returncode == 0
    plain = invoke_voiceguide("journal", "decrypt", "--yes", env=locked_env("a new one"))
    assert plain.returncode == 0, plain.stderr
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    assert journal_files(path) == ["journal.db"]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 3
    assert invoke_voiceguide("journal", "search", WORDS[0]).returncode == 0


def test_declining_decrypt_says_the_journal_stays_encrypted_and_exits_0():
    path = make_encrypted_journal()
    before = path.read_bytes()
    declined = invoke_voiceguide("journal", "decrypt", env=locked_env(), input="n\n")
    assert declined.returncode == 0, declined.stderr
    assert messages.CRYPT_DECRYPT_KEPT in declined.stdout
    assert messages.INTERRUPTED not in declined.stderr
    assert path.read_bytes() == before


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from voiceguide.journal import Journal

    journal = Journal.open(Path(sys.argv[1]))
    journal.list()
    print("open", flush=True)
    time.sleep(60)
    """
)


def test_a_journal_in_use_is_not_converted(tmp_path):
    path = tmp_path / "journal.db"
    with Journal.open(path) as jr:
        jr.add_entry("held open elsewhere")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(JournalBusy) as caught:
            crypto.encrypt(SECRET, path, busy_timeout=0.2)
        assert str(caught.value) == messages.CRYPT_IN_USE.format(path=path)
    finally:
        holder.kill()
        holder.wait(10)
    with Journal.open(path) as jr:  # the same, in this process
        with pytest.raises(JournalBusy):
            crypto.encrypt(SECRET, path, busy_timeout=0.2)
        jr.add_entry("still writable")
    assert not crypto.is_encrypted(path)
    assert [p.name for p in tmp_path.iterdir() if "converting" in p.name] == []
    with Journal.open(path) as jr:
        assert [e.text for e in jr.list()] == ["still writable", "held open elsewhere"]


@pytest.mark.slow
def test_conversion_is_all_or_nothing_when_the_disk_fills(tmp_path):
    """A write that fails halfway (RLIMIT_FSIZE) leaves the plain journal as it was, no copy left."""
    path = tmp_path / "journal.db"
    with Journal.open(path) as jr:
        for k in range(300):
            jr.add_entry(f"{WORDS[0]} {k} " + "word " * 200)
    code = textwrap.dedent(
        f"""
        import resource, sys
        from pathlib import Path
        from voiceguide.journal import crypto
        from voiceguide.errors import VoiceguideError
        limit = Path({str(path)!r}).stat().st_size // 2
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        try:
            crypto.encrypt("secret", Path({str(path)!r}))
        except VoiceguideError as error:
            print(error)
            sys.exit(1)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("\n") == 1 and str(path) in result.stdout
    assert not crypto.is_encrypted(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.db"]
    with Journal.open(path) as jr:
        assert len(jr.list(limit=1000)) == 300


def test_a_new_encrypted_journal_needs_no_plain_stage(tmp_path):
    path = tmp_path / "journal.db"
    with Journal.open(path, passphrase=SECRET) as jr:
        jr.add_entry(f"born encrypted {WORDS[1]}")
    assert crypto.is_encrypted(path)
    assert WORDS[1].encode() not in path.read_bytes()
    passphrase.forget()
    with pytest.raises(PassphraseRequired):
        Journal.open(path)


def test_damaged_files_are_still_damaged_not_encrypted(tmp_path):
    for name, content in {"random": os.urandom(4096), "text": b"my notes\n" * 2000, "zeros": bytes(16384)}.items():
        path = tmp_path / name
        path.write_bytes(content)
        assert not passphrase.looks_encrypted(path), name
        with pytest.raises(JournalCorrupt) as caught:
            Journal.open(path)
        assert not isinstance(caught.value, WrongPassphrase)
        assert path.read_bytes() == content


# where the passphrase comes from


def test_the_registered_prompt_is_asked_once_per_process():
    path = make_encrypted_journal()
    questions = []
    passphrase.set_prompt(lambda question: questions.append(question) or SECRET)
    for _ in range(3):
        with Journal.open() as jr:
            assert len(jr.list()) == 3
    assert questions == [messages.PASSPHRASE_ASK.format(path=path)]


def test_a_mistyped_passphrase_may_be_typed_again_three_times_in_all():
    path = make_encrypted_journal()
    before = path.read_bytes()
    answers = iter(["nope", SECRET])
    passphrase.set_prompt(lambda question: next(answers))
    with Journal.open() as jr:
        assert len(jr.list()) == 3
    passphrase.forget()
    passphrase.set_prompt(lambda question: "wrong every time")
    with pytest.raises(WrongPassphrase):
        Journal.open()
    with pytest.raises(PassphraseRequired):
        passphrase.set_prompt(lambda question: None)  # no terminal to ask on
        Journal.open()
    assert path.read_bytes()[:4096] == before[:4096]


class FakeKeyring(types.ModuleType):
    def __init__(self) -> None:
        super().__init__("keyring")
        self.store: dict[tuple[str, str], str] = {}
        self.asked = 0

    def get_password(self, service, user):  # noqa: ANN001, ANN201
        self.asked += 1
        return self.store.get((service, user))

    def set_password(self, service, user, secret):  # noqa: ANN001, ANN201
        self.store[(service, user)] = secret

    def delete_password(self, service, user):  # noqa: ANN001, ANN201
        self.store.pop((service, user))


@pytest.mark.slow
def test_the_keyring_is_used_only_after_opting_in(monkeypatch):
    from voiceguide.cli import cli

    fake = FakeKeyring()
    monkeypatch.setitem(sys.modules, "keyring", fake)
    with Journal.open() as jr:
        jr.add_entry("kept in the keyring")
    monkeypatch.setenv("VOICEGUIDE_NEW_PASSPHRASE", SECRET)
    result = CliRunner().invoke(cli, ["journal", "encrypt", "--keyring"], catch_exceptions=False)
    assert result.exit_code == 0 and messages.PASSPHRASE_KEYRING_SAVED in result.output
    assert passphrase.keyring_opted_in() and list(fake.store.values()) == [SECRET]
    passphrase.forget()
    with Journal.open() as jr:  # no environment, no prompt: the keyring unlocks it
        assert jr.list()[0].text == "kept in the keyring"
    passphrase.keyring_marker().unlink()
    passphrase.forget()
    asked = fake.asked
    with pytest.raises(PassphraseRequired):
        Journal.open()
    assert fake.asked == asked  # not opted in: the keyring is not even asked
    passphrase.keyring_store(user_paths().journal, SECRET)
    result = CliRunner().invoke(cli, ["journal", "decrypt", "--yes"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert fake.store == {} and not passphrase.keyring_opted_in()


def test_keyring_without_the_package_is_refused_before_encrypting():
    with Journal.open() as jr:
        jr.add_entry("plain still")
    result = run_voiceguide(
        "journal", "encrypt", "--keyring", env={"VOICEGUIDE_NEW_PASSPHRASE": SECRET, "PYTHONPATH": _no_keyring()}
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: " + messages.PASSPHRASE_KEYRING_MISSING
    assert not crypto.is_encrypted()


def _no_keyring() -> str:
    """A PYTHONPATH entry whose keyring module fails to import, as if the package were absent."""
    folder = Path(os.environ["VOICEGUIDE_HOME"]).parent / "nokeyring"
    folder.mkdir(exist_ok=True)
    (folder / "keyring.py").write_text("raise ImportError('no keyring here')\n")
    return str(folder)


# everything works encrypted


def test_list_search_show_stats_and_json_work_encrypted():
    make_encrypted_journal()
    env = locked_env()
    listed = invoke_voiceguide("journal", "list", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    assert [e["text"][:7] for e in json.loads(listed.stdout)] == ["Entry 2", "Entry 1", "Entry 0"]
    found = invoke_voiceguide("journal", "search", "marmalade*", env=env)
    assert found.returncode == 0 and "**marmaladewhisper**" in found.stdout
    assert "Entry 1" in invoke_voiceguide("journal", "show", "2", env=env).stdout
    stats = invoke_voiceguide("journal", "stats", env=env).stdout
    assert "entries: 3" in stats
    added = invoke_voiceguide("journal", "add", "typed while encrypted", env=env)
    assert added.returncode == 0, added.stderr
    assert crypto.is_encrypted()
    assert b"typed while encrypted" not in user_paths().journal.read_bytes()


def test_export_is_private_says_it_is_unencrypted_and_import_works_encrypted(tmp_path):
    make_encrypted_journal()
    env = locked_env()
    out = tmp_path / "journal.txt"
    exported = invoke_voiceguide("journal", "export", "--format", "jrnl", "--out", str(out), env=env)
    assert exported.returncode == 0, exported.stderr
    assert messages.JOURNAL_EXPORTED.format(count=3, path=out) in exported.stderr
    assert "not encrypted" in exported.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert WORDS[0] in out.read_text()
    other = tmp_path / "other-home"
    imported = invoke_voiceguide("journal", "import", str(out), env={"VOICEGUIDE_HOME": str(other)})
    assert imported.returncode == 0, imported.stderr
    into_encrypted = invoke_voiceguide("journal", "import", str(out), env=env)
    assert into_encrypted.returncode == 0, into_encrypted.stderr
    assert messages.JOURNAL_IMPORTED.format(added=3, skipped=0) in into_encrypted.stdout
    again = invoke_voiceguide("journal", "import", str(out), env=env)
    assert messages.JOURNAL_IMPORTED.format(added=0, skipped=3) in again.stdout
    assert crypto.is_encrypted()


def test_breathing_history_and_reading_position_work_encrypted():
    make_encrypted_journal()
    history = invoke_voiceguide("breathe", "--history", env=locked_env())
    assert history.returncode == 0, history.stderr
    assert "box" in history.stdout and "4/4" in history.stdout
    from voiceguide.content import load_article
    from voiceguide.sessions.read import saved_position

    with Journal.open(passphrase=SECRET) as jr:
        position = saved_position(load_article(None), jr)
        assert (position.section, position.sentence) == (3, 2)
        jr.set_progress(BUNDLED_SOURCE, 4, 0)
        assert jr.get_progress(BUNDLED_SOURCE) == (4, 0)


@pytest.mark.audio
def test_breathe_and_read_open_the_encrypted_journal_through_the_factory(pulse):
    """The real commands, with only VOICEGUIDE_PASSPHRASE set: nothing at the call sites changed."""
    make_encrypted_journal()
    env = locked_env()
    result = run_voiceguide(
        "breathe",
        "box",
        "--cycles",
        "1",
        "--cue",
        "tone",
        "--countdown",
        "0",
        "--no-animation",
        "--quiet",
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    with Journal.open(passphrase=SECRET) as jr:
        assert [s.pattern for s in jr.breathing_sessions()][:2] == ["box", "box"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "read"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ, **env),
    )
    try:
        line = proc.stdout.readline()
        assert line.rstrip("\n") == messages.READ_RESUMING.format(section=3, sentence=3)
    finally:
        proc.kill()
        proc.communicate(timeout=20)


@pytest.mark.audio  # Whisper or a speech render
def test_retranscribe_works_encrypted():
    script = "I am learning to trust again, one honest conversation at a time."
    samples, rate = espeak(script)
    from voiceguide.audio.clip import Clip

    clip = Clip(samples, rate).resampled(16000)
    with Journal.open(passphrase=SECRET) as jr:
        entry = jr.add_entry("placeholder", kind="reflection", duration=clip.duration)
        codec, data = encode(clip.samples.tobytes(), 16000)
        jr.set_audio(entry.id, codec, 16000, data)
    result = invoke_voiceguide("journal", "retranscribe", str(entry.id), env=locked_env())
    assert result.returncode == 0, result.stderr
    passphrase.forget()
    with Journal.open(passphrase=SECRET) as jr:
        assert word_error_rate(script, jr.get(entry.id).text) <= 0.2


RECORDER = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from voiceguide.journal import Journal

    journal = Journal.open()  # unlocked by VOICEGUIDE_PASSPHRASE, like every command
    rid = journal.begin_recording(16000, prompt="What felt steady?")
    t = np.arange(16000) / 16000
    chunk = (np.sin(2 * np.pi * 300 * t) * 6000).astype("<i2").tobytes()
    for seq in range(3):
        journal.append_chunk(rid, seq, chunk)
    print(rid, flush=True)
    time.sleep(60)
    """
)


def test_a_killed_recording_is_recovered_from_the_encrypted_journal():
    make_encrypted_journal(entries=1)
    proc = subprocess.Popen(
        [sys.executable, "-c", RECORDER], stdout=subprocess.PIPE, text=True, env=dict(os.environ, **locked_env())
    )
    try:
        assert proc.stdout.readline().strip().isdigit()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    with Journal.open(passphrase=SECRET) as jr:
        assert jr.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        recovered = recover_unfinished(jr, lambda samples, rate: "what I said")
        assert len(recovered) == 1 and recovered[0].duration == pytest.approx(3.0)
        assert recovered[0].text == "what I said" and recovered[0].has_audio
        assert jr.unfinished_recordings() == []
    assert b"what I said" not in user_paths().journal.read_bytes()


# no plaintext left behind


def _editor(tmp_path: Path, body: str) -> Path:
    """An $EDITOR that notes the file it was given (path and mode), then runs ``body``."""
    seen = tmp_path / "seen"
    editor = tmp_path / "editor.sh"
    editor.write_text(
        f'#!/bin/sh\nstat -c %a "$1" > {seen}\necho "$1" >> {seen}\nstat -c %a "$(dirname "$1")" >> {seen}\n{body}\n'
    )
    editor.chmod(0o700)
    return editor


@pytest.mark.parametrize("body, code", [("exit 3", 1), ("kill -9 $$", 1)])
def test_edit_buffer_is_private_and_removed_when_the_editor_fails(tmp_path, body, code):
    make_encrypted_journal()
    editor = _editor(tmp_path, f'echo "{WORDS[2]} edited" > "$1"\n{body}')
    result = invoke_voiceguide("journal", "edit", "1", env={**locked_env(), "EDITOR": str(editor)})
    assert result.returncode == code
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    mode, path, folder_mode = (tmp_path / "seen").read_text().split()
    assert mode == "600" and folder_mode == "700"
    assert Path(path).parent.is_relative_to(user_paths().data)
    # each edit has its own folder, removed whole with the buffer (and any editor swap files)
    assert not os.path.exists(path) and not Path(path).parent.exists()
    assert list((user_paths().data / "tmp").iterdir()) == []
    for file, data in all_bytes_under(user_paths().data):
        assert WORDS[2].encode() not in data and b"Entry 0" not in data, file
    with Journal.open(passphrase=SECRET) as jr:
        assert jr.get(1).text.startswith("Entry 0")


def test_edit_of_an_encrypted_entry_leaves_nothing_readable(tmp_path):
    make_encrypted_journal()
    editor = _editor(tmp_path, f'echo "{WORDS[2]} edited" > "$1"')
    result = invoke_voiceguide("journal", "edit", "1", env={**locked_env(), "EDITOR": str(editor)})
    assert result.returncode == 0, result.stderr
    for file, data in all_bytes_under(user_paths().data):
        assert WORDS[2].encode() not in data and b"Entry 0" not in data, file
    with Journal.open(passphrase=SECRET) as jr:
        assert jr.get(1).text == f"{WORDS[2]} edited"


def test_export_to_a_file_is_created_private_even_with_a_loose_umask(tmp_path):
    make_encrypted_journal()
    out = tmp_path / "export.md"
    code = (
        "import os, sys; os.umask(0); from voiceguide.cli import main; "
        f"main(['journal', 'export', '--out', {str(out)!r}])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, **locked_env()), timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "not encrypted" in result.stderr


# voiceguide doctor


def test_doctor_reports_the_privacy_state():
    from voiceguide.sessions.doctor import check_privacy

    empty = check_privacy()
    assert empty.ok and not empty.required
    assert messages.DOCTOR_PRIVACY_ENGINES_OFFLINE in empty.detail
    assert messages.DOCTOR_PRIVACY_NO_JOURNAL in empty.detail
    assert messages.DOCTOR_PRIVACY_ENGINES_ONLINE in check_privacy(online=True).detail
    with Journal.open() as jr:
        jr.add_entry("plain for now")
    plain = check_privacy()
    assert plain.ok and messages.DOCTOR_PRIVACY_PLAIN in plain.detail
    assert "journal.db mode 0600" in plain.detail and "data mode 0700" in plain.detail
    crypto.encrypt(SECRET)
    locked = check_privacy()
    assert locked.ok and not locked.required and messages.DOCTOR_PRIVACY_ENCRYPTED in locked.detail


@pytest.mark.audio  # doctor checks the audio server too
def test_doctor_fails_on_files_others_can_read():
    from voiceguide.sessions.doctor import check_privacy

    with Journal.open() as jr:
        jr.add_entry("private words")
    user_paths().journal.chmod(0o644)
    loose = check_privacy()
    assert not loose.ok and loose.required
    assert "journal.db is mode 0644" in loose.detail
    assert loose.fix == messages.FIX_PRIVACY.format(folder=user_paths().data)
    result = run_voiceguide("doctor")
    assert result.returncode == 1 and "privacy" in result.stderr


def test_doctor_says_when_an_encrypted_journal_cannot_be_opened_here(monkeypatch):
    from voiceguide.sessions.doctor import check_privacy

    make_encrypted_journal()
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    check = check_privacy()
    assert not check.ok and check.required and "sqlcipher3" in check.detail


# reflect, encrypted


@pytest.mark.audio  # Whisper or a speech render
def test_reflect_from_a_file_saves_into_the_encrypted_journal(tmp_path):
    from voiceguide.audio.clip import Clip, write_wav

    make_encrypted_journal(entries=1)
    samples, rate = espeak("Today I kept a small promise to my sister.")
    memo = tmp_path / "memo.wav"
    write_wav(memo, Clip(samples, rate))
    result = invoke_voiceguide("reflect", "--from-file", str(memo), "--prompt", "What went well?", env=locked_env())
    assert result.returncode == 0, result.stderr
    with Journal.open(passphrase=SECRET) as jr:
        newest = jr.list()[0]
        assert "promise" in newest.text.lower() and newest.has_audio
    assert b"promise" not in user_paths().journal.read_bytes()
    assert journal_files(user_paths().journal) == ["journal.db"]


def test_the_next_command_recovers_a_killed_recording_from_the_encrypted_journal():
    make_encrypted_journal(entries=1)
    proc = subprocess.Popen(
        [sys.executable, "-c", RECORDER], stdout=subprocess.PIPE, text=True, env=dict(os.environ, **locked_env())
    )
    try:
        assert proc.stdout.readline().strip().isdigit()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    after = invoke_voiceguide("journal", "stats", env=locked_env())
    assert after.returncode == 0, after.stderr
    assert "Recovered" in after.stderr and "entries: 2" in after.stdout
    with Journal.open(passphrase=SECRET) as jr:
        assert jr.unfinished_recordings() == [] and jr.list()[0].has_audio
