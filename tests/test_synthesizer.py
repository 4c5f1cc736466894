"""The render workers and their cache: real neural (Piper) and espeak-ng speech, checked by ear (Whisper)."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pytest

from tests.signals import word_error_rate
from voiceguide.errors import SettingsError
from voiceguide.speech.engines import ESPEAK_VOICE, NEURAL_VOICE
from voiceguide.speech.synthesizer import Synthesizer, VoiceSettings
from voiceguide.speech.transcriber import WhisperTranscriber

SENTENCE = "Healing begins with awareness, and awareness takes courage."


@pytest.fixture(params=[NEURAL_VOICE, ESPEAK_VOICE])
def synth(tmp_path, request):
    with Synthesizer(VoiceSettings(voice=request.param), cache_dir=tmp_path / "speech") as s:
        yield s


def test_a_rendered_sentence_says_its_words(synth):
    clip = synth.render(SENTENCE)
    assert clip.rate > 0 and clip.duration > 1.5
    heard = WhisperTranscriber().transcribe(clip.samples, clip.rate).text
    assert word_error_rate(SENTENCE, heard) <= 0.15, heard


def test_a_neural_clip_starts_with_its_first_sound():
    # the voice puts about 50 ms of near silence before every sentence; our pauses are our own
    with Synthesizer(VoiceSettings(voice=NEURAL_VOICE), use_cache=False) as synth:
        for text in ("Introduction.", SENTENCE, "Trust is rebuilt slowly."):
            clip = synth.render(text)
            level, rate = np.abs(clip.samples.astype(np.int32)), clip.rate
            above_50 = int(np.flatnonzero(level > 104)[0])  # -50 dBFS
            above_40 = int(np.flatnonzero(level > 328)[0])  # -40 dBFS: where a listener hears it begin
            assert round(0.001 * rate) - 1 <= above_50 <= round(0.001 * rate) + 1, (text, above_50 / rate)
            assert above_40 <= 0.008 * rate, (text, above_40 / rate)  # the -60 dBFS cut it replaced: 10-13 ms


def test_the_neural_voice_renders_a_reading_the_same_way_every_time():
    takes = []
    for _ in range(2):
        with Synthesizer(VoiceSettings(voice=NEURAL_VOICE), use_cache=False) as synth:
            takes.append([synth.render(text).samples for text in ("Introduction.", SENTENCE)])
    assert all(np.array_equal(a, b) for a, b in zip(*takes, strict=True))


def test_renders_are_cached_by_voice_rate_volume_pitch_and_text(synth, tmp_path):
    first = synth.render(SENTENCE)
    again = synth.render(SENTENCE)
    assert synth.renders == 1 and np.array_equal(first.samples, again.samples)
    assert len(list((tmp_path / "speech").glob("*.wav"))) == 1
    synth.with_settings(VoiceSettings(voice=synth.settings.voice, rate=220))
    synth.render(SENTENCE)
    assert synth.renders == 2 and len(list((tmp_path / "speech").glob("*.wav"))) == 2


@pytest.mark.slow
@pytest.mark.parametrize("voice", [NEURAL_VOICE, ESPEAK_VOICE])
def test_a_faster_rate_speaks_faster(tmp_path, voice):
    with (
        Synthesizer(VoiceSettings(voice=voice, rate=140), cache_dir=tmp_path / "slow") as slow,
        Synthesizer(VoiceSettings(voice=voice, rate=260), cache_dir=tmp_path / "fast") as fast,
    ):
        assert fast.render(SENTENCE).duration < slow.render(SENTENCE).duration * 0.75


def test_back_to_back_renders_each_carry_their_own_rate_and_text(tmp_path):
    # a "slower" or "faster" command applies from the very next sentence: no render may
    # come back with the previous request's settings or words (espeak-ng's driver once did;
    # the neural voice's durations vary a little by design, so this exactness is espeak-ng's)
    texts = [
        "Breathe in.",
        SENTENCE,
        "Notice where the breath moves in your body, and let each exhale be a little longer.",
    ]
    durations: dict[tuple[int, int], list[float]] = {}
    with Synthesizer(cache_dir=tmp_path / "speech", use_cache=False) as s:
        for i in range(30):
            rate, t = (120, 220)[i % 2], (i // 2) % len(texts)
            s.with_settings(VoiceSettings(voice=ESPEAK_VOICE, rate=rate))
            durations.setdefault((t, rate), []).append(s.render(texts[t]).duration)
        assert s.respawns == 0
    assert all(len(found) == 5 for found in durations.values())
    typical = {key: float(np.median(found)) for key, found in durations.items()}
    for key, found in durations.items():
        assert all(abs(d - typical[key]) < 0.05 * typical[key] for d in found), (key, found)
    for t in range(len(texts)):
        assert typical[(t, 120)] > typical[(t, 220)] * 1.4, typical
    for rate in (120, 220):
        assert typical[(0, rate)] * 2 < typical[(1, rate)] < typical[(2, rate)] * 0.8, typical


def test_a_killed_worker_is_respawned(synth):
    synth.render("One.")
    worker = synth._worker.proc
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(10)  # dead and gone before the next sentence, whenever the kernel gets to it
    clip = synth.render("Two sentences later, still speaking.")
    assert clip.duration > 1.0 and synth.respawns == 1
    assert synth.fallback is None and synth.voice == synth.settings.voice  # one crash is not a fallback


@pytest.mark.slow
def test_a_hung_worker_is_respawned_after_the_timeout(synth):
    synth.render("One.")
    hung = synth._worker.proc
    os.kill(hung.pid, signal.SIGSTOP)
    synth.render_timeout = 2.0
    started = time.monotonic()
    clip = synth.render("After a hang, the next worker speaks.")
    assert clip.duration > 1.0 and synth.respawns == 1
    assert time.monotonic() - started < 10
    assert hung.poll() is not None  # the hung one was killed, not left behind


def test_rendering_prints_nothing_to_the_terminal(synth, capfd):
    synth.render("Quiet, please.")
    out, err = capfd.readouterr()
    assert out == "" and "Audio saved" not in err


def _median_f0(samples: np.ndarray, rate: int) -> float:
    """Median pitch of the loud 40 ms frames, by autocorrelation."""
    x = samples.astype(np.float64)
    n = int(0.04 * rate)
    found = []
    for i in range(0, len(x) - n, n):
        frame = x[i : i + n] - x[i : i + n].mean()
        if np.sqrt(np.mean(frame**2)) < 1000:
            continue
        ac = np.correlate(frame, frame, "full")[n - 1 :]
        lo, hi = int(rate / 400), int(rate / 60)
        lag = lo + int(np.argmax(ac[lo:hi]))
        found.append(rate / lag)
    return float(np.median(found))


def test_pitch_raises_the_voice(tmp_path):
    with (
        Synthesizer(VoiceSettings(voice=ESPEAK_VOICE, pitch=15), cache_dir=tmp_path / "low") as low,
        Synthesizer(VoiceSettings(voice=ESPEAK_VOICE, pitch=85), cache_dir=tmp_path / "high") as high,
    ):
        a, b = low.render(SENTENCE), high.render(SENTENCE)
    assert _median_f0(b.samples, b.rate) > _median_f0(a.samples, a.rate) * 1.3


def test_unknown_voice_and_bad_settings_are_clear_errors(tmp_path):
    with Synthesizer(VoiceSettings(voice="no-such-voice"), cache_dir=tmp_path) as s:
        with pytest.raises(SettingsError, match="no-such-voice"):
            s.render("Hello.")
    with pytest.raises(SettingsError, match="piper:nobody"):
        Synthesizer(VoiceSettings(voice="piper:nobody"), cache_dir=tmp_path)
    for bad in (dict(rate=1000), dict(volume=2.0), dict(pitch=150)):
        with pytest.raises(SettingsError):
            VoiceSettings(**bad)


def test_voices_list_the_neural_voice_first_then_espeak_ng(tmp_path):
    with Synthesizer(cache_dir=tmp_path) as synth:
        voices = synth.voices()
    assert (voices[0].id, voices[0].engine) == (NEURAL_VOICE, "piper")
    assert len(voices) > 10 and {v.engine for v in voices[1:]} == {"espeak-ng"}
    assert any(lang.startswith("en") for v in voices for lang in v.languages)
