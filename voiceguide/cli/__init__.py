"""The command line: the root group, saved settings as defaults, and the one exit policy.

The ``cli`` package is the only place that imports click; commands stay thin,
one module per command group. Each command parses options, builds settings,
calls one session or store function, and lets ``main()`` map errors to exit
codes: 1 for a VoiceguideError (one line), 2 for bad usage, 130 for Ctrl-C.
"""

from __future__ import annotations

import importlib
import sys

import click

from voiceguide import __version__, messages
from voiceguide.cli import signals
from voiceguide.cli.options import CONTEXT, HELP_OPTIONS, Options, echo_err
from voiceguide.errors import VoiceguideError

_debug = False
"""Whether to show tracebacks, set from the parsed root options"""


COMMANDS = {
    "doctor": ("doctor", "doctor"),
    "devices": ("doctor", "devices"),
    "voices": ("voices", "voices"),
    "sections": ("read", "sections"),
    "read": ("read", "read"),
    "breathe": ("breathe", "breathe"),
    "reflect": ("reflect", "reflect"),
    "checkin": ("reflect", "checkin"),
    "guide": ("guide", "guide"),
    "journal": ("journal", "journal"),
    "config": ("config", "config_group"),
}
"""Each command: the module of ``voiceguide.cli`` that defines it, and its name there"""
JOURNAL_FILE_COMMANDS = {
    "journal_files": ("journal_export", "journal_import"),
    "journal_crypt": ("journal_encrypt", "journal_decrypt", "journal_lock", "journal_passwd"),
}
"""The `journal` group's commands defined beside it, by module"""


