import os
import signal


def _before_main(signum: int, frame: object) -> None:
    os._exit(128 + signum)  # still importing: nothing is written yet, and no traceback for a stop


for _signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_signum, _before_main)

from voiceguide.cli import main  # noqa: E402 - after the handlers, so a stop during imports is quiet

main()
