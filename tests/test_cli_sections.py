"""`voiceguide sections` (and every command that loads an article): size limits and Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide import messages


def article_of(path, megabytes: float) -> None:
    paragraph = ("Trust grows in small promises kept. " * 20).strip() + "\n\n"
    count = int(megabytes * 1024 * 1024 / len(paragraph)) + 1
    path.write_text("# A long article\n\n" + paragraph * count)


def test_the_bundled_article_lists_its_sections():
    result = run_voiceguide("sections")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(" words ") >= 5


@pytest.mark.parametrize("command", [["sections"], ["read", "--text"], ["read", "--to-file", "out.wav"]])
def test_a_device_that_never_ends_is_refused_with_one_line(command, tmp_path):
    extra = [str(tmp_path / arg) if arg.endswith(".wav") else arg for arg in command[1:]]
    result = run_voiceguide(command[0], "/dev/zero", *extra, timeout=120)  # reads 20 MB, not forever
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "Error: " + messages.ARTICLE_TOO_BIG.format(path="/dev/zero", mb=20),
    )
    assert not (tmp_path / "out.wav").exists()


@pytest.mark.slow
def test_the_size_limit_is_a_setting(tmp_path):
    big = tmp_path / "big.md"
    article_of(big, 1.5)
    assert run_voiceguide("config", "set", "article_mb", "1").returncode == 0
    refused = run_voiceguide("sections", str(big))
    assert (refused.returncode, refused.stderr.strip()) == (
        1,
        "Error: " + messages.ARTICLE_TOO_BIG.format(path=big, mb=1),
    )
    guided = run_voiceguide("guide", str(big), "--text", input="stop\n")
    assert guided.stderr.strip() == "Error: " + messages.ARTICLE_TOO_BIG.format(path=big, mb=1)
    reflected = run_voiceguide("reflect", "--text", "--article", str(big), input="A thought.\n")
    assert reflected.stderr.strip() == "Error: " + messages.ARTICLE_TOO_BIG.format(path=big, mb=1)
    assert run_voiceguide("config", "set", "article_mb", "2").returncode == 0
    listed = run_voiceguide("sections", str(big))
    assert listed.returncode == 0, listed.stderr
    assert "A long article" in listed.stdout


def interrupt(args: list[str], after, timeout: float = 60) -> tuple[int, str]:
    """Start voiceguide with Ctrl-C's default meaning, wait for ``after()``, press Ctrl-C: exit code and stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    after(proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=timeout)  # a process that ignored Ctrl-C fails here
    return proc.returncode, err


def test_ctrl_c_stops_waiting_for_an_article_that_never_comes(tmp_path):
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    code, err = interrupt(["sections", str(fifo)], lambda proc: time.sleep(1.5))
    assert code == 130, err  # it never ends by itself: only Ctrl-C stops it
    assert err.strip() == messages.INTERRUPTED


def test_ctrl_c_stops_reading_a_long_article(tmp_path):
    big = tmp_path / "big.md"
    article_of(big, 15)
    code, err = interrupt(["sections", str(big)], lambda proc: time.sleep(1.0))
    assert code == 130, err  # stopped while parsing: a finished run exits 0
    assert err.strip() == messages.INTERRUPTED
