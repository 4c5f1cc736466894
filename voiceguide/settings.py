"""Settings as frozen dataclasses with units, and the user's paths.

When ``VOICEGUIDE_HOME`` is set, all data, cache and config live under it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from voiceguide import messages
from voiceguide.errors import SettingsError

APP_NAME = "voiceguide"


@dataclass(frozen=True)
class Paths:
    """Where voiceguide keeps its files."""

    data: Path
    """Journal database and recordings"""
    cache: Path
    """Rendered speech, safe to delete"""
    config: Path
    """config.toml and custom breathing patterns"""

    @property
    def journal(self) -> Path:
        return self.data / "journal.db"

    @property
    def config_file(self) -> Path:
        return self.config / "config.toml"


def user_paths() -> Paths:
    home = os.environ.get("VOICEGUIDE_HOME")
    if home:
        root = Path(home).expanduser().absolute()  # never relative: no path is ever read as a URI
        _check_home(root)
        return Paths(data=root / "data", cache=root / "cache", config=root / "config")
    import platformdirs

    return Paths(
        data=Path(platformdirs.user_data_dir(APP_NAME)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME)),
        config=Path(platformdirs.user_config_dir(APP_NAME)),
    )


def _check_home(root: Path) -> None:
    """VOICEGUIDE_HOME must be a folder, or a path where one can be made: not a file, nor under one."""
    for candidate in (root, *root.parents):
        try:
            mode = os.stat(candidate).st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue  # not there yet, or under a file: the parent says which
        except OSError:
            return  # unreadable: using it says what is wrong
        if not stat.S_ISDIR(mode):
            raise SettingsError(messages.HOME_NOT_A_FOLDER.format(home=root, path=candidate))
        return


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and any missing parents, also 0700) and make it 0700: reflections are private."""
    missing = []
    parent = path
    while not parent.exists() and parent != parent.parent:
        missing.append(parent)
        parent = parent.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)
    return path


@dataclass(frozen=True)
class AudioSettings:
    """How voiceguide talks to the sound system."""

    output_device: int | None = None
    """PortAudio device index for playback; None means the default"""
    input_device: int | None = None
    """PortAudio device index for recording; None means the default"""
    output_rate: int = 48000
    """Samples per second of the playback stream"""
    speech_rate: int = 22050
    """Samples per second of a reading's playback: the rate both voices render at (espeak-ng always,
    the joe voice by its config), so a sentence plays as it was rendered, with nothing to resample"""
    buffer_ms: int = 10
    """Milliseconds per playback buffer; stop and pause act within three of them (the device holds three).
    5 ms buffers underran on a busy machine, and ALSA skipped the sound that came late (two thirds of a
    tone lost); with the Player's GIL switch interval, 10 ms plays it whole and stops in 30 ms"""
    record_rate: int = 16000
    """Samples per second of the recording stream (Whisper's rate)"""
    chunk_ms: int = 100
    """Milliseconds of audio per recorded chunk"""
    debug_audio: bool = False
    """Show PortAudio/ALSA/JACK messages instead of silencing them"""


@dataclass(frozen=True)
class Range:
    """A numeric setting: its default, limits, unit and help, read by flags, config and the code alike."""

    default: float
    low: float
    high: float
    step: float
    """What "slower"/"faster" or "quieter"/"louder" add or take"""
    help: str


RATE = Range(200, 80, 400, 20, "Speaking rate in words per minute of speech (80-400)")
"""Words per minute of speech, measured in the rendered audio; the same on both engines (espeak-ng's own
rate and Piper's length_scale are calibrated to it). 200 is the pace of espeak-ng's own rate 165, the
default before both engines were calibrated, and close to the neural voice's natural pace."""
VOLUME = Range(1.0, 0.0, 1.0, 0.15, "Loudness from 0.0 to 1.0")
"""A factor on the samples"""
QUIETEST = 0.1
"""The lowest volume the "quieter" command goes to: silence is what stop is for"""
PITCH = Range(50, 0, 99, 10, "Voice pitch from 0 (low) to 99 (high); espeak-ng voices only")
"""espeak-ng's pitch setting; the neural voice has none"""
ARTICLE_MB = Range(20.0, 0.01, 1024, 1, "Largest article file read, in MB")
"""About 3 million words, weeks of listening: a bigger file is not an article (a log, /dev/zero)"""
IMPORT_MB = Range(512.0, 1, 8192, 64, "Largest journal file imported, in MB")
"""A jrnl text or a Day One export's JSON is read whole into memory: 512 MB is decades of daily writing
(recordings in a Day One zip are not counted), and refuses a device like /dev/zero before memory runs out"""
CACHE_MB = Range(
    500.0, 0, 1_000_000, 100, "Most disk space rendered speech may take, in MB; least recently used goes first"
)
"""About three hours of rendered speech; 0 keeps none"""
VOICE_HELP = "Voice id from `voiceguide voices`, e.g. piper:joe or gmw/en-us (default: the neural voice if installed)"


@dataclass(frozen=True)
class VoiceSettings:
    """How the guide sounds."""

    voice: str = ""
    """Voice id (see `voiceguide voices`); empty means the default voice"""
    rate: int = int(RATE.default)
    """Words per minute"""
    volume: float = VOLUME.default
    """0.0 to 1.0"""
    pitch: int = int(PITCH.default)
    """0 (low) to 99 (high), where the engine has it (espeak-ng does)"""

    def __post_init__(self) -> None:
        if not RATE.low <= self.rate <= RATE.high:
            raise SettingsError(messages.BAD_RATE.format(rate=self.rate, low=int(RATE.low), high=int(RATE.high)))
        if not VOLUME.low <= self.volume <= VOLUME.high:
            raise SettingsError(messages.BAD_VOLUME.format(volume=self.volume))
        if not PITCH.low <= self.pitch <= PITCH.high:
            raise SettingsError(messages.BAD_PITCH.format(pitch=self.pitch))

    def step_rate(self, steps: int) -> VoiceSettings:
        """``steps`` RATE.steps faster (negative: slower), within the range."""
        rate = int(min(max(self.rate + steps * RATE.step, RATE.low), RATE.high))
        return replace(self, rate=rate)

    def step_volume(self, steps: int) -> VoiceSettings:
        """``steps`` VOLUME.steps louder (negative: quieter), never below QUIETEST."""
        volume = round(min(max(self.volume + steps * VOLUME.step, QUIETEST), VOLUME.high), 2)
        return replace(self, volume=volume)
