"""Spoken-entry accuracy, tiny.en against base, on the same audio in one run.

A minute of espeak-ng speech, clean and with pink noise at 10 dB SNR, goes
through the three paths an entry can take: the streamed pieces (the real
VAD and streaming transcriber, each piece with the text before it as its
prompt), the final pass over the whole recording, and `reflect
--from-file` (a WAV file decoded and transcribed). The clean runs go
through ReflectSession at the pace of a real microphone, which also gives
end of speech to the first saved text and to the final text; the noisy
streamed text is fed as fast as the transcriber keeps up (the same pieces).
Invented words: Whisper on ten minutes of silence, room noise, brown noise
and breathing, in stretches of 2 to 60 s, through both passes.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

import numpy as np

from benchmarks.reflect import _EnterAfterSpeech, _PacedMic, _Player, _speech
from benchmarks.table import Row

MODELS = ("tiny.en", "base")
SNR = 10.0


class _SilenceAfterSpeech:
    """No key: the entry ends on silence, as most do."""

    def poll(self, timeout: float = 0.0):
        return None


def _wer(reference: str, text: str) -> float:
    from tests.signals import word_error_rate

    return 100 * word_error_rate(reference, text)


def _paced_entry(speech: np.ndarray, live, final) -> dict[str, float | str]:
    """One entry through ReflectSession in real time; ended by Enter 0.3 s after the last word."""
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.reflect import ReflectSession

    with tempfile.TemporaryDirectory() as home, Journal.open(os.path.join(home, "journal.db")) as journal:
        mic = _PacedMic(speech)
        session = ReflectSession(
            "How was your week?",
            player=_Player(),
            recorder=mic,
            transcriber=live,
            journal=journal,
            keys=_EnterAfterSpeech(mic),
            silence=3.0,
            final_transcriber=final,
        )
        result = session.run()
        streamed = result.entry.text
        first = result.saved_at - mic.speech_ended
        result.final.run()
        done = time.monotonic()
        return {
            "streamed": streamed,
            "final": journal.get(result.entry.id).text,
            "first": first,
            "final_at": done - mic.speech_ended,
        }


def _streamed_fast(speech: np.ndarray, transcriber) -> str:
    from voiceguide.speech.streaming import StreamingTranscription

    stream = StreamingTranscription(transcriber.transcribe_piece, context=True)
    for i in range(0, len(speech), 1600):
        stream.feed(speech[i : i + 1600])
        stream._idle.wait(30)  # as a live thread keeps up: the same pieces, without waiting a minute
    return stream.finish(timeout=60).text


def _from_file(speech: np.ndarray, transcriber, folder: str, name: str) -> str:
    from voiceguide.audio.clip import Clip, write_wav
    from voiceguide.speech.decode import decode_audio_file

    path = write_wav(os.path.join(folder, name), Clip(speech, 16000))
    return transcriber.transcribe_recording(decode_audio_file(path), 16000).text  # as `reflect --from-file`


def _not_speech(minutes: float = 10.0) -> list[np.ndarray]:
    """Silence, pink and brown noise and breathing in stretches of 2 to 60 s, ``minutes`` in all."""
    from tests.signals import as_int16, breathing_noise, coloured_noise

    lengths = [2, 5, 10, 20, 30, 60, 3, 8, 15, 45, 12]
    made, total, k = [], 0.0, 0
    while total < minutes * 60:
        seconds = lengths[k % len(lengths)]
        kind = k % 4
        if kind == 0:
            clip = np.zeros(seconds * 16000, np.int16)
        elif kind == 1:
            clip = as_int16(coloured_noise(seconds, exponent=1.0, seed=k), 0.08)
        elif kind == 2:
            clip = as_int16(coloured_noise(seconds, exponent=2.0, seed=k), 0.15)
        else:
            clip = as_int16(breathing_noise(seconds, seed=k), 0.15)
        made.append(clip)
        total += seconds
        k += 1
    return made


def _invented_words(transcriber, clips: list[np.ndarray]) -> int:
    from voiceguide.speech.streaming import StreamingTranscription

    words = 0
    for clip in clips:
        words += len(transcriber.transcribe(clip, 16000).text.split())
        stream = StreamingTranscription(transcriber.transcribe_piece, context=True)
        for i in range(0, len(clip), 1600):
            stream.feed(clip[i : i + 1600])
        words += len(stream.finish(timeout=120).text.split())
    return words


def _natural_speech() -> np.ndarray:
    """The same minute read by the neural voice (Piper's joe), a short breath between sentences, at 16 kHz."""
    from benchmarks.reflect import MINUTE_OF_REFLECTION
    from voiceguide.audio.clip import Clip
    from voiceguide.speech.engines import piper_model
    from voiceguide.speech.render_worker import _load_voice

    model, config = piper_model()
    voice = _load_voice(str(model), str(config))  # as the reading loads it: seeded, the same take every run
    parts, rate = [], 22050
    for chunk in voice.synthesize(MINUTE_OF_REFLECTION):
        rate = chunk.sample_rate
        parts += [chunk.audio_int16_array, np.zeros(int(0.25 * rate), np.int16)]
    samples: np.ndarray = Clip(np.concatenate(parts), rate).resampled(16000).samples
    return samples


PERSON_SOUNDS = "/usr/share/asterisk/sounds/en_US_f_Allison"
"""A person's recorded voice: Allison Smith's prompts at 16 kHz, with their texts (Debian's
asterisk-core-sounds-en-g722 and asterisk-core-sounds-en, CC-BY-SA-3.0); `scripts/bench` installs them"""
PERSON_TEXTS = "/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz"
PERSON_SECONDS = 90.0
PERSON_SEEDS = 4


def _person_speech() -> tuple[np.ndarray, str] | None:
    """About 90 s of a person's speech at 16 kHz and what she says: prompts of 8 words or more, no digits,
    none repeating three words of another (a repeated phrase would count one mishearing many times)."""
    import gzip
    import re

    import av

    if not os.path.isdir(PERSON_SOUNDS) or not os.path.exists(PERSON_TEXTS):
        return None
    texts = {}
    with gzip.open(PERSON_TEXTS, "rt", encoding="utf-8") as listing:
        for line in listing:
            name, sep, text = line.strip().partition(":")
            if sep and not name.startswith(";"):
                texts[name.strip()] = text.strip()
    seen: set[tuple[str, ...]] = set()
    parts, said, seconds = [], [], 0.0
    for name in sorted(texts):
        text = texts[name]
        path = os.path.join(PERSON_SOUNDS, f"{name}.g722")
        if "[" in text or re.search(r"[0-9#*]", text) or len(text.split()) < 8 or not os.path.exists(path):
            continue
        words = re.findall(r"[a-z']+", text.lower())
        grams = {tuple(words[i : i + 3]) for i in range(len(words) - 2)}
        if grams & seen:
            continue
        seen |= grams
        with av.open(path, format="g722") as container:
            audio = np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(audio=0)])
        if audio.dtype != np.int16:
            audio = np.clip(audio * 32768.0, -32768, 32767).astype(np.int16)
        parts += [audio, np.zeros(int(0.7 * 16000), np.int16)]
        said.append(text)
        seconds += len(audio) / 16000
        if seconds >= PERSON_SECONDS:
            break
    return np.concatenate(parts), " ".join(said)


