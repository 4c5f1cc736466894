"""A private PulseAudio server with two null sinks, for tests and benchmarks.

``vg_speaker`` is the default sink (what the program plays; we record its
monitor) and ``vg_mic`` is where the test's "person" speaks (its monitor is
the default source, so the program hears it). The server lives in its own
runtime directory and never touches the user's sound setup.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

SPEAKER = "vg_speaker"
MIC = "vg_mic"
SPEAKER_RATE = 48000
MIC_RATE = 16000
ECHO_DELAY_MS = 30
"""The rig's room: what the speaker plays reaches the microphone this much later ..."""
ECHO_GAIN_DB = -6.0
"""... and this much quieter"""

_SPEAKER_PROPS = "sink_properties=device.description=vg_speaker"
DEFAULT_PA = f"""
load-module module-native-protocol-unix socket={{socket}} auth-anonymous=1
load-module module-null-sink sink_name={SPEAKER} rate={SPEAKER_RATE} channels=1 {_SPEAKER_PROPS}
load-module module-null-sink sink_name={MIC} rate={MIC_RATE} channels=1 sink_properties=device.description=vg_mic
set-default-sink {SPEAKER}
set-default-source {MIC}.monitor
"""


class PulseError(RuntimeError):
    pass


class PrivatePulse:
    """Start with ``start()``; ``env`` holds what clients need to reach it."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or tempfile.mkdtemp(prefix="vg-pulse-"))
        self.socket = self.root / "native"
        self.proc: subprocess.Popen | None = None
        client_conf = self.root / "client.conf"
        self.env = {
            "PULSE_SERVER": f"unix:{self.socket}",
            "PULSE_CLIENTCONFIG": str(client_conf),
            "PULSE_RUNTIME_PATH": str(self.root / "runtime"),
        }

    def start(self, timeout: float = 15.0) -> PrivatePulse:
        exe = shutil.which("pulseaudio")
        if exe is None:
            raise PulseError("pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils)")
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "runtime").mkdir(exist_ok=True)
        (self.root / "client.conf").write_text("autospawn = no\n")
        script = self.root / "default.pa"
        script.write_text(DEFAULT_PA.format(socket=self.socket))
        env = dict(
            os.environ,
            HOME=str(self.root),
            XDG_RUNTIME_DIR=str(self.root / "runtime"),
            XDG_CONFIG_HOME=str(self.root / "config"),
            **self.env,
        )
        self.log = open(self.root / "pulse.log", "wb")
        self.proc = subprocess.Popen(
            [
                exe,
                "-n",
                "-F",
                str(script),
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--use-pid-file=no",
                "--system=no",
                "--log-target=stderr",
                "--disable-shm=yes",
            ],
            env=env,
            stdout=self.log,
            stderr=self.log,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise PulseError(f"pulseaudio exited: {(self.root / 'pulse.log').read_text()[-800:]}")
            if self.socket.exists() and self.pactl("info", check=False).returncode == 0:
                self._keep_speaker_awake()
                return self
            time.sleep(0.05)
        self.stop()
        raise PulseError("pulseaudio did not answer in time")

    def _keep_speaker_awake(self) -> None:
        """Hold a low-latency reader on each null sink's monitor.

        An idle null sink sleeps in 2-second blocks and only notices a new
        low-latency stream when it wakes; a real sound card does not. A
        permanent reader keeps the test speaker and microphone behaving like
        real ones.
        """
        self.keepalive = [
            subprocess.Popen(
                ["parec", f"--device={sink}.monitor", "--latency-msec=10", "--raw"],
                env=dict(os.environ, **self.env),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
            )
            for sink in (SPEAKER, MIC)
        ]

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["pactl", *args], env=dict(os.environ, **self.env), capture_output=True, text=True, timeout=10, check=check
        )

    def stop(self) -> None:
        for keepalive in getattr(self, "keepalive", []):
            if keepalive.poll() is None:
                keepalive.kill()
                keepalive.wait(5)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    # -- the test's ears and mouth ------------------------------------------
    def record_speaker(self) -> MonitorRecording:
        """Record what the program plays (vg_speaker's monitor), timestamped on time.monotonic()."""
        return MonitorRecording(self, f"{SPEAKER}.monitor", SPEAKER_RATE).start()

    def play_into_mic(self, samples: np.ndarray, rate: int, wait: bool = True) -> subprocess.Popen:
        """Play int16 mono samples into vg_mic, as a person speaking to the program."""
        proc = subprocess.Popen(
            [
                "pacat",
                "--playback",
                f"--device={MIC}",
                f"--rate={rate}",
                "--channels=1",
                "--format=s16le",
                "--raw",
                "--latency-msec=20",
            ],
            env=dict(os.environ, **self.env),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def feed() -> None:
            try:
                proc.stdin.write(samples.astype("<i2").tobytes())
                proc.stdin.close()
            except BrokenPipeError:
                pass

        if wait:
            feed()
            proc.wait(timeout=len(samples) / rate + 10)
        else:
            threading.Thread(target=feed, daemon=True).start()
        return proc

    # -- the room ------------------------------------------------------------
    @contextmanager
    def echo(self, delay_ms: int = ECHO_DELAY_MS, gain_db: float = ECHO_GAIN_DB) -> Iterator[None]:
        """While it lasts, vg_mic hears vg_speaker ``delay_ms`` later and ``gain_db`` quieter: a room's echo.

        module-loopback with its adaptive rate off (adjust_time=0): with it on,
        the delay creeps by a millisecond every ten seconds, which no room does.
        """
        module = self.pactl(
            "load-module",
            "module-loopback",
            f"source={SPEAKER}.monitor",
            f"sink={MIC}",
            f"latency_msec={delay_ms}",
            "adjust_time=0",
            "remix=false",
            "source_dont_move=true",
            "sink_dont_move=true",
        ).stdout.strip()
        try:
            deadline = time.monotonic() + 5
            while True:
                inputs = self.pactl("list", "short", "sink-inputs").stdout.splitlines()
                found = [line.split()[0] for line in inputs if "module-loopback" in line]
                if found or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            if not found:
                raise PulseError("the echo loopback did not start")
            self.pactl("set-sink-input-volume", found[0], f"{gain_db}dB")
            time.sleep(0.3)  # the loopback fills its latency before it carries sound
            yield
        finally:
            self.pactl("unload-module", module, check=False)

    def measure_echo(self, seconds: float = 3.0) -> tuple[float, float]:
        """(delay in ms, gain in dB) of what vg_mic hears of vg_speaker, by cross-correlating noise.

        Both are recorded from this server's own monitors, so both share its clock.
        """
        noise = (np.random.default_rng(16).standard_normal(int(SPEAKER_RATE * seconds)) * 4000).astype(np.int16)
        speaker = MonitorRecording(self, f"{SPEAKER}.monitor", MIC_RATE).start()
        mic = MonitorRecording(self, f"{MIC}.monitor", MIC_RATE).start()
        proc = subprocess.Popen(
            ["pacat", "--playback", f"--device={SPEAKER}", f"--rate={SPEAKER_RATE}", "--channels=1"]
            + ["--format=s16le", "--raw", "--latency-msec=20"],
            env=dict(os.environ, **self.env),
            stdin=subprocess.PIPE,
        )
        proc.communicate(noise.tobytes(), timeout=seconds + 10)
        time.sleep(0.3)
        played, played_at = speaker.stop()
        heard, heard_at = mic.stop()
        a, b = played.astype(np.float64), heard.astype(np.float64)
        size = 1 << int(np.ceil(np.log2(len(a) + len(b))))
        corr = np.fft.irfft(np.fft.rfft(b, size) * np.conj(np.fft.rfft(a, size)), size)
        lag = int(np.argmax(np.abs(corr)))
        lag = lag if lag < size // 2 else lag - size
        delay = lag / MIC_RATE + heard_at - played_at
        # loudness over the noise itself (the recordings also hold silence before and after)
        loud_a = np.sort(np.abs(a))[-len(noise) // 3 :]
        loud_b = np.sort(np.abs(b))[-len(noise) // 3 :]
        gain = 20 * np.log10(max(np.sqrt(np.mean(loud_b**2)), 1e-3) / np.sqrt(np.mean(loud_a**2)))
        return delay * 1000, float(gain)


class MonitorRecording:
    """A ``parec`` of one source. Sample times come from arrival times (the earliest bound)."""

    def __init__(self, pulse: PrivatePulse, device: str, rate: int) -> None:
        self.pulse, self.device, self.rate = pulse, device, rate
        self._parts: list[bytes] = []
        self._origin = float("inf")
        self._received = 0
        self._thread: threading.Thread | None = None

    def start(self) -> MonitorRecording:
        self.proc = subprocess.Popen(
            [
                "parec",
                f"--device={self.device}",
                f"--rate={self.rate}",
                "--channels=1",
                "--format=s16le",
                "--raw",
                "--latency-msec=5",
            ],
            env=dict(os.environ, **self.pulse.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
        )
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 5
        while self._received == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        return self

    def _read(self) -> None:
        fd = self.proc.stdout.fileno()
        while True:
            data = os.read(fd, 4096)
            now = time.monotonic()
            if not data:
                return
            self._parts.append(data)
            self._received += len(data)
            # the last sample of this read was captured no later than now
            self._origin = min(self._origin, now - (self._received // 2) / self.rate)

    def stop(self) -> tuple[np.ndarray, float]:
        """Samples and the monotonic time of sample 0."""
        self.proc.terminate()
        self.proc.wait(5)
        if self._thread:
            self._thread.join(5)
        raw = b"".join(self._parts)
        raw = raw[: len(raw) - len(raw) % 2]
        return np.frombuffer(raw, dtype="<i2").astype(np.int16), self._origin

    def __enter__(self) -> MonitorRecording:
        return self

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            self.stop()
