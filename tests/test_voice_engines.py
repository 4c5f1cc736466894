"""Two engines behind one Synthesizer: which one speaks, cache keys, the lexicon, and falling back to espeak-ng.

Real Piper and real espeak-ng; a missing or corrupt model is a real file
(``VOICEGUIDE_PIPER_MODEL``), a crash a real SIGKILL; what was said is checked
by the bundled Whisper model.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.signals import word_error_rate
from voiceguide import messages
from voiceguide.settings import VoiceSettings
from voiceguide.speech import engines
from voiceguide.speech.engines import ESPEAK_VOICE, MODEL_ENV, NEURAL_VOICE
from voiceguide.speech.lexicon import Lexicon
from voiceguide.speech.synthesizer import Synthesizer
from voiceguide.speech.transcriber import WhisperTranscriber

SENTENCE = "Healing begins with awareness, and awareness takes courage."
READING = [
    "Trust is rebuilt slowly.",
    "One small promise kept at a time.",
    "Notice where the breath moves in your body.",
]


@pytest.fixture(scope="module")
def whisper():
    transcriber = WhisperTranscriber()
    transcriber.load()
    return transcriber


@pytest.fixture(scope="module")
def judge():
    """Whisper base, for the tests that hang on one word: tiny.en hears "i'm an iverisk" for "not a naive risk"."""
    from voiceguide.speech.models import BASE

    transcriber = WhisperTranscriber(BASE)
    transcriber.load()
    return transcriber


def heard(whisper, clip) -> str:
    return whisper.transcribe(clip.samples, clip.rate).text


def heard_in_a_row(whisper, clips) -> str:
    """The clips played one after another, heard as a listener would: as one reading, with its context."""
    import numpy as np

    assert len({c.rate for c in clips}) == 1
    return whisper.transcribe(np.concatenate([c.samples for c in clips]), clips[0].rate).text


@pytest.fixture
def model_copy(tmp_path, monkeypatch):
    """A private copy of the joe model, spoken through VOICEGUIDE_PIPER_MODEL, that a test may damage."""
    model, config = engines.piper_model()
    copy = tmp_path / "model" / model.name
    copy.parent.mkdir()
    shutil.copyfile(model, copy)
    shutil.copyfile(config, copy.with_name(copy.name + ".json"))
    monkeypatch.setenv(MODEL_ENV, str(copy))
    return copy


def test_the_neural_voice_is_the_default_when_installed(tmp_path, whisper):
    assert engines.neural_installed()
    assert engines.choose("") == engines.Choice(NEURAL_VOICE, "piper", messages.VOICE_WHY_NEURAL)
    assert engines.choose("gmw/en-us").engine == "espeak-ng"
    with Synthesizer(cache_dir=tmp_path) as synth:
        clip = synth.render(SENTENCE)
        assert (synth.voice, synth.engine, synth.fallback) == (NEURAL_VOICE, "piper", None)
    assert clip.rate == 22050
    assert word_error_rate(SENTENCE, heard(whisper, clip)) <= 0.15


def test_cache_keys_change_with_engine_voice_model_and_lexicon(tmp_path, model_copy):
    def key(voice: str, lexicon: Lexicon | None = None, pitch: int = 50) -> str:
        with Synthesizer(VoiceSettings(voice=voice, pitch=pitch), cache_dir=tmp_path, lexicon=lexicon) as s:
            return s.key(SENTENCE)

    neural = key(NEURAL_VOICE)
    assert len({neural, key(ESPEAK_VOICE), key("gmw/en")}) == 3  # engine, and voice within an engine
    assert key(NEURAL_VOICE, Lexicon({"courage": "bravery"})) != neural
    assert key(ESPEAK_VOICE, Lexicon({"courage": "bravery"})) != key(ESPEAK_VOICE)
    assert key(NEURAL_VOICE, pitch=20) == neural  # the neural voice has no pitch to vary
    assert key(ESPEAK_VOICE, pitch=20) != key(ESPEAK_VOICE)
    with open(model_copy, "ab") as f:
        f.write(b"\0")  # another model file: clips of the old one must not play
    assert key(NEURAL_VOICE) != neural


def test_the_model_is_hashed_once_per_file_and_again_when_it_changes(tmp_path, model_copy):
    digest = engines.model_digest(model_copy, tmp_path)
    index = tmp_path / "models.json"
    remembered = json.loads(index.read_text())
    assert list(remembered.values()) == [digest]
    index.write_text(json.dumps({stamp: "remembered" for stamp in remembered}))
    assert engines.model_digest(model_copy, tmp_path) == "remembered"  # not read again
    os.utime(model_copy, ns=(1, 1))
    assert engines.model_digest(model_copy, tmp_path) == digest
    assert len(json.loads(index.read_text())) == 1


@pytest.mark.slow
@pytest.mark.parametrize("voice", [NEURAL_VOICE, ESPEAK_VOICE])
def test_the_lexicon_changes_what_either_engine_says(tmp_path, whisper, voice):
    text = "The storm passed slowly."
    with (
        Synthesizer(VoiceSettings(voice=voice), cache_dir=tmp_path / "plain", lexicon=Lexicon()) as plain,
        Synthesizer(
            VoiceSettings(voice=voice), cache_dir=tmp_path / "lex", lexicon=Lexicon({"STORM": "garden"})
        ) as lex,
    ):
        before, after = heard(whisper, plain.render(text)).lower(), heard(whisper, lex.render(text)).lower()
    assert "storm" in before and "garden" not in before, before
    assert "garden" in after and "storm" not in after, after


def test_a_missing_model_falls_back_to_espeak_ng_said_once(tmp_path, monkeypatch, whisper):
    missing = tmp_path / "gone" / "en_US-joe-medium.onnx"
    monkeypatch.setenv(MODEL_ENV, str(missing))
    notes: list[str] = []
    with Synthesizer(VoiceSettings(voice=NEURAL_VOICE), cache_dir=tmp_path / "speech", notify=notes.append) as s:
        clips = [s.render(text) for text in READING]
        assert (s.voice, s.engine) == (ESPEAK_VOICE, "espeak-ng")
    why = messages.VOICE_MODEL_MISSING.format(path=missing)
    assert notes == [messages.VOICE_FALLBACK.format(why=why)]
    assert word_error_rate(" ".join(READING), heard_in_a_row(whisper, clips)) <= 0.35


def test_a_corrupt_model_falls_back_to_espeak_ng_said_once(tmp_path, model_copy, whisper):
    model_copy.write_bytes(os.urandom(4096))
    notes: list[str] = []
    with Synthesizer(VoiceSettings(voice=NEURAL_VOICE), cache_dir=tmp_path / "speech", notify=notes.append) as s:
        clips = [s.render(text) for text in READING]
        assert s.voice == ESPEAK_VOICE
    assert notes == [messages.VOICE_FALLBACK.format(why=messages.VOICE_MODEL_BROKEN)]
    assert word_error_rate(" ".join(READING), heard_in_a_row(whisper, clips)) <= 0.35


@pytest.mark.slow
def test_an_engine_that_dies_mid_reading_gives_way_to_espeak_ng_and_the_reading_goes_on(tmp_path, model_copy, whisper):
    from voiceguide.audio.clip import read_wav
    from voiceguide.content import load_article
    from voiceguide.sessions.render_file import render_to_file

    notes: list[str] = []
    article = load_article(None)
    with Synthesizer(VoiceSettings(voice=NEURAL_VOICE), cache_dir=tmp_path / "speech", notify=notes.append) as s:
        first = s.render(READING[0])
        assert s.engine == "piper"
        model_copy.write_bytes(os.urandom(4096))  # the model is damaged under the running session ...
        os.kill(s._worker.proc.pid, signal.SIGKILL)  # ... and its engine dies: the respawn cannot load it
        seconds = render_to_file(article, 1, tmp_path / "rest.wav", s)
        assert s.voice == ESPEAK_VOICE
    assert notes == [messages.VOICE_FALLBACK.format(why=messages.VOICE_MODEL_BROKEN)]
    assert first.duration > 1.0 and seconds > 20
    section = article.sections[0]
    said = " ".join([section.spoken_title, *(sentence.spoken for sentence in section.sentences)])
    assert word_error_rate(said, heard(whisper, read_wav(tmp_path / "rest.wav"))) <= 0.3


@pytest.mark.audio  # a speech render
def test_private_renders_never_touch_the_cache(tmp_path):
    with Synthesizer(VoiceSettings(voice=NEURAL_VOICE), cache_dir=tmp_path) as s:
        clip = s.render_private("What I said in my journal.")
    assert clip.duration > 1.0
    assert not list(tmp_path.glob("*.wav"))


@pytest.mark.parametrize(
    "text, word",
    [
        ("Embrace trust as a courageous choice, not a naive risk.", "naive"),
        ("We'll explore heartfelt ways to rebuild trust.", "heartfelt"),
        ("Childhood wounds cast long shadows, creating barriers that feel impossible to dismantle.", "barriers"),
    ],
)
def test_the_default_list_says_the_bundled_articles_hard_words(tmp_path, judge, text, word):
    with Synthesizer(VoiceSettings(voice=NEURAL_VOICE), cache_dir=tmp_path) as synth:
        assert word in synth.lexicon.entries  # the defaults, with no file of the person's own
        said = heard(judge, synth.render(text)).lower()
    assert word in said.replace(",", " ").replace(".", " ").split(), said


def render_workers() -> list[int]:
    """The render worker processes this test process started and that still run."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read()
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and b"voiceguide.speech.render_worker" in command:
            found.append(int(pid))
    return found


