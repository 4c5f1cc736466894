"""The private HTML report: one self-contained file, charts and every entry, opened in a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli_helpers import invoke_voiceguide
from voiceguide import messages
from voiceguide.journal.exchange import import_jrnl
from voiceguide.journal.store import Journal
from voiceguide.settings import user_paths

NASTY = 'I wrote <img src="http://example.org/x.png"> and <script src="//evil.example/x.js"></script> #odd'


def fill(journal: Journal) -> None:
    start = datetime(2026, 11, 24, 20, 0)
    journal.add_checkin(2, moment="start", session="s1", created=start)
    journal.add_listening(240, article="bundled:healing-trust", section=2, started=start)
    journal.add_breathing_session("box", 4, 4, 80, False, started=start)
    journal.add_entry(
        "I felt my shoulders drop. #body @anna",
        prompt="What did you notice?",
        article="bundled:healing-trust",
        section=2,
        created=datetime(2026, 11, 24, 20, 10),
    )
    journal.add_checkin(4, moment="end", session="s1", created=datetime(2026, 11, 24, 20, 20))
    journal.add_entry(NASTY, kind="note", created=datetime(2026, 11, 25, 9, 0))


def network_references(html: str) -> list[str]:
    """Anything a browser could fetch: absolute or protocol-relative URLs and src/href attributes."""
    found = re.findall(r"https?://|//", html)
    found += re.findall(r"""\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?[^"'\s>]*""", html, re.IGNORECASE)
    found += re.findall(r"@import|url\(", html)
    return found


def export(*args: str):
    return invoke_voiceguide("journal", "export", "--format", "html", *args)


def test_the_report_is_self_contained_private_and_holds_every_entry(tmp_path):
    with Journal.open() as jr:
        fill(jr)
    out = tmp_path / "report.html"
    result = export("--out", str(out))
    assert result.returncode == 0, result.stderr
    assert messages.REPORT_WRITTEN.format(count=2, path=out) in result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    html = out.read_text()
    assert network_references(html) == []
    body = html[html.index("<body>") :]
    assert body.index(messages.REPORT_NOT_ENCRYPTED) < body.index("<h1>")  # the notice comes first
    assert html.count('<svg class="chart"') == 8 and "<rect" in html and "<circle" in html
    entry = html[html.index('id="entry-1"') :]
    for shown in ("What did you notice?", "section 2 of bundled:healing-trust", "#body", "@anna", "mood 2 → 4"):
        assert shown in entry, shown
    assert "<img" not in html and "<script" not in html  # the entry's markup is shown as text
    assert "&lt;img src&#61;&quot;http:&#47;&#47;example.org" in html and "@media print" in html


def test_an_entry_saved_in_the_same_second_as_its_sessions_end_still_shows_the_change(tmp_path):
    same = datetime(2026, 11, 24, 20, 0, 7)
    with Journal.open() as jr:
        jr.add_checkin(2, moment="start", session="s1", created=datetime(2026, 11, 24, 20, 0, 1))
        jr.add_entry("Quick words, typed fast.", kind="reflection", created=same)
        jr.add_checkin(4, moment="end", session="s1", created=same)
        jr.add_checkin(3, moment="start", session="s2", created=datetime(2026, 11, 24, 21, 0, 0))
        jr.add_entry("All in one second.", kind="reflection", created=datetime(2026, 11, 24, 21, 0, 0))
        jr.add_checkin(5, moment="end", session="s2", created=datetime(2026, 11, 24, 21, 0, 0))
    out = tmp_path / "report.html"
    assert export("--out", str(out)).returncode == 0
    html = out.read_text()
    first = html[html.index('id="entry-1"') : html.index('id="entry-2"')]
    second = html[html.index('id="entry-2"') :]
    assert "mood 2 → 4" in first, first
    assert "mood 3 → 5" in second, second


