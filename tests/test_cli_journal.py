"""`voiceguide journal ...` as a person uses it: real journal files, real audio."""

from __future__ import annotations

import json
import os
import stat
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_helpers import invoke_voiceguide, run_voiceguide
from tests.pulse import SPEAKER_RATE
from tests.signals import espeak, loud_segments, word_error_rate
from voiceguide import messages
from voiceguide.journal.audio_codec import encode
from voiceguide.journal.store import Journal


def add(text: str) -> int:
    result = invoke_voiceguide("journal", "add", text)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.split()[-1].rstrip("."))


def entry_with_speech(text: str) -> int:
    samples, rate = espeak(text)
    from voiceguide.audio.clip import Clip

    clip = Clip(samples, rate).resampled(16000)
    with Journal.open() as jr:
        entry = jr.add_entry(
            "placeholder words", kind="reflection", duration=clip.duration, engine="whisper", model="tiny.en"
        )
        codec, data = encode(clip.samples.tobytes(), 16000)
        jr.set_audio(entry.id, codec, 16000, data)
    return entry.id


def test_add_list_show_and_json():
    first = add("I kept a small promise today.")
    second = add("Forgiveness is slow work.")
    listed = invoke_voiceguide("journal", "list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert str(second) in lines[0] and "Forgiveness" in lines[0] and "promise" in lines[1]
    data = json.loads(invoke_voiceguide("journal", "list", "--json").stdout)
    assert [d["id"] for d in data] == [second, first]
    assert {"id", "created", "kind", "text"} <= set(data[0])
    shown = invoke_voiceguide("journal", "show", str(first))
    assert "I kept a small promise today." in shown.stdout
    assert invoke_voiceguide("journal", "list", "--kind", "reflection").stdout.strip() == messages.JOURNAL_EMPTY


def test_search_ranks_and_highlights_and_never_crashes():
    add("Trust came back slowly after we talked.")
    add("The weather was grey.")
    found = invoke_voiceguide("journal", "search", "trus*")
    assert found.returncode == 0 and "**Trust**" in found.stdout and "weather" not in found.stdout
    for query in ['"unbalanced', "AND", "NEAR(", "✨", "a OR"]:
        result = invoke_voiceguide("journal", "search", query)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=0, max_size=40))
def test_search_with_any_text_gives_results_or_one_clear_line(query):
    from click.testing import CliRunner

    from voiceguide.cli import cli

    with Journal.open() as jr:
        if not jr.list(limit=1):
            jr.add_entry("Some words about trust and forgiveness.", kind="note")
    result = CliRunner().invoke(cli, ["journal", "search", query])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        from voiceguide.errors import VoiceguideError

        assert isinstance(result.exception, VoiceguideError), repr(result.exception)
        assert "\n" not in str(result.exception)


def test_export_jrnl_then_import_into_a_fresh_journal_keeps_dates_and_text(tmp_path):
    add("First entry. With a second sentence.")
    add("Second entry about patience.")
    out = tmp_path / "journal.txt"
    exported = invoke_voiceguide("journal", "export", "--format", "jrnl", "--out", str(out))
    assert exported.returncode == 0 and "not encrypted" in exported.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    before = json.loads(invoke_voiceguide("journal", "list", "--json").stdout)
    fresh = {"VOICEGUIDE_HOME": str(tmp_path / "fresh")}
    first = invoke_voiceguide("journal", "import", "--format", "jrnl", str(out), env=fresh)
    again = invoke_voiceguide("journal", "import", "--format", "jrnl", str(out), env=fresh)
    assert messages.JOURNAL_IMPORTED.format(added=2, skipped=0) in first.stdout
    assert messages.JOURNAL_IMPORTED.format(added=0, skipped=2) in again.stdout
    after = json.loads(invoke_voiceguide("journal", "list", "--json", env=fresh).stdout)
    assert [a["text"] for a in after] == [b["text"] for b in before]
    assert [a["created"][:16] for a in after] == [b["created"][:16] for b in before]


