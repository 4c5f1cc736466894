"""The long-lived render process of one engine (``python -m voiceguide.speech.render_worker [piper MODEL CONFIG]``).

Without arguments it renders with espeak-ng (pyttsx3); with ``piper`` it
loads the neural voice once, before saying it is ready, so a model that is
missing or does not load is a failed start that the Synthesizer answers by
falling back to espeak-ng.

Requests arrive as JSON lines on stdin, replies leave on a private copy of
the original stdout, and fd 1 and 2 point at /dev/null (pyttsx3 prints).

With espeak-ng (Linux), sentences are synthesised through the espeak-ng
binding that pyttsx3's espeak driver uses, in espeak's *synchronous* mode:
``Synth()`` returns once every sample of this sentence has reached our
callback, and settings apply at once. pyttsx3 2.99's driver loop cannot be
used for back-to-back renders: it runs espeak asynchronously, signals
``finished-utterance`` from inside espeak's callback while espeak is still
busy, and every ``runAndWait()`` ends with ``stop()``, which calls
``espeak_Cancel()`` whenever espeak is busy. That Cancel empties espeak's
command queue -- including the rate, volume, pitch and voice just set for
the next sentence, so it was spoken with the previous sentence's settings --
and leaves a stop pending that later fires a spurious ``finished-utterance``.

Each synthesis is tagged with its own number (espeak's ``user_data``); audio
whose events carry another tag aborts the render rather than being written.
Platforms where pyttsx3 speaks through another driver (macOS, Windows) keep
pyttsx3's engine and ``save_to_file()``.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import wave
from typing import Any, TextIO

WORKER_NICENESS = 5
"""Added to the neural worker's niceness: it uses every core while it renders"""


def _reply(out: TextIO, **fields: Any) -> None:
    out.write(json.dumps(fields) + "\n")
    out.flush()


class RenderError(Exception):
    """One request could not be rendered; the worker goes on."""


class _Renderer:
    """What both renderers share: the voice list, and applying a request's voice settings."""

    def __init__(self, properties: Any) -> None:
        self._properties = properties
        """The object with pyttsx3's getProperty/setProperty: the espeak driver, or the engine"""
        self._voice_ids: set[str] | None = None
        self._voice: str | None = None

    def _get(self, name: str) -> Any:
        return self._properties.getProperty(name)

    def _set(self, name: str, value: object) -> None:
        self._properties.setProperty(name, value)

    def voices(self) -> list[dict[str, Any]]:
        return [
            {"id": v.id, "name": v.name, "languages": [str(x) for x in (v.languages or [])], "gender": v.gender}
            for v in self._get("voices")
        ]

    def _apply(self, req: dict[str, Any]) -> None:
        """Voice (checked against the list once), rate, volume and pitch of ``req``."""
        from voiceguide.settings import PITCH, RATE, VOLUME
        from voiceguide.speech.engines import espeak_rate

        voice = req.get("voice")
        if voice and voice != self._voice:
            if self._voice_ids is None:
                self._voice_ids = {v["id"] for v in self.voices()}
            if voice not in self._voice_ids:
                raise RenderError(f"unknown voice {voice}")
            self._set("voice", voice)
            self._voice = voice
        self._set("rate", espeak_rate(req.get("rate", RATE.default)))
        self._set("volume", float(req.get("volume", VOLUME.default)))
        try:
            self._set("pitch", int(req.get("pitch", PITCH.default)))
        except (KeyError, ValueError):
            pass  # a driver without pitch speaks at its own


class EspeakRenderer(_Renderer):
    """espeak-ng in synchronous mode: one request, one ``Synth()``, only its samples."""

    def __init__(self) -> None:
        import ctypes

        from pyttsx3.drivers import _espeak
        from pyttsx3.drivers.espeak import EspeakDriver

        self._ctypes = ctypes
        self._espeak = _espeak
        super().__init__(EspeakDriver)  # its static property helpers, not its event loop
        self.sample_rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, 200)
        if self.sample_rate <= 0:
            raise RuntimeError("could not initialise espeak-ng")
        self._tag = 0
        self._job: dict[str, Any] | None = None
        _espeak.SetSynthCallback(self._on_synth)

    def _on_synth(self, wav: Any, numsamples: int, events: Any) -> int:
        job = self._job
        if job is None:
            return 1  # audio nobody asked for: stop it
        i = 0
        while events[i].type != self._espeak.EVENT_LIST_TERMINATED:
            if (events[i].user_data or 0) != job["tag"]:
                job["error"] = "audio of another request"
                return 1
            i += 1
        if numsamples > 0 and wav:
            job["chunks"].append(self._ctypes.string_at(wav, numsamples * 2))
        if time.monotonic() > job["deadline"]:
            job["error"] = "timed out"
            return 1
        return 0

    def render(self, req: dict[str, Any]) -> int:
        """Write the request's WAV file; the number of frames written."""
        self._apply(req)  # synchronous mode: each setting applies before the next Synth, none is dropped
        self._tag += 1
        job: dict[str, Any] = {
            "tag": self._tag,
            "chunks": [],
            "error": None,
            "deadline": time.monotonic() + float(req.get("timeout", 20)),
        }
        self._job = job
        try:
            status = self._espeak.Synth(
                str(req["text"]).encode("utf-8"),
                user_data=self._tag,
                flags=self._espeak.ENDPAUSE | self._espeak.CHARS_UTF8,
            )
        finally:
            self._job = None
        if job["error"]:
            raise RenderError(job["error"])
        if status != self._espeak.EE_OK:
            raise RenderError(f"espeak-ng error {status}")
        chunks: list[bytes] = job["chunks"]
        data = b"".join(chunks)
        with wave.open(req["path"], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.sample_rate)
            out.writeframes(data)
        return len(data) // 2


