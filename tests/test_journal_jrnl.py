"""jrnl journals read as jrnl 4.6 itself reads them: jrnl's own test journals, compared with jrnl."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jrnl.encryption.Jrnlv1Encryption import Jrnlv1Encryption
from jrnl.encryption.Jrnlv2Encryption import Jrnlv2Encryption
from jrnl.encryption.Jrnlv3Encryption import Jrnlv3Encryption
from jrnl.journals.DayOneJournal import DayOne
from jrnl.journals.FolderJournal import Folder
from jrnl.journals.Journal import Journal as JrnlJournal
from jrnl.journals.Journal import LegacyJournal

from voiceguide import messages
from voiceguide.errors import JournalImportError
from voiceguide.journal.dayone import read_dayone_classic
from voiceguide.journal.incoming import DateFallback
from voiceguide.journal.jrnl_source import pick_journal, read_config, read_journal
from voiceguide.journal.jrnl_text import JrnlOptions, parse_jrnl

DATA = Path(__file__).parent / "data" / "jrnl" / "journals"
LITTLE_ENDIAN = "%d.%m.%Y %H:%M"
JRNL_4_6_JOURNALS = {
    # tests/data/journals/ of jrnl v4.6, every entry: what the tests below run over
    "basic_dayone.dayone",
    "basic_encrypted.journal",
    "basic_folder",
    "basic_onefile.journal",
    "brackets.journal",
    "bug153.dayone",
    "bug780.dayone",
    "dayone.dayone",
    "dayone_empty.dayone",
    "deletion.journal",
    "deletion_filters.journal",
    "empty_folder",
    "encrypted.journal",
    "encrypted_jrnl-1-9-5.journal",
    "encrypted_v3.journal",
    "encrypted_v3_legacy_header.journal",
    "little_endian_dates.journal",
    "markdown-headings-335.journal",
    "mostlyreadabledates.journal",
    "multiline-tags.journal",
    "multiline.journal",
    "simple.journal",
    "simple_jrnl-1-9-5.journal",
    "simple_jrnl-1-9-5_little_endian_dates.journal",
    "tags-216.journal",
    "tags-237.journal",
    "tags.journal",
    "unreadabledates.journal",
    "work.journal",
}
PLAIN = sorted(n for n in JRNL_4_6_JOURNALS if n.endswith(".journal") and "encrypted" not in n)
LEGACY = {"simple_jrnl-1-9-5.journal", "simple_jrnl-1-9-5_little_endian_dates.journal"}
PASSWORDS = {
    "basic_encrypted.journal": ("test", Jrnlv2Encryption),
    "encrypted.journal": ("bad doggie no biscuit", Jrnlv2Encryption),
    "encrypted_jrnl-1-9-5.journal": ("bad doggie no biscuit", Jrnlv1Encryption),
    "encrypted_v3.journal": ("good doggie extra biscuit", Jrnlv3Encryption),
    "encrypted_v3_legacy_header.journal": ("good doggie extra biscuit", Jrnlv3Encryption),
}


def timeformat_of(name: str) -> str:
    return LITTLE_ENDIAN if "little_endian" in name else "%Y-%m-%d %H:%M"


def text_of(entry) -> str:
    """jrnl's own ``entry.text`` with its star taken off the first line (as jrnl's Entry._parse_text does), stripped."""
    text = entry.text
    lines = text.splitlines()
    if lines and lines[0].strip().endswith("*"):
        text = lines[0].strip("\n *") + "\n" + "\n".join(lines[1:])
    return text.strip()


def as_jrnl_reads(entries) -> list[tuple[datetime, str, bool]]:
    return [(e.date, text_of(e), e.starred) for e in entries]


def as_we_read(entries) -> list[tuple[datetime, str, bool]]:
    """Oldest first, as jrnl sorts a journal it opens (a stable sort: same dates keep their order)."""
    return [(e.when, e.text, e.starred) for e in sorted(entries, key=lambda e: e.when)]


def test_every_test_journal_of_jrnl_is_in_the_test_data_and_read_here():
    assert {path.name for path in DATA.iterdir()} == JRNL_4_6_JOURNALS
    folders = {"basic_folder", "empty_folder"}
    read = set(PLAIN) | set(PASSWORDS) | folders | set(DAYONE_CLASSIC) | {"bug153.dayone"}
    assert read == JRNL_4_6_JOURNALS and (len(PLAIN), len(PASSWORDS), len(DAYONE_CLASSIC)) == (17, 5, 4)


@pytest.mark.parametrize("name", [n for n in PLAIN if n not in LEGACY and n != "unreadabledates.journal"])
def test_a_plain_journal_reads_as_jrnl_reads_it(name):
    path = DATA / name
    jrnl = JrnlJournal(name, journal=str(path), timeformat=timeformat_of(name)).open()
    ours = read_journal(path, JrnlOptions(timeformat=timeformat_of(name)), password=lambda: pytest.fail("asked"))
    assert as_we_read(ours) == as_jrnl_reads(jrnl.entries)


@pytest.mark.parametrize("name", sorted(LEGACY))
def test_a_jrnl_1_journal_reads_as_jrnl_upgrade_reads_it(name):
    path = DATA / name
    jrnl = LegacyJournal(name, journal=str(path), timeformat=timeformat_of(name)).open()
    ours = read_journal(path, JrnlOptions(timeformat=timeformat_of(name)), password=lambda: pytest.fail("asked"))
    assert len(ours) == 2  # a bracketed line in a 1.x journal is text, as jrnl's upgrade reads it
    assert as_we_read(ours) == as_jrnl_reads(jrnl.entries)


def test_a_journal_without_dates_stops_unless_dated_now_as_jrnl_does():
    path = DATA / "unreadabledates.journal"
    with pytest.raises(JournalImportError) as caught:
        read_journal(path, JrnlOptions(), password=str)
    assert str(caught.value) == messages.JOURNAL_JRNL_BAD_LINE.format(
        source=path,
        line=1,
        problem=messages.JOURNAL_JRNL_NO_DATED_ENTRY.format(text="[ashasd7zdskhz7asdkjasd] Entry subject"),
    )
    before = datetime.now().replace(microsecond=0)
    [ours] = read_journal(path, JrnlOptions(fallback=DateFallback.NOW), password=str)
    [theirs] = JrnlJournal("u", journal=str(path)).open().entries
    assert ours.text == text_of(theirs)
    assert before <= ours.when <= datetime.now() and abs(ours.when - theirs.date) < timedelta(seconds=5)


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_an_encrypted_journal_reads_as_jrnl_decrypts_it(name):
    path = DATA / name
    password, method = PASSWORDS[name]
    decryptor = method(name, {})
    decryptor.password = password
    text = decryptor.decrypt(path.read_bytes())
    parser = LegacyJournal if method is Jrnlv1Encryption else JrnlJournal
    theirs = parser(name)._parse(text)
    asked = []
    ours = read_journal(path, JrnlOptions(), password=lambda: asked.append(1) or password, encrypt=True)
    assert asked == [1]
    assert ours and as_we_read(ours) == as_jrnl_reads(theirs)


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_an_encrypted_journal_is_known_without_a_config(name):
    password, _ = PASSWORDS[name]
    ours = read_journal(DATA / name, JrnlOptions(), password=lambda: password)
    assert ours[0].text.startswith(("My first entry.", "Entry the first."))


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_a_wrong_password_is_one_clear_line(name):
    with pytest.raises(JournalImportError) as caught:
        read_journal(DATA / name, JrnlOptions(), password=lambda: "not the password", encrypt=True)
    assert str(caught.value) == messages.JRNL_WRONG_PASSWORD.format(path=DATA / name)


def test_a_folder_journal_reads_as_jrnl_reads_it():
    path = DATA / "basic_folder"
    theirs = Folder("folder", journal=str(path)).open()
    ours = read_journal(path, JrnlOptions(), password=str)
    assert len(ours) == 3  # the should-be-ignored.txt files are not part of it, as in jrnl
    assert as_we_read(ours) == as_jrnl_reads(theirs.entries)


def test_a_folder_without_day_files_is_empty_as_in_jrnl():
    path = DATA / "empty_folder"
    assert Folder("empty", journal=str(path)).open().entries == []
    assert read_journal(path, JrnlOptions(), password=str) == []


def test_a_folder_day_file_dates_its_entries_even_with_a_time_only_format(tmp_path):
    day = tmp_path / "2021" / "03" / "04.txt"
    day.parent.mkdir(parents=True)
    day.write_text("[07:30] Early.\n\n[21:05] Late. *\nwith a body\n")
    ours = read_journal(tmp_path, JrnlOptions(timeformat="%H:%M"), password=str)
    theirs = Folder("f", journal=str(tmp_path), timeformat="%H:%M").open()
    assert as_we_read(ours) == as_jrnl_reads(theirs.entries)
    assert [e.when for e in ours] == [datetime(2021, 3, 4, 7, 30), datetime(2021, 3, 4, 21, 5)]
    assert ours[1].starred and ours[1].stored_text() == "Late.\nwith a body\n\n#starred"


HEADINGS = [
    "2019-07 14:23",  # a partial date: the first of the month
    "2019-07-18 14:23:05",
    "2019-07-18",
    "2019-07-18 02:23:05 PM",
    "18 July 2019 14:23",
    "July 18, 2019 2:23pm",
    "Thursday, 18 July 2019 14:23",
    "2019/07/18 14:23",
    "2019-07-18T14:23:00+02:00",
    "18.07.2019 14:23",
    "1",
    "see above",
    "Chapter the twelfth",
]


@pytest.mark.parametrize("heading", HEADINGS)
def test_a_bracketed_date_reads_as_jrnl_reads_it(heading):
    text = f"[2019-01-01 09:00] Before.\n\n[{heading}] The entry\nbody\n"
    theirs = JrnlJournal("dates")._parse(text)
    ours = parse_jrnl(text)
    assert as_we_read(ours) == as_jrnl_reads(theirs)


def test_the_third_entry_dated_2019_07_starts_its_own_entry():
    [*_, third] = read_journal(DATA / "mostlyreadabledates.journal", JrnlOptions(), password=str)
    assert (third.when, third.text.split("\n")[0]) == (datetime(2019, 7, 1, 14, 23), "The third entry")


def test_a_date_without_a_year_stops_with_its_line_unless_dated_by_this_year():
    text = "[2019-01-01 09:00] Before.\n\n[18 July 14:23] No year\n"
    with pytest.raises(JournalImportError) as caught:
        parse_jrnl(text, "j.txt")
    problem = messages.JOURNAL_JRNL_NO_YEAR.format(date="18 July 14:23")
    assert str(caught.value) == messages.JOURNAL_JRNL_BAD_LINE.format(source="j.txt", line=3, problem=problem)
    *_, entry = parse_jrnl(text, options=JrnlOptions(fallback=DateFallback.NOW))
    [*_, theirs] = JrnlJournal("noyear")._parse(text)
    assert entry.when == theirs.date and entry.when.year in (datetime.now().year, datetime.now().year - 1)


def test_text_before_the_first_dated_entry_stops_where_jrnl_would_drop_it():
    text = "A note I wrote first\n[2019-01-01 09:00] Dated.\n"
    assert len(JrnlJournal("j")._parse(text)) == 1  # jrnl silently loses the first line
    with pytest.raises(JournalImportError, match="line 1: " + messages.JOURNAL_JRNL_TEXT_BEFORE_ENTRY):
        parse_jrnl(text)


def write_config(tmp_path: Path, body: str) -> Path:
    config = tmp_path / "jrnl" / "jrnl.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(body)
    return config


def test_jrnls_config_names_journals_with_their_own_timeformat_and_tags(tmp_path):
    shutil.copy(DATA / "little_endian_dates.journal", tmp_path / "diary.txt")
    shutil.copytree(DATA / "basic_folder", tmp_path / "folder")
    config = write_config(
        tmp_path,
        f"encrypt: false\ntagsymbols: '@'\ntimeformat: '%d.%m.%Y %H:%M'\n"
        f"journals:\n  default: {tmp_path}/diary.txt\n"
        f"  work:\n    journal: {tmp_path}/folder\n    timeformat: '%Y-%m-%d %H:%M'\n    tagsymbols: '+@'\n",
    )
    journals = read_config(config)
    assert sorted(journals) == ["default", "work"]
    default = pick_journal(journals, None, config)
    assert default.options.timeformat == LITTLE_ENDIAN
    entries = read_journal(default.path, default.options, password=str)
    assert [e.when for e in entries] == [datetime(2013, 6, 9, 15, 39), datetime(2013, 7, 10, 15, 40)]
    work = pick_journal(journals, "work", config)
    assert work.options.tagsymbols == "+@" and len(read_journal(work.path, work.options, password=str)) == 3
    with pytest.raises(JournalImportError) as caught:
        pick_journal(journals, "ideas", config)
    assert str(caught.value) == messages.JRNL_NO_SUCH_JOURNAL.format(name="ideas", path=config, names="default, work")


def test_jrnls_own_config_files_read(tmp_path):
    configs = Path(__file__).parent / "data" / "jrnl" / "configs"
    journals = read_config(configs / "multiple.yaml")
    assert sorted(journals) == ["default", "ideas", "new_encrypted", "simple", "work", "✨"]
    assert journals["new_encrypted"].encrypt is True and journals["simple"].encrypt is False
    assert read_config(configs / "little_endian_dates.yaml")["default"].options.timeformat == LITTLE_ENDIAN


@pytest.mark.parametrize(
    ("body", "problem"),
    [("journals: [", "while parsing"), ("colors: {}\n", "it names no journals"), ("- a list\n", "names no")],
)
def test_a_broken_jrnl_config_is_one_clear_line(tmp_path, body, problem):
    config = write_config(tmp_path, body)
    with pytest.raises(JournalImportError, match=problem) as caught:
        read_config(config)
    assert "\n" not in str(caught.value) and str(config) in str(caught.value)


def test_a_missing_jrnl_config_says_how_to_name_it(tmp_path):
    with pytest.raises(JournalImportError) as caught:
        read_config(tmp_path / "nowhere.yaml")
    assert str(caught.value) == messages.JRNL_CONFIG_MISSING.format(path=tmp_path / "nowhere.yaml")


DAYONE_CLASSIC = sorted(n for n in JRNL_4_6_JOURNALS if n.endswith(".dayone") and n != "bug153.dayone")


@pytest.mark.parametrize("name", DAYONE_CLASSIC)
def test_a_day_one_classic_journal_reads_as_jrnl_reads_it(name):
    path = DATA / name
    theirs = DayOne(journal=str(path), tagsymbols="@").open().entries
    ours = sorted(read_journal(path, JrnlOptions(), password=str), key=lambda e: e.when.replace(tzinfo=None))
    assert [(e.when.replace(tzinfo=None), e.text, e.starred) for e in ours] == [
        (e.date, e.text.strip(), e.starred) for e in theirs
    ]
    assert [sorted("@" + t[1:].lower() for t in e.tags) for e in ours] == [e.tags for e in theirs]
    assert all(e.key.startswith("dayone:") for e in ours)


def test_a_damaged_day_one_classic_entry_is_counted_and_the_hour_after_a_clock_change_is_right():
    export = read_dayone_classic(DATA / "bug153.dayone")
    assert len(export.entries) == 1 and export.media["unreadable entry files"] == 1
    # 02:27 UTC on 27 October 2013 is 03:27 in Stockholm, an hour after summer time ended; jrnl says 04:27
    assert export.entries[0].when.isoformat() == "2013-10-27T03:27:27+01:00"
    [theirs] = DayOne(journal=str(DATA / "bug153.dayone"), tagsymbols="@").open().entries
    assert theirs.date - export.entries[0].when.replace(tzinfo=None) == timedelta(hours=1)


LINE = st.one_of(
    st.text(max_size=30),
    st.builds(lambda d, t: f"[{d}] {t}", st.text(alphabet="0123456789-:./ APMaprJulyTh,*", max_size=24), st.text()),
    st.datetimes().map(lambda d: f"[{d:%Y-%m-%d %H:%M}] entry"),
    st.sampled_from(["", "*", "[2019-07 14:23] partial", "2013-06-10 15:40 legacy", "[1] note", "[yesterday] x"]),
)


@settings(max_examples=300, deadline=None)
@given(lines=st.lists(LINE, max_size=12), fallback=st.sampled_from(list(DateFallback)))
def test_any_text_reads_as_entries_or_one_clear_line(lines, fallback):
    text = "\n".join(lines)
    try:
        entries = parse_jrnl(text, "any.txt", JrnlOptions(fallback=fallback))
    except JournalImportError as error:
        assert str(error).startswith("any.txt line ") and "\n" not in str(error)
        return
    for entry in entries:
        assert isinstance(entry.when, datetime) and entry.key.startswith(("jrnl:", "jrnl-today:"))
        assert entry.text == entry.text.strip()


def test_a_journals_own_tag_symbols_decide_its_tags_in_the_dry_run_and_once_imported(tmp_path):
    from voiceguide.journal import Journal
    from voiceguide.journal.exchange import import_entries, preview

    diary = tmp_path / "plus.txt"
    diary.write_text("[2020-01-01 10:00] Met +anna at the @park. *\n\n[2020-01-02 10:00] Again with +Anna and +ben.\n")
    config = write_config(tmp_path, f"tagsymbols: '+'\njournals:\n  default: {diary}\n")
    chosen = pick_journal(read_config(config), None, config)
    entries = read_journal(chosen.path, chosen.options, password=str)
    theirs = JrnlJournal("plus", journal=str(diary), tagsymbols="+").open()
    assert [sorted(e.tags) for e in theirs.entries] == [["+anna"], ["+anna", "+ben"]]
    with Journal.open(tmp_path / "journal.db") as journal:
        import_entries(journal, entries)
        stored = journal.tags()
        # jrnl's tags, each kept as #word; the star as #starred; @park is no tag in a journal whose symbol is +
        assert stored == [("#anna", 2), ("#ben", 1), ("#starred", 1)]
        assert preview(entries).tags == stored
        oldest = journal.list()[-1]
        assert oldest.tags == ["#anna", "#starred"] and "@park" in oldest.text
        journal.update_text(oldest.id, oldest.text + " Then +carla came.")
        assert sorted(journal.get(oldest.id).tags) == ["#anna", "#carla", "#starred"]
        journal.rebuild_tags()
        assert journal.tags() == [("#anna", 2), ("#ben", 1), ("#carla", 1), ("#starred", 1)]


NATURAL = ["yesterday 14:00", "last monday", "10:30 meeting", "tomorrow 9am", "3 days ago", "in 2 weeks", "noon today"]


@pytest.mark.parametrize("heading", NATURAL)
def test_a_natural_date_stops_with_its_line_unless_read_as_jrnl_reads_it_today(heading):
    text = f"[2019-01-01 09:00] Before.\n\n[{heading}] The entry\nbody\n"
    today = datetime.now().date()
    theirs = JrnlJournal("natural")._parse(text)
    assert len(theirs) == 2  # jrnl starts a new entry there, dated from today
    with pytest.raises(JournalImportError) as caught:
        parse_jrnl(text, "j.txt")
    problem = messages.JOURNAL_JRNL_RELATIVE_DATE.format(date=heading)
    assert str(caught.value) == messages.JOURNAL_JRNL_BAD_LINE.format(source="j.txt", line=3, problem=problem)
    ours = parse_jrnl(text, options=JrnlOptions(fallback=DateFallback.NOW))
    assert [(e.text, e.starred) for e in ours] == [(text_of(e), e.starred) for e in theirs]
    if datetime.now().date() != today:  # midnight came between the two readings: "yesterday" moved a day
        theirs = JrnlJournal("natural")._parse(text)
        ours = parse_jrnl(text, options=JrnlOptions(fallback=DateFallback.NOW))
    assert ours[0].when == theirs[0].date and abs(ours[1].when - theirs[1].date) < timedelta(seconds=5)


def test_a_date_without_a_year_just_over_four_weeks_ahead_is_last_years_as_in_jrnl():
    ahead = datetime.now() + timedelta(days=28, hours=12)
    text = f"[2019-01-01 09:00] Before.\n\n[{ahead:%d %B %H:%M}] Ahead\n"
    [*_, theirs] = JrnlJournal("ahead")._parse(text)
    *_, ours = parse_jrnl(text, options=JrnlOptions(fallback=DateFallback.NOW))
    assert ours.when == theirs.date
    if ahead.year == datetime.now().year:  # in December the date is in January, long past this year
        assert ours.when.year == ahead.year - 1


def test_a_little_endian_journal_read_without_its_timeformat_stops_instead_of_swapping_day_and_month():
    path = DATA / "little_endian_dates.journal"
    theirs = JrnlJournal("le", journal=str(path)).open().entries  # jrnl without the config's timeformat
    assert [e.date for e in theirs] == [datetime(2013, 9, 6, 15, 39), datetime(2013, 10, 7, 15, 40)]
    with pytest.raises(JournalImportError) as caught:
        read_journal(path, JrnlOptions(), password=str)
    problem = messages.JOURNAL_JRNL_DAY_OR_MONTH.format(
        date="09.06.2013 15:39", day_first="%d.%m.%Y %H:%M", month_first="%m.%d.%Y %H:%M"
    )
    assert str(caught.value) == messages.JOURNAL_JRNL_BAD_LINE.format(source=path, line=1, problem=problem)
    read = read_journal(path, JrnlOptions(timeformat="%d.%m.%Y %H:%M"), password=str)
    assert [e.when for e in read] == [datetime(2013, 6, 9, 15, 39), datetime(2013, 7, 10, 15, 40)]


def test_a_date_that_shows_the_day_comes_first_stops_at_the_one_jrnl_would_swap():
    text = "[13.06.2013 10:00] The day must come first.\n\n[09.06.2013 15:39] jrnl reads 6 September.\n"
    assert [e.date for e in JrnlJournal("mixed")._parse(text)] == [
        datetime(2013, 6, 13, 10, 0),
        datetime(2013, 9, 6, 15, 39),
    ]
    with pytest.raises(JournalImportError, match="line 3: '09.06.2013 15:39' could have the day or the month"):
        parse_jrnl(text)


@pytest.mark.parametrize(
    "text",
    [
        "[06.13.2013 10:00] The month must come first.\n\n[06.09.2013 15:39] So this is 9 June.\n",
        "[05.05.2013 10:00] The same either way.\n",
        "[13.06.2013 10:00] Day first.\n\n[14/06/2013 15:39] Day first again.\n",
    ],
)
def test_dates_whose_order_the_journal_shows_read_as_jrnl_reads_them(text):
    assert as_we_read(parse_jrnl(text)) == as_jrnl_reads(
        sorted(JrnlJournal("clear")._parse(text), key=lambda e: e.date)
    )


def test_an_impossible_date_stops_as_a_typo_unless_dated_today_as_jrnl_does():
    text = "[2019-01-01 09:00] Before.\n\n[2019-02-30 10:00] A typo\n"
    with pytest.raises(JournalImportError, match="line 3: '2019-02-30 10:00' is not a date and time"):
        parse_jrnl(text)
    ours = parse_jrnl(text, options=JrnlOptions(fallback=DateFallback.NOW))
    assert [e.when for e in ours] == [e.date for e in JrnlJournal("typo")._parse(text)]
