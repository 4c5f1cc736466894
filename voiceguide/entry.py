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
    from voiceguide.cli import main

    main(exit_at_once=True)
