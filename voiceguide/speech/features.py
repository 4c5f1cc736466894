"""Whisper's log-Mel features computed a block of frames at a time, and memory handed back after loading.

faster-whisper's extractor builds the spectrogram of a whole input in one
go, through complex128 intermediates: some 100 MB for a minute of audio,
all at once, on top of the model. The same arithmetic (float32 frames times
the Hann window, a real FFT, complex64 power, the Mel filters) a block of
frames at a time gives identical features in a few MB. Imported only where
faster-whisper is loaded.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

BLOCK = 256
"""Frames (10 ms each) per block"""


class BlockFeatures(FeatureExtractor):  # type: ignore[misc]
    """faster-whisper's ``FeatureExtractor``, with the same output, in bounded memory."""

    def __call__(self, waveform: np.ndarray, padding: int = 160, chunk_length: int | None = None) -> Any:
        if chunk_length is not None:
            self.n_samples = chunk_length * self.sampling_rate
            self.nb_max_frames = self.n_samples // self.hop_length
        audio = np.asarray(waveform, dtype=np.float32)
        if padding:
            audio = np.pad(audio, (0, padding))
        half = self.n_fft // 2
        audio = np.pad(audio, (half, half), mode="reflect")
        window = np.hanning(self.n_fft + 1)[:-1].astype("float32")
        frames = 1 + (len(audio) - self.n_fft) // self.hop_length
        step = audio.strides[0]
        view = np.lib.stride_tricks.as_strided(audio, (frames, self.n_fft), (self.hop_length * step, step))
        used = frames - 1  # the last frame is dropped, as faster-whisper does
        mel = np.empty((self.mel_filters.shape[0], used), dtype=np.float32)
        for a in range(0, used, BLOCK):
            b = min(used, a + BLOCK)
            spectrum = np.fft.rfft(view[a:b] * window, n=self.n_fft, axis=-1).astype("complex64").T
            mel[:, a:b] = self.mel_filters @ (np.abs(spectrum) ** 2)
        log_spec = np.log10(np.clip(mel, a_min=1e-10, a_max=None))
        log_spec = np.maximum(log_spec, log_spec.max() - 8.0)
        return (log_spec + 4.0) / 4.0


M_ARENA_MAX = -8
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 256 * 1024
"""Bytes from which glibc maps a block of its own, handed back to the system as soon as it is freed"""
ARENAS = 2


def _libc() -> Any:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        return libc if libc is not None and hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


def keep_heap_small() -> None:
    """Make glibc hand freed buffers back instead of keeping them for later (no effect elsewhere).

    By default glibc raises its mmap threshold each time a large block is
    freed, so the next model's load-time copies and every window's
    attention buffers (tens of MB) stay in the heap after use, and each
    thread that transcribes gets a heap (arena) of its own. A fixed
    threshold and two arenas keep the process near what it actually uses.
    """
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        libc.mallopt(M_ARENA_MAX, ARENAS)


def release_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc), e.g. after a model's load-time copies."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
