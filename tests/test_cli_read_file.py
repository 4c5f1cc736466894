"""`voiceguide read --to-file` on long articles: told the length first, streamed, Ctrl-C leaves no half file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.cli_helpers import run_voiceguide
from voiceguide import messages
from voiceguide.audio.clip import read_wav
from voiceguide.content.loader import bundled_text
from voiceguide.sessions.render_file import LONG_RENDER_SECONDS, WAV_MAX_BYTES, spoken_length


def long_article(path, copies: int) -> None:
    """The bundled article ``copies`` times over, each copy a section (about 6.5 minutes each)."""
    text = bundled_text()
    path.write_text("".join(f"# Part {n}\n\n{text}\n\n" for n in range(1, copies + 1)))


ESPEAK = ("--voice", "gmw/en-us")
"""espeak-ng renders hours of speech in seconds; the neural voice would take minutes here"""


def leftovers(folder) -> list[str]:
    return [name for name in os.listdir(folder) if name.startswith(".")]


@pytest.mark.slow
def test_a_long_render_says_how_long_first_and_writes_every_sentence(tmp_path):
    article = tmp_path / "twice.md"
    long_article(article, 2)
    out = tmp_path / "twice.wav"
    result = run_voiceguide("read", str(article), "--to-file", str(out), *ESPEAK, timeout=300)
    assert result.returncode == 0, result.stderr
    notice = [line for line in result.stderr.splitlines() if line.startswith("This reading is about")]
    assert len(notice) == 1, result.stderr
    said = notice[0].split("about ")[1].split(" of audio")[0]  # e.g. "13 min"
    seconds = read_wav(out).duration
    assert seconds >= LONG_RENDER_SECONDS
    assert abs(int(said.split()[0]) - seconds / 60) <= max(2, 0.15 * seconds / 60)  # the estimate was close
    assert messages.READ_WROTE_FILE.format(path=out, seconds=seconds) in result.stdout
    assert leftovers(tmp_path) == []


@pytest.mark.slow
def test_a_short_render_says_nothing_first(tmp_path):
    out = tmp_path / "one.wav"
    result = run_voiceguide("read", "--section", "1", "--to-file", str(out), *ESPEAK)
    assert result.returncode == 0, result.stderr
    assert "This reading is about" not in result.stderr


def test_a_reading_longer_than_a_wav_file_holds_is_refused_before_rendering(tmp_path, voiceguide_home):
    article = tmp_path / "huge.md"
    long_article(article, 400)  # about 40 hours at the default rate
    out = tmp_path / "huge.wav"
    result = run_voiceguide("read", str(article), "--to-file", str(out), *ESPEAK, timeout=120)
    assert result.returncode == 1
    most = spoken_length(WAV_MAX_BYTES / (2 * 22050))
    assert result.stderr.strip().startswith("Error: This reading would be ")
    assert result.stderr.strip().endswith(
        f"more than one WAV file holds ({most}): choose a --section or a shorter article."
    )
    assert os.listdir(tmp_path) == ["huge.md"]  # no output file, no temporary one
    assert not list(voiceguide_home.rglob("*.wav"))  # refused from the words: not one sentence rendered


@pytest.mark.slow
@pytest.mark.parametrize("existing", [False, True])
def test_ctrl_c_during_a_render_leaves_no_half_file_and_keeps_an_older_one(tmp_path, existing):
    article = tmp_path / "long.md"
    long_article(article, 12)
    out = tmp_path / "long.wav"
    if existing:
        out.write_bytes(b"an earlier rendering")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "read", str(article), "--to-file", str(out), "--force", *ESPEAK],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    partial = f".{out.name}.{proc.pid}.rendering"
    deadline = time.monotonic() + 120
    while not (tmp_path / partial).exists() or (tmp_path / partial).stat().st_size < 1_000_000:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the render never got going"
        time.sleep(0.02)
    proc.send_signal(signal.SIGINT)
    out_text, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Wrote" not in out_text
    assert leftovers(tmp_path) == []
    if existing:
        assert out.read_bytes() == b"an earlier rendering"
    else:
        assert not out.exists()
