"""`voiceguide doctor` against the private server, and with no server at all."""

from __future__ import annotations

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide import messages

pytestmark = pytest.mark.audio


def test_doctor_passes_with_the_audio_server_up(pulse):
    result = run_voiceguide("doctor", env={"COLUMNS": "400"})  # no row wrapped mid-phrase
    assert result.returncode == 0, result.stdout + result.stderr
    assert messages.DOCTOR_ALL_GOOD in result.stdout
    for name in (
        "audio server",
        "output device",
        "input device",
        "speech engine",
        "transcription model",
        "data directory",
        "network",
    ):
        assert name in result.stdout
    assert "offline" in result.stdout
    assert "commands: tiny.en" in result.stdout and "spoken entries: base" in result.stdout
    assert "Traceback" not in result.stderr


def test_doctor_without_an_audio_server_names_each_problem(pulse, tmp_path):
    result = run_voiceguide("doctor", env={"PULSE_SERVER": f"unix:{tmp_path}/nothing-here"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("- ")]
    assert [line.split(":")[0] for line in lines] == ["- audio server", "- output device", "- input device"]
    assert messages.FIX_AUDIO_SERVER in result.stderr
    assert messages.DOCTOR_PROBLEMS.format(count=3) in result.stderr


def test_doctor_says_which_voice_will_speak_and_why(pulse):
    wide = {"COLUMNS": "250"}
    result = run_voiceguide("doctor", env=wide)
    assert result.returncode == 0, result.stdout + result.stderr
    speech = next(line for line in result.stdout.splitlines() if line.lstrip("│ ").startswith("speech engine"))
    assert "piper:joe (piper; " + messages.VOICE_WHY_NEURAL in speech
    neural = next(line for line in result.stdout.splitlines() if line.lstrip("│ ").startswith("neural voice"))
    assert "ok" in neural and "en_US-joe-medium.onnx" in neural
    assert run_voiceguide("config", "set", "voice", "gmw/en-us").returncode == 0
    chosen = run_voiceguide("doctor", env=wide)
    speech = next(line for line in chosen.stdout.splitlines() if line.lstrip("│ ").startswith("speech engine"))
    assert "gmw/en-us (espeak-ng; " + messages.VOICE_WHY_CHOSEN in speech


def _barge_in_line(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.lstrip("│ ").startswith("barge-in on speakers"))


def test_doctor_says_when_barge_in_is_turned_off(pulse):
    result = run_voiceguide("doctor", env={"COLUMNS": "250"})
    assert messages.DOCTOR_BARGE_IN_OFF.split(":")[0] in _barge_in_line(result.stdout)
