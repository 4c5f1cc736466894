"""Any audio file PyAV can read, as 16 kHz mono int16 samples for the VAD and the transcriber.

A file that is not audio (or is damaged) is one AudioFormatError line,
whatever FFmpeg or the container parser raised underneath.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from voiceguide import messages
from voiceguide.errors import AudioFormatError

RATE = 16000


def decode_audio_file(path: str | Path, rate: int = RATE) -> np.ndarray:
    """The first audio stream of ``path``, mixed to mono and resampled to ``rate``."""
    try:
        import av
    except ImportError:  # pragma: no cover - av is a dependency
        raise AudioFormatError(messages.JOURNAL_NEEDS_PYAV) from None
    parts: list[np.ndarray] = []
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.audio:
                raise AudioFormatError(messages.REFLECT_FILE_NO_AUDIO.format(path=path))
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    parts.append(out.to_ndarray().reshape(-1).copy())
            for out in resampler.resample(None):
                parts.append(out.to_ndarray().reshape(-1).copy())
    except AudioFormatError:
        raise
    except MemoryError:
        raise
    except Exception as error:  # FFmpeg, container and codec errors all mean "not usable audio"
        reason = getattr(error, "strerror", None) or str(error).strip() or type(error).__name__
        reason = reason.splitlines()[0][:160]
        raise AudioFormatError(messages.REFLECT_FILE_UNDECODABLE.format(path=path, error=reason)) from None
    if not parts:
        return np.zeros(0, np.int16)
    return np.concatenate(parts).astype(np.int16, copy=False)