def test_export_markdown_and_json_hold_the_entries(tmp_path):
    add("A note about boundaries.")
    md = invoke_voiceguide("journal", "export", "--format", "md")
    assert "A note about boundaries." in md.stdout and md.stdout.lstrip().startswith("#")
    js = json.loads(invoke_voiceguide("journal", "export", "--format", "json").stdout)
    assert js[0]["text"] == "A note about boundaries." and js[0]["kind"] == "note"


def test_edit_uses_a_private_temp_file_and_keeps_history(tmp_path):
    entry = add("Original words.")
    seen = tmp_path / "seen"
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nstat -c %a "$1" > {seen}\necho "$1" >> {seen}\necho "Edited words." > "$1"\n')
    editor.chmod(0o700)
    result = invoke_voiceguide("journal", "edit", str(entry), env={"EDITOR": str(editor)})
    assert result.returncode == 0, result.stderr
    mode, path = seen.read_text().split()
    assert mode == "600" and not os.path.exists(path)
    with Journal.open() as jr:
        assert jr.get(entry).text == "Edited words."
        assert [h.text for h in jr.history(entry)] == ["Original words."]


def test_delete_asks_first():
    entry = add("Something to remove.")
    refused = invoke_voiceguide("journal", "delete", str(entry), input="n\n")
    assert refused.returncode == 0, refused.stderr  # declining is an answer, not a failure (like rm -i)
    assert messages.JOURNAL_DELETE_KEPT.format(id=entry) in refused.stdout
    assert messages.INTERRUPTED not in refused.stderr
    kept = invoke_voiceguide("journal", "show", str(entry))
    assert kept.returncode == 0 and "Something to remove." in kept.stdout
    done = invoke_voiceguide("journal", "delete", str(entry), input="y\n")
    assert done.returncode == 0
    missing = invoke_voiceguide("journal", "show", str(entry))
    assert missing.returncode == 1 and messages.JOURNAL_NO_ENTRY.format(id=entry) in missing.stderr


def test_stats_count_entries_and_words():
    add("one two three")
    add("four five")
    out = invoke_voiceguide("journal", "stats").stdout
    assert "entries: 2" in out and "words: 5" in out and "current streak: 1" in out


@pytest.mark.slow
def test_retranscribe_replaces_text_and_keeps_the_old_one():
    script = "I am learning to trust again, one honest conversation at a time."
    entry = entry_with_speech(script)
    result = invoke_voiceguide("journal", "retranscribe", str(entry))
    assert result.returncode == 0, result.stderr
    with Journal.open() as jr:
        assert word_error_rate(script, jr.get(entry).text) <= 0.2
        assert [h.text for h in jr.history(entry)] == ["placeholder words"]
    assert invoke_voiceguide("journal", "retranscribe").returncode == 1


@pytest.mark.audio
def test_play_sends_the_recording_to_the_speaker(pulse):
    entry = entry_with_speech("Listening back to my own voice.")
    with Journal.open() as jr:
        duration = jr.get(entry).duration
    with pulse.record_speaker() as rec:
        result = run_voiceguide("journal", "play", str(entry))
        time.sleep(0.2)
        samples, _ = rec.stop()
    assert result.returncode == 0, result.stderr
    segs = loud_segments(samples, SPEAKER_RATE, threshold=0.01, min_gap=0.4)
    heard = segs[-1][1] - segs[0][0]
    assert heard == pytest.approx(duration, abs=0.5)
    assert np.max(np.abs(samples)) > 1000


def test_play_of_a_typed_note_says_it_has_no_audio():
    entry = add("typed only")
    result = run_voiceguide("journal", "play", str(entry))
    assert result.returncode == 1 and messages.JOURNAL_NO_AUDIO.format(id=entry) in result.stderr


