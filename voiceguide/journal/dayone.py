"""Day One's JSON export read: the zip Day One writes, or the ``Journal.json`` inside it.

Each entry keeps its text, its creation date in the time zone it was written
in, its tags (as ``#tag`` words at the end of the text, spaces inside a tag
made hyphens) and its star (``#starred``). An entry's first recording in the
zip is named on it (the sessions layer decodes it into the entry's audio);
photos, videos and other recordings are not carried over; they are counted
so the person is told. Day One's Markdown
escapes (``\\.``, ``\\!``) are undone and the placeholders of its media
(``![](dayone-moment://...)``) are taken out of the text.
"""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.errors import JournalImportError
from voiceguide.journal.incoming import Incoming, text_key
from voiceguide.journal.jrnl_dates import EARLIEST_DATE, LATEST_DATE
from voiceguide.journal.jrnl_source import read_bounded
from voiceguide.settings import IMPORT_MB

MEDIA = re.compile(r"!\[[^\]]*\]\(dayone-moment:[^)]*\)[ \t]*\n?")
ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
MEDIA_KINDS = ("photos", "videos", "audios", "pdfAttachments")


@dataclass(frozen=True)
class DayOneExport:
    entries: list[Incoming]
    media: dict[str, int]
    """How many photos, videos, audios and PDFs were left behind, by kind"""
    archive: Path | None = None
    """The zip holding the recordings the entries name"""


def is_zip(path: Path) -> bool:
    """A regular file that is a zip: ``zipfile`` reads a device like /dev/zero to its end looking."""
    return Path(path).is_file() and zipfile.is_zipfile(path)


def _documents(path: Path, max_mb: float) -> tuple[list[tuple[str, bytes]], set[str]]:
    """(name, JSON bytes) of each journal in the export, and every file name in the zip.

    The JSON is read whole, so it is refused over ``max_mb`` (the size the zip
    says it unpacks to); the recordings are read one at a time later and not counted.
    """
    if is_zip(path):
        try:
            with zipfile.ZipFile(path) as archive:
                members = set(archive.namelist())
                names = [n for n in members if n.lower().endswith(".json") and "/" not in n.strip("/")]
                if not names:
                    raise JournalImportError(messages.DAYONE_BAD.format(path=path, problem=messages.DAYONE_NO_ENTRIES))
                if sum(archive.getinfo(name).file_size for name in names) > max_mb * 1024 * 1024:
                    raise JournalImportError(messages.IMPORT_TOO_BIG.format(path=path, mb=max_mb))
                return [(f"{path}:{name}", archive.read(name)) for name in sorted(names)], members
        except (zipfile.BadZipFile, OSError, RuntimeError) as error:
            raise JournalImportError(messages.DAYONE_BAD.format(path=path, problem=error)) from error
    return [(str(path), read_bounded(path, max_mb))], set()


