"""`voiceguide read`, run as a user would: heard through the private audio server, as a file, as text."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.cli_helpers import run_voiceguide
from tests.pulse import SPEAKER_RATE
from tests.signals import loud_segments, word_error_rate
from voiceguide import messages
from voiceguide.audio.clip import Clip, read_wav
from voiceguide.content import BUNDLED_SOURCE, load_article

SECTION_ONE = load_article(None).sections[0]


@pytest.fixture(scope="module")
def transcriber():
    from voiceguide.speech.transcriber import WhisperTranscriber

    return WhisperTranscriber()


def start_voiceguide(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "voiceguide", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        env=dict(os.environ),
    )


def read_line(proc: subprocess.Popen, timeout: float = 30) -> str:
    """The next stdout line, or fail after ``timeout`` (the process is killed then)."""
    import threading

    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not found:
        proc.kill()
        pytest.fail(f"no output within {timeout} s")
    return found[0].rstrip("\n")


def first_words(text: str, count: int) -> str:
    return " ".join(text.split()[:count])


@pytest.mark.audio
@pytest.mark.live  # judges the words heard from the speaker: beside three other workers, underruns garbled them
def test_read_section_is_heard_and_a_second_run_resumes(pulse, transcriber):
    sentences = SECTION_ONE.sentences
    with pulse.record_speaker() as rec:
        proc = start_voiceguide("read", "--section", "1", "--from-start")
        lines = []
        # the plain view prints each sentence as it starts: the third means two were heard
        while len(lines) < 4:
            lines.append(read_line(proc))
        assert lines == [
            messages.READ_SECTION_HEADING.format(number=1, title=SECTION_ONE.title),
            sentences[0].text,
            sentences[1].text,
            sentences[2].text,
        ]
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
        samples, _ = rec.stop()
    assert proc.returncode == 130, err
    assert "Traceback" not in err

    heard = transcriber.transcribe(Clip(samples, SPEAKER_RATE).resampled(16000).samples, 16000).text
    reference = " ".join([SECTION_ONE.title + ".", sentences[0].spoken, sentences[1].spoken])
    wer = word_error_rate(reference, first_words(heard, len(reference.split())))
    print(f"WER of the first two sentences: {wer:.3f}; heard: {heard}")
    assert wer <= 0.15, heard

    # stopped during the third sentence: the next run starts there and says so
    again = start_voiceguide("read", "--section", "1")
    try:
        assert read_line(again) == messages.READ_RESUMING.format(section=1, sentence=3)
        assert read_line(again) == sentences[2].text
    finally:
        again.kill()
        again.communicate(timeout=20)


@pytest.mark.audio
def test_read_resumes_at_saved_progress(pulse):
    from voiceguide.journal.store import Journal

    with Journal.open() as journal:
        journal.set_progress(BUNDLED_SOURCE, 5, 1)
    proc = start_voiceguide("read")
    try:
        assert read_line(proc) == messages.READ_RESUMING.format(section=5, sentence=2)
    finally:
        proc.kill()
        proc.communicate(timeout=20)


def test_text_prints_the_sentences_of_the_section():
    result = run_voiceguide("read", "--text", "--section", "1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == messages.READ_SECTION_HEADING.format(number=1, title=SECTION_ONE.title)
    assert lines[1:] == [s.text for s in SECTION_ONE.sentences]


def test_to_file_writes_a_wav_that_says_the_section(tmp_path, transcriber):
    # espeak-ng's sentences have no inner pauses as long as ours, so its gaps can be measured here
    # (the neural voice's file is checked in test_cli_read_neural.py); at 200 words per minute of
    # speech espeak-ng runs at its own rate 165, where the tiny Whisper model hears it best
    out = tmp_path / "section1.wav"
    result = run_voiceguide(
        "read",
        "--section",
        "1",
        "--to-file",
        str(out),
        "--voice",
        "gmw/en-us",
        "--rate",
        "200",
        env={"PULSE_SERVER": "unix:/nowhere"},
    )
    assert result.returncode == 0, result.stderr
    clip = read_wav(out)
    words = SECTION_ONE.words
    # 94 words at 200 words per minute, plus the pauses
    assert words / 200 * 60 * 0.9 < clip.duration < words / 200 * 60 * 1.6, clip.duration
    assert str(out) in result.stdout
    # title, 0.7 s, first sentence, 0.35 s, second sentence: cut there so Whisper hears them whole
    title, first, second = loud_segments(clip.samples, clip.rate, threshold=0.01, min_gap=0.3)[:3]
    assert 0.7 <= first[0] - title[1] <= 1.4  # the 0.7 s pause plus the engine's own edges
    assert 0.35 <= second[0] - first[1] <= 1.0
    heard = transcriber.transcribe(clip.slice(0, second[1] + 0.1).resampled(16000).samples, 16000).text
    sentences = SECTION_ONE.sentences
    reference = " ".join([SECTION_ONE.title + ".", sentences[0].spoken, sentences[1].spoken])
    wer = word_error_rate(reference, heard)
    print(f"WER of the file's first two sentences: {wer:.3f}; heard: {heard}")
    # the bundled tiny.en model hears espeak's "thread that weaves" as "friend that wins"
    assert wer <= 0.2, heard


def one_line_error(result) -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    return result.stderr.strip()


def test_missing_article_is_one_line(tmp_path):
    assert "missing.md" in one_line_error(run_voiceguide("read", str(tmp_path / "missing.md")))


def test_empty_article_is_one_line(tmp_path):
    empty = tmp_path / "empty.md"
    empty.write_text("# \n\n")
    assert "empty.md" in one_line_error(run_voiceguide("read", str(empty)))


def test_rate_out_of_range_is_one_line():
    line = one_line_error(run_voiceguide("read", "--rate", "1000"))
    assert messages.BAD_RATE.format(rate=1000, low=80, high=400) in line


def test_section_out_of_range_is_one_line():
    assert "no section 99" in one_line_error(run_voiceguide("read", "--section", "99"))


@pytest.mark.audio
def test_unknown_voice_is_one_line(pulse):
    line = one_line_error(run_voiceguide("read", "--voice", "nosuch"))
    assert messages.UNKNOWN_VOICE.format(voice="nosuch") in line


@pytest.mark.audio  # the audio stack, looked for and not found
def test_no_output_device_suggests_to_file_or_text():
    env = {"PULSE_SERVER": "unix:/nowhere", "AUDIODEV": "null"}
    line = one_line_error(run_voiceguide("read", "--section", "1", env=env))
    assert "--to-file" in line and "--text" in line


@pytest.mark.parametrize(
    "args, aloud",
    [
        (["read"], True),
        (["--debug", "read", "--section", "2", "--voice", "piper:joe"], True),
        (["read", "my-notes.md", "--from-start", "--no-barge-in"], True),
        (["read", "--text"], False),
        (["read", "--to-file", "out.wav"], False),
        (["read", "--to-file=out.wav"], False),
        (["read", "--barge-in"], False),
        (["read", "--help"], False),
        (["--debug-audio", "read"], False),
        (["guide"], False),
        (["sections"], False),
        (["--version"], False),
        ([], False),
    ],
)
def test_the_device_starts_opening_before_the_command_line_loads_only_for_a_reading_aloud(args, aloud):
    """A guess made before Click parses: a wrong one would open a device for a command that plays nothing."""
    from voiceguide.entry import reads_aloud

    assert reads_aloud(args) is aloud


@pytest.mark.parametrize(
    "args, spoken",
    [
        (["guide"], True),
        (["--debug", "guide", "my-notes.md", "--section", "2"], True),
        (["guide", "--text"], False),
        (["guide", "--help"], False),
        (["read"], False),  # a reading's own guess: reads_aloud
        (["journal", "list"], False),
    ],
)
def test_a_spoken_guide_starts_its_voice_before_the_command_line_loads(args, spoken):
    from voiceguide.entry import guides_aloud

    assert guides_aloud(args) is spoken


@pytest.mark.parametrize(
    "args, env, saved, voice",
    [
        (["read"], None, None, ""),
        (["read", "--voice", "gmw/en-us"], "piper:joe", "piper:joe", "gmw/en-us"),
        (["read", "--voice=gmw/en"], None, None, "gmw/en"),
        (["read"], "gmw/en-us", "piper:joe", "gmw/en-us"),
        (["read"], None, "gmw/en-us", "gmw/en-us"),
    ],
)
def test_the_voice_started_early_is_the_one_the_reading_will_choose(args, env, saved, voice, monkeypatch):
    """--voice over VOICEGUIDE_VOICE over the saved setting, as Click will decide it after loading."""
    from voiceguide import config
    from voiceguide.entry import voice_asked

    monkeypatch.delenv("VOICEGUIDE_VOICE", raising=False)
    if env:
        monkeypatch.setenv("VOICEGUIDE_VOICE", env)
    if saved:
        config.set_value("voice", saved)
    assert voice_asked(args) == voice


def test_a_damaged_config_file_starts_no_voice_early_and_is_reported_by_the_command():
    from voiceguide import config
    from voiceguide.entry import voice_asked

    config.config_path().parent.mkdir(parents=True, exist_ok=True)
    config.config_path().write_text("voice = [unclosed\n")
    assert voice_asked(["read"]) == ""
    result = run_voiceguide("read", "--text")
    assert result.returncode == 1 and "config" in result.stderr.lower()
