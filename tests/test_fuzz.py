"""Whatever a person feeds in, the answer is a result or one VoiceguideError, never a traceback.

Fuzzed with hypothesis: the article parsers, the breathing pattern loader,
audio import (journal audio and `reflect --from-file` files) and search
queries. Each runs ~150 cases in the normal suite; the `slow` variants run
VOICEGUIDE_FUZZ_EXAMPLES cases each (default 10,000) and only when asked for,
with `-m slow` or VOICEGUIDE_FUZZ=1:

    VOICEGUIDE_FUZZ=1 .venv/bin/pytest -q -m slow tests/test_fuzz.py
"""

from __future__ import annotations

import io
import math
import os
import tempfile
import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceguide.breathing.custom import PHASE_KEYS, TOP_KEYS, load_pattern_file, parse_pattern
from voiceguide.breathing.patterns import PHASE_KINDS, plan_cycles
from voiceguide.content import load_article, parse_markdown, parse_plain
from voiceguide.errors import VoiceguideError
from voiceguide.journal import audio_codec, passphrase
from voiceguide.journal.store import Journal

QUICK = int(os.environ.get("VOICEGUIDE_FUZZ_QUICK", "150"))
SLOW = int(os.environ.get("VOICEGUIDE_FUZZ_EXAMPLES", "10000"))


def _wants_slow(config: pytest.Config) -> bool:
    return bool(os.environ.get("VOICEGUIDE_FUZZ")) or "slow" in (config.getoption("-m") or "")


@pytest.fixture(params=["quick", pytest.param("slow", marks=pytest.mark.slow)])
def examples(request) -> int:
    """How many cases to run: a few in the normal suite, thousands in the slow run."""
    if request.param == "slow":
        if not _wants_slow(request.config):
            pytest.skip("the long fuzz run: use -m slow or VOICEGUIDE_FUZZ=1")
        return SLOW
    return QUICK