def test_the_report_is_an_output_path_like_any_export(tmp_path):
    with Journal.open() as jr:
        jr.add_entry("private words")
    assert export().returncode == 1 and messages.REPORT_NEEDS_OUT in export().stderr
    existing = tmp_path / "report.html"
    existing.write_text("keep me")
    refused = export("--out", str(existing))
    assert refused.returncode == 1 and existing.read_text() == "keep me"
    assert export("--out", str(existing), "--force").returncode == 0 and "private words" in existing.read_text()
    link = tmp_path / "link.html"
    link.symlink_to(tmp_path / "elsewhere.html")
    assert export("--out", str(link), "--force").returncode == 1 and not (tmp_path / "elsewhere.html").exists()
    inside = user_paths().data / "report.html"
    assert export("--out", str(inside)).returncode == 1 and not inside.exists()


@pytest.mark.parametrize("entries", [0, 1, pytest.param(20_000, marks=pytest.mark.slow)])
def test_stats_and_the_report_on_empty_small_and_imported_journals(tmp_path, entries):
    from benchmarks.journal_scale import jrnl_text

    if entries:
        with Journal.open() as jr:
            import_jrnl(jr, jrnl_text(entries).replace(" trust ", " #trust ", 50))
    stats = invoke_voiceguide("journal", "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["entries"] == entries
    drawn = invoke_voiceguide("journal", "stats", "--by", "month")
    assert drawn.returncode == 0 and f"entries: {entries}" in drawn.stdout
    out = tmp_path / "report.html"
    assert export("--out", str(out)).returncode == 0
    html = out.read_text()
    assert html.count('class="entry"') == entries and network_references(html) == []


# -- in a real browser --------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
QUIET = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # should the page ask for anything, nothing is reached
]


def _chromium(page: Path, folder: Path, *args: str) -> subprocess.CompletedProcess:
    assert CHROMIUM, "chromium is needed (scripts/setup installs it)"
    return subprocess.run(
        [CHROMIUM, *QUIET, f"--user-data-dir={folder / 'profile'}", *args, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, HOME=str(folder)),
    )


def page_requests(page: Path, folder: Path) -> list[str]:
    """URLs the page itself asked for (the browser's own update checks are not the page's)."""
    log = folder / "net.json"
    _chromium(page, folder, f"--log-net-log={log}", "--window-size=900,1400", f"--screenshot={folder / 'shot.png'}")
    data = json.loads(log.read_text())
    kinds = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    return [
        e["params"]["url"]
        for e in data["events"]
        if kinds.get(e["type"]) == "URL_REQUEST_START_JOB"
        and "file://" in e["params"].get("network_isolation_key", "")
        and not e["params"]["url"].startswith("file:")
    ]


@pytest.mark.slow  # a headless browser
def test_the_report_renders_in_a_browser_with_no_network_request_and_its_charts(tmp_path):
    import av
    import numpy as np

    with Journal.open() as jr:
        fill(jr)
    report = tmp_path / "report.html"
    assert export("--out", str(report)).returncode == 0
    control = tmp_path / "control.html"
    control.write_text('<img src="http://example.org/x.png">')
    assert page_requests(control, tmp_path / "c") == ["http://example.org/x.png"]  # the watch does see requests

    assert page_requests(report, tmp_path / "r") == []
    dom = _chromium(report, tmp_path / "d", "--dump-dom").stdout
    assert dom.count('<svg class="chart"') == 8 and dom.count('class="bar"') >= 12
    assert messages.REPORT_NOT_ENCRYPTED in dom
    shot = next(av.open(str(tmp_path / "r" / "shot.png")).decode(video=0)).to_ndarray(format="rgb24")
    drawn = (shot < 200).any(axis=2).mean()
    colours = len(np.unique(shot.reshape(-1, 3), axis=0))
    assert drawn > 0.01 and colours > 50, (drawn, colours)  # text, the notice and bars, not a blank page
