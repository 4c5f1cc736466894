"""Years of daily use: 200,000 entries (over 100 MB of text), every journal command on it, whole command.

The journal is built once in .bench/journal-200k (imported as jrnl text, a
tenth of the entries tagged) and reused, since building it takes minutes.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.journal_crypto import _command_ms
from benchmarks.journal_scale import WORD, jrnl_text
from benchmarks.table import Row

ENTRIES = 200_000
HOME = Path(__file__).resolve().parent.parent / ".bench" / "journal-200k"
COMMANDS = {
    "stats_200k": ["journal", "stats"],
    "stats_month_json_200k": ["journal", "stats", "--by", "month", "--json"],
    "tags_200k": ["journal", "tags"],
    "list_tag_200k": ["journal", "list", "--tag", "family"],
    "list_200k": ["journal", "list"],
    "search_tag_200k": ["journal", "search", WORD, "--tag", "family"],
}


def build(home: Path = HOME) -> Path:
    import os

    from voiceguide.journal.exchange import import_jrnl
    from voiceguide.journal.store import Journal

    journal = home / "data" / "journal.db"
    done = home / ".built"
    if done.exists():
        return journal
    home.mkdir(parents=True, exist_ok=True)
    text = jrnl_text(ENTRIES, seed=5)
    blocks = text.split("\n\n")
    text = "\n\n".join(b + " #family" if k % 10 == 0 else b for k, b in enumerate(blocks))
    os.environ["VOICEGUIDE_HOME"] = str(home)
    with Journal.open(journal) as jr:
        import_jrnl(jr, text)
    done.write_text("ok")
    return journal


def bench_journal_years(runs: int) -> list[Row]:
    import os

    saved = os.environ.get("VOICEGUIDE_HOME")
    try:
        journal = build()
    finally:
        if saved is not None:
            os.environ["VOICEGUIDE_HOME"] = saved
    size = journal.stat().st_size / 1e6
    note = f"median of {runs}; {size:.0f} MB journal"

    def ms(key: str) -> float:
        return _command_ms(HOME, COMMANDS[key], {}, runs)

    return [
        Row("stats_200k", ms("stats_200k"), note=note),
        Row("stats_month_json_200k", ms("stats_month_json_200k"), note=note),
        Row("tags_200k", ms("tags_200k"), note=note),
        Row("list_tag_200k", ms("list_tag_200k"), note=note),
        Row("list_200k", ms("list_200k"), note=note),
        Row("search_tag_200k", ms("search_tag_200k"), note=note),
    ]