def test_editor_swap_files_are_removed_with_the_edit(tmp_path, voiceguide_home):
    entry = add("Words to change.")
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho swap > "$1.swp"\necho "Changed." > "$1"\n')
    editor.chmod(0o700)
    result = invoke_voiceguide("journal", "edit", str(entry), env={"EDITOR": str(editor)})
    assert result.returncode == 0, result.stderr
    leftovers = [p for p in (voiceguide_home / "data" / "tmp").rglob("*")]
    assert leftovers == []


# absurd numbers and dates: an answer or one clear line, never "Unexpected error"


@pytest.mark.parametrize("entry_id", ["99999999999999999999", "9223372036854775808", "-9223372036854775809"])
@pytest.mark.parametrize("command", [["show"], ["delete", "--yes"], ["edit"], ["play"], ["retranscribe"]])
def test_an_id_no_entry_can_have_is_no_such_entry(command, entry_id):
    add("still here")
    result = invoke_voiceguide("journal", command[0], *command[1:], "--", entry_id)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "Error: " + messages.JOURNAL_NO_ENTRY.format(id=int(entry_id)),
    )
    with Journal.open() as jr:
        assert [e.text for e in jr.list()] == ["still here"]


def test_a_huge_limit_and_the_widest_dates_list_everything():
    add("the only entry")
    for args in (
        ["list", "--limit", "99999999999999999999"],
        ["search", "only", "--limit", "99999999999999999999"],
        ["list", "--since", "0001-01-01"],
        ["list", "--until", "9999-12-31"],
        ["list", "--since", "0001-01-01", "--until", "9999-12-31", "--json"],
    ):
        result = invoke_voiceguide("journal", *args)
        assert result.returncode == 0, (args, result.stderr)
        assert "only" in result.stdout and result.stderr == ""
    assert "The journal is empty" in invoke_voiceguide("journal", "list", "--until", "0001-01-01").stdout


@pytest.mark.parametrize("heading", ["0001-01-01 00:00", "0999-12-31 12:00", "1000-01-01 00:00", "9999-12-31 23:00"])
def test_a_jrnl_entry_dated_outside_four_digit_years_is_one_line_naming_it(tmp_path, heading):
    source = tmp_path / "old.txt"
    source.write_text(f"[2026-11-27 16:32] Fine\nkept\n\n[{heading}] Too old or too late\nnot kept\n")
    result = invoke_voiceguide("journal", "import", str(source))
    problem = messages.JOURNAL_JRNL_DATE_RANGE.format(date=heading)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "Error: " + messages.JOURNAL_JRNL_BAD_LINE.format(source=source, line=4, problem=problem),
    )
    with Journal.open() as jr:
        assert jr.list() == []  # all or nothing


def test_the_earliest_and_latest_importable_dates_list_in_order(tmp_path):
    source = tmp_path / "edges.txt"
    source.write_text("[1000-01-02 00:00] Earliest\nfirst\n\n[9999-12-30 23:59] Latest\nlast\n")
    assert invoke_voiceguide("journal", "import", str(source)).returncode == 0
    listed = json.loads(invoke_voiceguide("journal", "list", "--json").stdout)
    assert [e["text"].split()[0] for e in listed] == ["Latest", "Earliest"]
    assert invoke_voiceguide("journal", "stats").returncode == 0


JRNL_DATA = Path(__file__).parent / "data" / "jrnl" / "journals"


def _entries_json(env: dict | None = None) -> list[dict]:
    return json.loads(invoke_voiceguide("journal", "list", "--json", "--limit", "100000", env=env).stdout or "[]")