class LazyGroup(click.Group):
    """The root group: a command's module is imported when the command is asked for, not on every start.

    `voiceguide read` then loads only what reading needs; help and the list of
    commands load them all, so both read exactly as before.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module, name = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"voiceguide.cli.{module}"), name)
            if cmd_name == "journal":
                for other, names in JOURNAL_FILE_COMMANDS.items():
                    defined = importlib.import_module(f"voiceguide.cli.{other}")
                    for each in names:
                        command.add_command(getattr(defined, each))
            self.add_command(command, cmd_name)
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.NoSuchCommand as unknown:  # "Did you mean" among every command, loaded or not
            raise click.exceptions.NoSuchCommand(
                unknown.command_name, possibilities=self.list_commands(ctx), ctx=ctx
            ) from None


@click.group(cls=LazyGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="voiceguide")
@click.option("--debug", is_flag=True, envvar="VOICEGUIDE_DEBUG", help="Show tracebacks for errors.")
@click.option(
    "--debug-audio",
    is_flag=True,
    envvar="VOICEGUIDE_DEBUG_AUDIO",
    help="Show PortAudio/ALSA/JACK messages instead of silencing them.",
)
@click.option(
    "--online",
    is_flag=True,
    envvar="VOICEGUIDE_ONLINE",
    help="Allow online speech engines. Off by default: nothing leaves this machine.",
)
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
    global _debug
    _debug = debug  # as Click read it: --debug or VOICEGUIDE_DEBUG, for main() to decide on tracebacks
    from voiceguide.journal.passphrase import set_prompt, terminal_prompt

    set_prompt(terminal_prompt)  # an encrypted journal asks for its passphrase on the terminal
    if debug_audio:
        from voiceguide.audio.devices import set_debug_audio

        set_debug_audio(True)
    if ctx.invoked_subcommand in SAVED_DEFAULTS:
        _defaults_from_config(ctx, SAVED_DEFAULTS[ctx.invoked_subcommand])
    if ctx.invoked_subcommand not in (None, "doctor") and not _asks_for_help(ctx) and not ctx.resilient_parsing:
        from voiceguide.journal.leftovers import sweep
        from voiceguide.settings import user_paths

        sweep(user_paths().data)  # what a killed conversion or edit left behind (doctor reports these)
    if (
        ctx.invoked_subcommand in JOURNAL_COMMANDS
        and not _asks_for_help(ctx)
        and not ctx.resilient_parsing
        and not (ctx.invoked_subcommand == "journal" and ctx.args[:1] == ["lock"])
    ):
        from voiceguide.sessions.factory import recover_recordings

        recover_recordings(notify=echo_err)


JOURNAL_COMMANDS = ("read", "breathe", "reflect", "guide", "journal", "checkin")
"""Commands that open the journal, and so first recover a recording a crash left behind
(all but `journal lock`, which must not unlock it)"""
VOICE_KEYS = {"voice": "voice", "rate": "rate", "volume": "volume"}
SAVED_DEFAULTS = {
    "read": {**VOICE_KEYS, "barge_in": "barge_in"},
    "breathe": VOICE_KEYS,
    "reflect": {**VOICE_KEYS, "model": "model"},
    "guide": {
        **VOICE_KEYS,
        "model": "model",
        "breath_pattern": "breath_pattern",
        "breath_minutes": "breath_minutes",
        "barge_in": "barge_in",
    },
}
"""Per command, which options (by parameter name) default to which saved setting (`voiceguide config`)"""


def _defaults_from_config(ctx: click.Context, keys: dict[str, str]) -> None:
    """The one way saved settings meet flags: they become option defaults, so flags and VOICEGUIDE_* still win."""
    from voiceguide.config import effective

    saved = effective()
    defaults = {param: saved[key] for param, key in keys.items() if saved.get(key) not in (None, "")}
    if ctx.invoked_subcommand is not None:
        ctx.default_map = {**(ctx.default_map or {}), ctx.invoked_subcommand: defaults}


def _asks_for_help(ctx: click.Context) -> bool:
    """`voiceguide CMD --help` runs this group's callback too; help should not recover recordings.

    Click has already taken the subcommand's arguments off ``ctx`` here, so look at argv.
    """
    return any(arg in HELP_OPTIONS for arg in sys.argv[1:])


def main(argv: list[str] | None = None, *, exit_at_once: bool = False) -> None:
    """The one exit point: maps every outcome to an exit code and one line.

    ``exit_at_once`` (the process's own entry, ``voiceguide.entry``): once the
    outcome is settled, a late signal changes nothing (the exit code says how the
    command ended, not that a stop came as it left), and a stopped command, its
    work kept and the streams flushed, ends with ``os._exit``, so the interpreter
    never tears down a Whisper model under a native thread that is still decoding
    (which aborts the process instead of exiting 128 + the signal).
    """
    global _debug
    _debug = False
    args = list(sys.argv[1:] if argv is None else argv)
    import os

    os.umask(0o077)  # everything written (config, cache, exports, SQLite's side files) is ours alone
    import voiceguide.audio

    voiceguide.audio.detach_c_stderr = True  # ALSA's run-time noise stays off the terminal
    try:
        signals.stop_on_signals(process=exit_at_once)
        code = _outcome(args)
        if exit_at_once:
            signals.ignore_from_now()
    except KeyboardInterrupt:  # stopped while it ran, or while it said how it ended
        if exit_at_once:
            signals.ignore_from_now()
        echo_err(messages.INTERRUPTED)
        _stopped(128 + (signals.received or 2), at_once=exit_at_once)
    sys.exit(code)


def _outcome(args: list[str]) -> int:
    """Run the command; say in one line what went wrong, if anything; the exit code."""
    try:
        code = cli.main(args=args, prog_name="voiceguide", standalone_mode=False)
    except click.exceptions.Abort:
        raise KeyboardInterrupt from None  # Ctrl-C (or end of input) at a prompt
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except VoiceguideError as exc:
        if _debug:
            raise
        echo_err(f"Error: {exc}")
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except Exception as exc:
        if _a_stop_inside(exc):  # a stop while Python ran a hook that wraps what it raises (a class being made)
            raise KeyboardInterrupt from None
        if _debug:
            raise
        echo_err(messages.UNEXPECTED.format(error=f"{type(exc).__name__}: {exc}"))
        return 1
    return code if isinstance(code, int) else 0


def _a_stop_inside(exc: BaseException) -> bool:
    """True when a Ctrl-C or a stopping signal is what the error was made from.

    Python turns an exception raised while a class is being made (a lazy import
    of a dataclass, say) into a RuntimeError caused by the original one, so a
    stop at that moment arrives dressed as an error.
    """
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _stopped(code: int, *, at_once: bool) -> None:
    if not at_once:
        sys.exit(code)
    import os

    early = sys.modules.get("voiceguide.speech.worker")
    if early is not None:
        early.stop_all()  # a voice still loading, taken by the reading or not, does not go on after the exit
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed or broken stream: nothing more to say on it
    os._exit(code)
