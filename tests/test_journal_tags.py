"""Tags: #word and @word in an entry's text (jrnl's convention), spoken "hashtag word", filters and exports."""

from __future__ import annotations

import json
import sqlite3

import pytest

from voiceguide.journal.exchange import export_jrnl, export_json, export_markdown, import_jrnl
from voiceguide.journal.migrations import MIGRATIONS
from voiceguide.journal.store import Journal
from voiceguide.journal.tags import spoken_tags, tag_names, tags_in


@pytest.mark.parametrize(
    "text, tags",
    [
        ("Dinner with #family and @Anna.", ["#family", "@anna"]),
        ("#Family first, then #family again", ["#family"]),
        ("#self-care, then #rest.", ["#self-care", "#rest"]),
        ("I programmed for @OS/2, in @C++ and @C#.", ["@os/2", "@c++", "@c#"]),
        ("mail me@example.org or see page#3 and issue #42", []),
        ("", []),
        ("#été à @zoë", ["#été", "@zoë"]),
    ],
)
def test_tags_are_words_marked_with_hash_or_at(text, tags):
    assert tags_in(text) == tags


@pytest.mark.parametrize(
    "said, written",
    [
        ("I spent the day with them, hashtag family.", "I spent the day with them, #family."),
        ("Hashtag Work was hard today", "#work was hard today"),
        ("hash tag self-care", "#self-care"),
        ("Hashtag, gratitude.", "#gratitude."),
        ("I hashed it out with her", "I hashed it out with her"),
        ("We had hash browns", "We had hash browns"),
        ("I made a hash of it", "I made a hash of it"),
        ("HASH-TAG rest", "#rest"),
    ],
)
def test_a_spoken_hashtag_becomes_a_tag(said, written):
    assert spoken_tags(said) == written


def test_a_filter_without_a_symbol_means_either_symbol():
    assert tag_names("Family") == ["#family", "@family"]
    assert tag_names("@anna") == ["@anna"]


@pytest.fixture
def journal(tmp_path):
    with Journal.open(tmp_path / "journal.db") as jr:
        yield jr


def test_tags_follow_the_text_through_edits_and_deletes(journal):
    first = journal.add_entry("Walk with #family")
    second = journal.add_entry("Call @anna about #family plans")
    journal.add_entry("No tags here")
    assert journal.tags() == [("#family", 2), ("@anna", 1)]
    journal.update_text(first.id, "Walk alone #quiet")
    assert journal.tags() == [("#family", 1), ("#quiet", 1), ("@anna", 1)]
    journal.delete(second.id)
    assert journal.tags() == [("#quiet", 1)]


def test_list_and_search_filter_by_tag(journal):
    a = journal.add_entry("Trust grows slowly #family")
    b = journal.add_entry("Trust at work is different @boss")
    journal.add_entry("Trust, untagged")
    assert [e.id for e in journal.list(tag="family")] == [a.id]
    assert [e.id for e in journal.list(tag="#FAMILY")] == [a.id]
    assert [e.id for e in journal.list(tag="boss")] == [b.id]
    assert journal.list(tag="#boss") == []  # @boss is not #boss
    assert [e.id for e, _ in journal.search("trust", tag="family")] == [a.id]
    assert len(journal.search("trust")) == 3


def test_entries_written_before_tags_existed_get_theirs_when_the_journal_is_upgraded(tmp_path):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    for fn in MIGRATIONS:
        if fn.__name__ >= "m010":
            break
        fn(db)
        db.execute("INSERT INTO _migrations VALUES (?, '2026-01-01T00:00:00Z')", (fn.__name__,))
    db.execute("INSERT INTO entries (created, kind, text) VALUES ('2026-01-01T10:00:00Z', 'note', 'Old #memory')")
    db.commit()
    db.close()
    with Journal.open(path) as jr:
        assert jr.tags() == [("#memory", 1)]
        assert [e.text for e in jr.list(tag="memory")] == ["Old #memory"]


def test_an_imported_jrnl_journal_keeps_its_tags_and_exports_keep_them(journal):
    text = "[2026-11-01 09:00] Morning with @anna.\nWe talked about #trust.\n\n[2026-11-02 21:30] Tired #body.\n"
    assert import_jrnl(journal, text).added == 2
    assert journal.tags() == [("#body", 1), ("#trust", 1), ("@anna", 1)]
    entries = journal.list()
    assert [d["tags"] for d in json.loads(export_json(entries))] == [["#body"], ["@anna", "#trust"]]
    for exported in (export_markdown(entries), export_jrnl(entries)):
        assert "@anna" in exported and "#trust" in exported and "#body" in exported
    again = Journal.open(journal.path.with_name("again.db"))
    with again:
        import_jrnl(again, export_jrnl(entries))
        assert again.tags() == journal.tags()


@pytest.mark.parametrize(
    "name, tags",
    [
        ("tags.journal", [("@idea", 2), ("@dan", 1), ("@journal", 1)]),
        ("tags-216.journal", [("@c#", 1), ("@c++", 1), ("@os/2", 1)]),
        ("tags-237.journal", [("@email", 1), ("@newline", 1)]),  # the e-mail addresses are not tags
    ],
)
def test_jrnls_own_tag_journals_keep_the_tags_jrnl_finds(journal, name, tags):
    from pathlib import Path

    from voiceguide.journal.exchange import import_jrnl_file

    import_jrnl_file(journal, Path(__file__).parent / "data" / "jrnl" / "journals" / name)
    assert journal.tags() == tags


@pytest.mark.audio  # Whisper
def test_a_tag_spoken_into_a_reflection_is_saved_as_a_tag(journal):
    from tests.signals import espeak
    from voiceguide.audio.clip import Clip
    from voiceguide.sessions.reflect import reflect_from_samples
    from voiceguide.speech.transcriber import WhisperTranscriber

    samples, rate = espeak("We had a long dinner together. Hashtag family.", "en-us", 150)
    speech = Clip(samples, rate).resampled(16000).samples
    result = reflect_from_samples(speech, transcriber=WhisperTranscriber(), journal=journal)
    assert result.entry is not None and "#family" in result.entry.text, result.entry
    assert journal.tags() == [("#family", 1)]
    assert [e.id for e in journal.list(tag="family")] == [result.entry.id]


def test_a_common_tag_lists_newest_first_like_a_rare_one(journal):
    from datetime import datetime, timedelta

    from voiceguide.journal.store import COMMON_TAG

    start = datetime(2026, 1, 1, 9, 0)
    with journal.transaction():
        for k in range(COMMON_TAG + 5):
            journal.add_entry(f"day {k} #many" + (" #rare" if k % 400 == 0 else ""), created=start + timedelta(hours=k))
    many = journal.list(tag="many", limit=3)
    assert [e.text for e in many] == [f"day {k} #many" for k in (1004, 1003, 1002)]
    rare = journal.list(tag="rare", limit=2)
    assert [e.text for e in rare] == ["day 800 #many #rare", "day 400 #many #rare"]
