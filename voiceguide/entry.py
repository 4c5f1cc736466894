"""Where the installed `voiceguide` command and `python -m voiceguide` start.

A stop while the program is still loading ends it at once, quietly, with 128 + the
signal: nothing has been written yet, so there is nothing to keep. The handlers go in
with the built-in ``_signal`` module before anything else is imported, so the only
moment a Ctrl-C can still show Python's own KeyboardInterrupt is the interpreter's
own start-up, before any voiceguide code runs. ``cli.main`` then takes over with the
handlers that keep partial work.
"""

import os

try:
    import _signal  # type: ignore[import-not-found]  # built in, loads nothing: in place before any import

    def _before_main(signum: int, frame: object) -> None:
        import sys

        stop_all = getattr(sys.modules.get("voiceguide.speech.worker"), "stop_all", None)
        if stop_all is not None:
            stop_all()  # a voice started for the reading (see run) is not left loading
        os._exit(128 + signum)  # still loading: nothing is written yet, and no traceback for a stop

    for _name in (
        "SIGINT",
        "SIGTERM",
        "SIGHUP",
        "SIGQUIT",
        "SIGUSR1",
        "SIGUSR2",
        "SIGALRM",
        "SIGVTALRM",
        "SIGPROF",
        "SIGXCPU",
    ):
        _signal.signal(getattr(_signal, _name), _before_main)
except KeyboardInterrupt:
    os._exit(130)


def run() -> None:
    """The console entry point: the command line, after the early handlers above."""
    import sys

    args = sys.argv[1:]
    aloud = reads_aloud(args)
    if aloud or guides_aloud(args):
        from voiceguide.speech.worker import start_early

        start_early(voice_asked(args))  # first: the neural voice's load is the longest wait of all
    if aloud:
        import voiceguide.audio
        from voiceguide.audio.opening import open_early

        voiceguide.audio.detach_c_stderr = True  # as the command line sets it: ALSA's noise stays off the terminal
        open_early()
    from voiceguide.cli import main

    main(exit_at_once=True)


NOT_ALOUD = ("--help", "-h", "--text", "--to-file", "--barge-in", "--debug-audio")
"""`read` options that mean no sound now, or a device other than a reading's own (see cli/read.py)"""


def reads_aloud(args: list[str]) -> bool:
    """True when ``args`` ask `read` to speak on the reading's own device, judged before Click loads.

    Only a guess to start the device sooner: Click still parses the arguments, and
    a guess that was wrong costs a device opened and closed, never a sound.
    """
    if _command(args) != "read" or os.environ.get("VOICEGUIDE_DEBUG_AUDIO"):
        return False
    return not any(arg.split("=", 1)[0] in NOT_ALOUD for arg in args)


def _command(args: list[str]) -> str | None:
    """The command ``args`` name: the first word that is not an option (the root's options are all flags)."""
    return next((arg for arg in args if not arg.startswith("-")), None)


def guides_aloud(args: list[str]) -> bool:
    """True when ``args`` ask for a spoken `guide` (its voice may start early; its devices are its own)."""
    return _command(args) == "guide" and not any(arg in ("--help", "-h", "--text") for arg in args)


def voice_asked(args: list[str]) -> str:
    """The voice ``args`` will speak in, judged before Click loads, as `read` would choose it.

    --voice, then VOICEGUIDE_VOICE, then the saved setting; "" for the default
    voice. Only a guess to start the voice sooner: a wrong one costs a worker
    started and stopped, never a sound.
    """
    for i, arg in enumerate(args):
        if arg == "--voice" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--voice="):
            return arg.split("=", 1)[1]
    if os.environ.get("VOICEGUIDE_VOICE"):
        return os.environ["VOICEGUIDE_VOICE"]
    from voiceguide import config
    from voiceguide.errors import VoiceguideError

    try:
        return str(config.effective().get("voice") or "")
    except VoiceguideError:
        return ""  # a broken config.toml is the command's to report
