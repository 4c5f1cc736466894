"""The journal store on real SQLite files: what a person notices writing, searching, coming back."""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import stat
import sys
import types
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceguide import messages
from voiceguide.errors import (
    EncryptionUnavailable,
    EntryNotFound,
    JournalBusy,
    JournalCorrupt,
    JournalError,
    JournalReadOnly,
)
from voiceguide.journal import Journal
from voiceguide.journal.migrations import MIGRATIONS, applied_migrations, migrate
from voiceguide.settings import user_paths

ENTRY_FIELDS = [
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


@pytest.fixture
def journal(tmp_path):
    with Journal.open(tmp_path / "journal.db") as opened:
        yield opened


@pytest.fixture
def filled(journal):
    journal.add_entry(
        "Breathing slowly, I felt calm for the first time this week.",
        prompt="What helped you settle today?",
        engine="faster-whisper",
        model="tiny.en",
        duration=12.5,
        confidence=0.91,
        segments=[{"start": 0.0, "end": 12.5, "text": "Breathing slowly", "confidence": 0.91}],
    )
    journal.add_entry("Trust grows when promises are kept, even small ones.", kind="note")
    journal.add_entry("The café was noisy but I stayed present.", kind="note")
    return journal


# --- search -------------------------------------------------------------------


def test_entry_is_found_by_word_prefix_and_phrase(filled):
    assert [e.text for e, _ in filled.search("calm")] == ["Breathing slowly, I felt calm for the first time this week."]
    assert len(filled.search("promis*")) == 1
    assert len(filled.search('"felt calm"')) == 1
    assert filled.search('"calm felt"') == []


def test_search_uses_stemming_and_ignores_accents(filled):
    assert len(filled.search("breathe")) == 1  # porter: breathing ~ breathe
    assert len(filled.search("cafe")) == 1


def test_search_finds_words_in_the_prompt(filled):
    assert len(filled.search("settle")) == 1


def test_search_operators_pass_through(filled):
    assert len(filled.search("calm OR trust")) == 2
    assert len(filled.search("calm AND trust")) == 0
    assert len(filled.search("NOT calm")) in (0, 1, 2)  # FTS5 rejects a leading NOT: literal search
    assert len(filled.search("noisy NOT calm")) == 1


def test_search_marks_matches_in_the_snippet(filled):
    [(entry, snippet)] = filled.search("calm", markers=("<<", ">>"))
    assert "<<calm>>" in snippet
    [(entry, snippet)] = filled.search("calm")
    assert "[calm]" in snippet


def test_search_ranks_the_closer_match_first(journal):
    journal.add_entry("Calm. Calm. Calm. Nothing but calm.")
    journal.add_entry("A long day with work, errands, cooking and a moment of calm at the end.")
    results = journal.search("calm")
    assert results[0][0].text.startswith("Calm. Calm.")


def test_search_limit(journal):
    for i in range(5):
        journal.add_entry(f"walk number {i}")
    assert len(journal.search("walk", limit=3)) == 3


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"calm',
        "calm AND",
        "AND",
        "OR OR",
        "*",
        "calm*",
        "NEAR(",
        "NEAR(calm",
        "(",
        ")",
        "self-care",
        "-calm",
        "text:",
        "nosuchcolumn:calm",
        "^",
        "😀",
        "calm 😀",
        "“calm”",
        "don't",
        "calm\x00trust",
        "calm\ud800",
        "'",
        "{calm}",
        "calm + trust",
        "a:b:c",
    ],
)
def test_odd_queries_return_results_never_database_errors(filled, query):
    results = filled.search(query)
    assert isinstance(results, list)


def test_literal_fallback_still_finds_the_words(filled):
    assert len(filled.search('felt "calm')) == 1
    assert len(filled.search("calm AND")) == 1
    assert len(filled.search("“calm”")) == 1


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\x00"])
def test_empty_query_is_a_clear_error(filled, query):
    with pytest.raises(JournalError) as caught:
        filled.search(query)
    assert str(caught.value) == messages.JOURNAL_EMPTY_QUERY