def test_a_first_reading_loads_the_neural_voice_once_begun_before_the_command_line(whisper):
    """`read` starts the voice as its process starts (worker.start_early); the Synthesizer takes that very worker."""
    from voiceguide.speech import worker

    worker.start_early("")  # the default voice, and a cache that has never seen its model
    started = render_workers()
    assert len(started) == 1
    with Synthesizer() as synth:
        synth.prefetch(SENTENCE)
        clip = synth.render(SENTENCE)
        assert render_workers() == started  # no second voice loaded beside it
    assert word_error_rate(SENTENCE, heard(whisper, clip)) <= 0.15
    assert render_workers() == []


def test_no_voice_starts_early_for_a_voice_that_does_not_exist():
    from voiceguide.speech import worker

    worker.start_early("piper:nobody")  # the command reports it, in its own words
    assert render_workers() == []


@pytest.mark.audio  # a speech render, or a voice loaded
def test_a_first_reading_in_espeak_ng_starts_its_engine_early_and_a_later_one_does_not():
    """espeak-ng starts early only while the cache holds no sentence at all: then the first cannot be on disk."""
    from voiceguide.speech import worker

    worker.start_early(ESPEAK_VOICE)
    started = render_workers()
    assert len(started) == 1
    with Synthesizer(VoiceSettings(voice=ESPEAK_VOICE)) as synth:
        synth.render(SENTENCE)
        assert render_workers() == started  # the early worker speaks
    worker.start_early(ESPEAK_VOICE)
    assert render_workers() == []


