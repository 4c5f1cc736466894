"""Tags: words marked with ``#`` or ``@`` in an entry's text, as jrnl marks them.

jrnl's default tag symbols are ``#`` and ``@``, so a journal imported from jrnl
keeps its tags without any conversion. Tags compare without regard to case
(``#Family`` and ``#family`` are one tag) and are stored lower case with their
symbol. A person speaking cannot type ``#``, so "hashtag family" in a
transcript becomes ``#family``.
"""

from __future__ import annotations

import functools
import re

TAG = re.compile(r"(?<!\S)([#@])([-+*#/\w]+)")
"""jrnl's own tag pattern: ``#`` or ``@`` at the start of a word, then word characters and ``-+*#/``
(``#self-care``, ``@OS/2``, ``@C++``). Only at the start of a word, so an e-mail address
(``me@example.org``) is not a tag.
"""
SPOKEN = re.compile(r"\bhash[\s-]?tag[\s,.:;-]+(\w[\w'-]*)", re.IGNORECASE)
"""What Whisper writes for a spoken tag: "hashtag family", "Hashtag, family", "hash tag family".
Only "hashtag" (or "hash tag", "hash-tag"): a bare "hash" is ordinary speech ("hash browns").
"""


def tags_in(text: str, symbols: str | None = None) -> list[str]:
    """The distinct tags in ``text``, lower case with their symbol, in the order they first appear.

    ``symbols``: the tag symbols of the journal the entry came from (jrnl's
    ``tagsymbols``), None for ``#`` and ``@``. ``#`` is always one (a star and
    Day One's tags are kept as ``#words``); a tag written with a symbol other
    than ``#`` or ``@`` (``+anna``) is kept as ``#anna``.
    """
    pattern = TAG if symbols is None else tag_pattern(symbols)
    seen: dict[str, None] = {}
    for symbol, word in pattern.findall(text or ""):
        if word.isdigit():
            continue  # unlike jrnl: "my #1 priority", as Whisper writes "number one", is not a tag
        seen.setdefault((symbol if symbol in "#@" else "#") + word.lower(), None)
    return list(seen)


@functools.lru_cache(maxsize=16)
def tag_pattern(symbols: str) -> re.Pattern[str]:
    """jrnl's tag pattern for a journal's own tag symbols, with ``#`` always among them."""
    return re.compile(rf"(?<!\S)([{re.escape(''.join(sorted(set(symbols) | {'#'})))}])([-+*#/\w]+)")


def stored_symbols(symbols: str) -> str | None:
    """What an entry keeps of its journal's tag symbols: None where they are the usual ``#`` and ``@``."""
    wanted = set(symbols) | {"#"}
    return None if wanted == {"#", "@"} else "".join(sorted(wanted))


def spoken_tags(text: str) -> str:
    """``text`` with each spoken "hashtag word" written as ``#word``."""

    def tag(found: re.Match[str]) -> str:
        word = found.group(1).strip("'-").replace("'", "")
        return "#" + word.lower() if word else str(found.group(0))

    return SPOKEN.sub(tag, text or "")


def tag_names(wanted: str) -> list[str]:
    """The stored tags a filter such as ``family``, ``#family`` or ``@Anna`` means.

    Without a symbol both ``#word`` and ``@word`` match, as a person asking for
    "family" does not care which symbol they typed back then.
    """
    word = wanted.strip().lower()
    if word[:1] in ("#", "@"):
        return [word]
    return ["#" + word, "@" + word]
