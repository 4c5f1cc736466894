"""The pronunciation lexicon: whole words, any case, a clear error naming the line of a bad file."""

from __future__ import annotations

import pytest

from voiceguide import messages
from voiceguide.errors import SettingsError
from voiceguide.speech.lexicon import DEFAULTS, Lexicon, add_word, lexicon_path, load_lexicon


def test_whole_words_are_respelled_in_any_case():
    lex = Lexicon({"tao": "dow", "trust fall": "trust-fall"})
    assert lex.apply("The Tao of trust. TAO! Taos and potato stay.") == "The dow of trust. dow! Taos and potato stay."
    assert lex.apply("A trust fall, then trust.") == "A trust-fall, then trust."
    assert Lexicon().apply("Unchanged.") == "Unchanged."


def test_the_digest_follows_the_entries():
    assert Lexicon({"a": "b"}).digest == Lexicon({"a": "b"}).digest
    assert Lexicon({"a": "b"}).digest != Lexicon({"a": "c"}).digest != Lexicon().digest


def test_the_file_in_the_config_dir_adds_to_the_defaults(voiceguide_home):
    path = lexicon_path()
    assert path == voiceguide_home / "config" / "pronunciations.toml"
    assert load_lexicon().entries == DEFAULTS
    path.parent.mkdir(parents=True)
    path.write_text('# mine\nTao = "dow"\n"Ngozi" = "en-go-zee"\n', encoding="utf-8")
    assert load_lexicon().entries == {**DEFAULTS, "tao": "dow", "ngozi": "en-go-zee"}


@pytest.mark.parametrize(
    "text, line",
    [
        ('tao = "dow"\nbreath = 3\n', 2),
        ('tao = "dow"\n\n\nbad = ""\n', 4),
        ('"two  spaces" = "x"\n', 1),
    ],
)
def test_a_malformed_entry_names_its_line(voiceguide_home, text, line):
    path = lexicon_path()
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_lexicon()
    assert f"Line {line} of {path}" in str(caught.value)


def test_a_file_that_is_not_toml_is_a_clear_error_with_the_line(voiceguide_home):
    path = lexicon_path()
    path.parent.mkdir(parents=True)
    path.write_text('tao = "dow"\nthis is not toml\n', encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        load_lexicon()
    assert str(path) in str(caught.value) and "line 2" in str(caught.value)


def test_add_word_keeps_other_lines_and_replaces_the_same_word(voiceguide_home):
    add_word("Tao", "dow")
    add_word("ngozi", "en-go-zee")
    add_word("TAO", "dough")
    assert load_lexicon().entries == {**DEFAULTS, "tao": "dough", "ngozi": "en-go-zee"}
    assert lexicon_path().read_text(encoding="utf-8").startswith(messages.LEXICON_HEADER)
    with pytest.raises(SettingsError):
        add_word("a = b", "x")
