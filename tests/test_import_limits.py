"""A journal import reads a bounded amount: a device that never ends or a huge file is one clear line."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import zipfile

import pytest

from tests.cli_helpers import run_voiceguide
from tests.test_journal_dayone import ENTRIES
from voiceguide import messages
from voiceguide.journal.store import Journal
from voiceguide.settings import IMPORT_MB, user_paths


def entry_count() -> int:
    if not user_paths().journal.exists():
        return 0
    with Journal.open() as jr:
        return len(jr.list(limit=1_000_000))


@pytest.mark.parametrize("extra", [[], ["--format", "dayone"], ["--dry-run"]])
def test_importing_a_device_that_never_ends_is_one_line_with_memory_bounded(extra):
    result = subprocess.run(  # address space capped: a reader that does not stop fails here, not the machine
        [sys.executable, "-m", "voiceguide", "journal", "import", *extra, "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3)),
    )
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "Error: " + messages.IMPORT_TOO_BIG.format(path="/dev/zero", mb=IMPORT_MB.default),
    )
    # the biggest child so far read the limit and one byte more, not gigabytes (KiB on Linux)
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < (IMPORT_MB.default + 400) * 1024
    assert entry_count() == 0


def jrnl_text(entries: int) -> str:
    body = "A calm walk by the river, and the light on the water. " * 20
    return "".join(f"[2025-01-{1 + k % 28:02d} 08:{k % 60:02d}] Entry {k}.\n{body}\n\n" for k in range(entries))


def test_the_import_limit_is_a_setting_and_a_bigger_file_is_refused_before_it_is_read(tmp_path):
    source = tmp_path / "journal.txt"
    source.write_text(jrnl_text(1400))  # about 1.5 MB
    assert 1024 * 1024 < source.stat().st_size < 2 * 1024 * 1024
    assert run_voiceguide("config", "set", "import_mb", "1").returncode == 0
    refused = run_voiceguide("journal", "import", str(source))
    assert (refused.returncode, refused.stderr.strip()) == (
        1,
        "Error: " + messages.IMPORT_TOO_BIG.format(path=source, mb=1),
    )
    sparse = tmp_path / "sparse.txt"  # 100 GB that take no disk: refused by its size, nothing read
    with open(sparse, "wb") as handle:
        handle.truncate(100 * 1024**3)
    told = run_voiceguide("journal", "import", str(sparse), timeout=30)
    assert told.stderr.strip() == "Error: " + messages.IMPORT_TOO_BIG.format(path=sparse, mb=1)
    assert entry_count() == 0

    bloated = tmp_path / "export.zip"  # JSON that unpacks to more than the limit, from a small zip
    padded = json.dumps({"entries": ENTRIES, "padding": " " * (1536 * 1024)})
    with zipfile.ZipFile(bloated, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Journal.json", padded)
    assert bloated.stat().st_size < 100_000
    told = run_voiceguide("journal", "import", "--format", "dayone", str(bloated))
    assert told.stderr.strip() == "Error: " + messages.IMPORT_TOO_BIG.format(path=bloated, mb=1)
    assert entry_count() == 0

    assert run_voiceguide("config", "set", "import_mb", "2").returncode == 0
    done = run_voiceguide("journal", "import", str(source))
    assert done.returncode == 0, done.stderr
    assert entry_count() == 1400
    assert run_voiceguide("journal", "import", "--format", "dayone", str(bloated)).returncode == 0
    assert entry_count() == 1402


def test_an_absurd_import_limit_is_refused():
    result = run_voiceguide("config", "set", "import_mb", "1e12")
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "import_mb" in result.stderr


def test_a_jrnl_config_that_never_ends_is_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "voiceguide", "journal", "import", "--from-jrnl", "--jrnl-config", "/dev/zero"],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, 3 * 1024**3)),
    )
    too_big = messages.JRNL_CONFIG_TOO_BIG.format(kb=1024)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        "Error: " + messages.JRNL_CONFIG_BAD.format(path="/dev/zero", error=too_big),
    )


def test_a_day_one_classic_entry_file_over_the_limit_is_refused_and_a_pipe_is_not_waited_on(tmp_path):
    import os
    import shutil

    folder = tmp_path / "mine.dayone"
    shutil.copytree("tests/data/jrnl/journals/basic_dayone.dayone", folder)
    os.mkfifo(folder / "entries" / "pipe.doentry")  # opening it would wait for a writer forever
    assert run_voiceguide("config", "set", "import_mb", "1").returncode == 0
    done = run_voiceguide("journal", "import", str(folder), timeout=30)
    assert done.returncode == 0, done.stderr
    imported = entry_count()
    assert imported == len(list((folder / "entries").glob("*.doentry"))) - 1

    sparse = folder / "entries" / "huge.doentry"  # 100 GB that take no disk: refused by its size
    with open(sparse, "wb") as handle:
        handle.truncate(100 * 1024**3)
    told = run_voiceguide("journal", "import", str(folder), timeout=30)
    assert (told.returncode, told.stderr.strip()) == (
        1,
        "Error: " + messages.IMPORT_TOO_BIG.format(path=sparse, mb=1),
    )
    assert entry_count() == imported
