"""Append-only schema migrations, recorded by name in the journal itself.

Never edit or reorder a migration that has shipped: add a new one at the end.
Each runs in its own transaction, so a journal is never left half-migrated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

MIGRATIONS: list[Callable[[Any], None]] = []


def migration(fn: Callable[[Any], None]) -> Callable[[Any], None]:
    """Register ``fn`` as the next migration; its name is what the journal records."""
    MIGRATIONS.append(fn)
    return fn


def applied_migrations(db: Any) -> list[str]:
    """Names already applied, in the order they ran (empty for a new journal)."""
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").fetchone()
    if not exists:
        return []
    return [row[0] for row in db.execute("SELECT name FROM _migrations ORDER BY rowid")]


def unknown_migrations(db: Any) -> list[str]:
    """Applied names this version does not know: the journal was written by a newer voiceguide."""
    known = {fn.__name__ for fn in MIGRATIONS}
    return [name for name in applied_migrations(db) if name not in known]


def migrate(db: Any) -> list[str]:
    """Apply the missing migrations in order and return their names.

    Reads first and writes only when something is missing, so opening an
    up-to-date journal never waits for another process's write lock. The check
    is repeated inside the transaction because two processes may start at once.
    """
    if {fn.__name__ for fn in MIGRATIONS} <= set(applied_migrations(db)):
        return []
    done: list[str] = []
    for fn in MIGRATIONS:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS _migrations ( name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
            already = db.execute("SELECT 1 FROM _migrations WHERE name = ?", (fn.__name__,)).fetchone()
            if not already:
                fn(db)
                db.execute(
                    "INSERT INTO _migrations (name, applied) VALUES (?, ?)",
                    (fn.__name__, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
                )
                done.append(fn.__name__)
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return done


@migration
def m001_entries(db: Any) -> None:
    db.execute(
        """
        CREATE TABLE entries (
            id INTEGER PRIMARY KEY,
            created TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL DEFAULT 0,
            kind TEXT NOT NULL CHECK (kind IN ('reflection', 'note', 'breathing')),
            article TEXT,
            section INTEGER,
            prompt TEXT,
            text TEXT NOT NULL DEFAULT '',
            words INTEGER NOT NULL DEFAULT 0,
            engine TEXT,
            model TEXT,
            duration REAL,
            confidence REAL,
            segments TEXT NOT NULL DEFAULT '[]',
            import_key TEXT UNIQUE,
            needs_transcription INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX entries_created ON entries (created)")


@migration
def m002_entries_fts(db: Any) -> None:
    db.execute(
        """
        CREATE VIRTUAL TABLE entries_fts USING fts5(
            text, prompt,
            content='entries', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        )
        """
    )
    db.execute(
        """
        CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
            INSERT INTO entries_fts (rowid, text, prompt) VALUES (new.id, new.text, new.prompt);
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, text, prompt)
            VALUES ('delete', old.id, old.text, old.prompt);
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER entries_fts_update AFTER UPDATE OF text, prompt ON entries BEGIN
            INSERT INTO entries_fts (entries_fts, rowid, text, prompt)
            VALUES ('delete', old.id, old.text, old.prompt);
            INSERT INTO entries_fts (rowid, text, prompt) VALUES (new.id, new.text, new.prompt);
        END
        """
    )
    db.execute("INSERT INTO entries_fts (entries_fts) VALUES ('rebuild')")


@migration
def m003_entry_history(db: Any) -> None:
    db.execute(
        """
        CREATE TABLE entry_history (
            id INTEGER PRIMARY KEY,
            entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
            changed TEXT NOT NULL,
            text TEXT NOT NULL,
            engine TEXT,
            model TEXT
        )
        """
    )
    db.execute("CREATE INDEX entry_history_entry ON entry_history (entry_id)")


@migration
def m004_audio(db: Any) -> None:
    db.execute(
        """
        CREATE TABLE audio (
            entry_id INTEGER PRIMARY KEY REFERENCES entries (id) ON DELETE CASCADE,
            codec TEXT NOT NULL,
            rate INTEGER NOT NULL,
            data BLOB NOT NULL
        )
        """
    )


@migration
def m005_recordings(db: Any) -> None:
    db.execute(
        """
        CREATE TABLE recordings (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL DEFAULT 0,
            updated TEXT NOT NULL,
            pid INTEGER,
            prompt TEXT,
            article TEXT,
            section INTEGER,
            rate INTEGER NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE recording_chunks (
            recording_id INTEGER NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            samples BLOB NOT NULL,
            PRIMARY KEY (recording_id, seq)
        )
        """
    )


@migration
def m006_breathing_sessions(db: Any) -> None:
    db.execute(
        """
        CREATE TABLE breathing_sessions (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL DEFAULT 0,
            pattern TEXT NOT NULL,
            planned_cycles INTEGER NOT NULL,
            completed_cycles INTEGER NOT NULL,
            seconds REAL NOT NULL,
            interrupted INTEGER NOT NULL DEFAULT 0 CHECK (interrupted IN (0, 1))
        )
        """
    )
    db.execute("CREATE INDEX breathing_sessions_started ON breathing_sessions (started)")


@migration
def m007_reading_progress(db: Any) -> None:
    db.execute(
        """
        CREATE TABLE reading_progress (
            article TEXT PRIMARY KEY,
            section INTEGER NOT NULL,
            sentence INTEGER NOT NULL,
            updated TEXT NOT NULL
        )
        """
    )


@migration
def m008_transcription_pass(db: Any) -> None:
    """Which pass an entry's text came from, and the entry a recording still owes a final pass."""
    db.execute("ALTER TABLE entries ADD COLUMN text_pass TEXT")
    db.execute("ALTER TABLE entry_history ADD COLUMN text_pass TEXT")
    db.execute("ALTER TABLE recordings ADD COLUMN entry_id INTEGER")


ENTRY_DAY = "date(created, printf('%+d minutes', utc_offset_minutes))"
"""An entry's local date, exactly as the stats queries write it, so they read the index below"""


@migration
def m010_insights(db: Any) -> None:
    """Tags, mood check-ins and minutes listened, and the indexes that keep stats fast on years of entries."""
    db.execute(
        """
        CREATE TABLE entry_tags (
            tag TEXT NOT NULL,
            entry_id INTEGER NOT NULL REFERENCES entries (id) ON DELETE CASCADE,
            PRIMARY KEY (tag, entry_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX entry_tags_entry ON entry_tags (entry_id)")
    db.execute(
        """
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            created TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL DEFAULT 0,
            mood INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
            moment TEXT NOT NULL CHECK (moment IN ('start', 'end', 'alone')),
            session TEXT
        )
        """
    )
    db.execute("CREATE INDEX checkins_created ON checkins (created)")
    db.execute(
        """
        CREATE TABLE listening (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,
            utc_offset_minutes INTEGER NOT NULL DEFAULT 0,
            article TEXT,
            section INTEGER,
            seconds REAL NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX listening_started ON listening (started)")
    # covering: per-day counts, words and seconds spoken without reading a single entry's text
    db.execute(f"CREATE INDEX entries_day ON entries ({ENTRY_DAY}, words, duration)")
    db.execute("CREATE INDEX entries_section ON entries (article, section, id)")
    from voiceguide.journal.tags import tags_in

    try:
        rows = db.execute("SELECT id, text FROM entries").fetchall()
    except Exception:
        rows = []  # a damaged entry: tags come with the next edit, the journal still opens
    db.executemany(
        "INSERT OR IGNORE INTO entry_tags (tag, entry_id) VALUES (?, ?)",
        [(tag, entry_id) for entry_id, text in rows for tag in tags_in(text or "")],
    )


ENTRY_DAY_OF = "date({row}.created, printf('%+d minutes', {row}.utc_offset_minutes))"


@migration
def m010_insights_days(db: Any) -> None:
    """Entries, words and seconds spoken per local day, kept by triggers: stats reads a row per day.

    Summing the entries_day index still visits every entry (50-100 ms at 200,000);
    a row per day is a few thousand rows after years of daily use.
    """
    db.execute(
        """
        CREATE TABLE entry_days (
            day TEXT PRIMARY KEY,
            entries INTEGER NOT NULL,
            words INTEGER NOT NULL,
            seconds REAL NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.execute(
        f"INSERT INTO entry_days SELECT {ENTRY_DAY}, count(*), coalesce(sum(words), 0), coalesce(sum(duration), 0)"
        f" FROM entries GROUP BY {ENTRY_DAY}"
    )
    add = f"""
        INSERT INTO entry_days (day, entries, words, seconds)
        VALUES ({ENTRY_DAY_OF.format(row="new")}, 1, new.words, coalesce(new.duration, 0))
        ON CONFLICT (day) DO UPDATE SET entries = entries + 1, words = words + excluded.words,
            seconds = seconds + excluded.seconds;
    """
    remove = f"""
        UPDATE entry_days SET entries = entries - 1, words = words - old.words,
            seconds = seconds - coalesce(old.duration, 0)
        WHERE day = {ENTRY_DAY_OF.format(row="old")};
        DELETE FROM entry_days WHERE day = {ENTRY_DAY_OF.format(row="old")} AND entries <= 0;
    """
    db.execute(f"CREATE TRIGGER entry_days_insert AFTER INSERT ON entries BEGIN {add} END")
    db.execute(f"CREATE TRIGGER entry_days_delete AFTER DELETE ON entries BEGIN {remove} END")
    db.execute(
        "CREATE TRIGGER entry_days_update AFTER UPDATE OF created, utc_offset_minutes, words, duration ON entries"
        f" BEGIN {remove} {add} END"
    )
    db.execute("DROP INDEX entries_day")


@migration
def m011_tag_symbols(db: Any) -> None:
    """The tag symbols of the journal an entry came from (jrnl's tagsymbols); NULL: ``#`` and ``@``."""
    db.execute("ALTER TABLE entries ADD COLUMN tag_symbols TEXT")
