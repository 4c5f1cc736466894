"""A damaged journal: errors never quote an entry, readable entries stay readable and can be salvaged."""

from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path

import pytest

from tests.cli_helpers import invoke_voiceguide
from voiceguide import messages
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
        result = invoke_voiceguide(*command, env={"EDITOR": "true"})
        assert WORD not in result.stderr, command
        if result.returncode:
            assert result.stderr.count("\n") == 1 and "damaged" in result.stderr, (command, result.stderr)
    for command in (["journal", "list"], ["journal", "export", "--format", "json"]):
        result = invoke_voiceguide(*command)
        assert WORD not in result.stderr + result.stdout, command


def big_journal(entries: int = 400) -> Path:
    """Over 16 MiB (so opening skips quick_check): entries with a word of their own, and audio."""
    with Journal.open() as jr, jr.transaction():
        for k in range(entries):
            entry = jr.add_entry(f"entry {k} word{k}x " + "steady " * 100, kind="reflection")
            jr.set_audio(entry.id, "pcm", 16000, bytes([k % 256]) * 45_000)
    return user_paths().journal


def damage_page_holding(path: Path, needle: bytes) -> None:
    data = path.read_bytes()
    page = data.index(needle) // 4096
    with open(path, "r+b") as handle:
        handle.seek(page * 4096)
        handle.write(bytes(range(256)) * 16)


def listed_ids(stdout: str) -> list[int]:
    return [int(line.split()[0]) for line in stdout.splitlines() if line.strip()[:1].isdigit()]


def damaged_then_listed_and_exported(path: Path, tmp_path: Path) -> tuple[list[int], int, str, bytes]:
    """Damage the page holding entry 201's words, then list and export as JSON: every readable entry, a count.

    Returns the ids listed, how many were lost, the one line that says so, and the damaged file's bytes.
    """
    damage_page_holding(path, b"word200x")
    damaged = path.read_bytes()
    listed = invoke_voiceguide("journal", "list", "--limit", "1000")
    assert listed.returncode == 0, listed.stderr
    ids = listed_ids(listed.stdout)
    lost = 400 - len(ids)
    assert 0 < lost < 20 and 200 + 1 not in ids and {1, 400} <= set(ids)
    plural = "y" if lost == 1 else "ies"
    verb = "was" if lost == 1 else "were"
    skipped = messages.JOURNAL_SKIPPED_UNREADABLE.format(count=lost, plural=plural, verb=verb)
    assert listed.stderr.strip() == skipped
    out = tmp_path / "export.json"
    exported = invoke_voiceguide("journal", "export", "--format", "json", "--out", str(out))
    assert exported.returncode == 0 and exported.stderr.splitlines()[0] == skipped, exported.stderr
    assert sorted(e["id"] for e in json.loads(out.read_text())) == sorted(ids)
    return ids, lost, skipped, damaged


