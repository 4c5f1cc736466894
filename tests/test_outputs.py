"""Output paths: never the journal or its folder, never through a link, never over a file without --force."""

from __future__ import annotations

import os

import pytest

from tests.cli_helpers import invoke_voiceguide
from voiceguide import messages
from voiceguide.journal.audio_codec import encode
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths


def one_line(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    return result.stderr.strip().removeprefix("Error: ")


@pytest.fixture
def journal_bytes():
    for k in range(3):
        assert invoke_voiceguide("journal", "add", f"kept {k}").returncode == 0
    return user_paths().journal.read_bytes()


@pytest.mark.parametrize("name", ["journal.db", "journal.db-wal", "journal.db-shm", "export.json", "tmp/x.json"])
def test_export_and_read_refuse_the_journal_and_its_folder(journal_bytes, name):
    data = user_paths().data
    target = data / name
    for command in (
        ["journal", "export", "--format", "json", "--out", str(target), "--force"],
        ["read", "--section", "1", "--to-file", str(target), "--force"],
    ):
        assert one_line(invoke_voiceguide(*command)) == messages.OUTPUT_IN_DATA.format(path=target, data=data)
    assert user_paths().journal.read_bytes() == journal_bytes
    with Journal.open() as jr:
        assert [e.text for e in jr.list()] == ["kept 2", "kept 1", "kept 0"]


def test_a_hard_link_to_the_journal_is_refused(journal_bytes, tmp_path):
    link = tmp_path / "innocent.json"
    os.link(user_paths().journal, link)
    result = invoke_voiceguide("journal", "export", "--format", "json", "--out", str(link), "--force")
    assert one_line(result) == messages.OUTPUT_IN_DATA.format(path=link, data=user_paths().data)
    assert user_paths().journal.read_bytes() == journal_bytes


def test_a_relative_path_that_leads_into_the_data_folder_is_refused(journal_bytes, tmp_path):
    data = user_paths().data
    result = invoke_voiceguide("journal", "export", "--out", os.path.relpath(data / "journal.db"), "--force")
    assert "Refusing to write" in one_line(result)
    assert user_paths().journal.read_bytes() == journal_bytes


def test_out_refuses_to_follow_a_symlink(journal_bytes, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("someone else's file")
    link = tmp_path / "out.md"
    link.symlink_to(victim)
    for command in (["journal", "export", "--out", str(link), "--force"], ["read", "--to-file", str(link)]):
        assert one_line(invoke_voiceguide(*command)) == messages.OUTPUT_SYMLINK.format(path=link)
    assert victim.read_text() == "someone else's file"


def test_export_audio_refuses_a_planted_symlink_and_writes_nothing(tmp_path):
    with Journal.open() as jr:
        for k in range(2):
            entry = jr.add_entry(f"spoken {k}")
            codec, data = encode(bytes(3200), 16000)
            jr.set_audio(entry.id, codec, 16000, data)
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    folder = tmp_path / "audio"
    folder.mkdir()
    (folder / "entry-2.wav").symlink_to(victim)
    result = invoke_voiceguide("journal", "export", "--out", str(tmp_path / "j.md"), "--audio", str(folder), "--force")
    assert one_line(result) == messages.OUTPUT_SYMLINK.format(path=folder / "entry-2.wav")
    assert victim.read_text() == "untouched"
    assert not (folder / "entry-1.wav").exists()


def test_an_existing_file_is_kept_unless_force(tmp_path):
    assert invoke_voiceguide("journal", "add", "new words").returncode == 0
    out = tmp_path / "journal.md"
    out.write_text("an older export I want to keep")
    assert one_line(invoke_voiceguide("journal", "export", "--out", str(out))) == messages.OUTPUT_EXISTS.format(
        path=out
    )
    assert out.read_text() == "an older export I want to keep"
    wav = tmp_path / "reading.wav"
    wav.write_bytes(b"keep me")
    assert one_line(
        invoke_voiceguide("read", "--section", "1", "--to-file", str(wav))
    ) == messages.OUTPUT_EXISTS.format(path=wav)
    assert wav.read_bytes() == b"keep me"
    result = invoke_voiceguide("journal", "export", "--out", str(out), "--force")
    assert result.returncode == 0, result.stderr
    assert "new words" in out.read_text()
    audio = tmp_path / "audio"
    with Journal.open() as jr:
        codec, data = encode(bytes(3200), 16000)
        jr.set_audio(1, codec, 16000, data)
    assert (
        invoke_voiceguide("journal", "export", "--out", str(tmp_path / "a.md"), "--audio", str(audio)).returncode == 0
    )
    again = invoke_voiceguide("journal", "export", "--out", str(tmp_path / "b.md"), "--audio", str(audio))
    assert one_line(again) == messages.OUTPUT_EXISTS.format(path=audio / "entry-1.wav")
    assert invoke_voiceguide("journal", "export", "--audio", str(audio), "--force").returncode == 0