class EngineRenderer(_Renderer):
    """pyttsx3's own engine and ``save_to_file()``, where espeak-ng is not available."""

    def __init__(self) -> None:
        import pyttsx3

        self._engine = pyttsx3.init()
        super().__init__(self._engine)
        self._done = threading.Event()
        self._engine.connect("finished-utterance", self._finished)

    def _finished(self, name: object, completed: bool) -> None:
        if completed:
            self._done.set()

    def render(self, req: dict[str, Any]) -> int:
        engine = self._engine
        self._apply(req)
        self._done.clear()
        engine.save_to_file(req["text"], req["path"])
        engine.runAndWait()
        if not self._done.wait(float(req.get("timeout", 20))):
            raise RenderError("timed out")
        return _frames(req["path"])


class PiperRenderer:
    """The neural voice: loaded once, one sentence per request, our rate and volume, no pitch."""

    def __init__(self, model: str, config: str) -> None:
        from piper import SynthesisConfig

        try:
            # the voice renders ahead while our Player plays: playback must never wait for the model's threads
            os.nice(WORKER_NICENESS)
        except OSError:
            pass

        self._config = SynthesisConfig
        self.voice = _load_voice(model, config)
        self.sample_rate = self.voice.config.sample_rate

    def voices(self) -> list[dict[str, Any]]:
        return []  # the neural voices are listed by the Synthesizer without loading them

    def render(self, req: dict[str, Any]) -> int:
        import numpy as np

        from voiceguide.settings import RATE, VOLUME
        from voiceguide.speech.engines import length_scale

        settings = self._config(
            length_scale=length_scale(float(req.get("rate", RATE.default))),
            volume=float(req.get("volume", VOLUME.default)),
        )
        chunks = [chunk.audio_int16_array for chunk in self.voice.synthesize(str(req["text"]), settings)]
        data = _trim_lead(np.concatenate(chunks), self.sample_rate) if chunks else np.zeros(0, np.int16)
        with wave.open(req["path"], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.sample_rate)
            out.writeframes(data.tobytes())
        return len(data)


def _load_voice(model: str, config: str) -> Any:
    """The Piper voice on an onnxruntime session without graph optimisation.

    onnxruntime optimises the graph on every load by default: for this model
    that doubles the load (0.31 s against 0.15 s here) and renders no faster
    (0.12 s a sentence either way, measured), and the load is on the way to
    the first sound of a reading with a cold cache.
    """
    import json

    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    with open(config, encoding="utf-8") as f:
        voice_config = PiperConfig.from_dict(json.load(f))
    onnxruntime.set_seed(VOICE_SEED)  # before the session: its noise generators take the seed when made
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(model, sess_options=options, providers=["CPUExecutionProvider"])
    return PiperVoice(session=session, config=voice_config)


VOICE_SEED = 0
"""Seed of the noise the neural voice draws as it renders: the same sentences in the same order sound
the same in every run (an article gives the same file twice), not a new take each time"""
LEAD_SILENCE = 104
"""Samples quieter than this (-50 dBFS) before the first sound are the voice's lead-in, not speech:
the voice's onset rises through it in 2-5 ms, 45 dB below its peaks, unheard at any volume"""
LEAD_KEEP = 0.001
"""Seconds of that lead-in kept before the first sound, so a clip starts below it, never mid-rise"""


def _trim_lead(data: Any, rate: int) -> Any:
    """The clip without the neural voice's silence before its first sound (about 50 ms).

    Our Player adds the pauses between sentences; silence the voice puts in
    front of each one only delays the first sound of a reading.
    """
    import numpy as np

    loud = np.flatnonzero(np.abs(data.astype(np.int32)) > LEAD_SILENCE)
    if len(loud) == 0:
        return data
    return data[max(0, int(loud[0]) - round(LEAD_KEEP * rate)) :]


def _frames(path: str) -> int:
    try:
        with wave.open(path, "rb") as w:
            return w.getnframes()
    except (OSError, wave.Error, EOFError):
        return 0


def _renderer(args: list[str]) -> EspeakRenderer | EngineRenderer | PiperRenderer:
    """The neural voice when asked for; espeak-ng where pyttsx3 would use it (Linux); else the platform's driver."""
    if args[:1] == ["piper"]:
        return PiperRenderer(args[1], args[2])
    from pyttsx3.engine import default_engine_by_sys_platform

    if default_engine_by_sys_platform() == "espeak":
        return EspeakRenderer()
    return EngineRenderer()


def main() -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    if not os.environ.get("VOICEGUIDE_DEBUG_TTS"):
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    sys.stdout = open(os.devnull, "w")
    try:
        renderer = _renderer(sys.argv[1:])
    except Exception as exc:  # any failure here means no speech engine
        _reply(proto, ok=False, error=f"{type(exc).__name__}: {exc}")
        return
    _reply(proto, ok=True, ready=True)
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            continue
        op, rid = req.get("op"), req.get("id")
        try:
            if op == "voices":
                _reply(proto, ok=True, id=rid, voices=renderer.voices())
            elif op == "render":
                frames = renderer.render(req)
                _reply(
                    proto,
                    ok=frames > 0,
                    id=rid,
                    path=req["path"],
                    frames=frames,
                    error=None if frames > 0 else "no audio",
                )
            else:
                _reply(proto, ok=False, id=rid, error=f"unknown op {op}")
        except Exception as exc:
            _reply(proto, ok=False, id=rid, error=f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
