"""The reading as one WAV file, written sentence by sentence so memory stays small whatever the length.

Each sentence is rendered, written and let go; only the one being written and
the one rendering ahead are in memory. The file grows under a private
temporary name beside the output and takes the output's name only when it is
complete, so Ctrl-C, a full disk or an error leave no half file (and an
older file at that path, overwritten with --force, stays until the new one
is whole). Before a long render the person is told how long the result will
be; a reading longer than a WAV file can hold is refused before it starts.
"""

from __future__ import annotations

import os
import wave
from collections.abc import Callable
from pathlib import Path

from voiceguide import messages
from voiceguide.content.model import Article, Section
from voiceguide.errors import SettingsError
from voiceguide.sessions.read import FILE_RATE, Pauses, SynthesizerLike, reading_order

WAV_MAX_BYTES = 0xFFFFFFFF - 64
"""A WAV file counts its bytes in 32 bits: at FILE_RATE, 16-bit mono, about 27 hours"""
LONG_RENDER_SECONDS = 10 * 60
"""A result at least this long is announced, with its length and size, before rendering starts"""
SPOKEN_PACE_SHARE = 0.87
"""Share of the nominal rate a reading reaches once punctuation and pauses inside sentences count
(the bundled article: 936 words at 165 a minute take 394 s with the pauses between sentences)"""


def estimate_seconds(article: Article, section: int | None, words_per_minute: float, pauses: Pauses) -> float:
    """About how long the reading will be, pauses included, from its words: no speech is rendered."""
    words = 0
    silence = 0.0
    for kind, position, item in reading_order(article, section):
        text = item.spoken_title if isinstance(item, Section) else item.spoken
        words += len(text.split())
        silence += pauses.block if kind == "title" else pauses.after(article, position)
    return words / (words_per_minute * SPOKEN_PACE_SHARE) * 60 + silence


def spoken_length(seconds: float) -> str:
    """ "2 h 05 min", "45 min", "30 s": how a person says how long something is."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def render_to_file(
    article: Article,
    section: int | None,
    out_path: str | Path,
    synthesizer: SynthesizerLike,
    pauses: Pauses | None = None,
    progress: Callable[[int, int], None] | None = None,
    notify: Callable[[str], None] | None = None,
) -> float:
    """Render the reading, with the same pauses, to one mono WAV; returns its length in seconds."""
    pauses = pauses or Pauses()
    out = Path(out_path)
    if not out.parent.is_dir():
        raise SettingsError(messages.READ_OUT_NO_FOLDER.format(path=out))
    expected = estimate_seconds(article, section, synthesizer.settings.rate, pauses)
    most = WAV_MAX_BYTES / (2 * FILE_RATE)
    if expected > most:
        raise SettingsError(
            messages.READ_TOO_LONG_FOR_FILE.format(length=spoken_length(expected), most=spoken_length(most))
        )
    if notify is not None and expected >= LONG_RENDER_SECONDS:
        size = expected * FILE_RATE * 2 / (1024 * 1024)
        notify(messages.READ_RENDER_LONG.format(length=spoken_length(expected), mb=size))
    partial = out.with_name(f".{out.name}.{os.getpid()}.rendering")
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as error:
        raise SettingsError(messages.READ_OUT_UNWRITABLE.format(path=out, reason=error.strerror or error)) from None
    try:
        with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(FILE_RATE)
            frames = _write_reading(wav, article, section, synthesizer, pauses, progress, most)
        os.replace(partial, out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise SettingsError(messages.READ_OUT_UNWRITABLE.format(path=out, reason=error.strerror or error)) from None
    except BaseException:
        partial.unlink(missing_ok=True)  # Ctrl-C or an engine error: no half file
        raise
    return frames / FILE_RATE


def _write_reading(
    wav: wave.Wave_write,
    article: Article,
    section: int | None,
    synthesizer: SynthesizerLike,
    pauses: Pauses,
    progress: Callable[[int, int], None] | None,
    most_seconds: float,
) -> int:
    items = list(reading_order(article, section))
    frames = 0
    for done, (_kind, position, item) in enumerate(items):
        if isinstance(item, Section):
            text, gap = item.spoken_title, pauses.block
        else:
            text, gap = item.spoken, pauses.after(article, position)
            if done == len(items) - 1:
                gap = 0.0
        if done + 1 < len(items):
            following = items[done + 1][2]
            synthesizer.prefetch(following.spoken_title if isinstance(following, Section) else following.spoken)
        clip = synthesizer.render(text).resampled(FILE_RATE)
        if clip.channels != 1:
            clip = clip.mono()
        silence = round(gap * FILE_RATE)
        frames += clip.frames + silence
        if frames > most_seconds * FILE_RATE:  # the estimate was short: stop before the header overflows
            raise SettingsError(messages.READ_TOO_LONG_WHILE_RENDERING.format(most=spoken_length(most_seconds)))
        wav.writeframes(clip.to_bytes())
        if silence:
            wav.writeframes(bytes(2 * silence))
        if progress is not None:
            progress(done + 1, len(items))
    return frames
