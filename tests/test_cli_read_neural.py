"""The neural voice reading aloud, as a person hears it: the speaker's monitor and a file, checked by Whisper."""

from __future__ import annotations

import time

import pytest

from tests.cli_helpers import run_voiceguide
from tests.pulse import SPEAKER_RATE
from tests.signals import loud_segments, missing_words, word_error_rate
from voiceguide.audio.clip import Clip, read_wav, write_wav
from voiceguide.content import load_article

ARTICLE = load_article(None)


@pytest.fixture(scope="module")
def transcriber():
    """The judge: the bundled Whisper base, whose own mistakes on this article stay well under the 5 % bar
    (tiny.en hears "breaking bears" for "barriers" and "self-impassion" in the voice's clean reading).

    It hears a recording as the final pass does (``transcribe_recording``): windows cut at the pauses, so
    the same clips give the same words whatever silence the speaker's monitor has around them. Whole 30 s
    windows from wherever the recording happened to start moved the result by 1-2 points between runs
    of the very same clips (measured: 3.2-5.9 % against 3.7 % for their file)."""
    from voiceguide.speech.models import BASE
    from voiceguide.speech.transcriber import WhisperTranscriber

    model = WhisperTranscriber(BASE)
    model.load()
    return model


def said(section) -> str:
    return " ".join([section.spoken_title, *(sentence.spoken for sentence in section.sentences)])


@pytest.mark.audio
@pytest.mark.live
def test_read_section_two_in_the_neural_voice_is_heard_word_for_word(pulse, transcriber, tmp_path):
    section = ARTICLE.sections[1]
    with pulse.record_speaker() as rec:
        result = run_voiceguide("read", "--section", "2", "--from-start", "--voice", "piper:joe", timeout=400)
        samples, began = rec.stop()
        stopped = time.monotonic()
    assert result.returncode == 0, result.stderr
    assert "neural voice" not in result.stderr  # it spoke, no fallback
    audio = Clip(samples, SPEAKER_RATE).resampled(16000).samples
    heard = transcriber.transcribe_recording(audio, 16000).text
    wer = word_error_rate(said(section), heard)
    print(f"section 2 from the speaker: WER {wer:.3f}; heard: {heard}")
    # measured: 1.1-4.3 % from the speaker, 2.1 % for the same clips to a file
    if wer > 0.05:  # kept to be listened to: pytest keeps the last runs' tmp_path
        write_wav(tmp_path / "heard-from-the-speaker.wav", Clip(samples, SPEAKER_RATE))
        (tmp_path / "stderr.txt").write_text(result.stderr)
    assert wer <= 0.05, _why_not_heard(section, audio, heard, transcriber, stopped - began) + f"; kept in {tmp_path}"


def _why_not_heard(section, audio, heard: str, transcriber, wall: float) -> str:
    """What a failure needs to tell a lost sound from a judge's slip: the words left out, the longest silence
    between the first and last sound (a reading's own pauses are under 1.6 s), the seconds recorded against
    the seconds the recording lasted (fewer: the recorder lost audio), and Whisper's plain long-form
    reading of the same recording as a second opinion."""
    sounds = loud_segments(audio, 16000, threshold=0.01, min_gap=0.3)
    gaps = [b[0] - a[1] for a, b in zip(sounds, sounds[1:], strict=False)]
    second = transcriber.transcribe(audio, 16000).text
    return (
        f"left out: {missing_words(said(section), heard)}; longest silence {max(gaps, default=0.0):.2f} s; "
        f"recorded {len(audio) / 16000:.1f} s in {wall:.1f} s; "
        f"second opinion WER {word_error_rate(said(section), second):.3f}, left out: "
        f"{missing_words(said(section), second)}; heard: {heard}"
    )


@pytest.mark.slow
def test_the_whole_article_to_file_in_the_neural_voice_is_heard_word_for_word(tmp_path, transcriber):
    out = tmp_path / "article.wav"
    result = run_voiceguide("read", "--to-file", str(out), env={"PULSE_SERVER": "unix:/nowhere"}, timeout=900)
    assert result.returncode == 0, result.stderr
    assert "neural voice" not in result.stderr
    clip = read_wav(out)
    heard = transcriber.transcribe_recording(clip.resampled(16000).samples, 16000).text
    wer = word_error_rate(" ".join(said(s) for s in ARTICLE.sections), heard)
    print(f"whole article to file: {clip.duration:.0f} s, WER {wer:.3f}")
    assert wer <= 0.05, heard
    # the pauses are ours: 1.5 s closes each section, longer than any pause inside the neural voice's sentences
    sounds = loud_segments(clip.samples, clip.rate, threshold=0.01, min_gap=1.2)
    long_gaps = [b[0] - a[1] for a, b in zip(sounds, sounds[1:], strict=False)]
    assert len(ARTICLE.sections) - 1 <= len([g for g in long_gaps if g >= 1.5]) <= len(ARTICLE.sections) + 1
