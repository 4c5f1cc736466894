"""Settings as frozen dataclasses with units, and the user's paths.

When ``VOICEGUIDE_HOME`` is set, all data, cache and config live under it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
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
    buffer_ms: int = 5
    """Milliseconds per playback buffer; stop and pause act within one buffer"""
    record_rate: int = 16000
    """Samples per second of the recording stream (Whisper's rate)"""
    chunk_ms: int = 100
    """Milliseconds of audio per recorded chunk"""
    debug_audio: bool = False
    """Show PortAudio/ALSA/JACK messages instead of silencing them"""
