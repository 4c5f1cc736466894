"""`voiceguide breathe`: a paced breathing exercise, the patterns and the history."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from voiceguide import messages
from voiceguide.cli.options import CONTEXT, cue_option, echo_err, voice_options, voice_settings

if TYPE_CHECKING:
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.breathe import CueMode


@click.command(context_settings=CONTEXT)
@click.argument("pattern", required=False, envvar="VOICEGUIDE_PATTERN")
@click.option("--minutes", type=click.FloatRange(min=0.1), help="Length in minutes (ends on a whole cycle).")
@click.option("--cycles", type=click.IntRange(min=1), help="Number of whole breathing cycles.")
@click.option("--bpm", type=float, help="Breaths per minute for the resonant pattern (4.5-7).")
@cue_option("How each phase is announced.")
@click.option(
    "--countdown",
    type=click.IntRange(min=0, max=30),
    default=3,
    show_default=True,
    help="Seconds of countdown before the first cue.",
)
@click.option("--no-animation", is_flag=True, help="One plain line per phase instead of the animation.")
@click.option("--pattern-file", type=click.Path(exists=True, dir_okay=False), help="A pattern in TOML.")
@click.option("--quiet", is_flag=True, help="Skip the caution lines.")
@click.option("--list", "list_only", is_flag=True, help="List the patterns and exit.")
@click.option("--history", is_flag=True, help="Show recent sessions and minutes per week.")
@voice_options
def breathe(
    pattern: str | None,
    minutes: float | None,
    cycles: int | None,
    bpm: float | None,
    cue: CueMode,
    countdown: int,
    no_animation: bool,
    pattern_file: str | None,
    quiet: bool,
    list_only: bool,
    history: bool,
    voice: str | None,
    rate: int,
    pitch: int,
    volume: float,
) -> None:
    """A paced breathing exercise with spoken cues, tones and an animation.

    PATTERN is one of `--list` (default: exhale) or your own pattern in
    patterns/*.toml in the config directory. Space pauses, q stops.

    \b
    Examples:
      voiceguide breathe                 # in 4, out 6 for 5 minutes
      voiceguide breathe box --minutes 3
      voiceguide breathe 478 --cycles 4 --cue tone
      voiceguide breathe --history
    """
    from voiceguide.breathing.custom import all_patterns, find_pattern, load_pattern_file
    from voiceguide.breathing.patterns import DEFAULT_PATTERN, plan_cycles

    if list_only:
        for p in all_patterns(warn=echo_err).values():
            length = f"{p.default_cycles} cycles" if p.default_cycles else f"{p.default_minutes:g} min"
            click.echo(f"{p.id:10} {p.summary:32} {length:10} {p.purpose}")
            if p.caution:
                click.echo(f"{'':10} caution: {p.caution}")
        return
    if history:
        from voiceguide.journal.store import Journal

        with Journal.open() as journal:
            _print_breath_history(journal)
        return
    chosen = (
        load_pattern_file(pattern_file) if pattern_file else find_pattern(pattern or DEFAULT_PATTERN, warn=echo_err)
    )
    if bpm is not None:
        chosen = chosen.with_bpm(bpm)
    planned = plan_cycles(chosen, minutes=minutes, cycles=cycles)
    from voiceguide.sessions.factory import run_breathing

    run_breathing(
        chosen,
        planned,
        cue_mode=cue,
        countdown=countdown,
        animate=not no_animation,
        quiet=quiet,
        voice=voice_settings(voice, rate, volume, pitch),
        volume=volume,
    )


def _print_breath_history(journal: Journal) -> None:
    sessions = journal.breathing_sessions(limit=20)
    if not sessions:
        click.echo(messages.BREATH_NO_HISTORY)
        return
    for s in sessions:
        status = "stopped" if s.interrupted else "done"
        click.echo(
            f"{s.started[:16].replace('T', ' ')}  {s.pattern:10} {s.completed_cycles:3}/{s.planned_cycles:<3} "
            f"cycles  {s.seconds / 60:5.1f} min  {status}"
        )
    click.echo("")
    for week, minutes in journal.minutes_per_week(weeks=8):
        click.echo(f"week of {week}: {minutes:5.1f} min")
