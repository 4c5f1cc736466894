"""`voiceguide config`: settings kept between sessions, and pronunciations."""

from __future__ import annotations

import click

from voiceguide import messages
from voiceguide.cli.options import CONTEXT


@click.group("config", context_settings=CONTEXT)
def config_group() -> None:
    """Settings kept between sessions: voice, rate, volume, breathing, barge-in, pronunciations.

    Flags and VOICEGUIDE_* environment variables override them.

    \b
    Examples:
      voiceguide config show
      voiceguide config set rate 150
      voiceguide config set breath_pattern box
      voiceguide config set voice gmw/en-us
      voiceguide config pronounce Ngozi "en-go-zee"
      voiceguide config path
    """


@config_group.command("show", context_settings=CONTEXT)
def config_show() -> None:
    """Every setting with its value (stored or default).

    \b
    Example:
      voiceguide config show
    """
    from voiceguide import config

    stored = config.load_config()
    for name, value in config.effective().items():
        mark = "" if name in stored else "  (default)"
        click.echo(f"{name} = {config.toml_value(value)}{mark}")


@config_group.command("set", context_settings=CONTEXT)
@click.argument("key")
@click.argument("value")
def config_set(key: str, value: str) -> None:
    """Store KEY = VALUE in config.toml.

    \b
    Examples:
      voiceguide config set volume 0.8
      voiceguide config set barge_in true
    """
    from voiceguide import config

    parsed = config.parse_value(key, value)
    config.check_name(key, parsed)
    path = config.set_value(key, parsed)
    click.echo(messages.CONFIG_SET.format(key=key, value=parsed, path=path))


@config_group.command("path", context_settings=CONTEXT)
def config_path() -> None:
    """Print where config.toml and pronunciations.toml live.

    \b
    Example:
      voiceguide config path
    """
    from voiceguide import config
    from voiceguide.speech.lexicon import lexicon_path

    click.echo(str(config.config_path()))
    click.echo(str(lexicon_path()))


@config_group.command("pronounce", context_settings=CONTEXT)
@click.argument("word")
@click.argument("respelling", required=False)
def config_pronounce(word: str, respelling: str | None) -> None:
    """Say WORD as RESPELLING from now on (both voices); without RESPELLING, show how WORD is said.

    Entries live in pronunciations.toml (`voiceguide config path`) as
    word = "respelling" lines: whole words, any case. Edit the file by hand
    to remove one.

    \b
    Examples:
      voiceguide config pronounce Ngozi "en-go-zee"
      voiceguide config pronounce Ngozi
    """
    from voiceguide.speech.lexicon import add_word, load_lexicon

    if respelling is None:
        click.echo(load_lexicon().apply(word))
        return
    path = add_word(word, respelling)
    click.echo(messages.LEXICON_SET.format(word=word, spoken=respelling, path=path))
