"""Markdown articles, reduced to the words a listener should hear.

Sections follow the headings:

* A level-1 heading on the first line of text (after any front matter) is the
  article's title, not a section, when it is the only level-1 heading. A
  ``title:`` in front matter is the title too; then the heading is dropped
  only when it repeats that title.
* The shallowest heading level left starts sections; deeper headings become
  ``heading`` blocks inside them.
* Text before the first section heading is section 1, "Introduction".
* Without any section heading the text is one section (or parts, when long).

Inline markup is reduced to its words: emphasis and inline code lose their
markers, links keep their text, images, HTML tags and comments disappear and
entities are decoded. Code blocks are kept as plain paragraphs and each table
row is read as one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from voiceguide.content.assemble import Draft, assemble_article, split_into_parts
from voiceguide.content.model import Article, BlockKind
from voiceguide.content.sentences import has_words

ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?(?=\S)(.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_SETEXT_1 = re.compile(r"^ {0,3}=+[ \t]*$")
_SETEXT_2 = re.compile(r"^ {0,3}-+[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE_MARKER = re.compile(r"^ {0,3}(?:>[ \t]?)+")
_LINK_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S")
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)

# Spans are bounded ({1,N}) so a stray marker in a huge paragraph costs a
# bounded look-ahead instead of a scan to the end of the text.
_INLINE = (
    (re.compile(r"!\[[^\]]{0,500}\]\([^)]{0,1000}\)"), ""),  # images
    (re.compile(r"!\[[^\]]{0,500}\]\[[^\]]{0,500}\]"), ""),
    (re.compile(r"\[([^\]]{0,500})\]\([^)]{0,1000}\)"), r"\1"),  # [words](url)
    (re.compile(r"\[([^\]]{0,500})\]\[[^\]]{0,500}\]"), r"\1"),  # [words][ref]
    (re.compile(r"<(?:https?|ftp|mailto):[^>\s]*>"), ""),  # autolinks
    (re.compile(r"(?<!`)(`{1,3})(?!`)(.{1,500}?)(?<!`)\1(?!`)"), r"\2"),  # inline code
    (re.compile(r"</?[A-Za-z][^<>]*>"), ""),  # HTML tags
    (re.compile(r"\*\*(?=\S)(.{1,500}?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<!\w)__(?=\S)(.{1,500}?)(?<=\S)__(?!\w)"), r"\1"),
    (re.compile(r"\*(?=\S)(.{1,500}?)(?<=\S)\*"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.{1,500}?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.{1,500}?)(?<=\S)~~"), r"\1"),
)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|<])")
_PROTECTED = 0xE000  # escaped characters hide in the Private Use Area until markup is gone
_UNPROTECT = {_PROTECTED + code: chr(code) for code in range(128)}


def reduce_inline(text: str) -> str:
    """The words of a line of Markdown, without the markup a listener should not hear."""
    text = _ESCAPE.sub(lambda match: chr(_PROTECTED + ord(match.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    text = unescape(text.replace("|", " ").translate(_UNPROTECT))
    return " ".join(text.split())


@dataclass
class _Event:
    kind: BlockKind
    text: str
    level: int = 0
    """Heading level, 1 to 6; 0 for other blocks"""


def _without_closing_hashes(content: str) -> str:
    """ "Title ##" -> "Title"; "C#" stays "C#"."""
    stripped = content.rstrip("#")
    if not stripped or (stripped != content and stripped[-1] in " \t"):
        return stripped.rstrip()
    return content


def _front_matter(lines: list[str]) -> tuple[str | None, int]:
    """(title from YAML front matter, index of the first line after it)."""
    if not lines or lines[0].strip() != "---":
        return None, 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            title = None
            for line in lines[1:index]:
                key, _, value = line.partition(":")
                if key.strip().casefold() == "title" and value.strip():
                    title = value.strip().strip("\"'")
            return title, index + 1
    return None, 0


def _events(lines: list[str]) -> list[_Event]:
    events: list[_Event] = []
    paragraph: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if paragraph:
            events.append(_Event("paragraph", reduce_inline(" ".join(paragraph))))
            paragraph.clear()

    for raw in lines:
        if fence is not None:
            if raw.strip().startswith(fence):
                fence = None
                flush()
            elif raw.strip():
                paragraph.append(raw.strip())
            continue
        opening = _FENCE.match(raw)
        if opening:
            flush()
            fence = opening.group(1)
            continue
        line = _QUOTE_MARKER.sub("", raw)
        if not line.strip():
            flush()
            continue
        if _SETEXT_1.match(line) and paragraph:
            events.append(_Event("heading", reduce_inline(" ".join(paragraph)), 1))
            paragraph.clear()
            continue
        if _SETEXT_2.match(line) and paragraph:
            events.append(_Event("heading", reduce_inline(" ".join(paragraph)), 2))
            paragraph.clear()
            continue
        if _RULE.match(line) or _TABLE_RULE.match(line) or _LINK_DEFINITION.match(line):
            flush()
            continue
        heading = ATX_HEADING.match(line)
        if heading:
            flush()
            content = _without_closing_hashes((heading.group(2) or "").strip())
            events.append(_Event("heading", reduce_inline(content), len(heading.group(1))))
            continue
        if line.lstrip().startswith("|"):
            flush()
            events.append(_Event("paragraph", reduce_inline(line)))  # one table row, read as a line
            continue
        item = _LIST_ITEM.match(line)
        if item:
            flush()
            events.append(_Event("list_item", item.group(1)))
            continue
        if events and events[-1].kind == "list_item" and not paragraph and line[:1].isspace():
            events[-1].text += " " + line.strip()  # a lazy continuation of the item
            continue
        paragraph.append(line.strip())
    flush()
    for event in events:
        if event.kind == "list_item":
            event.text = reduce_inline(event.text)
    return [event for event in events if has_words(event.text)]


def _same_title(one: str, other: str) -> bool:
    return " ".join(one.casefold().split()) == " ".join(other.casefold().split())


def parse_markdown(text: str, source: str = "<text>", fallback_title: str | None = None) -> Article:
    """Parse a Markdown article; raises ArticleError naming ``source`` when it has no words."""
    last_close = text.rfind("-->")
    if last_close >= 0:  # comments can only end before the last "-->"
        text = _COMMENT.sub("", text[: last_close + 3]) + text[last_close + 3 :]
    lines = text.splitlines()
    title, first = _front_matter(lines)
    events = _events(lines[first:])
    level_one = [event for event in events if event.kind == "heading" and event.level == 1]
    if events and events[0].kind == "heading" and events[0].level == 1 and len(level_one) == 1:
        if title is None or _same_title(title, events[0].text):
            title = events[0].text
            events = events[1:]
    levels = [event.level for event in events if event.kind == "heading"]
    if not levels:
        return assemble_article(title, split_into_parts([(e.kind, e.text) for e in events]), source, fallback_title)
    section_level = min(levels)
    drafts = [Draft(None)]
    for event in events:
        if event.kind == "heading" and event.level == section_level:
            drafts.append(Draft(event.text))
        else:
            drafts[-1].blocks.append((event.kind, event.text))
    return assemble_article(title, drafts, source, fallback_title)
