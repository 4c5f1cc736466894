"""Sentence splitting and speech normalisation: what the listener hears as one sentence."""

from __future__ import annotations

import pytest

from voiceguide.content import speakable, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Mrs. Jones. They talked.", ["Mr. Smith met Mrs. Jones.", "They talked."]),
        ("Dr. Lee lives on St. Mark Road. It is quiet.", ["Dr. Lee lives on St. Mark Road.", "It is quiet."]),
        ("Bring snacks, e.g. Fruit or nuts. Then rest.", ["Bring snacks, e.g. Fruit or nuts.", "Then rest."]),
        ("One thing, i.e. The breath. Notice it.", ["One thing, i.e. The breath.", "Notice it."]),
        ("Apples, pears, etc. are fine. Enjoy.", ["Apples, pears, etc. are fine.", "Enjoy."]),
        ("Hope vs. Fear is old. Choose.", ["Hope vs. Fear is old.", "Choose."]),
        ("We met at 9 a.m. today. Then 5 p.m. came.", ["We met at 9 a.m. today.", "Then 5 p.m. came."]),
        ("The U.S. economy grew. Good.", ["The U.S. economy grew.", "Good."]),
        ("J. R. R. Tolkien wrote it. I read it.", ["J. R. R. Tolkien wrote it.", "I read it."]),
        ("So am I. We left.", ["So am I.", "We left."]),
        ("I said no. Then I rested.", ["I said no.", "Then I rested."]),
        ("It took 3.5 hours. We slept.", ["It took 3.5 hours.", "We slept."]),
        ("I wonder... Maybe not.", ["I wonder...", "Maybe not."]),
        ("Wait... what happened? Nothing.", ["Wait... what happened?", "Nothing."]),
        ("Are you sure? Yes! Good.", ["Are you sure?", "Yes!", "Good."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("He said “stop.” Then left.", ["He said “stop.”", "Then left."]),
        ('"Really?" she asked. He nodded.', ['"Really?" she asked.', "He nodded."]),
        ('She left. "Why?" he asked.', ["She left.", '"Why?" he asked.']),
        ("(It helps.) Keep going.", ["(It helps.)", "Keep going."]),
        ("Trust—it’s fragile – and rare - truly. Yes.", ["Trust—it’s fragile – and rare - truly.", "Yes."]),
        ("No final punctuation", ["No final punctuation"]),
        ("Line one.\nLine two.", ["Line one.", "Line two."]),
    ],
)
def test_sentences_split_where_a_reader_would_pause(text, expected):
    assert split_sentences(text) == expected


def test_splitting_keeps_every_word():
    text = "Dr. Who said “hi.” Then... silence? Yes! It cost $3.50, i.e. Little."
    assert " ".join(split_sentences(text)).split() == text.split()


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("“Hello,” she said.", '"Hello," she said.'),
        ("It’s fine.", "It's fine."),
        ("lost—it’s about hope.", "lost, it's about hope."),
        ("lost — found.", "lost, found."),
        ("lost - found.", "lost, found."),
        ("lost -- found.", "lost, found."),
        ("fear-laden responses.", "fear-laden responses."),
        ("I wonder... maybe.", "I wonder, maybe."),
        ("I wonder…", "I wonder."),
        ("He said “wait…” and left.", 'He said "wait" and left.'),
        ("Tom & Jerry.", "Tom and Jerry."),
        ("Pages 1–3.", "Pages 1 to 3."),
        ("Call 555-1234.", "Call 555-1234."),
        ("Rest, e.g. sleep.", "Rest, for example sleep."),
        ("  lots   of\n space.  ", "lots of space."),
        ("Setting clear boundaries", "Setting clear boundaries."),
        ("Setting clear boundaries;", "Setting clear boundaries."),
        ("Some sources include:", "Some sources include:"),
        ('He asked "why?"', 'He asked "why?"'),
    ],
)
def test_spoken_text_is_normalised_for_the_voice(text, spoken):
    assert speakable(text) == spoken


def test_spoken_text_without_final_leaves_the_end_alone():
    assert speakable("a heading", final=False) == "a heading"