def test_damage_in_a_big_journal_costs_only_the_rows_on_the_damaged_page(tmp_path):
    path = big_journal()
    assert path.stat().st_size > 16 * 1024 * 1024
    ids, lost, _skipped, damaged = damaged_then_listed_and_exported(path, tmp_path)

    # stats reads entry_days (entries, words, seconds per day), not the damaged table page: every entry is
    # still counted there, so the totals are right, not guessed
    stats = invoke_voiceguide("journal", "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["entries"] == 400 and json.loads(stats.stdout)["words"] == 400 * 103

    checked = invoke_voiceguide("journal", "check")
    assert checked.returncode == 1
    assert checked.stderr.strip() == "Error: " + messages.JOURNAL_DAMAGED.format(path=path)
    doctor = check_journal_row()
    assert not doctor.ok and str(path) in doctor.detail and "journal recover" in doctor.fix

    recovered = tmp_path / "recovered.db"
    result = invoke_voiceguide("journal", "recover", "--out", str(recovered))
    assert result.returncode == 0, result.stderr
    assert f"Recovered {len(ids)} entries into {recovered} ({lost} could not be read)" in result.stdout
    assert path.read_bytes() == damaged  # only read
    with Journal.open(recovered) as jr:
        assert jr.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert sorted(e.id for e in jr.list(limit=1000)) == sorted(ids)
        assert jr.get(400).text.startswith("entry 399 word399x") and jr.get_audio(400).data == bytes([143]) * 45_000
        assert [e.id for e, _ in jr.search("word123x")] == [124]


def test_damage_in_a_small_journal_also_costs_only_the_rows_on_the_damaged_page(tmp_path):
    with Journal.open() as jr, jr.transaction():
        for k in range(400):
            entry = jr.add_entry(f"entry {k} word{k}x " + "steady " * 100, kind="reflection")
            jr.set_audio(entry.id, "pcm", 16000, bytes([k % 256]) * 200)
    path = user_paths().journal
    assert path.stat().st_size < 1024 * 1024  # small enough to be quick_checked when it opens
    _ids, _lost, skipped, damaged = damaged_then_listed_and_exported(path, tmp_path)
    markdown = invoke_voiceguide("journal", "export")
    assert markdown.returncode == 0 and "word399x" in markdown.stdout and skipped in markdown.stderr

    checked = invoke_voiceguide("journal", "check")
    assert checked.returncode == 1
    assert checked.stderr.strip() == "Error: " + messages.JOURNAL_DAMAGED.format(path=path)
    doctor = check_journal_row()
    assert not doctor.ok and str(path) in doctor.detail and "journal recover" in doctor.fix
    added = invoke_voiceguide("journal", "add", "one more")  # writing into damage is still refused
    assert added.returncode == 1 and "damaged" in added.stderr
    assert path.read_bytes() == damaged


def test_export_writes_every_readable_recording_and_counts_the_damaged_ones(tmp_path):
    """A recording on a damaged page is left out with a count; no half-written WAV stands in for it."""
    import numpy as np

    from voiceguide.audio.clip import read_wav
    from voiceguide.journal.audio_codec import encode

    rng = np.random.default_rng(5)
    stored = {}
    with Journal.open() as jr, jr.transaction():
        for k in range(12):
            entry = jr.add_entry(f"entry {k} spoken", kind="reflection")
            noise = (rng.standard_normal(16000) * 3000).astype(np.int16)  # a second each: pages of their own
            codec, data = encode(noise.tobytes(), 16000, "flac")
            jr.set_audio(entry.id, codec, 16000, data)
            stored[entry.id] = data
    path = user_paths().journal
    middle = len(stored[8]) // 2
    damage_page_holding(path, stored[8][middle : middle + 64])  # an overflow page: listed, sound unreadable
    damaged = path.read_bytes()
    audio = tmp_path / "audio"
    out = tmp_path / "e.json"
    exported = invoke_voiceguide("journal", "export", "--format", "json", "--out", str(out), "--audio", str(audio))
    assert exported.returncode == 0, exported.stderr
    written = sorted(p.name for p in audio.iterdir())
    lost = 12 - len(written)
    assert "entry-8.wav" not in written and lost == 1, written
    assert sorted(e["id"] for e in json.loads(out.read_text())) == list(range(1, 13))  # its text is there
    plural, verb = ("", "was") if lost == 1 else ("s", "were")
    assert messages.JOURNAL_SKIPPED_AUDIO.format(count=lost, plural=plural, verb=verb) in exported.stderr
    assert messages.JOURNAL_EXPORTED_AUDIO.format(count=len(written), path=audio) in exported.stderr
    for name in written:
        assert read_wav(audio / name).frames == 16000  # every file written whole
    assert path.read_bytes() == damaged


def check_journal_row():
    from voiceguide.sessions.doctor import _run, check_journal

    return _run("journal", check_journal, messages.FIX_JOURNAL_DAMAGED)


def test_recover_refuses_the_data_folder_and_an_existing_file(tmp_path):
    big_journal(3)
    data = user_paths().data
    inside = invoke_voiceguide("journal", "recover", "--out", str(data / "copy.db"))
    assert inside.returncode == 1 and messages.OUTPUT_IN_DATA.format(path=data / "copy.db", data=data) in inside.stderr
    existing = tmp_path / "mine.db"
    existing.write_text("keep")
    again = invoke_voiceguide("journal", "recover", "--out", str(existing))
    assert again.returncode == 1 and existing.read_text() == "keep"


def test_a_sound_journal_passes_check_and_doctor():
    big_journal(3)
    result = invoke_voiceguide("journal", "check")
    assert result.returncode == 0 and result.stdout.strip() == messages.JOURNAL_CHECK_OK.format(
        path=user_paths().journal
    )
    assert check_journal_row().ok


def test_a_first_page_overwritten_is_damaged_not_encrypted_and_can_be_recovered(tmp_path):
    with Journal.open() as jr:
        for k in range(300):
            entry = jr.add_entry(f"entry {k} word{k}x " + "steady " * (k % 300), kind="note")
            if k % 3 == 0:
                jr.set_audio(entry.id, "pcm", 16000, bytes([k % 256]) * 20_000)
    path = user_paths().journal
    with open(path, "r+b") as handle:
        handle.write(random.Random(7).randbytes(4096))
    result = invoke_voiceguide("journal", "list")
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: " + messages.JOURNAL_DAMAGED.format(path=path)  # no passphrase asked
    assert "could not be unlocked" not in result.stderr and "passphrase" not in result.stderr.lower()
    checked = invoke_voiceguide("journal", "check")
    assert checked.returncode == 1 and messages.JOURNAL_CHECK_NO_HEADER in checked.stdout
    recovered = tmp_path / "recovered.db"
    result = invoke_voiceguide("journal", "recover", "--out", str(recovered))
    assert result.returncode == 0, result.stderr
    with Journal.open(recovered) as jr:
        assert jr.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        entries = {e.id: e for e in jr.list(limit=1000)}
        assert sorted(entries) == list(range(1, 301))
        assert entries[151].text == "entry 150 word150x " + "steady " * 150
        assert jr.get_audio(151).data == bytes([150]) * 20_000 and jr.get_audio(152) is None
        assert [e.id for e, _ in jr.search("word299x")] == [300]


def test_an_encrypted_journal_still_looks_encrypted():
    pytest.importorskip("sqlcipher3")
    from voiceguide.journal import crypto, passphrase

    big_journal(40)
    crypto.encrypt("a passphrase")
    passphrase.forget()
    assert crypto.is_encrypted()
    result = invoke_voiceguide("journal", "list", env={"VOICEGUIDE_PASSPHRASE": "a passphrase"})
    assert result.returncode == 0 and "word39x" in result.stdout


def test_an_encrypted_journal_with_a_damaged_page_is_recovered_encrypted(tmp_path):
    pytest.importorskip("sqlcipher3")
    from voiceguide.journal import crypto, passphrase

    path = big_journal()
    crypto.encrypt("a passphrase")
    passphrase.forget()
    with open(path, "r+b") as handle:  # the pages are ciphertext: damage one in the middle of the entries
        handle.seek(path.stat().st_size // 2 // 4096 * 4096)
        handle.write(bytes(4096))
    env = {"VOICEGUIDE_PASSPHRASE": "a passphrase"}
    checked = invoke_voiceguide("journal", "check", env=env)
    assert checked.returncode == 1 and "damaged" in checked.stderr
    recovered = tmp_path / "recovered.db"
    result = invoke_voiceguide("journal", "recover", "--out", str(recovered), env=env)
    assert result.returncode == 0, result.stderr
    assert crypto.is_encrypted(recovered)
    with Journal.open(recovered, passphrase="a passphrase") as jr:
        assert jr.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = {e.id for e in jr.list(limit=1000)}
        assert len(ids) >= 380 and {1, 400} <= ids
        audio = {i: jr.get_audio(i) for i in ids}
    # SQLCipher pages can only be read through SQLite, so what a damaged inner page hides is lost, and said
    kept = sum(a is not None for a in audio.values())
    assert all(a.data == bytes([(i - 1) % 256]) * 45_000 for i, a in audio.items() if a is not None)
    if kept < len(ids):
        assert messages.JOURNAL_RECOVERED_LOST_AUDIO.format(count=len(ids) - kept) in result.stdout


def test_rows_behind_a_damaged_inner_page_are_found_on_their_leaf_pages(tmp_path):
    path = big_journal()
    with sqlite3.connect(path) as db:
        root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'entries'").fetchone()[0]
        assert db.execute("SELECT count(*) FROM entries").fetchone()[0] == 400
    with open(path, "r+b") as handle:  # the top of the entries tree: SQLite reaches none of them now
        handle.seek((root - 1) * 4096)
        handle.write(bytes(4096))
    recovered = tmp_path / "recovered.db"
    result = invoke_voiceguide("journal", "recover", "--out", str(recovered))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Recovered 400 entries into {recovered}.")
    with Journal.open(recovered) as jr:
        assert jr.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert sorted(e.id for e in jr.list(limit=1000)) == list(range(1, 401))
        assert jr.get(250).text == "entry 249 word249x " + "steady " * 100
        assert all(jr.get_audio(i).data == bytes([(i - 1) % 256]) * 45_000 for i in range(1, 401))


def test_recover_keeps_tags_check_ins_and_minutes_listened(tmp_path):
    with Journal.open() as jr:
        for k in range(30):
            jr.add_entry(f"Dinner {k} with #family " + "steady " * 200, kind="note")
        jr.add_entry("A walk #outside", kind="note")
        jr.add_checkin(2, moment="start", session="s")
        jr.add_listening(120, article="a", section=1)
    damage_page_holding(user_paths().journal, b"Dinner 3 with")
    recovered = tmp_path / "recovered.db"
    result = invoke_voiceguide("journal", "recover", "--out", str(recovered))
    assert result.returncode == 0, result.stderr
    with Journal.open(recovered) as jr:
        kept = jr.list(limit=100)
        assert 0 < len(kept) < 31
        assert [(c.mood, c.moment) for c in jr.checkins()] == [(2, "start")]
        assert jr.practice().minutes_listened == 2.0
        family = sum("#family" in e.tags for e in kept)
        assert jr.tags() == sorted([("#family", family), ("#outside", 1)], key=lambda t: (-t[1], t[0]))
