"""`voiceguide doctor`: check each part the guided session needs, and say how to fix what fails."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass

from voiceguide import messages
from voiceguide.errors import VoiceguideError
from voiceguide.settings import ensure_private_dir, user_paths


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def _run(name: str, probe: Callable[[], str], fix: str, required: bool = True) -> Check:
    try:
        return Check(name, True, probe(), required=required)
    except VoiceguideError as exc:
        return Check(name, False, str(exc), fix, required)
    except Exception as exc:  # a probe must never crash the report
        return Check(name, False, f"{type(exc).__name__}: {exc}", fix, required)


def check_audio_server() -> str:
    from voiceguide.audio.devices import audio_server_info

    info = audio_server_info()
    name = f"{info.get('Server Name', 'server')} {info.get('Server Version', '')}".strip()
    return f"{name} at {info.get('Server String', '?')}"


def check_output() -> str:
    from voiceguide.audio.clip import Clip
    from voiceguide.audio.devices import default_device
    from voiceguide.audio.player import Player

    device = default_device("output")
    with Player() as player:
        player.play(Clip.silence(0.05, player.rate))
        if not player.wait(3):
            raise VoiceguideError(messages.NO_OUTPUT_DEVICE)
        latency = player.latency
    return f"{device.name} (latency {latency * 1000:.0f} ms)"


def check_input() -> str:
    from voiceguide.audio.devices import default_device
    from voiceguide.audio.recorder import Recorder

    device = default_device("input")
    with Recorder() as rec:
        chunk = next(rec.chunks(timeout=3))
    return f"{device.name} ({chunk.rate} Hz, level {chunk.level:.0f} dBFS)"


def check_barge_in() -> str:
    """Play a probe and measure how much of its echo the canceller takes out (ERLE); say whether barge-in is on."""
    from voiceguide import config
    from voiceguide.audio.clip import Clip
    from voiceguide.audio.echo import load_apm, measure_erle
    from voiceguide.audio.player import Player
    from voiceguide.settings import VoiceSettings
    from voiceguide.speech.barge_in import ECHO_UNHEARD, ERLE_SAFE
    from voiceguide.speech.synthesizer import Synthesizer

    if not config.effective()["barge_in"]:
        return messages.DOCTOR_BARGE_IN_OFF
    load_apm()  # EngineMissing names the package
    voice = os.environ.get("VOICEGUIDE_VOICE") or str(config.effective()["voice"])
    with Synthesizer(VoiceSettings(voice=voice), notify=lambda line: None) as synth:
        parts = [synth.render(text) for text in messages.DOCTOR_ECHO_PROBE]
    with Player() as player:
        import numpy as np

        probe = Clip(np.concatenate([p.resampled(player.rate).samples for p in parts]), player.rate)
        erle, level = measure_erle(player, probe)
    if level < ECHO_UNHEARD:
        return messages.DOCTOR_BARGE_IN_NO_ECHO.format(level=level)
    if erle < ERLE_SAFE:
        raise VoiceguideError(messages.DOCTOR_BARGE_IN_WEAK.format(erle=erle, need=ERLE_SAFE))
    return messages.DOCTOR_BARGE_IN_ON.format(erle=erle, level=level)


def check_tts() -> str:
    """Which voice and engine will speak, and why; the test phrase rendered with it."""
    from voiceguide import config
    from voiceguide.settings import VoiceSettings
    from voiceguide.speech import engines
    from voiceguide.speech.synthesizer import Synthesizer

    voice = os.environ.get("VOICEGUIDE_VOICE") or str(config.effective()["voice"])
    choice = engines.choose(voice)
    with Synthesizer(VoiceSettings(voice=voice), use_cache=False, notify=lambda line: None) as synth:
        started = time.perf_counter()
        clip = synth.render(messages.DOCTOR_TTS_PHRASE)
        took = time.perf_counter() - started
        why = choice.why if synth.fallback is None else messages.DOCTOR_VOICE_FELL_BACK.format(why=synth.fallback)
        return messages.DOCTOR_VOICE.format(
            voice=synth.voice, engine=synth.engine, why=why, seconds=clip.duration, ms=took * 1000
        )


def check_neural() -> str:
    """The neural voice on its own: installed, its model loads, it speaks."""
    from voiceguide.settings import VoiceSettings
    from voiceguide.speech import engines
    from voiceguide.speech.synthesizer import Synthesizer

    if not engines.neural_installed():
        raise VoiceguideError(messages.VOICE_NOT_INSTALLED)
    model, _config = engines.piper_model()
    with Synthesizer(VoiceSettings(voice=engines.NEURAL_VOICE), use_cache=False, notify=lambda line: None) as synth:
        synth.render(messages.DOCTOR_TTS_PHRASE)
        if synth.fallback is not None:
            raise VoiceguideError(synth.fallback)
    return messages.DOCTOR_NEURAL.format(voice=engines.NEURAL_VOICE, model=model)


def check_model() -> str:
    """The models in use: voice commands, and spoken entries (streamed and final pass; each loaded once)."""
    from voiceguide import config
    from voiceguide.sessions.factory import make_final_transcriber
    from voiceguide.speech.transcriber import WhisperTranscriber

    model = os.environ.get("VOICEGUIDE_MODEL") or config.effective().get("model") or None
    live = WhisperTranscriber(model)
    final = make_final_transcriber("whisper", model, live) or live
    parts = []
    for role, transcriber in (("commands", live), ("spoken entries", final)):
        started = time.perf_counter()
        transcriber.load()
        took = time.perf_counter() - started
        parts.append(f"{role}: {transcriber.model_name} at {transcriber.model_path} (loaded in {took:.1f} s)")
    return "; ".join(parts)


def check_journal() -> str:
    """SQLite's integrity check of a plain journal; an encrypted one is left to `journal check` (no prompt here)."""
    from voiceguide.journal import repair
    from voiceguide.journal.passphrase import looks_encrypted

    path = user_paths().journal
    if not path.exists():
        return messages.DOCTOR_PRIVACY_NO_JOURNAL
    if looks_encrypted(path):
        return messages.DOCTOR_JOURNAL_ENCRYPTED
    problems = repair.check(path)
    if problems:
        raise VoiceguideError(messages.DOCTOR_JOURNAL_DAMAGED.format(path=path, first=problems[0]))
    return messages.DOCTOR_JOURNAL_OK.format(path=path)


