"""Journal operations behind `voiceguide journal ...` that need more than one store call."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide import messages
from voiceguide.collaborators import TranscriberLike
from voiceguide.errors import AudioFormatError, JournalCorrupt, VoiceguideError
from voiceguide.journal import leftovers
from voiceguide.journal.incoming import Incoming
from voiceguide.journal.models import Entry
from voiceguide.journal.store import Journal
from voiceguide.journal.tags import spoken_tags
from voiceguide.sessions.outputs import check_output, check_output_folder, open_output
from voiceguide.settings import ensure_private_dir, user_paths

if TYPE_CHECKING:
    from voiceguide.audio.clip import Clip


def entry_audio(journal: Journal, entry: Entry) -> Clip:
    """The entry's audio as a Clip, or a clear error when it has none."""
    from voiceguide.audio.clip import Clip
    from voiceguide.journal.audio_codec import decode

    stored = journal.get_audio(entry.id)
    if stored is None:
        raise VoiceguideError(messages.JOURNAL_NO_AUDIO.format(id=entry.id))
    samples, rate = decode(stored.codec, stored.data, stored.rate)
    return Clip(samples, rate, 1)


def retranscribe(
    journal: Journal,
    entries: Iterable[Entry],
    transcriber: TranscriberLike,
    progress: Callable[[Entry], None] | None = None,
) -> list[Entry]:
    """New text from the stored audio; the previous text goes to the entry's history."""
    from voiceguide.sessions.reflect import whole_recording

    done = []
    for entry in entries:
        if not entry.has_audio:
            continue
        clip = entry_audio(journal, entry)
        result = whole_recording(transcriber)(clip.samples, clip.rate)
        segments = [s.__dict__ for s in result.segments]
        done.append(
            journal.update_text(
                entry.id,
                spoken_tags(result.text),
                result.engine,
                result.model,
                segments=segments,
                confidence=result.confidence,
                text_pass="final",
            )
        )
        if progress:
            progress(entry)
    return done


def private_temp_dir() -> Path:
    """A 0700 directory inside the data dir for edit buffers and import copies: never the shared /tmp."""
    return ensure_private_dir(user_paths().data / "tmp")


@contextmanager
def work_folder(kind: str) -> Iterator[Path]:
    """A 0700 folder ``tmp/KIND-PID-*`` for plaintext copies, scrubbed and removed on every way out.

    Its lock is held until the folder is gone, so a later start (see leftovers)
    removes it only once this process is gone, even after a SIGKILL.
    """
    folder = Path(tempfile.mkdtemp(prefix=f"{kind}-{os.getpid()}-", dir=private_temp_dir()))
    lock = -1
    try:
        lock = os.open(folder / leftovers.EDIT_LOCK, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        leftovers.hold(lock)
        yield folder
    finally:
        leftovers.scrub_tree(folder)
        if lock >= 0:
            os.close(lock)


def edit_text(text: str, editor: str | None = None) -> str:
    """Open ``text`` in $EDITOR on a 0600 file that is removed afterwards, even on error.

    Each edit gets its own 0700 directory, removed whole afterwards, so an
    editor's swap or backup files (vim's .swp, emacs's ~) go with it.
    """
    editor = editor or os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with work_folder("edit") as folder:
        name = folder / "entry.txt"
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        try:
            code = subprocess.call([*editor.split(), str(name)])
        except OSError:
            raise VoiceguideError(messages.JOURNAL_NO_EDITOR.format(editor=editor)) from None
        if code != 0:
            raise VoiceguideError(messages.JOURNAL_EDITOR_FAILED.format(editor=editor, code=code))
        return name.read_text(encoding="utf-8")


def write_private(path: Path, data: str | bytes, *, force: bool = False) -> Path:
    """Create ``path`` with mode 0600 (exports hold private words); see ``outputs`` for what is refused."""
    with open_output(path, force=force) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def audio_files(entries: Iterable[Entry], directory: Path, *, force: bool = False) -> list[tuple[Entry, Path]]:
    """Where each entry's audio goes (entry-ID.wav in ``directory``), every path checked before any is written."""
    directory = check_output_folder(directory)
    files = [(entry, directory / f"entry-{entry.id}.wav") for entry in entries if entry.has_audio]
    for _entry, path in files:
        check_output(path, force=force)
    return files


def export_audio(journal: Journal, files: list[tuple[Entry, Path]], *, force: bool = False) -> tuple[int, int]:
    """Write the WAV files ``audio_files`` planned; (written, unreadable).

    A recording on a damaged page of the journal is skipped and counted, like
    the entries ``list_readable`` skips: each one is read whole before its
    file is opened, so no half-written WAV is left for it.
    """
    from voiceguide.audio.clip import write_wav

    if files:
        files[0][1].parent.mkdir(parents=True, exist_ok=True)
    written = unreadable = 0
    for entry, path in files:
        try:
            clip = entry_audio(journal, entry)
        except (JournalCorrupt, AudioFormatError):
            unreadable += 1
            continue
        with open_output(path, force=force) as f:
            write_wav(f, clip)
        written += 1
    return written, unreadable


def html_report(journal: Journal, entries: list[Entry]) -> str:
    """The private HTML report of ``entries``, with charts of the last 12 weeks and the last 12 months."""
    from voiceguide.journal.report import export_html

    return export_html(
        entries,
        weekly=journal.practice(by="week", periods=12),
        monthly=journal.practice(by="month", periods=12),
        checkins=journal.checkins(),
    )


def keep_imported_audio(journal: Journal, archive: Path, entries: Iterable[Incoming]) -> tuple[int, int]:
    """Attach each new entry's Day One recording as its audio; (kept, unreadable) counts.

    Runs inside the import's transaction. Entries that already have audio (an
    earlier import) are left as they are; a recording that is not audio is
    counted and its entry imported without it.
    """
    import zipfile

    from voiceguide.errors import AudioFormatError
    from voiceguide.journal.audio_codec import encode
    from voiceguide.speech.decode import RATE, decode_audio_file

    kept = unreadable = 0
    with zipfile.ZipFile(archive) as zipped, work_folder("import") as folder:
        for entry in entries:
            entry_id = journal.find_import_key(entry.key) if entry.audio else None
            if entry_id is None or entry.audio is None or journal.get_audio(entry_id) is not None:
                continue
            copy = folder / Path(entry.audio).name  # the decoder reads a file; the copy goes once decoded
            fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(zipped.read(entry.audio))
            try:
                samples = decode_audio_file(copy, RATE)
            except AudioFormatError:
                unreadable += 1
                continue
            finally:
                leftovers.scrub_and_remove(copy)
            codec, data = encode(samples.tobytes(), RATE)
            journal.set_audio(entry_id, codec, RATE, data)
            kept += 1
    return kept, unreadable
