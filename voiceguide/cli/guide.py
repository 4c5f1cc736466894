"""`voiceguide guide`: read, breathe and reflect, section by section."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from voiceguide import messages
from voiceguide.cli.options import (
    CONTEXT,
    Options,
    cue_option,
    echo_err,
    engine_options,
    say_if_online,
    silence_option,
    voice_options,
    voice_settings,
)

if TYPE_CHECKING:
    from voiceguide.sessions.breathe import CueMode


@click.command(context_settings=CONTEXT)
@click.argument("article", required=False, type=click.Path(dir_okay=True))
@click.option("--section", type=int, help="Begin at this section (see `voiceguide sections`).")
@click.option("--restart", is_flag=True, help="Ignore where the last guided session stopped; begin at section 1.")
@click.option(
    "--text", "as_text", is_flag=True, help="No audio: print the guide and type commands and answers (reads stdin)."
)
@click.option(
    "--pattern",
    "breath_pattern",
    show_default=True,
    envvar="VOICEGUIDE_BREATH_PATTERN",
    help="Breathing pattern to offer (see `breathe --list`).",
)
@click.option(
    "--breath-minutes",
    type=click.FloatRange(min=0.01, max=60),
    show_default=True,
    envvar="VOICEGUIDE_BREATH_MINUTES",
    help="Minutes of breathing to offer.",
)
@cue_option("How each breathing phase is announced.")
@silence_option("Seconds of silence after speech that end a reflection.")
@click.option(
    "--barge-in/--no-barge-in",
    show_default=True,
    envvar="VOICEGUIDE_BARGE_IN",
    help="Listen for commands while reading aloud (speakers too: the guide's own voice is cancelled).",
)
@engine_options
@voice_options
@click.pass_obj
def guide(
    opts: Options,
    article: str | None,
    section: int | None,
    restart: bool,
    as_text: bool,
    breath_pattern: str,
    breath_minutes: float,
    cue: CueMode,
    silence: float,
    barge_in: bool,
    engine: str,
    model: str | None,
    voice: str | None,
    rate: int,
    pitch: int,
    volume: float,
) -> None:
    """The whole session, hands-free: read a section, breathe, reflect, go on.

    After each section it offers a short breathing exercise, asks a
    reflection question and records your answer. Steer it by voice after
    the listening sound ("next", "repeat", "skip", "read it back", "stop",
    "what can I say", ...) or with keys. A later run opens with a recap
    and continues where you stopped. Settings come from `voiceguide config`.

    \b
    Examples:
      voiceguide guide                    # continue where you stopped
      voiceguide guide --restart
      voiceguide guide my-notes.md --section 2
      voiceguide guide --text             # type instead of speaking
    """
    from voiceguide.sessions.factory import load_article, run_guide

    art = load_article(article)
    if not as_text:
        say_if_online(engine, opts)

    def read_line() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    summary = run_guide(
        art,
        section=section,
        restart=restart,
        as_text=as_text,
        voice=voice_settings(voice, rate, volume, pitch),
        breath_pattern=breath_pattern,
        breath_minutes=breath_minutes,
        cue=cue,
        silence=silence,
        engine=engine,
        model=model,
        notify=click.echo,
        read_line=read_line,
        out=sys.stdout,
        barge_in=barge_in,
        online=opts.online,
    )
    if summary.last_section is not None:
        echo_err(messages.GUIDE_STOPPED_AT.format(section=summary.last_section))
