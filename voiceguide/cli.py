"""The command line. The only module that imports click; commands stay thin.

Each command parses options, builds settings, calls one session or store
function, and lets ``main()`` map errors to exit codes: 1 for a
VoiceguideError (one line), 2 for bad usage, 130 for Ctrl-C.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click

from voiceguide import __version__, messages
from voiceguide.errors import VoiceguideError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@dataclass
class Options:
    debug: bool = False
    debug_audio: bool = False
    online: bool = False


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="voiceguide")
@click.option("--debug", is_flag=True, envvar="VOICEGUIDE_DEBUG", help="Show tracebacks for errors.")
@click.option("--debug-audio", is_flag=True, envvar="VOICEGUIDE_DEBUG_AUDIO",
              help="Show PortAudio/ALSA/JACK messages instead of silencing them.")
@click.option("--online", is_flag=True, envvar="VOICEGUIDE_ONLINE",
              help="Allow online speech engines. Off by default: nothing leaves this machine.")
@click.pass_context
def cli(ctx: click.Context, debug: bool, debug_audio: bool, online: bool) -> None:
    """A private, offline, hands-free voice companion for a guided article.

    It reads the guidance aloud, paces breathing exercises, and keeps your
    spoken reflections in a local journal. Nothing leaves this machine
    unless you pass --online.

    \b
    Examples:
      voiceguide guide              # the whole session, hands-free
      voiceguide read --section 2   # listen to one section
      voiceguide breathe box        # a paced breathing exercise
      voiceguide doctor             # check audio, voice and model
    """
    ctx.obj = Options(debug=debug, debug_audio=debug_audio, online=online)
    if debug_audio:
        from voiceguide.audio.devices import set_debug_audio

        set_debug_audio(True)


@cli.command(context_settings=CONTEXT)
@click.pass_obj
def doctor(opts: Options) -> None:
    """Check the audio server, devices, voice, model and data directory.

    Exits 0 when everything the guided session needs works; otherwise
    prints one line per problem saying how to fix it, and exits 1.

    \b
    Example:
      voiceguide doctor
    """
    from rich.console import Console
    from rich.table import Table

    from voiceguide.sessions.doctor import run_checks

    checks = run_checks(online=opts.online)
    table = Table(title=messages.DOCTOR_TITLE, show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for check in checks:
        table.add_row(check.name, "[green]ok[/]" if check.ok else "[red]FAIL[/]", check.detail)
    Console().print(table)
    problems = [c for c in checks if not c.ok and c.required]
    if not problems:
        click.echo(messages.DOCTOR_ALL_GOOD)
        return
    _echo_err(messages.DOCTOR_PROBLEMS.format(count=len(problems)))
    for check in problems:
        _echo_err(f"- {check.name}: {check.fix}")
    sys.exit(1)


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def devices(as_json: bool) -> None:
    """List audio devices (PortAudio indexes for --output-device / --input-device).

    \b
    Example:
      voiceguide devices
    """
    import json

    from voiceguide.audio.devices import list_devices

    found = list_devices()
    if as_json:
        click.echo(json.dumps([d.__dict__ for d in found], indent=2))
        return
    for d in found:
        marks = ("in " if d.default_input else "") + ("out" if d.default_output else "")
        click.echo(f"{d.index:3}  {d.name:30}  in:{d.inputs:<3} out:{d.outputs:<3} {d.default_rate:.0f} Hz  {marks}")


@cli.command(context_settings=CONTEXT)
@click.option("--language", "-l", help="Only voices for this language code prefix (e.g. en).")
def voices(language: str | None) -> None:
    """List the text-to-speech voices: id, name, languages, gender.

    \b
    Example:
      voiceguide voices -l en
    """
    from voiceguide.speech.synthesizer import Synthesizer

    with Synthesizer() as synth:
        found = synth.voices()
    for v in found:
        if language and not any(lang.startswith(language) for lang in v.languages):
            continue
        click.echo(f"{v.id:28}  {v.name:40}  {','.join(v.languages):14}  {v.gender}")


@cli.command(context_settings=CONTEXT)
@click.argument("article", required=False, type=click.Path(dir_okay=True))
def sections(article: str | None) -> None:
    """List the sections of ARTICLE (default: the bundled article).

    Shows the number, title, words and estimated listening minutes.

    \b
    Example:
      voiceguide sections my-notes.md
    """
    from voiceguide.content import load_article, section_table

    art = load_article(article)
    click.echo(art.title)
    for row in section_table(art):
        click.echo(f"{row.number:3}  {row.title:66}  {row.words:5} words  {row.minutes:4.1f} min")


def main(argv: list[str] | None = None) -> None:
    """The one exit point: maps every outcome to an exit code and one line."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        code = cli.main(args=args, prog_name="voiceguide", standalone_mode=False)
    except click.exceptions.Abort:
        _echo_err(messages.INTERRUPTED)
        sys.exit(130)
    except KeyboardInterrupt:
        _echo_err(messages.INTERRUPTED)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except VoiceguideError as exc:
        if debug:
            raise
        _echo_err(f"Error: {exc}")
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if debug:
            raise
        _echo_err(messages.UNEXPECTED.format(error=f"{type(exc).__name__}: {exc}"))
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
