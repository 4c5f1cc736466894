"""A private report in one HTML file: charts of practice and every entry, readable and printable.

Everything is inline: the styles, system fonts only, and charts drawn here
as SVG, so the file opens the same with no network and sends nothing
anywhere. Every word from the journal is escaped, so an entry holding
markup shows as text and can never load anything.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from html import escape

from voiceguide import messages
from voiceguide.journal.insights import Checkin, Practice
from voiceguide.journal.models import Entry
from voiceguide.journal.timestamps import local

STYLE = """
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d1d1f;
  max-width: 46rem; margin: 0 auto; padding: 1.5rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 1rem 0 0.25rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
h3 { font-size: 1rem; margin: 0; }
.notice { background: #fff4d6; border: 1px solid #e0b84a; padding: 0.6rem 0.8rem; border-radius: 6px; }
.totals { color: #444; }
figure { margin: 1rem 0; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 0.25rem; }
svg { width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #333; }
.entry { border-top: 1px solid #eee; padding: 0.8rem 0; break-inside: avoid; }
.meta { color: #555; font-size: 0.9rem; margin: 0.2rem 0; }
.tag { background: #eef; border-radius: 4px; padding: 0 0.3rem; margin-right: 0.2rem; }
blockquote { margin: 0.4rem 0; padding-left: 0.8rem; border-left: 3px solid #ccd; color: #444; }
.text p { margin: 0.3rem 0; white-space: pre-wrap; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  .notice { border-color: #000; background: none; }
  h2 { break-after: avoid; }
}
"""


def words(text: str) -> str:
    """A person's words as HTML text: escaped, with "/" and "=" as character references.

    They show exactly as written, yet the file never holds "//", "http://"
    or "src=" outside its own markup, so it can be checked for network
    references with a plain search.
    """
    return escape(text).replace("/", "&#47;").replace("=", "&#61;")


COLOURS = {"listened": "#2a7ab0", "breathed": "#2f9e5b", "entries": "#9b4dca", "start": "#d0822b", "end": "#2a7ab0"}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 180, 36, 36, 12


def _label(start: str, by: str) -> str:
    day = date.fromisoformat(start)
    return day.strftime("%d %b") if by == "week" else day.strftime("%b %y")


def svg_bars(caption: str, labels: Sequence[str], values: Sequence[float], colour: str, unit: str) -> str:
    """A bar chart as inline SVG, one bar per period, the value above each bar that has one."""
    biggest = max(values, default=0) or 1
    step = (WIDTH - LEFT) / max(1, len(values))
    plot = HEIGHT - BOTTOM - TOP
    parts = [_axes(labels, step)]
    for k, value in enumerate(values):
        height = plot * value / biggest
        x = LEFT + k * step + step * 0.15
        y = TOP + plot - height
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{height:.1f}" '
            f'fill="{colour}"><title>{escape(labels[k])}: {value:g} {unit}</title></rect>'
        )
        if value:
            parts.append(f'<text x="{x + step * 0.35:.1f}" y="{y - 3:.1f}" text-anchor="middle">{value:g}</text>')
    return _figure(caption, parts)


def svg_mood(caption: str, labels: Sequence[str], start: Sequence[float | None], end: Sequence[float | None]) -> str:
    """Mood from 1 to 5 at the start and end of sessions, as two lines of points."""
    step = (WIDTH - LEFT) / max(1, len(labels))
    plot = HEIGHT - BOTTOM - TOP
    parts = [_axes(labels, step)]
    for level in range(1, 6):
        y = TOP + plot - plot * (level - 1) / 4
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{level}</text>')
    for name, series in (("start", start), ("end", end)):
        points = [
            (LEFT + k * step + step / 2, TOP + plot - plot * (v - 1) / 4) for k, v in enumerate(series) if v is not None
        ]
        if len(points) > 1:
            joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{joined}" fill="none" stroke="{COLOURS[name]}" stroke-width="2"/>')
        parts += [
            f'<circle class="mood-{name}" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{COLOURS[name]}"/>' for x, y in points
        ]
    parts.append(
        f'<text x="{WIDTH - 150}" y="{TOP + 4}" fill="{COLOURS["start"]}">● coming in</text>'
        f'<text x="{WIDTH - 70}" y="{TOP + 4}" fill="{COLOURS["end"]}">● leaving</text>'
    )
    return _figure(caption, parts)


def _axes(labels: Sequence[str], step: float) -> str:
    base = HEIGHT - BOTTOM
    ticks = [
        f'<text x="{LEFT + k * step + step / 2:.1f}" y="{base + 16}" text-anchor="middle">{escape(label)}</text>'
        for k, label in enumerate(labels)
        if len(labels) <= 14 or k % 2 == 0
    ]
    return f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#999"/>' + "".join(ticks)


def _figure(caption: str, parts: list[str]) -> str:
    return (
        f'<figure><figcaption>{escape(caption)}</figcaption><svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(caption)}">' + "".join(parts) + "</svg></figure>"
    )


def practice_charts(practice: Practice) -> str:
    """The four charts of one Practice (by week or by month)."""
    by = practice.by
    labels = [_label(p.start, by) for p in practice.periods]
    return "".join(
        (
            svg_bars(
                f"Minutes listened per {by}",
                labels,
                [p.listened_minutes for p in practice.periods],
                COLOURS["listened"],
                "min",
            ),
            svg_bars(
                f"Minutes breathed per {by}",
                labels,
                [p.breathed_minutes for p in practice.periods],
                COLOURS["breathed"],
                "min",
            ),
            svg_bars(f"Entries per {by}", labels, [p.entries for p in practice.periods], COLOURS["entries"], "entries"),
            svg_mood(
                f"Mood per {by}, 1 to 5",
                labels,
                [p.mood_start for p in practice.periods],
                [p.mood_end for p in practice.periods],
            ),
        )
    )


class Moods:
    """The check-in that was current when each entry was written: the latest one that day, before it."""

    def __init__(self, checkins: Iterable[Checkin]) -> None:
        self.checkins = sorted(checkins, key=lambda c: (c.created, c.id))
        self.times = [c.created for c in self.checkins]
        self.ends = {c.session: c.mood for c in self.checkins if c.moment == "end" and c.session}

    def of(self, entry: Entry) -> str:
        k = bisect.bisect_right(self.times, entry.created) - 1
        while k >= 0 and self.checkins[k].moment == "end" and self.times[k] == entry.created:
            k -= 1  # times are to the second: an entry is written before the check-in that closes its session
        if k < 0:
            return ""
        found = self.checkins[k]
        if local(found.created, found.utc_offset_minutes).date() != entry.local_time.date():
            return ""
        leaving = self.ends.get(found.session) if found.moment == "start" and found.session else None
        return f"{found.mood} → {leaving}" if leaving is not None else str(found.mood)


def _entry_html(entry: Entry, mood: str) -> str:
    when = entry.local_time
    about = [entry.kind.capitalize()]
    if entry.article:
        where = f"section {entry.section}" if entry.section is not None else ""
        about.append(f"{where} of {entry.article}".strip() if where else entry.article)
    if mood:
        about.append(f"mood {mood}")
    tags = "".join(f'<span class="tag">{words(t)}</span>' for t in entry.tags)
    paragraphs = "".join(f"<p>{words(p.strip())}</p>" for p in entry.text.split("\n\n") if p.strip())
    prompt = f"<blockquote>{words(entry.prompt)}</blockquote>" if entry.prompt else ""
    return (
        f'<article class="entry" id="entry-{entry.id}"><h3>{words(when.strftime("%A %d %B %Y, %H:%M"))}</h3>'
        f'<p class="meta">{words(" · ".join(about))}</p>'
        + (f'<p class="meta tags">{tags}</p>' if tags else "")
        + prompt
        + f'<div class="text">{paragraphs}</div></article>'
    )


def export_html(
    entries: Iterable[Entry],
    *,
    weekly: Practice,
    monthly: Practice,
    checkins: Iterable[Checkin] = (),
    written: datetime | None = None,
) -> str:
    """The whole report: the not-encrypted notice first, totals, charts, then every entry oldest first."""
    ordered = sorted(entries, key=lambda e: (e.created, e.id))
    moods = Moods(checkins)
    written = written or datetime.now().astimezone()
    totals = (
        f"{weekly.entries} entries, {weekly.words} words; {weekly.minutes_listened:g} minutes listened, "
        f"{weekly.minutes_breathed:g} minutes breathed; {weekly.checkins} check-ins; "
        f"current streak {weekly.current_streak_days} days, longest {weekly.longest_streak_days}."
    )
    body = [
        f'<p class="notice" role="note"><strong>{escape(messages.REPORT_NOT_ENCRYPTED)}</strong></p>',
        f"<h1>{escape(messages.REPORT_TITLE)}</h1>",
        f'<p class="totals">Written {escape(written.strftime("%d %B %Y, %H:%M"))}. {escape(totals)}</p>',
        '<section id="charts"><h2>Practice by week</h2>',
        practice_charts(weekly),
        "<h2>Practice by month</h2>",
        practice_charts(monthly),
        "</section>",
        f'<section id="entries"><h2>Entries ({len(ordered)})</h2>',
        *(_entry_html(entry, moods.of(entry)) for entry in ordered),
        "</section>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(messages.REPORT_TITLE)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
