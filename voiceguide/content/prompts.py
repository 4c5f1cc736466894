"""Reflection prompts: the questions asked aloud after each section.

The bundled article ships ``healing-trust.prompts.toml``. Any other article
may have ``<name>.prompts.toml`` beside it (``trust.md`` ->
``trust.prompts.toml``)::

    [[section]]
    number = 2
    title = "Creating Safe Spaces"
    prompts = ["What helps you feel heard?", "..."]

An entry belongs to the section with the same title (ignoring case and
spacing), or else to the section with its number, so prompts follow their
section when the article is edited. Sections the file does not cover, and
articles without a file, get general prompts that name the section's title.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.content.loader import BUNDLED_SOURCE, bundled_text
from voiceguide.content.model import Article
from voiceguide.errors import ArticleError

PROMPTS_SUFFIX = ".prompts.toml"
BUNDLED_PROMPTS = "healing-trust.prompts.toml"


def generic_prompts(title: str) -> list[str]:
    """Open questions that fit any section, naming it so the listener knows which one."""
    return [template.format(title=title) for template in messages.GENERIC_PROMPTS]


def prompts_file_for(article: Article) -> Path | None:
    """Where an article's own prompts file would be, or None for the bundled or in-memory article."""
    if article.source == BUNDLED_SOURCE or article.source.startswith("<"):
        return None
    path = Path(article.source)
    return path.with_name(path.stem + PROMPTS_SUFFIX)


def _invalid(where: str, reason: str) -> ArticleError:
    return ArticleError(messages.PROMPTS_INVALID.format(path=where, reason=reason))


def _entries(text: str, where: str) -> list[tuple[int | None, str | None, list[str]]]:
    """(number, title, prompts) for each [[section]], or an ArticleError naming the file."""
    import tomllib  # only when there is a prompts file to read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _invalid(where, str(error)) from None
    tables: Any = data.get("section", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise _invalid(where, "sections must be written as [[section]] tables")
    entries = []
    for table in tables:
        number, title, prompts = table.get("number"), table.get("title"), table.get("prompts")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number < 1):
            raise _invalid(where, f"section number {number!r} is not a whole number from 1")
        if title is not None and not isinstance(title, str):
            raise _invalid(where, f"section title {title!r} is not text")
        if number is None and title is None:
            raise _invalid(where, "each [[section]] needs a number or a title")
        if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            raise _invalid(where, f'section {title or number} needs prompts = ["..."], a list of questions')
        cleaned = [" ".join(prompt.split()) for prompt in prompts if prompt.strip()]
        if cleaned:
            entries.append((number, title, cleaned))
    return entries


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _read_prompts_text(article: Article) -> tuple[str, str] | None:
    """(text, where) of the article's prompts file, or None when it has none."""
    if article.source == BUNDLED_SOURCE:
        return bundled_text(BUNDLED_PROMPTS), f"bundled:{BUNDLED_PROMPTS}"
    path = prompts_file_for(article)
    if path is None or not path.is_file():
        return None
    try:
        return path.read_text(encoding="utf-8-sig"), str(path)
    except UnicodeDecodeError:
        raise _invalid(str(path), "it is not UTF-8 text") from None
    except OSError as error:
        raise _invalid(str(path), error.strerror or type(error).__name__) from None


def load_prompts(article: Article) -> dict[int, list[str]]:
    """Prompts for every section of ``article``, keyed by section number; never an empty list."""
    found = _read_prompts_text(article)
    entries = _entries(*found) if found else []
    by_title = {_title_key(section.title): section.number for section in article.sections}
    chosen: dict[int, list[str]] = {}
    unmatched = []
    for number, title, prompts in entries:
        matched = by_title.get(_title_key(title)) if title else None
        if matched is not None and matched not in chosen:
            chosen[matched] = prompts
        else:
            unmatched.append((number, prompts))
    for number, prompts in unmatched:
        if number is not None and number <= len(article.sections) and number not in chosen:
            chosen[number] = prompts
    return {
        section.number: list(chosen.get(section.number) or generic_prompts(section.title))
        for section in article.sections
    }


def next_prompt(prompts: dict[int, list[str]], section: int, used_count: int) -> str:
    """The prompt to ask after ``used_count`` earlier ones in this section, cycling round."""
    choices = prompts.get(section)
    if not choices:
        raise ArticleError(messages.PROMPTS_NONE.format(number=section))
    return choices[used_count % len(choices)]
