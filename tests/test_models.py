"""Whisper base: assembled once from its two packages into the cache, checked, and chosen by name."""

from __future__ import annotations

import os

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide import messages
from voiceguide.errors import EngineMissing
from voiceguide.speech import models


def test_base_is_joined_once_into_the_cache_and_checked(voiceguide_home):
    path = models.base_path()
    assert path.startswith(str(voiceguide_home / "cache"))
    model_bin = os.path.join(path, "model.bin")
    assert models._sha256([model_bin]) == models.BASE_SHA256["model.bin"]
    assert sorted(os.listdir(path)) == ["config.json", "model.bin", "tokenizer.json", "vocabulary.json"]
    before = os.stat(model_bin).st_mtime_ns
    assert models.base_path() == path and os.stat(model_bin).st_mtime_ns == before
    assert [p for p in os.listdir(os.path.dirname(path)) if p.startswith(".")] == []
    assert models.display_name(path) == "base" and models.display_name(models.tiny_path()) == "tiny.en"


def test_parts_that_do_not_match_the_release_are_never_assembled(voiceguide_home, tmp_path, monkeypatch):
    fake = {1: tmp_path / "one", 2: tmp_path / "two"}
    for folder in fake.values():
        folder.mkdir()
    (fake[1] / "model.bin.part1").write_bytes(b"not the model")
    (fake[2] / "model.bin.part2").write_bytes(b"at all")
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        (fake[2] / name).write_text("{}")
    monkeypatch.setattr(models, "_package_data", lambda number: fake[number])
    with pytest.raises(EngineMissing) as error:
        models.base_path()
    assert str(error.value) == messages.MODEL_BASE_MISMATCH
    assert not (voiceguide_home / "cache" / "models" / models.BASE_DIR).exists()


@pytest.mark.audio  # Whisper or a speech render
def test_config_model_base_is_what_doctor_and_the_journal_use(tmp_path):
    from tests.signals import espeak
    from voiceguide.audio.clip import Clip, write_wav
    from voiceguide.journal.store import Journal

    assert run_voiceguide("config", "set", "model", "base").returncode == 0
    samples, rate = espeak("I slept well and the morning was calm.")
    path = write_wav(tmp_path / "memo.wav", Clip(samples, rate))
    result = run_voiceguide("reflect", "--from-file", str(path))
    assert result.returncode == 0, result.stderr
    with Journal.open() as journal:
        [entry] = journal.list()
    assert entry.model == "base" and entry.text_pass == "file" and "calm" in entry.text.lower()
    tiny = run_voiceguide("reflect", "--from-file", str(path), "--model", "tiny.en")
    assert tiny.returncode == 0, tiny.stderr
    with Journal.open() as journal:
        assert journal.list()[0].model == "tiny.en"
