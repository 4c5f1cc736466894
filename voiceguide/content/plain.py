"""Plain-text articles, including the bundled one.

How a plain text is cut into sections, in order of preference:

1. **A table of contents.** A line "Table of Contents" (or "Contents")
   followed by list lines ("- Title"). Each listed title that reappears
   later as a line of its own starts a section. Text before the table (and
   between it and the first title) is section 1, "Introduction". The table
   itself is not read. This is the bundled article's shape.
2. **Headings.** A short line (at most 12 words) that starts with a capital
   letter or digit, has no final punctuation and is followed by ordinary
   text starts a section. A heading on the first line is also the article's
   title.
3. **Parts.** A text without headings is one section, or "Part 1", "Part 2",
   ... of about eight paragraphs each when it is long.

Paragraphs: when the text separates paragraphs with blank lines, the lines in
between are joined (hard-wrapped text); when it has no blank lines at all,
every line is a paragraph. Lines starting with "- ", "* ", "+ ", "• " or "1. "
are list items, one block each.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from voiceguide.content.assemble import Draft, assemble_article, split_into_parts
from voiceguide.content.model import Article, BlockKind
from voiceguide.content.sentences import count_words, has_words

MAX_HEADING_WORDS = 12
MAX_HEADING_CHARS = 100

LIST_ITEM = re.compile(r"^\s*(?:[-*+•◦‣–]|\d{1,9}[.)])\s+(?=\S)(.*)$")
_TOC_HEADING = re.compile(r"^\s*(?:table\s+of\s+contents|contents)\s*:?\s*$", re.IGNORECASE)
_ENDS_WITH_PUNCTUATION = re.compile(r"[.!?,;:…\-—–]+[\"'”’)\]»]*\s*$")
_KEY_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


@dataclass
class _Unit:
    kind: BlockKind
    text: str
    lines: int = 1


def _has_blank_line_paragraphs(lines: list[str]) -> bool:
    """True when a blank line sits between two lines of text (the text is hard-wrapped)."""
    seen_text = False
    pending_blank = False
    for line in lines:
        if line.strip():
            if pending_blank and seen_text:
                return True
            seen_text = True
            pending_blank = False
        else:
            pending_blank = True
    return False


def _units(lines: list[str], joined: bool) -> list[_Unit]:
    units: list[_Unit] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            units.append(_Unit("paragraph", " ".join(part.strip() for part in paragraph), len(paragraph)))
            paragraph.clear()

    for line in lines:
        if not line.strip():
            flush()
            continue
        item = LIST_ITEM.match(line)
        if item:
            flush()
            units.append(_Unit("list_item", item.group(1).strip()))
        elif not joined:
            units.append(_Unit("paragraph", line.strip()))
        elif units and units[-1].kind == "list_item" and not paragraph and line[:1].isspace():
            units[-1].text += " " + line.strip()  # an indented continuation of a list item
        else:
            paragraph.append(line)
    flush()
    return units


def _looks_like_heading(unit: _Unit) -> bool:
    text = unit.text
    return (
        unit.kind == "paragraph"
        and unit.lines == 1
        and len(text) <= MAX_HEADING_CHARS
        and 0 < count_words(text) <= MAX_HEADING_WORDS
        and (text[0].isupper() or text[0].isdigit())
        and not _ENDS_WITH_PUNCTUATION.search(text)
    )


def _key(line: str) -> str:
    """How a table-of-contents entry and its section line are compared."""
    return " ".join(line.translate(_KEY_QUOTES).casefold().split()).rstrip(" .:")


def _find_toc(lines: list[str]) -> tuple[int, int, list[str]] | None:
    """(index of the "Table of Contents" line, index after its last entry, titles)."""
    for start, line in enumerate(lines):
        if not _TOC_HEADING.match(line):
            continue
        titles: list[str] = []
        end = start + 1
        while end < len(lines):
            item = LIST_ITEM.match(lines[end])
            if item:
                titles.append(item.group(1).strip())
            elif lines[end].strip():
                break
            end += 1
        if titles:
            return start, end, titles
    return None


def _toc_drafts(lines: list[str], joined: bool) -> list[Draft] | None:
    """Sections from a table of contents, or None when its titles never reappear."""
    toc = _find_toc(lines)
    if toc is None:
        return None
    start, end, titles = toc
    lines_by_key: dict[str, list[int]] = {}
    for index in range(end, len(lines)):
        if not LIST_ITEM.match(lines[index]):
            lines_by_key.setdefault(_key(lines[index]), []).append(index)
    found: list[int] = []
    for title in titles:
        candidates = lines_by_key.get(_key(title), [])
        at = bisect.bisect_left(candidates, found[-1] + 1 if found else end)
        if _key(title) and at < len(candidates):
            found.append(candidates[at])
    if not found:
        return None
    intro = Draft(None, [(u.kind, u.text) for u in _units(lines[:start] + lines[end : found[0]], joined)])
    drafts = [intro]
    for position, index in enumerate(found):
        stop = found[position + 1] if position + 1 < len(found) else len(lines)
        body = _units(lines[index + 1 : stop], joined)
        drafts.append(Draft(lines[index].strip(), [(u.kind, u.text) for u in body]))
    return drafts


def _drop_toc(lines: list[str]) -> list[str]:
    toc = _find_toc(lines)
    if toc is None:
        return lines
    start, end, _ = toc
    return lines[:start] + lines[end:]


def _heading_drafts(units: list[_Unit]) -> tuple[str | None, list[Draft]]:
    """(title found in the text, sections) using short unpunctuated lines as headings."""
    headings = {
        index
        for index, unit in enumerate(units)
        if _looks_like_heading(unit) and index + 1 < len(units) and not _looks_like_heading(units[index + 1])
    }
    if not headings:
        return None, split_into_parts([(u.kind, u.text) for u in units])
    drafts = [Draft(None)]
    for index, unit in enumerate(units):
        if index in headings:
            drafts.append(Draft(unit.text))
        else:
            drafts[-1].blocks.append((unit.kind, unit.text))
    title = units[0].text if 0 in headings else None
    return title, drafts


def parse_plain(text: str, source: str = "<text>", fallback_title: str | None = None) -> Article:
    """Parse a plain-text article; raises ArticleError naming ``source`` when it has no words."""
    lines = text.splitlines()
    joined = _has_blank_line_paragraphs(lines)
    drafts = _toc_drafts(lines, joined)
    title: str | None = None
    if drafts is None:
        units = [unit for unit in _units(_drop_toc(lines), joined) if has_words(unit.text)]
        title, drafts = _heading_drafts(units)
    return assemble_article(title, drafts, source, fallback_title)