@pytest.mark.audio  # a speech render
def test_no_voice_starts_early_once_the_cache_knows_the_model():
    """A warm cache needs no render for the first sound: a voice loading beside it would only take CPU from it."""
    from voiceguide.speech import worker

    with Synthesizer() as synth:
        synth.render(SENTENCE)  # hashes the model into the default cache folder
    worker.start_early("")
    assert render_workers() == []


@pytest.mark.audio  # a speech render, or a voice loaded
def test_a_voice_started_early_and_never_taken_is_stopped_at_exit(tmp_path):
    """A wrong guess (a usage error after the start) costs a worker started and stopped, never one left running."""
    code = (
        "from voiceguide.speech import worker\n"
        "worker.start_early('')\n"
        "print(*(w.proc.pid for w in worker._early.values()))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    pid = int(done.stdout)
    for _ in range(100):
        if not os.path.exists(f"/proc/{pid}") or " Z " in open(f"/proc/{pid}/stat").read():
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the early worker outlived its process")


@pytest.mark.audio  # a voice loaded
def test_a_stopped_command_ends_every_voice_still_loading_taken_by_the_reading_or_not():
    """A stop ends the command without closing its Synthesizer: the worker the reading took, still loading
    its voice, went on for up to half a second after the exit (caught by the stop test in
    test_signals_native on a busy machine). Both stop paths now end every worker of the process."""
    from voiceguide.speech import worker

    worker.start_early("")  # the neural voice, never seen by this cache
    taken = worker.Worker.started(list(next(iter(worker._early))))  # as a Synthesizer takes it
    worker.start_early(ESPEAK_VOICE)  # and one nobody took
    untaken = next(iter(worker._early.values()))
    worker.stop_all()
    assert taken.proc.poll() is not None and untaken.proc.poll() is not None
    assert render_workers() == []


def test_a_stop_inside_the_spawn_of_a_worker_ends_that_worker_too():
    """A stop can land after Popen's fork and before the Worker is known (seen once in CI: a worker outlived a
    reading stopped the moment it appeared). The stop path also ends the process's own children that are
    render workers, and leaves its other children alone."""
    from voiceguide.speech import worker

    unknown = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", worker.WORKER_MODULE])
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        deadline = time.monotonic() + 10
        while worker.WORKER_MODULE.encode() not in open(f"/proc/{unknown.pid}/cmdline", "rb").read():
            assert time.monotonic() < deadline
            time.sleep(0.01)
        worker.stop_all()
        assert not os.path.exists(f"/proc/{unknown.pid}"), "a render worker nobody knew of outlived the stop"
        assert other.poll() is None, "a child that is no render worker was stopped"
    finally:
        for proc in (unknown, other):
            if proc.pid and os.path.exists(f"/proc/{proc.pid}"):
                proc.kill()
                proc.wait(5)


@pytest.mark.audio  # a speech render, or a voice loaded
def test_sentences_rendered_before_the_model_was_hashed_are_each_kept_under_their_own_key(tmp_path):
    """A first reading renders before it hashes the model (60 MB); what it rendered is found next time, each
    sentence as itself, even when the next one was asked for before the first was ready."""
    with Synthesizer(cache_dir=tmp_path) as synth:
        for sentence in READING:
            synth.prefetch(sentence)
        first = [synth.render(sentence).pcm for sentence in READING]
        assert synth.renders == len(READING)
    with Synthesizer(cache_dir=tmp_path) as synth:
        again = [synth.render(sentence).pcm for sentence in READING]
        assert synth.renders == 0  # all from the cache
    assert again == first
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing half-kept is left
