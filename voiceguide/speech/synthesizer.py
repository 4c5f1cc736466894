"""Text to speech: render workers behind a disk cache, for the neural voice and for espeak-ng.

Each sentence is rendered to a file by a long-lived worker process of its
engine (see ``render_worker``), checked, cached by hash of (engine, voice,
model file, rate, volume, pitch, pronunciation lexicon, text) and returned
as a Clip for our Player. A hung or dead worker is respawned; a neural
voice that cannot load or keeps failing gives way to espeak-ng, said once.
``prefetch()`` renders the next sentence while this one plays.

One worker per engine, not one worker for both: the neural voice's process
holds onnxruntime and 60 MB of weights, and when it crashes or cannot load,
the espeak-ng process that takes over must not share its fate. A warm cache
starts no worker at all, so the voice never loads on the way to a sound that
is already on disk.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import itertools
import json
import os
import sys
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceguide import messages
from voiceguide.errors import EngineFailed, EngineMissing, SettingsError, VoiceguideError
from voiceguide.settings import VoiceSettings, ensure_private_dir
from voiceguide.speech import engines
from voiceguide.speech.cache import DEFAULT_CACHE_MB, SpeechCache, default_folder
from voiceguide.speech.lexicon import Lexicon, load_lexicon
from voiceguide.speech.worker import Worker

if TYPE_CHECKING:  # numpy loads with the first clip read, not with this module: a reading's engine starts first
    from voiceguide.audio.clip import Clip

ENGINE = engines.ESPEAK
DEFAULT_VOICE = engines.ESPEAK_VOICE
__all__ = ["Synthesizer", "Voice", "VoiceSettings", "ENGINE", "DEFAULT_VOICE"]


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]
    gender: str
    engine: str = engines.ESPEAK


def _say_on_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class Synthesizer:
    """Renders sentences to Clips; one worker process per engine, one cache directory."""

    def __init__(
        self,
        settings: VoiceSettings | None = None,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        *,
        lexicon: Lexicon | None = None,
        notify: Callable[[str], None] | None = None,
        cache_mb: float | None = None,
    ) -> None:
        self.settings = settings or VoiceSettings()
        self.cache_dir = cache_dir or default_folder()
        self.use_cache = use_cache
        self.cache = SpeechCache(self.cache_dir, _cache_mb() if cache_mb is None else cache_mb)
        """The rendered sentences on disk, at most `config cache_mb` megabytes, least recently used out"""
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.notify = notify or _say_on_stderr
        """Where the one line about falling back to espeak-ng goes"""
        self.fallback: str | None = None
        """Why the neural voice gave way to espeak-ng (None while it speaks, or was never asked for)"""
        self._workers: dict[str, Worker] = {}
        self._closed = False
        self._models: dict[str, str] = {}
        """The neural models' hashes, by voice"""
        self._found: set[str] = set()
        """The neural voices whose model files are in place"""
        self._unkept: dict[Path, tuple[str, VoiceSettings, str]] = {}
        """Rendered sentences (what they say, in which voice) waiting for their key before they go into the cache"""
        self._unkept_lock = threading.Lock()
        self._unkeyed = itertools.count()
        self._lock = threading.Lock()
        self._digest_lock = threading.Lock()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self._pending: dict[tuple[str, VoiceSettings], concurrent.futures.Future[Clip]] = {}
        """Prefetched sentences by (text, settings): render() finds one without computing its key"""
        self.renders = 0
        self.respawns = 0
        self.render_timeout: float | None = None
        """Seconds to wait for one sentence before the worker counts as hung (None: by length)"""
        engines.choose(self.settings.voice)  # an unknown neural voice id fails here, before any sound

    def with_settings(self, settings: VoiceSettings) -> Synthesizer:
        """Same workers and cache, other voice, rate or volume (applies from the next sentence)."""
        engines.choose(settings.voice)
        self.settings = settings
        return self

    @property
    def voice(self) -> str:
        """The voice id that speaks now: the chosen one, or espeak-ng's after a fallback."""
        return self._speaking(self.settings).voice

    @property
    def engine(self) -> str:
        return engines.engine_of(self.voice)

    @property
    def _worker(self) -> Worker | None:
        return self._workers.get(self.engine)

    def _speaking(self, settings: VoiceSettings) -> VoiceSettings:
        voice = engines.choose(settings.voice).voice
        if engines.engine_of(voice) == engines.PIPER and self.fallback is None and voice not in self._found:
            try:
                engines.piper_model(voice)
                self._found.add(voice)
            except engines.NeuralUnavailable as why:
                self._fall_back(str(why))
        if engines.engine_of(voice) == engines.PIPER and self.fallback is not None:
            voice = engines.ESPEAK_VOICE
        return settings if voice == settings.voice else replace(settings, voice=voice)

    def _model_digest(self, voice: str) -> str:
        with self._digest_lock:  # the first time it reads 60 MB: once, whichever thread asks first
            if voice not in self._models:
                model, _config = engines.piper_model(voice)
                self._models[voice] = engines.model_digest(model, self.cache_dir)
            return self._models[voice]

    def _fall_back(self, why: str) -> None:
        if self.fallback is None:
            self.fallback = why
            self.notify(messages.VOICE_FALLBACK.format(why=why))

    def key(self, text: str, settings: VoiceSettings | None = None) -> str:
        s = self._speaking(settings or self.settings)
        engine = engines.engine_of(s.voice)
        model = self._model_digest(s.voice) if engine == engines.PIPER else ""
        pitch = s.pitch if engine != engines.PIPER else None  # the neural voice has no pitch
        raw = json.dumps(
            [engine, s.voice, model, s.rate, round(s.volume, 3), pitch, self.lexicon.digest, self.lexicon.apply(text)]
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def render(self, text: str) -> Clip:
        """The sentence as a Clip (from the cache when it was rendered before)."""
        settings = self.settings
        future = self._pending.pop((text, settings), None)
        if future is not None:
            return future.result()
        return self._render(text, settings, self.key(text, settings), self.use_cache)

    def render_private(self, text: str) -> Clip:
        """Render without reading or writing the cache: a person's own words never land on disk here."""
        return self._render(text, self.settings, self.key(text), False)

    def prefetch(self, text: str) -> None:
        """Start rendering ``text`` in the background (the next sentence while this one plays).

        Its key is computed there too. The first time a neural model is used,
        its worker starts at once and the model's hash (a 60 MB read, part of
        every key) waits until the sentence is rendered: on two cores it would
        slow the voice's load, and nothing can be cached under a model never hashed.
        """
        settings = self.settings
        if (text, settings) not in self._pending:
            self._pending[(text, settings)] = self._pool.submit(self._prefetched, text, settings)

    def _prefetched(self, text: str, settings: VoiceSettings) -> Clip:
        voice = engines.choose(settings.voice).voice
        if engines.engine_of(voice) == engines.PIPER and not self._digest_known(voice):
            # a model this cache has never hashed has nothing cached under it: the voice starts loading now
            with self._lock:
                try:
                    self._start_worker(engines.PIPER, voice)
                except (EngineMissing, EngineFailed):
                    pass  # the render below finds the same and falls back to espeak-ng, said once
            # nothing is cached under a model never hashed: its hash (60 MB read) waits until this sentence is ready
            return self._render(text, settings, None, self.use_cache)
        return self._render(text, settings, self.key(text, settings), self.use_cache)

    def _digest_known(self, voice: str) -> bool:
        if voice in self._models:
            return True
        try:
            model, _config = engines.piper_model(voice)
            return engines.known_digest(model, self.cache_dir) is not None
        except (engines.NeuralUnavailable, OSError):
            return True  # nothing to start: the render falls back, said once

    def _render(self, text: str, settings: VoiceSettings, key: str | None, use_cache: bool) -> Clip:
        """``key`` None: not looked up, and computed only once the sentence is rendered."""
        from voiceguide.audio.clip import read_wav

        cached = self.cache.get(key) if use_cache and key is not None else None
        if cached is not None and key is not None:
            try:
                return read_wav(cached)
            except Exception:
                self.cache.forget(key)  # damaged, or removed meanwhile by another process's eviction
        ensure_private_dir(self.cache_dir)
        name = key or f"new{next(self._unkeyed)}"  # apart from every other sentence waiting for its key
        tmp = self.cache_dir / f".{name}.{os.getpid()}.{threading.get_ident()}.wav"
        voice = self._speaking(settings).voice
        engine = engines.engine_of(voice)
        try:
            clip = self._render_file(text, settings, tmp)
        except (EngineMissing, EngineFailed) as error:
            if engine != engines.PIPER or self._closed:
                raise
            # the neural voice cannot go on: espeak-ng speaks this sentence and the rest, said once
            self._fall_back(messages.VOICE_WHY_FAILED if isinstance(error, EngineFailed) else _why_missing(error))
            tmp.unlink(missing_ok=True)
            return self._render(text, settings, self.key(text, settings), use_cache)
        if not use_cache:
            tmp.unlink(missing_ok=True)
        elif key is not None:
            self._keep(tmp, key)
        else:
            with self._unkept_lock:
                self._unkept[tmp] = (text, settings, voice)  # keyed and kept once this sentence is handed over
            try:
                self._pool.submit(self._keep_later, tmp)
            except RuntimeError:
                self._keep_later(tmp)  # the session is closing: kept now
        return clip

    def _keep(self, tmp: Path, key: str) -> None:
        os.chmod(tmp, 0o600)  # the worker wrote it; the cache is as private as the rest
        self.cache.put(tmp, key)

    def _keep_later(self, tmp: Path) -> None:
        """Key a sentence rendered before its model was hashed and move it into the cache (once, whoever asks)."""
        with self._unkept_lock:
            waiting = self._unkept.pop(tmp, None)
        if waiting is None:
            return
        text, settings, voice = waiting
        try:
            if self._speaking(settings).voice == voice:  # not when espeak-ng took over meanwhile: the key would be its
                self._keep(tmp, self.key(text, settings))
                return
        except (OSError, VoiceguideError):
            pass  # a full disk, or a model gone meanwhile
        tmp.unlink(missing_ok=True)  # it is rendered again next time

    def _render_file(self, text: str, settings: VoiceSettings, tmp: Path) -> Clip:
        s = self._speaking(settings)
        engine = engines.engine_of(s.voice)
        spoken = self.lexicon.apply(text)
        timeout = self.render_timeout or 15.0 + len(text) / 20.0
        with self._lock:
            for _attempt in range(2):
                worker = self._ensure_worker(engine, s.voice)
                tmp.unlink(missing_ok=True)
                reply = worker.ask(
                    timeout,
                    op="render",
                    text=spoken,
                    path=str(tmp),
                    voice=s.voice,
                    rate=s.rate,
                    volume=s.volume,
                    pitch=s.pitch,
                    timeout=timeout,
                )
                if reply and reply.get("ok") and _answers(reply, tmp):
                    break
                if reply and not reply.get("ok") and "unknown voice" in str(reply.get("error", "")).lower():
                    raise SettingsError(messages.UNKNOWN_VOICE.format(voice=s.voice))
                self._respawn(engine)
            else:
                tmp.unlink(missing_ok=True)
                raise EngineFailed(messages.TTS_FAILED.format(text=text[:40]))
        self.renders += 1
        from voiceguide.audio.clip import read_wav

        return read_wav(tmp)

    def voices(self) -> list[Voice]:
        """Every voice, the neural one first when it is installed."""
        found = [
            Voice(v.id, v.name, (v.language,), v.gender, engines.PIPER)
            for v in engines.NEURAL_VOICES.values()
            if engines.neural_installed()
        ]
        with self._lock:
            reply = self._ensure_worker(engines.ESPEAK, engines.ESPEAK_VOICE).ask(20, op="voices")
        if not reply or not reply.get("ok"):
            raise EngineFailed(messages.FIX_TTS)
        found += [Voice(v["id"], v["name"], tuple(v["languages"]), v.get("gender") or "") for v in reply["voices"]]
        return found

    def check_voice(self) -> None:
        """Raise a clear error when the configured voice does not exist."""
        voice = engines.choose(self.settings.voice).voice
        if engines.engine_of(voice) == engines.PIPER:
            return  # choose() knows the neural voices; a missing model falls back when it renders
        if voice and voice not in {v.id for v in self.voices()}:
            raise SettingsError(messages.UNKNOWN_VOICE.format(voice=voice))

    def _ensure_worker(self, engine: str, voice: str) -> Worker:
        """The engine's worker, started when there is none (or it died), once it is ready."""
        worker = self._start_worker(engine, voice)
        try:
            worker.wait_ready()
        except EngineMissing:
            self._workers.pop(engine, None)
            raise
        return worker

    def _start_worker(self, engine: str, voice: str) -> Worker:
        """Start the engine's worker when none runs; returns at once, before its engine has loaded."""
        if self._closed:
            raise EngineFailed(messages.TTS_CLOSED)  # a prefetch still running while the session ends
        worker = self._workers.get(engine)
        if worker is not None and worker.proc.poll() is not None:
            self.respawns += 1  # it died between two requests: the same respawn as one dying during a request
            worker = None
        if worker is None:
            args: list[str] = []
            if engine == engines.PIPER:
                try:
                    model, config = engines.piper_model(voice)
                except engines.NeuralUnavailable as why:
                    raise EngineMissing(str(why)) from None
                args = [engines.PIPER, str(model), str(config)]
            worker = self._workers[engine] = Worker.started(args)
        return worker

    def _respawn(self, engine: str) -> None:
        self.respawns += 1
        worker = self._workers.pop(engine, None)
        if worker is not None:
            worker.kill()

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=False, cancel_futures=True)
        for tmp in list(self._unkept):
            self._keep_later(tmp)  # the first sentences of a first reading are found next time, not rendered again
        for engine in list(self._workers):
            worker = self._workers.pop(engine, None)
            if worker is not None:
                worker.kill()

    def __enter__(self) -> Synthesizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _cache_mb() -> float:
    """The cap the person set (`voiceguide config set cache_mb`), or the default when none can be read."""
    from voiceguide import config
    from voiceguide.errors import VoiceguideError

    try:
        return float(config.effective()["cache_mb"])
    except VoiceguideError:
        return DEFAULT_CACHE_MB  # a broken config.toml is reported by the commands that need it


def _why_missing(error: Exception) -> str:
    """The neural worker's start failure in words: not installed, or a model that does not load."""
    detail = getattr(error, "detail", None)
    if detail is None:
        return str(error)  # already a sentence of ours (engines.NeuralUnavailable)
    if "ModuleNotFoundError" in detail or "ImportError" in detail:
        return messages.VOICE_NOT_INSTALLED
    return messages.VOICE_MODEL_BROKEN


def _answers(reply: dict[str, Any], path: Path) -> bool:
    """The reply is about this file, and the file holds exactly the audio the worker rendered."""
    frames = _frames(path)
    return reply.get("path") == str(path) and frames > 0 and reply.get("frames") == frames


def _frames(path: Path) -> int:
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() if w.getframerate() > 0 else 0
    except (OSError, wave.Error, EOFError):
        return 0
