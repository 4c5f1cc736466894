"""Exports people can read or feed to other tools, and jrnl imports that never duplicate."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jrnl.journals.Journal import Journal as JrnlJournal

from tests.test_journal_jrnl import text_of
from voiceguide import messages
from voiceguide.errors import JournalImportError
from voiceguide.journal import Entry, Journal
from voiceguide.journal.exchange import (
    export_jrnl,
    export_json,
    export_markdown,
    import_jrnl,
    import_jrnl_file,
    parse_jrnl,
)
from voiceguide.journal.incoming import text_key

DATA = Path(__file__).parent / "data" / "jrnl" / "journals"
INDIA = timezone(timedelta(hours=5, minutes=30))


@pytest.fixture
def journal(tmp_path):
    with Journal.open(tmp_path / "journal.db") as opened:
        yield opened


@pytest.fixture
def fresh(tmp_path):
    with Journal.open(tmp_path / "fresh.db") as opened:
        yield opened


@pytest.fixture
def local_zone(monkeypatch):
    """Run with the machine's clock at UTC+05:30, so local and UTC differ."""
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield INDIA
    monkeypatch.undo()
    time.tzset()


def add_three(journal: Journal) -> None:
    journal.add_entry(
        "I felt calm today. Breathing slowly helped.\n\nTomorrow I will walk.",
        prompt="What helped you settle?",
        article="bundled:healing-trust",
        section=2,
        created=datetime(2026, 11, 27, 16, 32, tzinfo=INDIA),
    )
    journal.add_entry("Call mum", kind="note", created=datetime(2026, 11, 26, 8, 5, tzinfo=INDIA))
    journal.add_entry("Is trust a choice? Maybe it is.", created=datetime(2026, 11, 28, 21, 0, tzinfo=INDIA))


def test_json_export_is_newest_first_with_stored_field_names(journal):
    add_three(journal)
    data = json.loads(export_json(journal.list()[::-1]))
    assert [d["text"] for d in data] == [e.text for e in journal.list()]
    assert list(data[0]) == [
        "id",
        "created",
        "kind",
        "text",
        "prompt",
        "article",
        "section",
        "engine",
        "model",
        "duration",
        "confidence",
        "segments",
        "has_audio",
        "utc_offset_minutes",
        "needs_transcription",
        "text_pass",
        "tags",
    ]
    assert data[1]["created"] == "2026-11-27T11:02:00Z"
    assert data[1]["article"] == "bundled:healing-trust"


def test_markdown_export_reads_like_a_diary(journal):
    add_three(journal)
    document = export_markdown(journal.list())
    assert document.startswith("# Journal\n")
    assert document.index("Call mum") < document.index("I felt calm") < document.index("Is trust")
    assert "## Friday 27 November 2026, 16:32" in document  # local time where it was written
    assert "> What helped you settle?" in document
    assert "*Reflection · bundled:healing-trust, section 2*" in document
    assert "Tomorrow I will walk." in document


def test_jrnl_export_writes_each_text_as_it_is_after_its_date(journal):
    add_three(journal)
    exported = export_jrnl(journal.list())
    assert exported == (
        "[2026-11-26 08:05] Call mum\n"
        "\n"
        "[2026-11-27 16:32] I felt calm today. Breathing slowly helped.\n"
        "\n"
        "Tomorrow I will walk.\n"
        "\n"
        "[2026-11-28 21:00] Is trust a choice? Maybe it is.\n"
    )
    assert [e.text.strip() for e in JrnlJournal("export")._parse(exported)] == [e.text for e in journal.list()[::-1]]


def test_jrnl_round_trip_keeps_dates_and_text(journal, fresh, local_zone):
    add_three(journal)
    journal.add_entry("Written here, now.")
    result = import_jrnl(fresh, export_jrnl(journal.list()))
    assert (result.added, result.skipped) == (4, 0)
    before, after = journal.list(), fresh.list()
    assert [e.text for e in after] == [e.text for e in before]
    assert [e.local_time.strftime("%Y-%m-%d %H:%M") for e in after] == [
        e.local_time.strftime("%Y-%m-%d %H:%M") for e in before
    ]
    assert all(e.kind == "note" for e in after)
    assert all(e.utc_offset_minutes == 330 for e in after)
    assert after[0].created[:16] == before[0].created[:16]  # same zone: same UTC minute


def test_importing_twice_adds_nothing(journal, fresh):
    add_three(journal)
    text = export_jrnl(journal.list())
    assert import_jrnl(fresh, text).added == 3
    again = import_jrnl(fresh, text)
    assert (again.added, again.skipped) == (0, 3)
    assert len(fresh.list()) == 3


