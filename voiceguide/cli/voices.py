"""`voiceguide voices`: the voices this machine can speak with."""

from __future__ import annotations

import click

from voiceguide.cli.options import CONTEXT


@click.command(context_settings=CONTEXT)
@click.option("--language", "-l", help="Only voices for this language code prefix (e.g. en).")
def voices(language: str | None) -> None:
    """List the text-to-speech voices: engine, id, name, languages, gender.

    The neural voice (piper:joe) comes first when it is installed; every
    other voice is espeak-ng's. Choose one with --voice or
    `voiceguide config set voice ID`.

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
        click.echo(f"{v.engine:10}  {v.id:28}  {v.name:40}  {','.join(v.languages):14}  {v.gender}")