def check_data_dir() -> str:
    path = user_paths().data
    try:
        ensure_private_dir(path)
        probe = path / ".doctor-probe"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError:
        raise VoiceguideError(messages.FIX_DATA_DIR.format(path=path)) from None
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode != 0o700:
        raise VoiceguideError(messages.FIX_DATA_DIR.format(path=path))
    return f"{path} (writable, mode {mode:04o})"


PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700


def check_privacy(online: bool = False) -> Check:
    """Engines offline or online, journal encrypted or not, and who can read the files.

    Informational, except that files others can read (or an encrypted journal
    this installation cannot open) are problems to fix. Never asks for the
    passphrase: encryption is read from the file's first page.
    """
    from voiceguide.journal.passphrase import ENV_VAR, keyring_opted_in, looks_encrypted

    paths = user_paths()
    journal = paths.journal
    parts = [messages.DOCTOR_PRIVACY_ENGINES_ONLINE if online else messages.DOCTOR_PRIVACY_ENGINES_OFFLINE]
    problems: list[str] = []
    if not journal.exists():
        parts.append(messages.DOCTOR_PRIVACY_NO_JOURNAL)
    elif looks_encrypted(journal):
        unlock = [
            name for name, used in (("keyring", keyring_opted_in()), (ENV_VAR, bool(os.environ.get(ENV_VAR)))) if used
        ]
        parts.append(messages.DOCTOR_PRIVACY_ENCRYPTED + (f", unlocked by {' and '.join(unlock)}" if unlock else ""))
        parts.append(_unlock_cache_state())
        try:
            import sqlcipher3  # noqa: F401
        except ImportError:
            problems.append(messages.JOURNAL_NEEDS_SQLCIPHER3)
    else:
        parts.append(messages.DOCTOR_PRIVACY_PLAIN)
    from voiceguide.journal.leftovers import sweep

    found = [
        (messages.DOCTOR_LEFTOVER_REMOVED if leftover.removed else messages.DOCTOR_LEFTOVER_IN_USE).format(
            path=leftover.path, kind=leftover.kind
        )
        for leftover in sweep(paths.data)
    ]
    parts += found
    candidates = [(paths.data, PRIVATE_DIR_MODE), (paths.data / "tmp", PRIVATE_DIR_MODE)]
    candidates += [(journal.with_name(journal.name + suffix), PRIVATE_FILE_MODE) for suffix in ("", "-wal", "-shm")]
    modes = []
    for path, want in candidates:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            problems.append(messages.DOCTOR_PRIVACY_BAD_MODE.format(path=path, mode=mode, want=want))
        else:
            modes.append(messages.DOCTOR_PRIVACY_MODES.format(path=path.name, mode=mode))
    if problems:
        return Check("privacy", False, "; ".join(problems + found), messages.FIX_PRIVACY.format(folder=paths.data))
    return Check("privacy", True, "; ".join(parts + modes), required=False)


def _unlock_cache_state() -> str:
    from voiceguide.journal import keycache

    span = keycache.minutes()
    if span <= 0:
        return messages.DOCTOR_PRIVACY_UNLOCK_OFF
    if not keycache.available():
        return messages.DOCTOR_PRIVACY_UNLOCK_NONE
    return messages.DOCTOR_PRIVACY_UNLOCK_KEPT.format(minutes=span)


def _privacy(online: bool) -> Check:
    try:
        return check_privacy(online)
    except Exception as exc:  # a probe must never crash the report
        return Check(
            "privacy",
            False,
            f"{type(exc).__name__}: {exc}",
            messages.FIX_PRIVACY.format(folder=user_paths().data),
            required=False,
        )


def run_checks(online: bool = False) -> list[Check]:
    server = _run("audio server", check_audio_server, messages.FIX_AUDIO_SERVER)
    checks = [server]
    checks.append(_run("output device", check_output, messages.FIX_OUTPUT_DEVICE))
    checks.append(_run("input device", check_input, messages.FIX_INPUT_DEVICE))
    checks.append(_run("speech engine", check_tts, messages.FIX_TTS))
    checks.append(_run("neural voice", check_neural, messages.FIX_NEURAL, required=False))
    checks.append(_run("barge-in on speakers", check_barge_in, messages.FIX_BARGE_IN, required=False))
    checks.append(_run("transcription model", check_model, messages.FIX_MODEL))
    checks.append(_run("data directory", check_data_dir, messages.FIX_DATA_DIR.format(path=user_paths().data)))
    checks.append(_run("journal", check_journal, messages.FIX_JOURNAL_DAMAGED))
    checks.append(Check("network", True, messages.NETWORK_ONLINE if online else messages.NETWORK_OFFLINE))
    checks.append(_privacy(online))
    return checks