def test_import_reads_what_jrnl_writes(fresh):
    text = (
        "[2024-01-02 09:15] Morning pages. Slept well *\n"
        "Walked the dog.\n"
        "[link] in the body is fine\n"
        "\n"
        "\n"
        "[2024-01-03 10:00:00 PM] A jrnl 4 time stamp\n"
    )
    result = import_jrnl(fresh, text)
    assert result.added == 2
    newest, oldest = fresh.list()
    assert oldest.text == "Morning pages. Slept well\nWalked the dog.\n[link] in the body is fine\n\n#starred"
    assert oldest.local_time.strftime("%Y-%m-%d %H:%M") == "2024-01-02 09:15"
    assert newest.text == "A jrnl 4 time stamp"
    assert newest.local_time.strftime("%Y-%m-%d %H:%M") == "2024-01-03 22:00"
    assert fresh.search("dog")[0][0].id == oldest.id


def test_text_before_the_first_entry_names_the_line(fresh):
    with pytest.raises(JournalImportError) as caught:
        import_jrnl(fresh, "\nHello there\n[2024-01-02 09:15] Entry", source="old.txt")
    assert str(caught.value) == messages.JOURNAL_JRNL_BAD_LINE.format(
        source="old.txt", line=2, problem=messages.JOURNAL_JRNL_TEXT_BEFORE_ENTRY
    )
    assert fresh.list() == []


def test_a_bad_date_names_the_line_and_imports_nothing(fresh):
    text = "[2024-01-02 09:15] Fine\n\n[2024-13-45 99:99] Broken\n"
    with pytest.raises(JournalImportError, match="line 3"):
        import_jrnl(fresh, text)
    assert fresh.list() == []


def test_import_file_errors_are_clear(fresh, tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(JournalImportError, match="could not be read"):
        import_jrnl_file(fresh, missing)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"[2024-01-02 09:15] ok\ncaf\xe9\n")
    with pytest.raises(JournalImportError, match="line 2: not UTF-8"):
        import_jrnl_file(fresh, latin)
    good = tmp_path / "good.txt"
    good.write_text("[2024-01-02 09:15] ok\n", encoding="utf-8")
    assert import_jrnl_file(fresh, good).added == 1


SENTENCE = st.lists(st.text(alphabet="abcdefghij'é,", min_size=1, max_size=8), min_size=1, max_size=6).map(" ".join)
SPOKEN = st.lists(st.tuples(SENTENCE, st.sampled_from([".", "?", "!", ""])).map("".join), min_size=1, max_size=4).map(
    " ".join
)


@settings(max_examples=150, deadline=None)
@given(text=SPOKEN)
def test_jrnl_keeps_transcribed_text_exactly(text):
    entry = Entry(id=1, created="2026-11-27T16:32:00Z", kind="reflection", text=text)
    [parsed] = parse_jrnl(export_jrnl([entry]))
    assert parsed.text == text.strip()
    assert parsed.when == datetime(2026, 11, 27, 16, 32)


def test_a_starred_jrnl_entry_exported_and_imported_again_adds_nothing(fresh):
    text = "[2024-01-02 09:15] Morning pages. *\nWalked the dog.\n\n[2024-01-03 10:00] Plain.\n"
    assert import_jrnl(fresh, text).added == 2
    exported = export_jrnl(fresh.list())
    assert "[2024-01-02 09:15] Morning pages. *\nWalked the dog.\n" in exported
    again = import_jrnl(fresh, exported)
    assert (again.added, again.skipped) == (0, 2)
    assert [e.text for e in fresh.list()] == ["Plain.", "Morning pages.\nWalked the dog.\n\n#starred"]


def test_a_jrnl_entry_keeps_the_line_breaks_after_its_title_through_import_and_export(fresh, journal):
    written = DATA / "basic_onefile.journal"
    first = import_jrnl_file(fresh, written)
    theirs = JrnlJournal("onefile", journal=str(written)).open().entries
    assert [e.text for e in fresh.list()[::-1]] == [text_of(e) + ("\n\n#starred" if e.starred else "") for e in theirs]
    assert fresh.list()[-1].text.startswith("Entry the first.\n\nLorem @ipsum")
    exported = export_jrnl(fresh.list())
    assert exported == written.read_text()  # jrnl's own file, back byte for byte
    again = import_jrnl(fresh, exported)
    assert (first.added, again.added, again.skipped) == (3, 0, 3)
    assert import_jrnl(journal, exported).added == 3 and [e.text for e in journal.list()] == [
        e.text for e in fresh.list()
    ]


def test_a_journal_imported_before_the_line_breaks_were_kept_does_not_come_in_again(tmp_path):
    """Earlier versions joined a sentence-ending title and its body with a space, and keyed the entry on that."""
    written = DATA / "basic_onefile.journal"
    theirs = JrnlJournal("onefile", journal=str(written)).open().entries
    with Journal.open(tmp_path / "journal.db") as old:
        for entry in theirs:
            title, body = entry.title, entry.body
            text = title + (" " if body and title.endswith(".") else "\n" if body else "") + body
            old.add_entry(text, kind="note", created=entry.date, import_key=text_key("jrnl", entry.date, text))
        assert old.list()[-1].text.startswith("Entry the first. Lorem @ipsum")  # the old way, as stored then
    with Journal.open(tmp_path / "journal.db") as reopened:
        again = import_jrnl_file(reopened, written)
        assert (again.added, again.skipped) == (0, 3)
        assert len(reopened.list()) == 3