def bench_person_in_noise() -> list[Row]:
    """The noise figure on a person's voice: the final text's WER at 10 dB pink noise, default model
    against tiny.en, median over noise seeds (one seed can move either model by 5 points on 90 s)."""
    from tests.signals import coloured_noise, mix_at_snr
    from voiceguide.speech import models
    from voiceguide.speech.transcriber import WhisperTranscriber

    found = _person_speech()
    if found is None:
        return [Row("noise_ratio_person", float("nan"), note=f"{PERSON_SOUNDS} missing: scripts/bench installs it")]
    speech, said = found
    default = models.final_default()
    errors: dict[str, list[float]] = {default: [], "tiny.en": []}
    transcribers = {name: WhisperTranscriber(name) for name in errors}
    for seed in range(PERSON_SEEDS):
        noisy = mix_at_snr(speech, coloured_noise(len(speech) / 16000, exponent=1.0, seed=seed), SNR)
        for name, t in transcribers.items():
            errors[name].append(_wer(said, t.transcribe_recording(noisy, 16000).text))
    base, tiny = statistics.median(errors[default]), statistics.median(errors["tiny.en"])
    spread = "; ".join(f"{n} " + ", ".join(f"{e:.1f}" for e in errs) for n, errs in errors.items())
    return [
        Row(
            "noise_ratio_person",
            base / max(tiny, 1e-9),
            note=f"{len(speech) / 16000:.0f} s of Allison Smith's recorded prompts, pink noise {SNR:g} dB, "
            f"{PERSON_SEEDS} seeds: {default} {base:.1f} %, tiny.en {tiny:.1f} % WER (median; {spread})",
        )
    ]


