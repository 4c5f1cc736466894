"""Compressing spoken entries for the journal: Opus in Ogg, or FLAC where PyAV lacks Opus.

Speech at 24 kb/s Opus is about 0.2 MB a minute, so years of entries stay a
small file, and it still sounds like the person. PyAV and numpy are imported
only when audio is actually encoded or decoded.
"""

from __future__ import annotations

import io
import struct
from typing import TYPE_CHECKING, Any

from voiceguide import messages
from voiceguide.errors import AudioFormatError

if TYPE_CHECKING:
    import numpy as np

OPUS_BITRATE = 24_000
"""Bits per second; plenty for one voice"""
OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
"""Sample rates libopus accepts as they are; others are resampled to 48 kHz"""
CODECS = ("opus", "flac")


def _av() -> Any:  # the module itself: PyAV ships no types
    try:
        import av
    except ImportError as error:  # pragma: no cover - av is a dependency
        raise AudioFormatError(messages.JOURNAL_NEEDS_PYAV) from error
    return av


def _unknown(codec: str) -> AudioFormatError:
    choices = ", ".join(CODECS)
    message = messages.JOURNAL_AUDIO_UNKNOWN_CODEC.format(codec=codec, choices=choices)
    return AudioFormatError(message)


def preferred_codec() -> str:
    """'opus' when this PyAV build has libopus, otherwise 'flac'."""
    return "opus" if "libopus" in _av().codecs_available else "flac"


def encode(samples: bytes, rate: int, codec: str | None = None) -> tuple[str, bytes]:
    """Compress int16 little-endian mono PCM; returns (codec, data) to store beside the rate."""
    import numpy as np

    av = _av()
    codec = codec or preferred_codec()
    pcm = np.frombuffer(bytes(samples), dtype="<i2").astype(np.int16)
    if codec not in CODECS:
        raise _unknown(codec)
    if not len(pcm):
        return codec, b""  # nothing to compress; decode() gives back no samples
    buffer = io.BytesIO()
    if codec == "opus":
        encode_rate = rate if rate in OPUS_RATES else 48000
        container = av.open(buffer, "w", format="ogg")
        stream = container.add_stream("libopus", rate=encode_rate)
        stream.codec_context.bit_rate = OPUS_BITRATE
        stream.codec_context.options = {"application": "voip"}
    else:
        encode_rate = rate
        container = av.open(buffer, "w", format="flac")
        stream = container.add_stream("flac", rate=encode_rate)
    stream.layout = "mono"
    try:
        frame = av.AudioFrame.from_ndarray(pcm[None, :], format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(_resampled(av, frame, encode_rate)):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    finally:
        container.close()
    return codec, buffer.getvalue()


def _resampled(av: Any, frame: Any, rate: int) -> Any:
    if frame.sample_rate == rate:
        return frame
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    frames = list(resampler.resample(frame)) + list(resampler.resample(None))
    if len(frames) == 1:
        return frames[0]
    import numpy as np

    joined = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    out = av.AudioFrame.from_ndarray(joined[None, :], format="s16", layout="mono")
    out.sample_rate = rate
    return out


def _opus_input_rate(extradata: bytes | None) -> int | None:
    """The rate the audio was recorded at, from the OpusHead header (decoders give 48 kHz)."""
    if extradata and len(extradata) >= 16 and extradata[:8] == b"OpusHead":
        rate = struct.unpack("<I", extradata[12:16])[0]
        return rate or None
    return None


def decode(codec: str, data: bytes, rate: int | None = None) -> tuple[np.ndarray, int]:
    """Decompress stored audio to (int16 mono samples, rate).

    Pass the stored ``rate`` to get the samples back at the rate they were
    recorded at; without it Opus reports its header's rate (48 kHz for rates
    libopus cannot take as they are).
    """
    import numpy as np

    if codec not in CODECS:
        raise _unknown(codec)
    if not data:
        return np.zeros(0, dtype=np.int16), rate or 16000
    av = _av()
    try:
        with av.open(io.BytesIO(bytes(data)), metadata_errors="ignore") as container:
            if not container.streams.audio:
                return np.zeros(0, dtype=np.int16), rate or 16000
            stream = container.streams.audio[0]
            target = rate or _opus_input_rate(stream.codec_context.extradata)
            target = target or stream.codec_context.sample_rate
            resampler = av.AudioResampler(format="s16", layout="mono", rate=target)
            parts: list[Any] = []
            for frame in container.decode(stream):
                parts.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
            parts.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    except MemoryError:
        raise
    except Exception as error:  # FFmpeg, container and metadata errors all mean damaged audio
        reason = str(error).strip().splitlines()[0][:160] if str(error).strip() else type(error).__name__
        problem = messages.JOURNAL_AUDIO_UNDECODABLE.format(codec=codec, error=reason)
        raise AudioFormatError(problem) from error
    samples = np.concatenate(parts).astype(np.int16) if parts else np.zeros(0, dtype=np.int16)
    return samples, int(target)
