"""`voiceguide doctor` and `voiceguide devices`: what the machine offers and what is missing."""

from __future__ import annotations

import sys

import click

from voiceguide import messages
from voiceguide.cli.options import CONTEXT, Options, echo_err


@click.command(context_settings=CONTEXT)
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
    echo_err(messages.DOCTOR_PROBLEMS.format(count=len(problems)))
    for check in problems:
        echo_err(f"- {check.name}: {check.fix}")
    sys.exit(1)


@click.command(context_settings=CONTEXT)
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
