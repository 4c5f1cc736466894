"""What the commands share: context settings, the root flags, the option bundles and the voice settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from voiceguide import messages

if TYPE_CHECKING:
    from voiceguide.settings import VoiceSettings

F = TypeVar("F", bound=Callable[..., Any])

HELP_OPTIONS = ["-h", "--help"]
CONTEXT: dict[str, Any] = {"help_option_names": HELP_OPTIONS, "max_content_width": 100}


class Options(NamedTuple):
    """The root flags, handed to commands that need them (a NamedTuple: no dataclasses import at start)."""

    debug: bool = False
    debug_audio: bool = False
    online: bool = False


def echo_err(line: str) -> None:
    click.echo(line, err=True)


def voice_options(f: F) -> F:
    """--voice, --rate, --pitch and --volume, shared by every command that speaks (one definition: settings.py)."""
    from voiceguide.settings import PITCH, RATE, VOICE_HELP, VOLUME

    f = click.option(
        "--volume",
        type=float,
        default=VOLUME.default,
        show_default=True,
        envvar="VOICEGUIDE_VOLUME",
        help=f"{VOLUME.help}.",
    )(f)
    f = click.option(
        "--pitch",
        type=click.IntRange(int(PITCH.low), int(PITCH.high)),
        default=None,
        envvar="VOICEGUIDE_PITCH",
        help=f"{PITCH.help} [default: {PITCH.default}].",
    )(f)
    f = click.option(
        "--rate",
        type=int,
        default=int(RATE.default),
        show_default=True,
        envvar="VOICEGUIDE_RATE",
        help=f"{RATE.help}.",
    )(f)
    f = click.option("--voice", default=None, envvar="VOICEGUIDE_VOICE", help=f"{VOICE_HELP}.")(f)
    return f


def engine_options(f: F) -> F:
    """--engine and --model, shared by every command that transcribes."""
    f = click.option(
        "--model",
        envvar="VOICEGUIDE_MODEL",
        metavar="PATH_OR_NAME",
        help="Whisper model for every pass: tiny.en, base or a CTranslate2 model directory "
        "(default: tiny.en while you speak and for commands, base for the final pass over the whole entry).",
    )(f)
    f = click.option(
        "--engine",
        type=click.Choice(["whisper", "sphinx", "google"]),
        default="whisper",
        show_default=True,
        envvar="VOICEGUIDE_ENGINE",
        help="Speech engine: whisper or sphinx (offline; sphinx is smaller and far less accurate), "
        "or google (online: sends the audio to Google, only with --online).",
    )(f)
    return f


def silence_option(help_text: str) -> Callable[[F], F]:
    """--silence, shared by the commands that listen until the person stops talking."""
    return click.option(
        "--silence",
        type=click.FloatRange(min=0.5, max=60),
        default=3.0,
        show_default=True,
        envvar="VOICEGUIDE_SILENCE",
        help=help_text,
    )


def cue_option(help_text: str) -> Callable[[F], F]:
    """--cue, shared by the commands that pace breathing."""
    return click.option(
        "--cue",
        type=click.Choice(["voice", "tone", "both", "none"]),
        default="both",
        show_default=True,
        envvar="VOICEGUIDE_CUE",
        help=help_text,
    )


def say_if_online(engine: str, opts: Options) -> None:
    """Before any audio leaves the machine, say so (the engine itself is refused without --online)."""
    if opts.online and engine == "google":
        echo_err(messages.REFLECT_ONLINE_SENDS.format(engine=engine))


def voice_settings(voice: str | None, rate: int, volume: float, pitch: int | None = None) -> VoiceSettings:
    """The settings, saying once that --pitch does not apply when the neural voice will speak."""
    from voiceguide.settings import PITCH, VoiceSettings
    from voiceguide.speech import engines

    settings = VoiceSettings(
        voice=voice or "", rate=rate, volume=volume, pitch=int(PITCH.default) if pitch is None else pitch
    )
    chosen = engines.choose(settings.voice)
    if pitch is not None and chosen.engine == engines.PIPER:
        echo_err(messages.VOICE_PITCH_NOT_NEURAL.format(voice=chosen.voice))
    return settings