def fuzz(examples: int, strategy, check) -> None:
    """Run ``check`` on ``examples`` values of ``strategy``; only VoiceguideError may escape it."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )
    @given(strategy)
    def run(value) -> None:
        try:
            check(value)
        except VoiceguideError as error:
            message = str(error)
            assert message.strip() and "\n" not in message.strip() and "Traceback" not in message

    run()


# articles

MARKDOWN_PIECES = st.sampled_from(
    [
        "# ",
        "## ",
        "### ",
        "#",
        "\n",
        "\n\n",
        "---\n",
        "title: x\n",
        "* ",
        "- ",
        "1. ",
        "> ",
        "```",
        "    ",
        "\t",
        "**",
        "_",
        "`",
        "[link](http://x)",
        "![img](y.png)",
        "<br>",
        "&amp;",
        "|a|b|\n",
        "Trust grows.",
        "Dr. Smith said no. ",
        "...",
        "?!",
        "\u00a0",
        "\u200b",
        "\r\n",
        "\r",
        "é",
        "🙂",
        "\ufeff",
        "=====\n",
        "-----\n",
        "Contents\n",
        "Part 1\n",
        "I. ",
        "1) ",
    ]
)
ARTICLE_TEXT = st.one_of(
    st.text(max_size=2000),
    st.lists(st.one_of(MARKDOWN_PIECES, st.text(max_size=30)), max_size=120).map("".join),
)


def _check_article(text: str) -> None:
    for parse in (parse_markdown, parse_plain):
        article = parse(text, source="<fuzz>")
        for section in article.sections:
            assert isinstance(section.title, str)
            for sentence in section.sentences:
                assert isinstance(sentence.spoken, str)


def test_article_parsers_never_crash(examples):
    fuzz(examples, ARTICLE_TEXT, _check_article)


def test_article_files_of_any_bytes_never_crash(examples, tmp_path):
    def check(data: bytes) -> None:
        for suffix in (".md", ".txt"):
            path = tmp_path / f"article{suffix}"
            path.write_bytes(data)
            load_article(path)

    fuzz(examples, st.one_of(st.binary(max_size=2000), ARTICLE_TEXT.map(str.encode)), check)


# breathing patterns

TOML_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(PHASE_KINDS),
    st.just([]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
PHASE_TABLES = st.dictionaries(st.sampled_from((*PHASE_KEYS, "extra")), TOML_VALUES, max_size=5)
PATTERN_DATA = st.dictionaries(
    st.sampled_from((*TOP_KEYS, "other")),
    st.one_of(TOML_VALUES, st.lists(st.one_of(PHASE_TABLES, TOML_VALUES), max_size=6)),
    max_size=8,
)
TOML_LINES = st.lists(
    st.one_of(
        st.just("[[phase]]"),
        st.just("[phase]"),
        st.text(max_size=20),
        st.builds(
            "{} = {}".format,
            st.sampled_from((*TOP_KEYS, *PHASE_KEYS, "x")),
            st.sampled_from(
                [
                    '"inhale"',
                    '"exhale"',
                    '"hold"',
                    "4",
                    "-1",
                    "0",
                    "0.5",
                    "inf",
                    "nan",
                    "-inf",
                    '"box"',
                    "true",
                    "[1, 2]",
                    "1e400",
                    '""',
                    "1979-05-27",
                    "{a = 1}",
                    '"x y"',
                    "9999999999999999999999",
                ]
            ),
        ),
    ),
    max_size=25,
).map("\n".join)


def _check_pattern(data: dict) -> None:
    pattern = parse_pattern(data, "mine.toml", default_id="mine")
    _use_pattern(pattern)


def _use_pattern(pattern) -> None:
    """What `voiceguide breathe --pattern-file` does next with a pattern that loaded."""
    planned = plan_cycles(pattern)
    assert planned >= 1
    assert math.isfinite(pattern.cycle_seconds) and pattern.cycle_seconds > 0


def test_pattern_tables_never_crash(examples):
    fuzz(examples, PATTERN_DATA, _check_pattern)


def test_pattern_files_never_crash(examples, tmp_path):
    def check(text: str) -> None:
        path = tmp_path / "mine.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _use_pattern(load_pattern_file(path))

    fuzz(examples, st.one_of(TOML_LINES, st.text(max_size=300)), check)


# audio import


def _valid_audio() -> dict[str, bytes]:
    """Small well-formed files to mutate, so the decoders get past their first checks."""
    t = np.arange(16000) / 16000
    samples = (np.sin(2 * np.pi * 300 * t) * 8000).astype("<i2").tobytes()
    found = {codec: audio_codec.encode(samples, 16000, codec)[1] for codec in audio_codec.CODECS}
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(samples[:8000])
    found["wav"] = buffer.getvalue()
    return found


VALID = _valid_audio()


@st.composite
def audio_bytes(draw) -> bytes:
    """Random bytes, or a real file cut short or with some bytes changed."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=4096))
    data = bytearray(VALID[draw(st.sampled_from(sorted(VALID)))])
    for _ in range(draw(st.integers(0, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    cut = draw(st.integers(0, len(data)))
    return bytes(data[:cut]) if draw(st.booleans()) else bytes(data)


def test_stored_audio_of_any_bytes_never_crashes(examples):
    def check(value: tuple[str, bytes, int | None]) -> None:
        codec, data, rate = value
        samples, out_rate = audio_codec.decode(codec, data, rate)
        assert samples.dtype == np.int16 and out_rate > 0

    codecs = st.one_of(st.sampled_from(audio_codec.CODECS), st.text(max_size=6))
    fuzz(examples, st.tuples(codecs, audio_bytes(), st.sampled_from([None, 16000, 48000])), check)


def test_imported_audio_files_of_any_bytes_never_crash(examples):
    from voiceguide.speech.decode import decode_audio_file

    with tempfile.TemporaryDirectory() as folder:

        def check(data: bytes) -> None:
            path = Path(folder) / "memo.m4a"
            path.write_bytes(data)
            samples = decode_audio_file(path)
            assert samples.dtype == np.int16

        fuzz(examples, audio_bytes(), check)


# search queries

QUERY_PIECES = st.sampled_from(
    [
        '"',
        "'",
        "*",
        "^",
        "(",
        ")",
        ":",
        "-",
        "+",
        "NEAR",
        "NEAR(",
        "AND",
        "OR",
        "NOT",
        "text:",
        "prompt:",
        "{text prompt}:",
        ",",
        ".",
        "trust",
        "forgiv*",
        "\\",
        "\x00",
        "é",
        "🙂",
        " ",
        "rowid",
        "entries_fts",
        ";",
        "--",
        "/*",
        "%",
        "_",
        "[",
        "]",
    ]
)
QUERIES = st.one_of(
    st.text(max_size=60), st.lists(st.one_of(QUERY_PIECES, st.text(max_size=6)), max_size=12).map("".join)
)


@pytest.fixture(scope="module", params=["plain", "encrypted"])
def search_journal(request, tmp_path_factory):
    key = None
    if request.param == "encrypted":
        pytest.importorskip("sqlcipher3")
        key = "fuzz"
    path = tmp_path_factory.mktemp(f"fuzz-{request.param}") / "journal.db"
    with Journal.open(path, passphrase=key) as journal:
        for text in (
            "Trust grows back slowly.",
            "I forgave my brother; it felt lighter.",
            "Small promises, kept, make trust.",
            "NEAR the river, AND the hills.",
        ):
            journal.add_entry(text, prompt="What felt steady?")
    journal = Journal.open(path, passphrase=key)
    yield journal
    journal.close()
    passphrase.forget(path)


def test_search_queries_never_crash(examples, search_journal):
    def check(query: str) -> None:
        for entry, snippet in search_journal.search(query, limit=5):
            assert entry.id >= 1 and isinstance(snippet, str)

    fuzz(examples, QUERIES, check)