def bench_accuracy(runs: int = 1) -> list[Row]:
    from benchmarks.reflect import MINUTE_OF_REFLECTION
    from tests.signals import coloured_noise, mix_at_snr
    from voiceguide.speech import models
    from voiceguide.speech.transcriber import WhisperTranscriber

    clean = _speech()
    noisy = mix_at_snr(clean, coloured_noise(len(clean) / 16000, exponent=1.0, seed=5), SNR)
    natural = _natural_speech()
    natural_noisy = mix_at_snr(natural, coloured_noise(len(natural) / 16000, exponent=1.0, seed=5), SNR)
    reference = MINUTE_OF_REFLECTION
    transcribers = {name: WhisperTranscriber(name) for name in MODELS}
    for transcriber in transcribers.values():
        transcriber.load()
    rows: list[Row] = []
    clips = _not_speech()
    finals: dict[tuple[str, str], float] = {}
    paced_by_model = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, t in transcribers.items():
            paced_runs = [_paced_entry(clean, t, t) for _ in range(runs)]
            paced_by_model[name] = paced_runs
            paced = paced_runs[0]
            streamed_noisy = _streamed_fast(noisy, t)
            final_noisy = t.transcribe_recording(noisy, 16000).text
            filed = {
                kind: _from_file(a, t, folder, f"{name}-{kind}.wav") for kind, a in (("clean", clean), ("noisy", noisy))
            }
            figures = {
                ("streamed", "clean"): _wer(reference, str(paced["streamed"])),
                ("final", "clean"): _wer(reference, str(paced["final"])),
                ("--from-file", "clean"): _wer(reference, filed["clean"]),
                ("streamed", "noisy"): _wer(reference, streamed_noisy),
                ("final", "noisy"): _wer(reference, final_noisy),
                ("--from-file", "noisy"): _wer(reference, filed["noisy"]),
            }
            finals[(name, "espeak-ng")] = figures[("final", "noisy")]
            finals[(name, "piper")] = _wer(reference, t.transcribe_recording(natural_noisy, 16000).text)
            for kind in ("clean", "noisy"):
                gap = figures[("final", kind)] - figures[("--from-file", kind)]
                detail = ", ".join(
                    f"{path} {figures[(path, kind)]:.1f} %" for path in ("streamed", "final", "--from-file")
                )
                where = f"; pink noise {SNR:g} dB SNR" if kind == "noisy" else "; 60 s espeak-ng, paced"
                rows.append(Row(f"wer_gap_{name}_{kind}", gap, note="WER " + detail + where))
            firsts = [float(p["first"]) for p in paced_runs]
            final_ats = [float(p["final_at"]) for p in paced_runs]
            rows.append(Row(f"first_text_{name}", statistics.median(firsts), note=f"{name} streams; {_spread(firsts)}"))
            rows.append(
                Row(f"final_text_{name}", statistics.median(final_ats), note=f"{name} final pass; {_spread(final_ats)}")
            )
            invented = _invented_words(t, clips)
            rows.append(Row(f"invented_{name}", invented, note=f"{len(clips)} stretches of 2-60 s, both passes"))
        default = models.final_default()
        runs_default = paced_by_model[default]
        words = f"WER streamed {_wer(reference, str(runs_default[0]['streamed'])):.1f} %"
        firsts = [float(p["first"]) for p in runs_default]
        final_ats = [float(p["final_at"]) for p in runs_default]
        note = f"{default} streams and finishes (one model); "
        rows.append(Row("first_text_default", statistics.median(firsts), note=note + words))
        rows.append(Row("final_text_default", statistics.median(final_ats), note=note + _spread(final_ats)))
        for voice in ("espeak-ng", "piper"):
            base, tiny = finals[(default, voice)], finals[("tiny.en", voice)]
            rows.append(
                Row(
                    f"noise_ratio_{voice}",
                    base / max(tiny, 1e-9),
                    note=f"final text in pink noise {SNR:g} dB: {default} {base:.1f} %, tiny.en {tiny:.1f} % WER",
                )
            )
    return rows


def _spread(values: list[float]) -> str:
    return f"median of {len(values)}, {min(values):.2f}-{max(values):.2f} s"


_MEMORY_PROBE = """
import sys
from benchmarks.accuracy import _paced_entry
from benchmarks.reflect import _speech
from voiceguide.speech.transcriber import WhisperTranscriber
live, final = (WhisperTranscriber(name) for name in sys.argv[1:3])
entry = _paced_entry(_speech(60.0), live, final)
assert entry["final"], entry
"""
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "subprocess.run([sys.executable, '-c', *sys.argv[1:]], check=True)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def bench_live_memory() -> list[Row]:
    """Peak resident memory of a live entry with its final pass, per choice of models (one process each)."""
    import subprocess
    import sys

    rows = []
    for live, final in (("tiny.en", "tiny.en"), ("base", "base"), ("tiny.en", "base")):
        env = dict(os.environ, VOICEGUIDE_HOME=tempfile.mkdtemp(prefix="vg-bench-mem-"))
        # measured from a small launcher: Linux carries a parent's peak into a forked child's own figure
        out = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, _MEMORY_PROBE, live, final],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        peak = int(out.stdout.strip().splitlines()[-1]) / 1024
        rows.append(Row(f"live_memory_{live}_{final}", peak, note="max RSS, 60 s entry paced, Whisper only"))
    return rows


if __name__ == "__main__":
    for row in bench_accuracy():
        print(row)