def _created(item: dict[str, Any], source: str, number: int) -> datetime:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    raw = item.get("creationDate")
    try:
        when = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError as error:
        problem = messages.DAYONE_BAD_DATE.format(number=number, date=raw)
        raise JournalImportError(messages.DAYONE_BAD.format(path=source, problem=problem)) from error
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if not EARLIEST_DATE <= when.replace(tzinfo=None) < LATEST_DATE:
        problem = messages.DAYONE_BAD_DATE.format(number=number, date=raw)
        raise JournalImportError(messages.DAYONE_BAD.format(path=source, problem=problem))
    zone = item.get("timeZone")
    if isinstance(zone, str) and zone:
        try:
            return when.astimezone(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            pass  # an unknown zone name: the moment is still right, shown in UTC
    return when.astimezone(UTC)


def _tag_word(tag: str) -> str:
    return "#" + re.sub(r"\s+", "-", tag.strip().lstrip("#"))


def _tag_words(tags: object) -> tuple[str, ...]:
    """Day One's tags as ``#tag`` words; anything that is not a list of names adds none."""
    if not isinstance(tags, list):
        return ()
    return tuple(_tag_word(t) for t in tags if isinstance(t, str) and t.strip().lstrip("#"))


def _text(item: dict[str, Any]) -> str:
    text = item.get("text")
    if not isinstance(text, str):
        return ""
    return ESCAPED.sub(r"\1", MEDIA.sub("", text)).strip()


def read_dayone(path: Path, max_mb: float = IMPORT_MB.default) -> DayOneExport:
    """Every entry of a Day One JSON export (a zip of journals or one journal's JSON)."""
    path = Path(path)
    entries: list[Incoming] = []
    media = dict.fromkeys(MEDIA_KINDS, 0)
    documents, members = _documents(path, max_mb)
    for source, data in documents:
        try:
            document = json.loads(data)
        except (ValueError, UnicodeDecodeError) as error:
            raise JournalImportError(messages.DAYONE_BAD.format(path=source, problem=error)) from error
        items = document.get("entries") if isinstance(document, dict) else None
        if not isinstance(items, list):
            raise JournalImportError(messages.DAYONE_BAD.format(path=source, problem=messages.DAYONE_NO_ENTRIES))
        for number, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                problem = messages.DAYONE_BAD_ENTRY.format(number=number)
                raise JournalImportError(messages.DAYONE_BAD.format(path=source, problem=problem))
            when = _created(item, source, number)
            text = _text(item)
            words = _tag_words(item.get("tags"))
            for kind in MEDIA_KINDS:
                if isinstance(item.get(kind), list):
                    media[kind] += len(item[kind])
            audio = _recording(item.get("audios"), members)
            media["audios"] -= audio is not None  # kept, not left behind
            uuid = item.get("uuid")
            key = f"dayone:{uuid}" if isinstance(uuid, str) and uuid else text_key("dayone", when, text)
            starred = bool(item.get("starred"))
            entries.append(Incoming(when=when, text=text, key=key, starred=starred, tags=words, audio=audio))
    return DayOneExport(entries=entries, media=media, archive=path if members else None)


def _recording(audios: object, members: set[str]) -> str | None:
    """The zip member of an entry's first recording (``audios/<md5>.<format>``, as Day One exports it)."""
    if not isinstance(audios, list) or not audios or not isinstance(audios[0], dict):
        return None
    md5, kind = audios[0].get("md5"), audios[0].get("format") or "m4a"
    name = f"audios/{md5}.{kind}"
    return name if isinstance(md5, str) and md5 and name in members else None


def read_dayone_classic(folder: Path, max_mb: float = IMPORT_MB.default) -> DayOneExport:
    """A Day One classic journal folder (``Journal.dayone/entries/*.doentry`` property lists), as jrnl reads it.

    A file that is not a readable property list is left out and counted, as
    jrnl leaves it out; photos in the folder are counted, not carried over.
    An entry file over ``max_mb`` stops the import, as any file over it does.
    """
    import plistlib
    from xml.parsers.expat import ExpatError

    limit = int(max_mb * 1024 * 1024)
    entries: list[Incoming] = []
    damaged = 0
    for path in sorted(Path(folder).rglob("*.doentry")):
        try:
            if not path.is_file():
                raise OSError("not a file")  # a pipe or device would never end
            with path.open("rb") as stream:
                data = stream.read(limit + 1)
        except OSError:
            damaged += 1
            continue
        if len(data) > limit:
            raise JournalImportError(messages.IMPORT_TOO_BIG.format(path=path, mb=max_mb))
        try:
            item = plistlib.loads(data, fmt=plistlib.FMT_XML)
            created = item["Creation Date"]
            text = str(item.get("Entry Text") or "").strip()
        except (ExpatError, plistlib.InvalidFileException, ValueError, KeyError, TypeError):
            damaged += 1
            continue
        if not isinstance(created, datetime):
            damaged += 1
            continue
        moment = {"creationDate": created.replace(tzinfo=UTC).isoformat(), "timeZone": item.get("Time Zone")}
        when = _created(moment, str(path), 1)
        words = _tag_words(item.get("Tags"))
        uuid = item.get("UUID")
        key = f"dayone:{uuid}" if isinstance(uuid, str) and uuid else text_key("dayone", when, text)
        entries.append(Incoming(when=when, text=text, key=key, starred=bool(item.get("Starred")), tags=words))
    photos = Path(folder) / "photos"
    media = {"photos": sum(1 for p in photos.iterdir() if p.is_file()) if photos.is_dir() else 0}
    if damaged:
        media["unreadable entry files"] = damaged
    return DayOneExport(entries=entries, media=media)


def is_dayone_classic(folder: Path) -> bool:
    return folder.is_dir() and (folder.name.endswith(".dayone") or (folder / "entries").is_dir())