def test_from_jrnl_reads_jrnls_config_and_its_timeformat(tmp_path):
    config_home = tmp_path / "config"
    (config_home / "jrnl").mkdir(parents=True)
    (config_home / "jrnl" / "jrnl.yaml").write_text(
        f"timeformat: '%d.%m.%Y %H:%M'\ntagsymbols: '@'\nencrypt: false\n"
        f"journals:\n  default: {JRNL_DATA / 'little_endian_dates.journal'}\n"
        f"  dated: {JRNL_DATA / 'mostlyreadabledates.journal'}\n"
    )
    env = {"XDG_CONFIG_HOME": str(config_home)}
    first = invoke_voiceguide("journal", "import", "--from-jrnl", env=env)
    assert first.returncode == 0, first.stderr
    assert messages.JOURNAL_IMPORTED.format(added=2, skipped=0) in first.stdout
    named = invoke_voiceguide("journal", "import", "--from-jrnl", "dated", env=env)
    assert messages.JOURNAL_IMPORTED.format(added=3, skipped=0) in named.stdout
    assert (
        messages.JRNL_CONFIG_JOURNALS.format(
            path=config_home / "jrnl" / "jrnl.yaml",
            names="default, dated",
            name="dated",
            journal=JRNL_DATA / "mostlyreadabledates.journal",
        )
        in named.stderr
    )
    again = invoke_voiceguide("journal", "import", "--from-jrnl", env=env)
    assert messages.JOURNAL_IMPORTED.format(added=0, skipped=2) in again.stdout
    listed = _entries_json()
    stamps = sorted(e["created"][:10] for e in listed)
    assert stamps[:2] == ["2013-06-09", "2013-07-10"] and "2019-07-01" in stamps
    missing = invoke_voiceguide("journal", "import", "--from-jrnl", "ideas", env=env)
    assert missing.returncode == 1 and "has no journal named 'ideas'" in missing.stderr


def test_the_timeformat_option_reads_a_file_in_another_order():
    result = invoke_voiceguide(
        "journal",
        "import",
        "--format",
        "jrnl",
        "--timeformat",
        "%d.%m.%Y %H:%M",
        str(JRNL_DATA / "simple_jrnl-1-9-5_little_endian_dates.journal"),
    )
    assert result.returncode == 0, result.stderr
    assert sorted(e["created"][:7] for e in _entries_json()) == ["2010-06", "2013-06"]


def test_a_day_first_journal_without_its_timeformat_stops_and_says_to_give_it():
    source = JRNL_DATA / "little_endian_dates.journal"
    guessed = invoke_voiceguide("journal", "import", str(source))
    assert guessed.returncode == 1 and _entries_json() == []
    assert guessed.stderr.count("\n") == 1 and "--timeformat '%d.%m.%Y %H:%M'" in guessed.stderr
    given = invoke_voiceguide("journal", "import", "--timeformat", "%d.%m.%Y %H:%M", str(source))
    assert given.returncode == 0, given.stderr
    assert sorted(e["created"][:10] for e in _entries_json()) == ["2013-06-09", "2013-07-10"]


def test_an_encrypted_jrnl_journal_takes_its_password_from_the_environment_and_never_keeps_it(tmp_path):
    password = "good doggie extra biscuit"
    source = str(JRNL_DATA / "encrypted_v3.journal")
    wrong = invoke_voiceguide("journal", "import", source, env={"VOICEGUIDE_JRNL_PASSWORD": "biscuit"}, input="")
    assert (wrong.returncode, wrong.stderr.strip()) == (1, "Error: " + messages.JRNL_WRONG_PASSWORD.format(path=source))
    asked = invoke_voiceguide("journal", "import", source, input="")
    assert asked.returncode == 1
    assert asked.stderr.strip() == "Error: " + messages.JRNL_PASSWORD_NO_TERMINAL.format(path=source)
    assert _entries_json() == []
    right = invoke_voiceguide("journal", "import", source, env={"VOICEGUIDE_JRNL_PASSWORD": password}, input="")
    assert right.returncode == 0, right.stderr
    assert [e["text"] for e in _entries_json()] == [
        "Life is good.\nBut I'm better.",
        "My first entry.\nEverything is alright",
    ]
    home = Path(os.environ["VOICEGUIDE_HOME"])
    for path in home.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path


