"""Text to speech: a pyttsx3 render worker behind a disk cache.

Each sentence is rendered to a file by a long-lived worker process (see
``render_worker``), checked, cached by hash of (engine, voice, rate, volume,
text) and returned as a Clip for our Player. A hung or dead worker is
respawned. ``prefetch()`` renders the next sentence while this one plays.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import subprocess
import sys
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

from voiceguide import messages
from voiceguide.audio.clip import Clip, read_wav
from voiceguide.errors import EngineFailed, EngineMissing, SettingsError
from voiceguide.settings import ensure_private_dir, user_paths

ENGINE = "espeak-ng" if sys.platform.startswith("linux") else "pyttsx3"
DEFAULT_VOICE = "gmw/en-us" if ENGINE == "espeak-ng" else ""
MIN_RATE, MAX_RATE = 80, 400


@dataclass(frozen=True)
class VoiceSettings:
    """How the guide sounds."""

    voice: str = DEFAULT_VOICE
    """Engine voice id (see `voiceguide voices`)"""
    rate: int = 165
    """Words per minute"""
    volume: float = 1.0
    """0.0 to 1.0"""
    pitch: int = 50
    """0 (low) to 99 (high), where the engine has it (espeak-ng does)"""

    def __post_init__(self) -> None:
        if not MIN_RATE <= self.rate <= MAX_RATE:
            raise SettingsError(messages.BAD_RATE.format(rate=self.rate, low=MIN_RATE, high=MAX_RATE))
        if not 0.0 <= self.volume <= 1.0:
            raise SettingsError(messages.BAD_VOLUME.format(volume=self.volume))
        if not 0 <= self.pitch <= 99:
            raise SettingsError(messages.BAD_PITCH.format(pitch=self.pitch))


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: tuple[str, ...]
    gender: str


class _Worker:
    def __init__(self) -> None:
        env = dict(os.environ)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "voiceguide.speech.render_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            env=env,
        )
        self._seq = 0
        hello = self._read(timeout=20)
        if not hello or not hello.get("ok"):
            self.kill()
            detail = (hello or {}).get("error", "no answer")
            raise EngineMissing(f"{messages.FIX_TTS} ({detail})")

    def _read(self, timeout: float) -> dict | None:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        if reader.is_alive() or not result or not result[0]:
            return None
        try:
            return json.loads(result[0])
        except ValueError:
            return None

    def ask(self, wait: float, **request) -> dict | None:
        self._seq += 1
        request["id"] = self._seq
        try:
            self.proc.stdin.write(json.dumps(request) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            return None
        reply = self._read(wait)
        if reply is not None and reply.get("id") != self._seq:
            return None  # an answer to some other request: the worker is out of step
        return reply

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            pass


class Synthesizer:
    """Renders sentences to Clips; one worker process, one cache directory."""

    def __init__(
        self, settings: VoiceSettings | None = None, cache_dir: Path | None = None, use_cache: bool = True
    ) -> None:
        self.settings = settings or VoiceSettings()
        self.cache_dir = cache_dir or user_paths().cache / "speech"
        self.use_cache = use_cache
        self._worker: _Worker | None = None
        self._lock = threading.Lock()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="tts")
        self._pending: dict[str, concurrent.futures.Future] = {}
        self.renders = 0
        self.respawns = 0
        self.render_timeout: float | None = None
        """Seconds to wait for one sentence before the worker counts as hung (None: by length)"""

    def with_settings(self, settings: VoiceSettings) -> Synthesizer:
        """Same worker and cache, other voice, rate or volume (applies from the next sentence)."""
        self.settings = settings
        return self

    def key(self, text: str, settings: VoiceSettings | None = None) -> str:
        s = settings or self.settings
        raw = json.dumps([ENGINE, s.voice, s.rate, round(s.volume, 3), s.pitch, text])
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def render(self, text: str) -> Clip:
        """The sentence as a Clip (from the cache when it was rendered before)."""
        settings = self.settings
        key = self.key(text, settings)
        future = self._pending.pop(key, None)
        if future is not None:
            return future.result()
        return self._render(text, settings, key)

    def prefetch(self, text: str) -> None:
        """Start rendering ``text`` in the background (the next sentence while this one plays)."""
        settings = self.settings
        key = self.key(text, settings)
        if key not in self._pending:
            self._pending[key] = self._pool.submit(self._render, text, settings, key)

    def _render(self, text: str, settings: VoiceSettings, key: str) -> Clip:
        path = self.cache_dir / f"{key}.wav"
        if self.use_cache and path.exists():
            try:
                return read_wav(path)
            except Exception:
                path.unlink(missing_ok=True)
        ensure_private_dir(self.cache_dir)
        tmp = self.cache_dir / f".{key}.{os.getpid()}.{threading.get_ident()}.wav"
        timeout = self.render_timeout or 15.0 + len(text) / 20.0
        with self._lock:
            for _attempt in range(2):
                worker = self._ensure_worker()
                tmp.unlink(missing_ok=True)
                reply = worker.ask(
                    timeout,
                    op="render",
                    text=text,
                    path=str(tmp),
                    voice=settings.voice,
                    rate=settings.rate,
                    volume=settings.volume,
                    pitch=settings.pitch,
                    timeout=timeout,
                )
                if reply and reply.get("ok") and _answers(reply, tmp):
                    break
                if reply and not reply.get("ok") and "voice" in str(reply.get("error", "")).lower():
                    raise SettingsError(messages.UNKNOWN_VOICE.format(voice=settings.voice))
                self._respawn()
            else:
                tmp.unlink(missing_ok=True)
                raise EngineFailed(messages.TTS_FAILED.format(text=text[:40]))
        self.renders += 1
        clip = read_wav(tmp)
        if self.use_cache:
            os.chmod(tmp, 0o600)  # the worker wrote it; the cache is as private as the rest
            os.replace(tmp, path)
        else:
            tmp.unlink(missing_ok=True)
        return clip

    def voices(self) -> list[Voice]:
        with self._lock:
            reply = self._ensure_worker().ask(20, op="voices")
        if not reply or not reply.get("ok"):
            raise EngineFailed(messages.FIX_TTS)
        return [Voice(v["id"], v["name"], tuple(v["languages"]), v.get("gender") or "") for v in reply["voices"]]

    def check_voice(self) -> None:
        """Raise a clear error when the configured voice does not exist."""
        if self.settings.voice and self.settings.voice not in {v.id for v in self.voices()}:
            raise SettingsError(messages.UNKNOWN_VOICE.format(voice=self.settings.voice))

    def _ensure_worker(self) -> _Worker:
        if self._worker is None or self._worker.proc.poll() is not None:
            self._worker = _Worker()
        return self._worker

    def _respawn(self) -> None:
        self.respawns += 1
        if self._worker is not None:
            self._worker.kill()
        self._worker = None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._worker is not None:
            self._worker.kill()
            self._worker = None

    def __enter__(self) -> Synthesizer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _answers(reply: dict, path: Path) -> bool:
    """The reply is about this file, and the file holds exactly the audio the worker rendered."""
    frames = _frames(path)
    return reply.get("path") == str(path) and frames > 0 and reply.get("frames") == frames


def _frames(path: Path) -> int:
    try:
        with wave.open(str(path), "rb") as w:
            return w.getnframes() if w.getframerate() > 0 else 0
    except (OSError, wave.Error, EOFError):
        return 0
