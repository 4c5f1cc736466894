"""Day One JSON exports, built here as Day One writes them, read with their dates, zones, tags and stars."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime, timedelta

import pytest

from voiceguide import messages
from voiceguide.errors import JournalImportError
from voiceguide.journal import Journal
from voiceguide.journal.dayone import read_dayone
from voiceguide.journal.exchange import import_entries

ENTRIES = [
    {
        "uuid": "3F2A9C0E5B8D4E1FA7C6D2B1E0F9A8C7",
        "creationDate": "2024-03-10T06:30:00Z",
        "modifiedDate": "2024-03-10T07:00:00Z",
        "timeZone": "America/New_York",
        "starred": True,
        "tags": ["gratitude", "Bay Area"],
        "text": "Walked at dawn\\. Felt steady\\!\n\n![](dayone-moment://1C2D3E4F)\nBack home by seven.",
        "photos": [{"identifier": "1C2D3E4F", "md5": "0f1e2d3c", "type": "jpeg", "width": 800, "height": 600}],
        "location": {"localityName": "Brooklyn"},
        "duration": 0,
    },
    {
        "uuid": "9B8A7C6D5E4F40312233445566778899",
        "creationDate": "2024-07-01T23:15:00Z",
        "timeZone": "Asia/Kolkata",
        "starred": False,
        "tags": [],
        "text": "A late note about #patience and trust.",
        "audios": [{"identifier": "AUD1", "md5": "aa", "format": "m4a", "duration": 12.5}],
    },
]


def day_one_zip(folder, entries=ENTRIES, name="Journal.json"):
    path = folder / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(name, json.dumps({"metadata": {"version": "1.0"}, "entries": entries}))
        archive.writestr("photos/0f1e2d3c.jpeg", b"\xff\xd8 not really a photo")
    return path


def test_an_export_keeps_dates_in_their_zone_tags_and_stars(tmp_path):
    export = read_dayone(day_one_zip(tmp_path))
    first, second = export.entries
    assert first.when.isoformat() == "2024-03-10T01:30:00-05:00"
    assert second.when.isoformat() == "2024-07-02T04:45:00+05:30"
    assert first.stored_text() == "Walked at dawn. Felt steady!\n\nBack home by seven.\n\n#gratitude #Bay-Area #starred"
    assert second.stored_text() == "A late note about #patience and trust."
    assert export.media == {"photos": 1, "videos": 0, "audios": 1, "pdfAttachments": 0}


def test_importing_an_export_twice_adds_nothing_and_keeps_the_written_offset(tmp_path):
    path = day_one_zip(tmp_path)
    with Journal.open(tmp_path / "journal.db") as journal:
        first = import_entries(journal, read_dayone(path).entries)
        again = import_entries(journal, read_dayone(path).entries)
        assert (first.added, again.added, again.skipped) == (2, 0, 2)
        newest, oldest = journal.list()
    assert oldest.utc_offset_minutes == -300 and newest.utc_offset_minutes == 330
    assert oldest.created.startswith("2024-03-10T06:30:00")
    assert oldest.local_time == datetime(2024, 3, 10, 1, 30, tzinfo=oldest.local_time.tzinfo)
    assert oldest.local_time.utcoffset() == timedelta(hours=-5)


def test_the_json_alone_reads_too(tmp_path):
    path = tmp_path / "Journal.json"
    path.write_text(json.dumps({"entries": ENTRIES}))
    assert len(read_dayone(path).entries) == 2


def test_an_unknown_zone_keeps_the_moment_in_utc(tmp_path):
    entry = dict(ENTRIES[1], timeZone="Mars/Olympus_Mons")
    [read] = read_dayone(day_one_zip(tmp_path, [entry])).entries
    assert read.when.isoformat() == "2024-07-01T23:15:00+00:00"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"not a zip and not json", "Expecting value"),
        (json.dumps({"journal": []}).encode(), messages.DAYONE_NO_ENTRIES),
        (json.dumps({"entries": [{"text": "no date"}]}).encode(), "entry 1 has no readable creation date"),
        (json.dumps({"entries": [{"creationDate": "0200-01-01T00:00:00Z"}]}).encode(), "entry 1 has no readable"),
        (json.dumps({"entries": ["text"]}).encode(), "entry 1 is not an entry"),
    ],
)
def test_a_file_that_is_not_an_export_is_one_clear_line(tmp_path, content, problem):
    path = tmp_path / "Journal.json"
    path.write_bytes(content)
    with pytest.raises(JournalImportError, match="is not a Day One JSON export") as caught:
        read_dayone(path)
    assert problem in str(caught.value) and "\n" not in str(caught.value)


def test_a_zip_without_a_journal_is_one_clear_line(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photos/a.jpeg", b"x")
    with pytest.raises(JournalImportError, match=messages.DAYONE_NO_ENTRIES):
        read_dayone(path)


def test_imported_tags_and_stars_are_the_journals_tags(tmp_path):
    from voiceguide.journal.exchange import import_jrnl

    with Journal.open(tmp_path / "journal.db") as journal:
        import_entries(journal, read_dayone(day_one_zip(tmp_path)).entries)
        import_jrnl(journal, "[2013-04-09 15:39] I have an @idea: *\nwrite it down\n")
        assert dict(journal.tags()) == {
            "#starred": 2,
            "#gratitude": 1,
            "#bay-area": 1,
            "#patience": 1,
            "@idea": 1,
        }