QUERY_PIECES = st.sampled_from(
    ["calm", "trust", "cal*", '"', "'", "*", "AND", "OR", "NOT", "NEAR(", "NEAR", "(", ")", ":"]
    + ["text:", "prompt:", "^", "-", "+", ",", "😀", "“", "”", "é", "\x00", "{", "}", "[", "]"]
)
QUERIES = st.one_of(
    st.text(max_size=40),
    st.lists(QUERY_PIECES, max_size=8).map(" ".join),
    st.lists(QUERY_PIECES, max_size=8).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_any_typed_query_gives_results_or_a_clear_error(filled, query):
    try:
        results = filled.search(query)
    except JournalError as error:
        assert str(error) == messages.JOURNAL_EMPTY_QUERY
    else:
        assert all(isinstance(snippet, str) for _, snippet in results)


# --- entries ----------------------------------------------------------------------


def test_entry_keeps_what_was_said(filled):
    [entry] = filled.list(kind="reflection")
    assert entry.prompt == "What helped you settle today?"
    assert entry.engine == "faster-whisper" and entry.model == "tiny.en"
    assert entry.duration == 12.5 and entry.confidence == 0.91
    assert entry.segments == [{"start": 0.0, "end": 12.5, "text": "Breathing slowly", "confidence": 0.91}]
    assert entry.created.endswith("Z") and len(entry.created) == len("2026-11-27T16:32:00Z")


def test_to_dict_has_the_stored_field_names(filled):
    entry = filled.list(limit=1)[0]
    data = entry.to_dict()
    assert list(data) == ENTRY_FIELDS
    assert json.loads(json.dumps(data)) == data


def test_segments_from_objects(journal):
    segment = types.SimpleNamespace(start=0.5, end=1.25, text=" hi ", confidence=None)
    entry = journal.add_entry("hi", segments=[segment])
    assert entry.segments == [{"start": 0.5, "end": 1.25, "text": "hi", "confidence": None}]


def test_get_missing_entry_is_a_clear_error(journal):
    with pytest.raises(EntryNotFound) as caught:
        journal.get(42)
    assert str(caught.value) == messages.JOURNAL_NO_ENTRY.format(id=42)


def test_unknown_kind_is_a_clear_error(journal):
    with pytest.raises(JournalError, match="Unknown entry kind"):
        journal.add_entry("x", kind="diary")


def test_list_is_newest_first_and_filters(journal):
    monday = datetime(2026, 11, 23, 9, 0)
    for days, kind in [(0, "note"), (1, "reflection"), (2, "note"), (3, "reflection")]:
        journal.add_entry(f"day {days}", kind=kind, created=monday + timedelta(days=days))
    assert [e.text for e in journal.list()] == ["day 3", "day 2", "day 1", "day 0"]
    assert [e.text for e in journal.list(kind="note")] == ["day 2", "day 0"]
    assert [e.text for e in journal.list(limit=2)] == ["day 3", "day 2"]
    between = journal.list(since=date(2026, 11, 24), until=date(2026, 11, 25))
    assert [e.text for e in between] == ["day 2", "day 1"]


def test_list_filters_by_the_local_date_the_entry_was_written(journal):
    berlin_winter = timezone(timedelta(hours=1))
    just_after_midnight = datetime(2026, 3, 1, 0, 30, tzinfo=berlin_winter)  # UTC: Feb 28
    entry = journal.add_entry("late thoughts", created=just_after_midnight)
    assert entry.created == "2026-02-28T23:30:00Z"
    assert entry.utc_offset_minutes == 60
    assert entry.local_time.hour == 0
    assert journal.list(since=date(2026, 3, 1), until=date(2026, 3, 1)) == [entry]
    assert journal.list(until=date(2026, 2, 28)) == []


def test_update_keeps_history_and_search_follows(filled):
    entry = filled.search("calm")[0][0]
    updated = filled.update_text(entry.id, "I felt steady and warm.", engine="faster-whisper", model="small.en")
    assert updated.text == "I felt steady and warm." and updated.model == "small.en"
    [old] = filled.history(entry.id)
    assert old.text == entry.text and old.model == "tiny.en"
    assert filled.search("calm") == []
    assert filled.search("steady")[0][0].id == entry.id
    filled.update_text(entry.id, "I felt steady.")
    assert [h.text for h in filled.history(entry.id)] == [entry.text, "I felt steady and warm."]
    assert filled.get(entry.id).engine == "faster-whisper"  # kept when not given


def test_delete_removes_entry_audio_and_search(filled):
    entry = filled.search("calm")[0][0]
    filled.set_audio(entry.id, "opus", 16000, b"OggS...")
    assert filled.get(entry.id).has_audio
    assert filled.get_audio(entry.id) == ("opus", 16000, b"OggS...")
    filled.update_text(entry.id, "changed")
    filled.delete(entry.id)
    with pytest.raises(EntryNotFound):
        filled.get(entry.id)
    assert filled.get_audio(entry.id) is None
    assert filled.conn.execute("SELECT count(*) FROM audio").fetchone()[0] == 0
    assert filled.conn.execute("SELECT count(*) FROM entry_history").fetchone()[0] == 0
    assert filled.search("changed") == []
    with pytest.raises(EntryNotFound):
        filled.delete(entry.id)


def test_import_key_adds_once(journal):
    first = journal.add_entry("imported", kind="note", import_key="k1")
    again = journal.add_entry("imported", kind="note", import_key="k1")
    assert again.id == first.id
    assert len(journal.list()) == 1
    assert journal.find_import_key("k1") == first.id


def test_stats(journal):
    today = date(2026, 11, 27)
    for days_ago in (0, 1, 2, 4):
        day = today - timedelta(days=days_ago)
        evening = datetime(day.year, day.month, day.day, 20, 0)
        journal.add_entry("one two three", created=evening, duration=90)
    journal.add_entry("four", created=datetime(2026, 11, 27, 7, 0))
    stats = journal.stats(on=today)
    assert stats == {"entries": 5, "words": 13, "minutes_spoken": 6.0, "current_streak_days": 3}


def test_streak_holds_until_the_day_is_over_and_then_breaks(journal):
    journal.add_entry("x", created=datetime(2026, 11, 26, 21, 0))
    journal.add_entry("x", created=datetime(2026, 11, 25, 21, 0))
    assert journal.stats(on=date(2026, 11, 27))["current_streak_days"] == 2
    assert journal.stats(on=date(2026, 11, 28))["current_streak_days"] == 0
    assert Journal.stats(journal)["entries"] == 2


# --- recordings, breathing, reading progress -------------------------------------------


def test_recording_chunks_come_back_in_order_until_finished(journal):
    rid = journal.begin_recording(16000, prompt="What felt steady?", article="bundled:healing-trust", section=2)
    journal.append_chunk(rid, 1, b"\x02\x00")
    journal.append_chunk(rid, 0, b"\x01\x00")
    assert journal.unfinished_recordings() == []  # this process is still recording
    [rec] = journal.unfinished_recordings(include_live=True)
    assert rec.samples == b"\x01\x00\x02\x00"
    assert (rec.prompt, rec.rate) == ("What felt steady?", 16000)
    assert (rec.article, rec.section) == ("bundled:healing-trust", 2)
    journal.finish_recording(rid)
    assert journal.unfinished_recordings(include_live=True) == []
    assert journal.conn.execute("SELECT count(*) FROM recording_chunks").fetchone()[0] == 0


def test_breathing_sessions_and_minutes_per_week(journal):
    journal.add_breathing_session("box", 8, 8, 128.0, False, started=datetime(2026, 11, 24, 8, 0))
    journal.add_breathing_session("4-7-8", 4, 2, 38.0, True, started=datetime(2026, 11, 26, 22, 0))
    journal.add_breathing_session("resonant", 30, 30, 300.0, False, started=datetime(2026, 11, 10, 7, 0))
    sessions = journal.breathing_sessions()
    assert [s.pattern for s in sessions] == ["4-7-8", "box", "resonant"]
    assert sessions[0].interrupted and sessions[0].completed_cycles == 2
    weeks = journal.minutes_per_week(weeks=3, on=date(2026, 11, 27))
    assert weeks == [(date(2026, 11, 9), 5.0), (date(2026, 11, 16), 0.0), (date(2026, 11, 23), 2.8)]
    assert len(journal.breathing_sessions(limit=1)) == 1


def test_reading_progress(journal):
    assert journal.get_progress("bundled:healing-trust") is None
    journal.set_progress("bundled:healing-trust", 3, 7)
    journal.set_progress("bundled:healing-trust", 4, 0)
    assert journal.get_progress("bundled:healing-trust") == (4, 0)


# --- the file: location, permissions, damage, locks, processes -------------------------------


def test_default_journal_is_private():
    with Journal.open() as default:
        default.add_entry("private")
        path = user_paths().journal
        assert default.path == path
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        files = sorted(path.parent.glob("journal.db*"))
        assert path in files and len(files) >= 2  # WAL companions appear in WAL mode
        for file in files:
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


def test_journal_uses_wal_and_foreign_keys(journal):
    assert journal.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert journal.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


@pytest.mark.parametrize("content", [os.urandom(4096), b"SQLite format 3\x00" + os.urandom(8192), b"hello"])
def test_damaged_file_is_reported_and_left_untouched(tmp_path, content):
    path = tmp_path / "journal.db"
    path.write_bytes(content)
    with pytest.raises(JournalCorrupt) as caught:
        Journal.open(path)
    assert str(caught.value) == messages.JOURNAL_CORRUPT.format(path=path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["journal.db"]


def test_another_apps_database_is_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE recipes (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(JournalCorrupt, match="not a voiceguide journal"):
        Journal.open(path)
    assert path.read_bytes() == before


def test_a_directory_is_not_a_journal(tmp_path):
    with pytest.raises(JournalCorrupt):
        Journal.open(tmp_path)


def test_locked_journal_says_it_is_busy(tmp_path):
    path = tmp_path / "journal.db"
    Journal.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Journal.open(path, busy_timeout=0.1) as journal:
            assert journal.list() == []  # reading still works in WAL mode
            with pytest.raises(JournalBusy) as caught:
                journal.add_entry("waiting")
            assert str(caught.value) == messages.JOURNAL_BUSY
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Journal.open(path) as journal:
        journal.add_entry("after")
        assert [e.text for e in journal.list()] == ["after"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_read_only_journal_is_a_clear_error(tmp_path):
    path = tmp_path / "journal.db"
    Journal.open(path).close()
    os.chmod(path, 0o400)
    with pytest.raises(JournalReadOnly):
        Journal.open(path)


def test_read_only_folder_is_a_clear_error_before_sqlite_tries(tmp_path, monkeypatch):
    path = tmp_path / "journal.db"
    Journal.open(path).close()
    before = path.read_bytes()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if Path(p) == tmp_path else real_access(p, mode))
    with pytest.raises(JournalReadOnly) as caught:
        Journal.open(path)
    assert str(caught.value) == messages.JOURNAL_READ_ONLY.format(path=path)
    assert path.read_bytes() == before


def _add_fifty(path: str, name: str) -> None:
    with Journal.open(Path(path), busy_timeout=10) as journal:
        for i in range(50):
            journal.add_entry(f"{name} entry {i}")


def test_two_processes_write_at_once(tmp_path):
    path = tmp_path / "journal.db"
    Journal.open(path).close()
    context = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    workers = [context.Process(target=_add_fifty, args=(str(path), name)) for name in ("first", "second")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    with Journal.open(path) as journal:
        assert len(journal.list()) == 100
        assert len(journal.search("first")) == 20  # default limit
        assert len(journal.search("second", limit=100)) == 50


def test_migrations_are_recorded_and_not_repeated(journal):
    names = [fn.__name__ for fn in MIGRATIONS]
    assert applied_migrations(journal.conn) == names
    assert names == sorted(names) and names[0] == "m001_entries"
    assert migrate(journal.conn) == []
    journal.close()
    with Journal.open(journal.path) as again:
        assert applied_migrations(again.conn) == names


def test_a_journal_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "journal.db"
    Journal.open(path).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO _migrations (name, applied) VALUES ('m999_future', 'x')")
    with pytest.raises(JournalError) as caught:
        Journal.open(path)
    assert str(caught.value) == messages.JOURNAL_NEWER.format(path=path)


def test_encrypted_journal_without_sqlcipher_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    with pytest.raises(EncryptionUnavailable) as caught:
        Journal.open(tmp_path / "journal.db", passphrase="secret")
    assert "sqlcipher3" in str(caught.value)
    assert not (tmp_path / "journal.db").exists()


class _KeyRecordingConnection(sqlite3.Connection):
    statements: list[str] = []

    def execute(self, sql, *args):  # noqa: ANN001, ANN201
        type(self).statements.append(sql)
        return super().execute(sql, *args)


def test_passphrase_swaps_in_the_sqlcipher_connection(tmp_path, monkeypatch):
    fake = types.ModuleType("sqlcipher3")
    for name in ("Error", "DatabaseError", "OperationalError", "IntegrityError"):
        setattr(fake, name, getattr(sqlite3, name))
    fake.connect = lambda *a, **k: sqlite3.connect(*a, factory=_KeyRecordingConnection, **k)
    monkeypatch.setitem(sys.modules, "sqlcipher3", fake)
    _KeyRecordingConnection.statements = []
    with Journal.open(tmp_path / "journal.db", passphrase="it's mine") as journal:
        journal.add_entry("searchable while encrypted")
        assert len(journal.search("encrypted")) == 1
    assert _KeyRecordingConnection.statements[0] == "PRAGMA key = 'it''s mine'"


def test_a_moment_before_the_year_1000_is_stored_with_four_digits_and_sorts_first(journal):
    journal.add_entry("recent", created=datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    old = journal.add_entry("ancient", created=datetime(999, 6, 1, 12, 0, tzinfo=UTC))
    assert old.created == "0999-06-01T12:00:00Z"
    assert [e.text for e in journal.list()] == ["recent", "ancient"]
    assert [e.text for e in journal.list(until=date(999, 6, 1))] == ["ancient"]
