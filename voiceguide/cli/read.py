"""`voiceguide read` and `voiceguide sections`: the article, aloud, as text or into a file."""

from __future__ import annotations

import sys

import click

from voiceguide import messages
from voiceguide.cli.options import CONTEXT, voice_options, voice_settings


@click.command(context_settings=CONTEXT)
@click.argument("article", required=False, type=click.Path(dir_okay=True))
def sections(article: str | None) -> None:
    """List the sections of ARTICLE (default: the bundled article).

    Shows the number, title, words and estimated listening minutes.

    \b
    Example:
      voiceguide sections my-notes.md
    """
    from voiceguide.content import section_table
    from voiceguide.sessions.factory import load_article

    art = load_article(article)
    click.echo(art.title)
    for row in section_table(art):
        click.echo(f"{row.number:3}  {row.title:66}  {row.words:5} words  {row.minutes:4.1f} min")


@click.command(context_settings=CONTEXT)
@click.argument("article", required=False, type=click.Path(dir_okay=True))
@click.option("--section", type=int, help="Read only this section (see `voiceguide sections`).")
@click.option("--from-start", is_flag=True, help="Ignore the saved place and begin at the start.")
@click.option(
    "--to-file",
    "to_file",
    type=click.Path(dir_okay=False),
    metavar="OUT.wav",
    help="Write the reading to a WAV file instead of playing it (no audio device needed).",
)
@click.option("--text", "as_text", is_flag=True, help="Print the sentences instead of speaking them.")
@click.option("--force", is_flag=True, help="With --to-file: overwrite a file that already exists.")
@click.option(
    "--barge-in/--no-barge-in",
    default=False,
    show_default=True,
    envvar="VOICEGUIDE_BARGE_IN",
    help="Listen for next, back, repeat, pause, resume, slower, faster and stop while reading.",
)
@voice_options
def read(
    article: str | None,
    section: int | None,
    from_start: bool,
    to_file: str | None,
    as_text: bool,
    force: bool,
    barge_in: bool,
    voice: str | None,
    rate: int,
    pitch: int,
    volume: float,
) -> None:
    """Read ARTICLE aloud (default: the bundled article), sentence by sentence.

    Resumes where the last reading stopped unless --from-start is given.
    Keys: space pause, n/p next/previous sentence, ]/[ next/previous
    section, r repeat, +/- rate, q quit.

    \b
    Examples:
      voiceguide read                     # continue where you stopped
      voiceguide read --section 2         # just section 2
      voiceguide read notes.md --from-start --rate 140
      voiceguide read --to-file guide.wav
      voiceguide read --text --section 1
    """
    from voiceguide.sessions.factory import load_article

    if to_file and as_text:
        raise click.UsageError(messages.READ_TEXT_AND_FILE)
    settings = voice_settings(voice, rate, volume, pitch)
    if not (as_text or to_file):
        from voiceguide.sessions.reading import run_reading

        run_reading(
            article, section=section, from_start=from_start, voice=settings, notify=click.echo, barge_in=barge_in
        )
        return
    art = load_article(article)
    if section is not None:
        art.section(section)
    if as_text:
        from voiceguide.sessions.read import print_text

        print_text(art, section, sys.stdout)
        return
    if to_file:
        from rich.console import Console

        from voiceguide.sessions.outputs import check_output

        check_output(to_file, force=force)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from voiceguide.sessions.reading import render_reading

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task(messages.READ_RENDERING, total=None)
            seconds = render_reading(
                art,
                section=section,
                out_path=to_file,
                voice=settings,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                notify=lambda line: bar.console.print(line, markup=False, highlight=False),
            )
        click.echo(messages.READ_WROTE_FILE.format(path=to_file, seconds=seconds))
