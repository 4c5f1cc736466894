"""Turning what a person types into FTS5 queries that never fail.

People type words, "quoted phrases", prefix*, and now and then AND/OR/NOT.
Those pass through as FTS5 syntax. Anything FTS5 rejects (an unbalanced
quote, a stray operator, a hyphen read as a column filter) is searched again
with every token quoted as a literal, which FTS5 always accepts.
"""

from __future__ import annotations


def clean(query: str) -> str:
    """Drop characters SQLite cannot bind (lone surrogates) and NULs, which FTS5 cannot parse."""
    return query.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ").strip()


OPERATORS = ("AND", "OR", "NOT", "NEAR")


def literal(query: str) -> str:
    """Every token with a letter or digit as a quoted FTS5 string; a trailing * stays a prefix.

    A stray operator is what made the query invalid, so operators are dropped
    here unless nothing else is left.
    """
    tokens = query.split()
    words = [t for t in tokens if t.rstrip("(") not in OPERATORS]
    parts = []
    for token in words or tokens:
        if not any(char.isalnum() for char in token):
            continue  # punctuation or emoji alone: the tokenizer would drop it anyway
        prefix = token.endswith("*") and token.rstrip("*") != ""
        body = token.rstrip("*") if prefix else token
        parts.append('"' + body.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(parts)


def candidates(query: str) -> list[str]:
    """The FTS5 queries to try, in order: as typed, then as literals."""
    text = clean(query)
    if not text:
        return []
    safe = literal(text) or '""'  # an empty phrase matches nothing, without an error
    return [text] if safe == text else [text, safe]
