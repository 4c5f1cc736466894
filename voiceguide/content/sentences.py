"""Splitting prose into sentences, and normalising each one for the speech engine.

Sentences are the unit the reader renders, plays, pauses and repeats, so a
wrong split is audible: "Dr." read as a sentence on its own, or "3." and
"5" spoken apart. The rules here are a small, predictable set:

* a boundary is ``.``, ``!``, ``?`` or an ellipsis, plus any closing quotes or
  brackets, followed by whitespace;
* no boundary when the next word starts with a lowercase letter
  (``"Really?" she asked``, ``approx. three``);
* no boundary after a title or Latin abbreviation (Mr., Dr., St., e.g., i.e.,
  vs., ...) or after a single capital initial (J. R. R. Tolkien);
* numbers like 3.5 and dashes never split, as they have no whitespace break.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")

# A candidate boundary: terminal punctuation, closing quotes/brackets, whitespace.
_BOUNDARY = re.compile(r"(?<![.!?…])([.!?…]+)([\"'”’)\]»]*)(\s+)")
_OPENERS = "\"'“‘([«"

# Abbreviations after which a period never ends a sentence: they are always
# followed by more of the same sentence (a name, an example, an opponent).
NEVER_FINAL_ABBREVIATIONS = frozenset(
    {
        "mr", "mrs", "ms", "mx", "dr", "prof", "rev", "fr", "sr", "st", "mt",
        "gen", "col", "capt", "lt", "sgt", "gov", "sen", "hon", "pres",
        "vs", "v", "e.g", "i.e", "cf", "viz", "approx", "ca", "fig", "vol", "pp",
    }
)  # fmt: skip


def count_words(text: str) -> int:
    """Count words the way a listener hears them: "it's", "3.5" and "fear-laden" are one each."""
    return len(_WORD.findall(text))


def has_words(text: str) -> bool:
    """True when there is at least one letter or digit to speak."""
    return _WORD.search(text) is not None


def _next_starts_lowercase(text: str, at: int) -> bool:
    while at < len(text) and text[at] in _OPENERS:
        at += 1
    return at < len(text) and text[at].islower()


def _token_before(text: str, start: int, end: int) -> str:
    begin = end
    while begin > start and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:end]


def _is_abbreviation(token: str) -> bool:
    token = token.lstrip(_OPENERS)
    if token.casefold() in NEVER_FINAL_ABBREVIATIONS:
        return True
    # A capital initial, as in "J. R. R. Tolkien"; "I" is a word, not an initial.
    return len(token) == 1 and token.isupper() and token != "I"


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping each one's original characters."""
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _next_starts_lowercase(text, match.end()):
            continue
        if match.group(1) == "." and _is_abbreviation(_token_before(text, start, match.start(1))):
            continue
        pieces.append(text[start : match.end(2)])
        start = match.end()
    pieces.append(text[start:])
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


_QUOTES = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
        "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": "",
    }
)  # fmt: skip
_LATIN = r"(?=\s|$|[,;:)\"'])"
_SPELLED_OUT = (
    (re.compile(r"\be\.g\." + _LATIN, re.IGNORECASE), "for example"),
    (re.compile(r"\bi\.e\." + _LATIN, re.IGNORECASE), "that is"),
    (re.compile(r"\betc\." + _LATIN, re.IGNORECASE), "et cetera"),
    (re.compile(r"\bvs\." + _LATIN, re.IGNORECASE), "versus"),
)
_RANGE_DASH = re.compile(r"(\d)\s*(?:–|--)\s*(\d)")
_PAUSE_DASH = re.compile(r"\s*(?:—|–|―|-{2,})\s*|\s+-\s+")
_ELLIPSIS = re.compile(r"\s*(?:…|\.\s?\.\s?\.)(?:\s?\.)*\s*")
_TRAILING_ELLIPSIS = re.compile(r"(?:…|\.\s?\.\s?\.)[\"')\]]*\s*$")
_CLOSER_AHEAD = re.compile(r"[\"')\]]+(?:\s|$|[,.;:!?])")
_AMPERSAND = re.compile(r"\s*&\s*")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_REPEATED_COMMAS = re.compile(r",(?:\s*,)+")
_COMMA_BEFORE_STOP = re.compile(r",\s*([.;:!?])")
_STOP_BEFORE_COMMA = re.compile(r"([.;:!?])\s*,")
_FINAL = re.compile(r"[.!?:][\"')\]]*$")


def _pause(match: re.Match[str]) -> str:
    # A pause right before a closing quote would leave `"wait, "`: drop it there.
    return "" if _CLOSER_AHEAD.match(match.string, match.end()) else ", "


def speakable(text: str, *, final: bool = True) -> str:
    """Normalise a sentence so a speech engine pauses and pronounces it as a person would.

    Curly quotes become plain ones, dashes and ellipses become a short pause
    (", "), "&" becomes "and", "e.g."/"i.e."/"etc."/"vs." are spelled out and
    whitespace collapses. With ``final`` the result ends in terminal
    punctuation (a period replaces a trailing comma or semicolon; a colon
    stays, as it leads into a list), so the engine lets the sentence settle
    instead of running on: list items and headings rarely end with a period.
    """
    spoken = " ".join(text.translate(_QUOTES).split())
    trailing_ellipsis = _TRAILING_ELLIPSIS.search(spoken) is not None
    for pattern, words in _SPELLED_OUT:
        spoken = pattern.sub(words, spoken)
    spoken = _RANGE_DASH.sub(r"\1 to \2", spoken)
    spoken = _ELLIPSIS.sub(_pause, spoken)
    spoken = _PAUSE_DASH.sub(_pause, spoken)
    spoken = _AMPERSAND.sub(" and ", spoken)
    spoken = " ".join(spoken.split())
    spoken = _SPACE_BEFORE_PUNCT.sub(r"\1", spoken)
    spoken = _REPEATED_COMMAS.sub(",", spoken)
    spoken = _COMMA_BEFORE_STOP.sub(r"\1", spoken)
    spoken = _STOP_BEFORE_COMMA.sub(r"\1", spoken)
    spoken = spoken.strip(" ,")
    if spoken and (trailing_ellipsis or final) and not _FINAL.search(spoken):
        spoken = spoken.rstrip(" ,;:") + "."
    return spoken
