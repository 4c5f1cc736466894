"""PortAudio access: one quiet PyAudio instance per process, device listing, server checks."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from voiceguide import messages
from voiceguide.errors import AudioServerUnavailable, DeviceUnavailable, EngineMissing

_lock = threading.Lock()
_instance = None
_debug_audio = False
_detached = False


def set_debug_audio(enabled: bool) -> None:
    """Show PortAudio/ALSA/JACK start-up messages instead of silencing them."""
    global _debug_audio
    _debug_audio = enabled


@contextlib.contextmanager
def quiet_stderr() -> Iterator[None]:
    """Silence fd 2 (C libraries write there directly) unless --debug-audio."""
    if _debug_audio:
        yield
        return
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def _detach_c_stderr() -> None:
    """For the command line: once PortAudio starts, C libraries lose fd 2 for good.

    ALSA keeps printing ("underrun occurred") long after start-up, straight to
    fd 2. When audio first starts, fd 2 is pointed at /dev/null and Python's
    sys.stderr moves to a private copy of the real stderr, so voiceguide's
    own messages still show and the libraries' noise does not. Only when the
    command line asked for it (``voiceguide.audio.detach_c_stderr``).
    """
    import voiceguide.audio

    global _detached
    if _detached or _debug_audio or not voiceguide.audio.detach_c_stderr:
        return
    try:
        sys.stderr.flush()
        real = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        return
    sys.stderr = os.fdopen(
        real, "w", buffering=1, encoding=getattr(sys.stderr, "encoding", None) or "utf-8", errors="backslashreplace"
    )
    _detached = True


def detach_c_stderr() -> None:
    """Take fd 2 from C libraries now, in this thread, before PortAudio starts in another one."""
    _detach_c_stderr()


def pyaudio_module() -> Any:
    try:
        import pyaudio
    except ImportError:
        raise EngineMissing(messages.FIX_PYAUDIO) from None
    return pyaudio


def portaudio() -> Any:
    """The process-wide PyAudio instance (PortAudio is initialised once)."""
    global _instance
    with _lock:
        if _instance is None:
            pyaudio = pyaudio_module()
            _detach_c_stderr()
            with quiet_stderr():
                _instance = pyaudio.PyAudio()
        return _instance


def open_stream(*, output: bool, device: int | None, rate: int, frames: int, callback: Any) -> tuple[Any, float]:
    """A 16-bit mono PyAudio callback stream, not yet started, and the offset from its clock to time.monotonic().

    The caller keeps both before ``start_stream()``, so the first callback
    already sees them. A device that cannot be opened is DeviceUnavailable.
    """
    pyaudio = pyaudio_module()
    pa = portaudio()
    side = {"output": True, "output_device_index": device} if output else {"input": True, "input_device_index": device}
    try:
        with quiet_stderr():
            stream = pa.open(
                format=pyaudio.paInt16,
                channels=1,
                rate=rate,
                frames_per_buffer=frames,
                stream_callback=callback,
                start=False,
                **side,
            )
    except (OSError, ValueError) as exc:
        missing = messages.NO_OUTPUT_DEVICE if output else messages.NO_INPUT_DEVICE
        raise DeviceUnavailable(f"{missing} ({exc})") from None
    return stream, time.monotonic() - stream.get_time()


def close_stream(stream: Any) -> None:
    """Stop and close a stream quietly; a device that has gone already is no error here."""
    with quiet_stderr():
        try:
            stream.stop_stream()
            stream.close()
        except OSError:
            pass


def terminate() -> None:
    global _instance
    with _lock:
        if _instance is not None:
            with quiet_stderr():
                _instance.terminate()
            _instance = None


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    inputs: int
    outputs: int
    default_rate: float
    default_input: bool
    default_output: bool


def list_devices() -> list[Device]:
    pa = portaudio()
    try:
        din = pa.get_default_input_device_info()["index"]
    except OSError:
        din = -1
    try:
        dout = pa.get_default_output_device_info()["index"]
    except OSError:
        dout = -1
    found = []
    for i in range(pa.get_device_count()):
        info = pa.get_device_info_by_index(i)
        found.append(
            Device(
                index=i,
                name=str(info["name"]),
                inputs=int(info["maxInputChannels"]),
                outputs=int(info["maxOutputChannels"]),
                default_rate=float(info["defaultSampleRate"]),
                default_input=i == din,
                default_output=i == dout,
            )
        )
    return found


def default_device(kind: str) -> Device:
    """The default input or output device, or a clear error."""
    want_input = kind == "input"
    for dev in list_devices():
        if (dev.default_input if want_input else dev.default_output) and (dev.inputs if want_input else dev.outputs):
            return dev
    raise DeviceUnavailable(messages.NO_INPUT_DEVICE if want_input else messages.NO_OUTPUT_DEVICE)


def audio_server_info(timeout: float = 3.0) -> dict[str, str]:
    """Ask the PulseAudio/PipeWire server who it is; raises when none answers."""
    pactl = shutil.which("pactl")
    if pactl is None:
        raise AudioServerUnavailable("pactl is not installed: apt-get install pulseaudio-utils")
    try:
        out = subprocess.run([pactl, "info"], capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise AudioServerUnavailable(messages.NO_AUDIO_SERVER) from None
    if out.returncode != 0:
        raise AudioServerUnavailable(messages.NO_AUDIO_SERVER)
    info = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(":")
        if value:
            info[key.strip()] = value.strip()
    return info