def test_a_journal_that_jrnl_would_date_now_stops_unless_asked():
    source = str(JRNL_DATA / "unreadabledates.journal")
    stopped = invoke_voiceguide("journal", "import", source)
    assert stopped.returncode == 1 and f"{source} line 1: no dated entry" in stopped.stderr
    assert "Traceback" not in stopped.stderr and _entries_json() == []
    now = invoke_voiceguide("journal", "import", "--date-fallback", "now", source)
    assert now.returncode == 0 and messages.JOURNAL_IMPORTED.format(added=1, skipped=0) in now.stdout
    time.sleep(1.1)  # "now" is another second: the entry is known by its text, not by the date it got
    again = invoke_voiceguide("journal", "import", "--date-fallback", "now", source)
    assert again.returncode == 0 and messages.JOURNAL_IMPORTED.format(added=0, skipped=1) in again.stdout
    assert len(_entries_json()) == 1


def test_a_natural_date_stops_naming_its_line_unless_read_as_jrnl_reads_it(tmp_path):
    source = tmp_path / "natural.txt"
    source.write_text("[2024-01-02 09:15] Written then.\n\n[yesterday 14:00] Written the day before I read it.\n")
    stopped = invoke_voiceguide("journal", "import", str(source))
    problem = messages.JOURNAL_JRNL_RELATIVE_DATE.format(date="yesterday 14:00")
    assert stopped.returncode == 1 and _entries_json() == []
    assert stopped.stderr.strip() == "Error: " + messages.JOURNAL_JRNL_BAD_LINE.format(
        source=source, line=3, problem=problem
    )
    before = datetime.now().astimezone() - timedelta(days=1)
    for added in (2, 0):
        now = invoke_voiceguide("journal", "import", "--date-fallback", "now", str(source))
        assert messages.JOURNAL_IMPORTED.format(added=added, skipped=2 - added) in now.stdout
    after = datetime.now().astimezone() - timedelta(days=1)
    newest = _entries_json()[0]
    written = datetime.fromisoformat(newest["created"]) + timedelta(minutes=newest["utc_offset_minutes"])
    assert newest["text"] == "Written the day before I read it."
    # "yesterday" as of the import: the day before today, whichever side of midnight the import ran
    assert written.strftime("%Y-%m-%d %H:%M") in {day.strftime("%Y-%m-%d 14:00") for day in (before, after)}


def test_list_and_show_print_each_entrys_time_on_the_clock_where_it_was_written(tmp_path):
    from tests.test_journal_dayone import day_one_zip

    berlin = {"TZ": "Europe/Berlin"}
    source = tmp_path / "summer.txt"
    source.write_text("[2013-06-09 15:39] Written in Berlin in summer.\n")  # 13:39 UTC
    assert run_voiceguide("journal", "import", str(source), env=berlin).returncode == 0
    export = day_one_zip(tmp_path)  # among them, an entry written at 01:30 in New York (06:30 UTC)
    assert run_voiceguide("journal", "import", "--format", "dayone", str(export), env=berlin).returncode == 0
    listed = run_voiceguide("journal", "list", env=berlin).stdout
    assert "2013-06-09 15:39  note" in listed and "2024-03-10 01:30  note" in listed
    assert "13:39" not in listed and "06:30" not in listed
    [line] = [line for line in listed.splitlines() if "Written in Berlin" in line]
    shown = run_voiceguide("journal", "show", line.split()[0], env=berlin).stdout
    assert shown.splitlines()[0] == f"Entry {line.split()[0]} · note · 2013-06-09 15:39"


