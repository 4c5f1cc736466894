"""The root command: help, version, and the exit policy."""

from __future__ import annotations

from tests.cli_helpers import run_voiceguide
from voiceguide import __version__


def test_help_lists_commands_without_loading_audio_or_models():
    probe = (
        "import sys, runpy; sys.argv=['voiceguide','--help']\n"
        "try:\n    runpy.run_module('voiceguide', run_name='__main__')\n"
        "except SystemExit as e:\n    assert e.code == 0, e.code\n"
        "heavy = [m for m in ('numpy','pyaudio','faster_whisper','pyttsx3','rich') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert "Usage: voiceguide" in out.stdout and "doctor" in out.stdout
    assert "HEAVY []" in out.stdout


def test_version():
    result = run_voiceguide("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_unknown_command_and_bad_flag_exit_2():
    assert run_voiceguide("no-such-command").returncode == 2
    result = run_voiceguide("sections", "--no-such-flag")
    assert result.returncode == 2 and "No such option" in result.stderr


def test_user_error_is_one_line_and_exit_1(tmp_path):
    result = run_voiceguide("sections", str(tmp_path / "missing.md"))
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "missing.md" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = run_voiceguide("--debug", "sections", str(tmp_path / "missing.md"))
    assert result.returncode == 1 and "Traceback" in result.stderr


def test_voiceguide_debug_means_the_same_as_the_flag(tmp_path):
    missing = str(tmp_path / "missing.md")
    shown = run_voiceguide("sections", missing, env={"VOICEGUIDE_DEBUG": "1"})
    assert shown.returncode == 1 and "Traceback" in shown.stderr
    off = run_voiceguide("sections", missing, env={"VOICEGUIDE_DEBUG": "0"})
    assert off.returncode == 1 and "Traceback" not in off.stderr and "missing.md" in off.stderr


def test_a_command_loads_only_its_own_module_yet_help_and_suggestions_know_every_command():
    """Commands load when asked for: `sections` does not import the journal's or breathing's commands."""
    import subprocess
    import sys

    probe = (
        "import sys\nfrom voiceguide.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('voiceguide.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", probe, "sections"], capture_output=True, text=True, timeout=60)
    assert "LOADED ['voiceguide.cli.options', 'voiceguide.cli.read', 'voiceguide.cli.signals']" in out.stdout
    listed = run_voiceguide("--help").stdout
    for name in ("breathe", "checkin", "config", "devices", "doctor", "guide", "journal", "read", "reflect"):
        assert f"\n  {name} " in listed
    assert "Did you mean 'journal'?" in run_voiceguide("jour").stderr
    assert "export" in run_voiceguide("journal", "--help").stdout
