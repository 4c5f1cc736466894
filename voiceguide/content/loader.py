"""Loading an article from the user's file, or the bundled one from package data.

Every way a file can fail to load (missing, a folder, unreadable, not UTF-8,
no words) becomes one ArticleError line naming the path and what to do, so
the command line never shows a traceback for a typo.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from voiceguide import messages
from voiceguide.content.markdown import parse_markdown
from voiceguide.content.model import Article
from voiceguide.content.plain import parse_plain
from voiceguide.content.sentences import has_words
from voiceguide.errors import ArticleError
from voiceguide.settings import ARTICLE_MB

PACKAGE = "voiceguide.content"
BUNDLED_ARTICLE = "healing-trust.txt"
BUNDLED_SOURCE = f"bundled:{BUNDLED_ARTICLE}"
"""``Article.source`` of the bundled article"""
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
DEFAULT_MAX_MB = ARTICLE_MB.default
"""Largest article read, in MB (`voiceguide config set article_mb`); reading a device like
/dev/zero whole would fill the memory"""

_MARKDOWN_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+\S", re.MULTILINE)


def title_from_name(name: str) -> str:
    """A readable title from a file name: "healing-trust.txt" -> "Healing Trust"."""
    stem = Path(name).stem
    words = re.sub(r"[-_.]+", " ", stem).split()
    if not words:
        return messages.UNTITLED_ARTICLE
    return " ".join(word if word[:1].isupper() else word.capitalize() for word in words)


def looks_like_markdown(text: str) -> bool:
    """True when a text file uses Markdown headings, so it is parsed as Markdown."""
    return _MARKDOWN_HEADING.search(text) is not None


def parse_article(text: str, source: str = "<text>", *, markdown: bool | None = None, name: str = "") -> Article:
    """Parse text with the right parser: Markdown when asked, or when it has Markdown headings."""
    fallback = title_from_name(name) if name else None
    if markdown is None:
        markdown = looks_like_markdown(text)
    parser = parse_markdown if markdown else parse_plain
    return parser(text, source=source, fallback_title=fallback)


def bundled_text(name: str = BUNDLED_ARTICLE) -> str:
    """The text of a file shipped in the package (the article or its prompts)."""
    beside = Path(__file__).with_name(name)
    if beside.is_file():  # an installed package: a plain read, without importlib.resources' ~10 ms of imports
        return beside.read_text(encoding="utf-8")
    from importlib import resources  # the package inside a zip file or another loader

    return resources.files(PACKAGE).joinpath(name).read_text(encoding="utf-8")


def read_article_text(path: Path, max_mb: float = DEFAULT_MAX_MB) -> str:
    """The file's text, or an ArticleError saying exactly why it cannot be read.

    Reads at most ``max_mb`` (and one byte more, to know it was too big), so a
    device or a pipe that never ends costs bounded memory.
    """
    if path.is_dir():
        raise ArticleError(messages.ARTICLE_IS_DIRECTORY.format(path=path))
    limit = int(max_mb * 1024 * 1024)
    try:
        with path.open("rb") as handle:
            raw = handle.read(limit + 1)
    except FileNotFoundError:
        raise ArticleError(messages.ARTICLE_MISSING.format(path=path)) from None
    except IsADirectoryError:
        raise ArticleError(messages.ARTICLE_IS_DIRECTORY.format(path=path)) from None
    except PermissionError:
        raise ArticleError(messages.ARTICLE_PERMISSION.format(path=path)) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise ArticleError(messages.ARTICLE_UNREADABLE.format(path=path, reason=reason)) from None
    if len(raw) > limit:
        raise ArticleError(messages.ARTICLE_TOO_BIG.format(path=path, mb=max_mb))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError(messages.ARTICLE_NOT_UTF8.format(path=path)) from None


def load_article(path: str | os.PathLike[str] | None = None, *, max_mb: float = DEFAULT_MAX_MB) -> Article:
    """Load the user's article, or the bundled one when ``path`` is None.

    ``.md`` and ``.markdown`` files are Markdown; any other file is plain text
    unless it uses Markdown headings ("# Title"). ``Article.source`` is the
    resolved path, so saved reading progress follows the file, not the
    directory the command ran in. A file over ``max_mb`` is refused.
    """
    if path is None:
        return parse_plain(bundled_text(), source=BUNDLED_SOURCE, fallback_title=title_from_name(BUNDLED_ARTICLE))
    shown = Path(path).expanduser()
    text = read_article_text(shown, max_mb)
    if not has_words(text):
        raise ArticleError(messages.ARTICLE_EMPTY.format(path=shown))
    markdown = True if shown.suffix.casefold() in MARKDOWN_SUFFIXES else None
    try:
        return parse_article(text, str(shown.resolve()), markdown=markdown, name=shown.name)
    except ArticleError:
        # Only markup and no words: name the path as the user typed it.
        raise ArticleError(messages.ARTICLE_EMPTY.format(path=shown)) from None
