"""The long-lived pyttsx3 render process (``python -m voiceguide.speech.render_worker``).

pyttsx3 2.99's espeak driver prints to stdout, returns early from the first
``runAndWait()`` and keeps the last text and file between calls, so it runs
here, isolated: requests arrive as JSON lines on stdin, replies leave on a
private copy of the original stdout, and fd 1 and 2 point at /dev/null.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time


def _reply(out, **fields) -> None:
    out.write(json.dumps(fields) + "\n")
    out.flush()


def main() -> None:
    proto = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    if not os.environ.get("VOICEGUIDE_DEBUG_TTS"):
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    sys.stdout = open(os.devnull, "w")
    try:
        import pyttsx3

        engine = pyttsx3.init()
    except Exception as exc:  # any failure here means no speech engine
        _reply(proto, ok=False, error=f"{type(exc).__name__}: {exc}")
        return
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)

    def set_now(name: str, value) -> None:
        """Apply a property before the next utterance starts.

        engine.setProperty() only queues the change, and the queue is pumped
        as synthesis starts, so a new rate could miss the very next sentence;
        the driver applies it at once.
        """
        (driver or engine).setProperty(name, value)

    done = threading.Event()
    engine.connect("finished-utterance", lambda name, completed: done.set())
    known_voices: set[str] | None = None
    current_voice = None
    _reply(proto, ok=True, ready=True)
    for line in sys.stdin:
        try:
            req = json.loads(line)
        except ValueError:
            continue
        op = req.get("op")
        try:
            if op == "voices":
                voices = [
                    {"id": v.id, "name": v.name, "languages": [str(x) for x in (v.languages or [])],
                     "gender": v.gender}
                    for v in engine.getProperty("voices")
                ]
                _reply(proto, ok=True, id=req.get("id"), voices=voices)
                continue
            if op != "render":
                _reply(proto, ok=False, id=req.get("id"), error=f"unknown op {op}")
                continue
            if req.get("voice") and req["voice"] != current_voice:
                if known_voices is None:
                    known_voices = {v.id for v in engine.getProperty("voices")}
                if req["voice"] not in known_voices:
                    _reply(proto, ok=False, id=req.get("id"), error=f"unknown voice {req['voice']}")
                    continue
                set_now("voice", req["voice"])
                current_voice = req["voice"]
            set_now("rate", int(req.get("rate", 170)))
            set_now("volume", float(req.get("volume", 1.0)))
            if "pitch" in req:
                try:
                    set_now("pitch", int(req["pitch"]))
                except (KeyError, ValueError):
                    pass  # a driver without pitch speaks at its own
            done.clear()
            engine.save_to_file(req["text"], req["path"])
            deadline = time.monotonic() + float(req.get("timeout", 20))
            # one runAndWait starts one synthesis; it may return before the file is
            # written, so wait for finished-utterance. Calling it again would start
            # a second synthesis that could finish into the next request's file.
            engine.runAndWait()
            done.wait(max(0.0, deadline - time.monotonic()))
            _reply(proto, ok=done.is_set(), id=req.get("id"), path=req["path"],
                   error=None if done.is_set() else "timed out")
        except Exception as exc:
            _reply(proto, ok=False, id=req.get("id"), error=f"{type(exc).__name__}: {exc}")


if __name__ == "__main__":
    main()
