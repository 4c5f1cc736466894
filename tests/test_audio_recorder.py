"""The Recorder hears what is spoken into the private microphone."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tests.signals import espeak
from voiceguide.audio.recorder import Recorder

pytestmark = pytest.mark.audio


def test_chunk_levels_rise_while_someone_speaks(pulse):
    speech, rate = espeak("Trust is rebuilt one small promise at a time.")
    with Recorder() as rec:
        chunks = []
        spoke = {}

        def person():
            spoke["start"] = time.monotonic()
            pulse.play_into_mic(speech, rate)
            spoke["end"] = time.monotonic()

        t = threading.Thread(target=person)
        for chunk in rec.chunks():
            chunks.append(chunk)
            if not t.is_alive() and "start" not in spoke and sum(c.duration for c in chunks) >= 1.0:
                t.start()  # a person speaks once the microphone has heard a second of the room
            if "end" in spoke and chunk.time > spoke["end"] + 1.0:
                break
        t.join()
    assert all(c.rate == 16000 and c.samples.dtype == np.int16 for c in chunks)
    before = [c.level for c in chunks if c.time + c.duration < spoke["start"]]
    during = [c.level for c in chunks if spoke["start"] + 0.3 < c.time < spoke["end"] - 0.5]
    after = [c.level for c in chunks if c.time > spoke["end"] + 0.3]
    assert before and during and after
    assert np.median(during) > max(np.median(before), np.median(after)) + 30
    assert sorted(c.index for c in chunks) == list(range(len(chunks)))