def test_dry_run_says_what_would_come_and_writes_nothing():
    result = invoke_voiceguide("journal", "import", "--dry-run", str(JRNL_DATA / "tags.journal"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        messages.IMPORT_DRY_RUN.format(count=2),
        messages.IMPORT_DRY_RUN_DATES.format(first="2013-04-09 15:39", last="2013-06-10 15:40"),
        messages.IMPORT_DRY_RUN_TAGS.format(tags="@idea (2), @dan (1), @journal (1)"),
    ]
    assert not (Path(os.environ["VOICEGUIDE_HOME"]) / "data" / "journal.db").exists()
    assert not list(Path(os.environ["VOICEGUIDE_HOME"]).rglob("journal.db"))


def test_a_day_one_export_imports_with_zones_tags_and_a_count_of_what_stays_behind(tmp_path):
    from tests.test_journal_dayone import day_one_zip

    export = day_one_zip(tmp_path)
    first = invoke_voiceguide("journal", "import", "--format", "dayone", str(export))
    assert first.returncode == 0, first.stderr
    assert messages.JOURNAL_IMPORTED.format(added=2, skipped=0) in first.stdout
    assert messages.IMPORT_MEDIA_SKIPPED.format(counts="1 photos, 1 audios") in first.stderr
    again = invoke_voiceguide("journal", "import", str(export))  # a zip is Day One's without --format
    assert messages.JOURNAL_IMPORTED.format(added=0, skipped=2) in again.stdout
    newest, oldest = _entries_json()
    assert oldest["utc_offset_minutes"] == -300 and oldest["created"].startswith("2024-03-10T06:30")
    assert oldest["text"].endswith("#gratitude #Bay-Area #starred")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 torn")
    bad = invoke_voiceguide("journal", "import", "--format", "dayone", str(broken))
    assert bad.returncode == 1 and "is not a Day One JSON export" in bad.stderr and "Traceback" not in bad.stderr


def test_an_import_needs_a_source_and_only_one():
    none = invoke_voiceguide("journal", "import")
    assert (none.returncode, none.stderr.strip()) == (1, "Error: " + messages.JRNL_IMPORT_NEEDS_SOURCE)
    both = invoke_voiceguide("journal", "import", "--from-jrnl", "x", str(JRNL_DATA / "simple.journal"))
    assert (both.returncode, both.stderr.strip()) == (1, "Error: " + messages.JRNL_SOURCES_CLASH)


def test_an_encrypted_jrnl_journals_password_is_typed_hidden_and_a_wrong_one_imports_nothing():
    from tests.terminal import Terminal

    source = str(JRNL_DATA / "encrypted.journal")
    prompt = messages.JRNL_PASSWORD_PROMPT.format(path=source)
    wrong = Terminal("journal", "import", source)
    wrong.answer("biscuit", prompt)
    assert wrong.wait() == 1
    assert wrong.lines()[-1] == "Error: " + messages.JRNL_WRONG_PASSWORD.format(path=source)
    assert _entries_json() == []
    right = Terminal("journal", "import", source)
    right.answer("bad doggie no biscuit", prompt)
    assert right.wait() == 0
    assert "doggie" not in right.output  # not echoed
    assert messages.JOURNAL_IMPORTED.format(added=2, skipped=0) in right.lines()[-1]


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 3.0])
def test_an_import_killed_at_any_moment_leaves_all_or_nothing(tmp_path, delay):
    import signal
    import subprocess
    import sys

    source = tmp_path / "big.txt"
    source.write_text(
        "\n".join(f"[2020-01-01 00:00] Entry {k}.\n" + "word " * 60 + f"number{k}\n" for k in range(5000))
    )
    with Journal.open() as jr:
        jr.add_entry("Written before the import.", kind="note")
    process = subprocess.Popen(
        [sys.executable, "-m", "voiceguide", "journal", "import", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert run_voiceguide("journal", "check").returncode == 0
    texts = [e["text"] for e in _entries_json()]
    assert len(texts) in (1, 5001) and "Written before the import." in texts
    again = run_voiceguide("journal", "import", str(source))
    assert again.returncode == 0, again.stderr
    assert len(_entries_json()) == 5001


def test_an_import_that_fills_the_disk_part_way_leaves_the_journal_exactly_as_it_was(tmp_path):
    """The journal may grow by 1 MiB only (RLIMIT_FSIZE, as on a full disk): the 5,000 entries need more."""
    import resource
    import sqlite3
    import subprocess
    import sys

    source = tmp_path / "big.txt"
    source.write_text(
        "\n".join(f"[2020-01-01 00:00] Entry {k}.\n" + "word " * 60 + f"number{k}\n" for k in range(5000))
    )
    assert run_voiceguide("journal", "add", "Written before the import.").returncode == 0
    database = Path(os.environ["VOICEGUIDE_HOME"]) / "data" / "journal.db"

    def dump() -> list[str]:
        with sqlite3.connect(database) as db:
            return list(db.iterdump())

    before = dump()

    def full_at_one_mebibyte() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    full = subprocess.run(
        [sys.executable, "-m", "voiceguide", "journal", "import", str(source)],
        capture_output=True,
        text=True,
        preexec_fn=full_at_one_mebibyte,
        timeout=120,
    )
    assert full.returncode == 1 and full.stdout == ""
    assert (
        full.stderr.startswith(f"Error: The journal {database} could not be written") and full.stderr.count("\n") == 1
    )
    assert dump() == before
    assert run_voiceguide("journal", "check").returncode == 0
    room = run_voiceguide("journal", "import", str(source))
    assert messages.JOURNAL_IMPORTED.format(added=5000, skipped=0) in room.stdout


def test_a_day_one_classic_folder_imports_and_says_what_it_could_not_read():
    folder = JRNL_DATA / "bug153.dayone"
    result = run_voiceguide("journal", "import", "--format", "dayone", str(folder))
    assert result.returncode == 0, result.stderr
    assert messages.JOURNAL_IMPORTED.format(added=1, skipped=0) in result.stdout
    assert messages.IMPORT_MEDIA_SKIPPED.format(counts="1 unreadable entry files") in result.stderr
    assert [e["text"] for e in _entries_json()] == ["Some text."]


def _m4a(samples: np.ndarray, rate: int) -> bytes:
    """AAC in an MPEG-4 audio file, as Day One records audio."""
    import io

    import av

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ipod") as container:
        stream = container.add_stream("aac", rate=rate)
        stream.layout = "mono"
        pcm = np.asarray(samples, dtype=np.int16).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def test_a_day_one_recording_becomes_the_entrys_audio_and_a_damaged_one_is_counted(tmp_path):
    import zipfile

    from tests.test_journal_dayone import ENTRIES
    from voiceguide.journal.audio_codec import decode

    samples, rate = espeak("I walked by the river and felt calm.")
    spoken = dict(ENTRIES[1], audios=[{"identifier": "A1", "md5": "5a5a", "format": "m4a", "duration": 2.0}])
    broken = dict(ENTRIES[0], audios=[{"identifier": "B1", "md5": "b0b0", "format": "m4a"}])
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("Journal.json", json.dumps({"entries": [broken, spoken]}))
        archive.writestr("audios/5a5a.m4a", _m4a(samples, rate))
        archive.writestr("audios/b0b0.m4a", b"not audio at all")
    first = invoke_voiceguide("journal", "import", str(export))
    assert first.returncode == 0, first.stderr
    assert messages.IMPORT_AUDIO_KEPT.format(count=1) in first.stdout
    assert messages.IMPORT_MEDIA_SKIPPED.format(counts="1 photos, 1 audios") in first.stderr
    newest, oldest = _entries_json()
    assert (newest["has_audio"], oldest["has_audio"]) == (True, False)
    with Journal.open() as jr:
        stored = jr.get_audio(newest["id"])
    kept, kept_rate = decode(stored.codec, stored.data, stored.rate)
    assert abs(len(kept) / kept_rate - len(samples) / rate) < 0.1
    assert loud_segments(kept, kept_rate)  # speech, not silence
    again = invoke_voiceguide("journal", "import", str(export))
    assert messages.JOURNAL_IMPORTED.format(added=0, skipped=2) in again.stdout
    assert messages.IMPORT_AUDIO_KEPT.format(count=1) not in again.stdout
