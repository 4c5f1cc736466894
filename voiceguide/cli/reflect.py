"""`voiceguide reflect` and `voiceguide checkin`: a spoken, typed or imported entry, and a mood."""

from __future__ import annotations

import sys

import click

from voiceguide import messages
from voiceguide.cli.journal import open_journal
from voiceguide.cli.options import (
    CONTEXT,
    Options,
    echo_err,
    engine_options,
    say_if_online,
    silence_option,
    voice_options,
    voice_settings,
)


@click.command(context_settings=CONTEXT)
@click.option("--prompt", help="The question to answer (default: the next prompt of the current section).")
@click.option("--section", type=int, help="Take the prompt from this section (see `voiceguide sections`).")
@click.option("--article", "article_path", type=click.Path(dir_okay=True), help="An article of your own.")
@silence_option("Seconds of silence after speech that end the entry.")
@click.option(
    "--max-minutes",
    type=click.FloatRange(min=0.05),
    default=10,
    show_default=True,
    envvar="VOICEGUIDE_MAX_MINUTES",
    help="Longest entry in minutes.",
)
@click.option("--text", "as_text", is_flag=True, help="Type the entry instead of speaking it (reads stdin).")
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(exists=True, dir_okay=False),
    metavar="AUDIO",
    help="Import an existing recording (WAV, FLAC, MP3, OGG, M4A) as the entry.",
)
@engine_options
@voice_options
@click.pass_obj
def reflect(
    opts: Options,
    prompt: str | None,
    section: int | None,
    article_path: str | None,
    silence: float,
    max_minutes: float,
    as_text: bool,
    from_file: str | None,
    engine: str,
    model: str | None,
    voice: str | None,
    rate: int,
    pitch: int,
    volume: float,
) -> None:
    """Speak a journal entry: hear a prompt, talk, and it is transcribed and saved.

    It listens until you stop talking for --silence seconds, say "that's
    all", press Enter, or reach --max-minutes. If what you said so far
    stops mid-sentence (no full stop, or a last word "and", "but",
    "because" or "so"), it waits up to twice --silence before it ends the
    entry; a tone tells you it has ended.

    The text heard while you speak is saved at once; then the whole
    recording is transcribed once more (a few seconds, with a spinner) and
    that final text replaces it, the first kept as the entry's earlier
    version. Ctrl-C keeps the first text, and the next start finishes the
    final pass. Text and audio stay in your journal on this machine.

    \b
    Examples:
      voiceguide reflect                        # the next prompt of where you are reading
      voiceguide reflect --prompt "What went well today?"
      voiceguide reflect --section 2 --silence 5
      voiceguide reflect --from-file memo.m4a
      echo "A calm day." | voiceguide reflect --text
    """
    from voiceguide.sessions import factory

    if as_text and from_file:
        raise click.UsageError(messages.REFLECT_TEXT_AND_FILE)
    say_if_online(engine, opts)
    if as_text:

        def read_text() -> str:
            stdin = sys.stdin
            if stdin.isatty():
                echo_err(messages.REFLECT_TYPE_ENTRY)
            return stdin.read()

        entry = factory.typed_reflection(
            read_text, prompt=prompt, section=section, article_path=article_path, notify=click.echo
        )
        if entry is None:
            echo_err(messages.REFLECT_EMPTY_TEXT)
            return
        click.echo(messages.REFLECT_SAVED.format(id=entry.id))
        return
    if from_file:
        result = factory.import_reflection(
            from_file,
            prompt=prompt,
            section=section,
            article_path=article_path,
            engine=engine,
            model=model,
            online=opts.online,
        )
    else:
        result = factory.run_reflect(
            prompt=prompt,
            section=section,
            article_path=article_path,
            silence=silence,
            max_minutes=max_minutes,
            engine=engine,
            model=model,
            voice=voice_settings(voice, rate, volume, pitch),
            notify=click.echo,
            online=opts.online,
        )
    if result.entry is None:
        echo_err(messages.REFLECT_HEARD_NOTHING)
        return
    click.echo(result.entry.text)
    click.echo(messages.REFLECT_SAVED.format(id=result.entry.id))


@click.command(context_settings=CONTEXT)
@click.argument("mood", required=False)
def checkin(mood: str | None) -> None:
    """Note how you feel right now, from 1 to 5 (asks when no number is given).

    \b
    Examples:
      voiceguide checkin 3
      voiceguide checkin
    """
    from voiceguide.sessions.checkin import parse_mood

    if mood is None:
        click.echo(messages.CHECKIN_ASK_TYPED, nl=False)
        mood = sys.stdin.readline().strip()
    value = parse_mood(mood)
    with open_journal() as jr:
        jr.add_checkin(value)
    click.echo(messages.CHECKIN_SAVED.format(mood=value))
