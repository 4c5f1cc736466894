"""The Player through the private audio server: what a listener would hear."""

from __future__ import annotations

import time

import numpy as np
import pytest

from tests.pulse import SPEAKER_RATE
from tests.signals import dominant_frequency, loud_segments
from voiceguide.audio.clip import Clip
from voiceguide.audio.player import Player
from voiceguide.audio.tones import tone

pytestmark = pytest.mark.audio


@pytest.fixture
def player(pulse):
    with Player() as p:
        yield p


def test_two_tones_play_at_their_pitch_and_length(pulse, player):
    with pulse.record_speaker() as rec:
        first = player.play(tone(440, 0.6, volume=0.5))
        player.play(Clip.silence(0.3, 48000))
        second = player.play(tone(1000, 0.4, volume=0.5))
        assert player.wait(10)
        time.sleep(0.2)
        samples, _ = rec.stop()
    segs = loud_segments(samples, SPEAKER_RATE, threshold=0.02, window=0.001)
    assert len(segs) == 2, segs
    (a0, a1), (b0, b1) = segs
    f1 = dominant_frequency(samples[int(a0 * SPEAKER_RATE) : int(a1 * SPEAKER_RATE)], SPEAKER_RATE)
    f2 = dominant_frequency(samples[int(b0 * SPEAKER_RATE) : int(b1 * SPEAKER_RATE)], SPEAKER_RATE)
    assert f1 == pytest.approx(440, rel=0.02)
    assert f2 == pytest.approx(1000, rel=0.02)
    # the soft attack and release sit below the threshold for a few ms at each end
    assert a1 - a0 == pytest.approx(0.6, abs=0.03)
    assert b1 - b0 == pytest.approx(0.4, abs=0.03)
    assert first.done and second.done and second.started_at > first.started_at


def test_stop_silences_the_clip(pulse, player):
    with pulse.record_speaker() as rec:
        playing = player.play(tone(440, 5.0, volume=0.5))
        assert playing.wait_started(2)
        time.sleep(1.0)
        stopped_at = time.monotonic()
        player.stop()
        time.sleep(0.5)
        samples, origin = rec.stop()
    segs = loud_segments(samples, SPEAKER_RATE, threshold=0.02, window=0.001)
    assert len(segs) == 1, segs
    silence_from = origin + segs[0][1]
    assert playing.cancelled
    assert silence_from - stopped_at < 1.0  # silent long before the 4 s left; how soon is `scripts/bench`'s


def test_pause_is_silent_and_resume_continues(pulse, player):
    with pulse.record_speaker() as rec:
        playing = player.play(tone(660, 1.0, volume=0.5))
        assert playing.wait_started(2)
        time.sleep(0.4)
        player.pause()
        time.sleep(0.6)
        player.resume()
        assert playing.wait(5)
        time.sleep(0.2)
        samples, _ = rec.stop()
    segs = loud_segments(samples, SPEAKER_RATE, threshold=0.02, min_gap=0.2, window=0.001)
    assert len(segs) == 2, segs
    gap = segs[1][0] - segs[0][1]
    assert gap == pytest.approx(0.6, abs=0.05)
    heard = (segs[0][1] - segs[0][0]) + (segs[1][1] - segs[1][0])
    assert heard == pytest.approx(1.0, abs=0.05)


def test_scheduled_clip_starts_at_its_time(pulse, player):
    with pulse.record_speaker() as rec:
        start = time.monotonic() + 0.5
        clips = [player.play(tone(500, 0.1), at=start + k * 0.25) for k in range(4)]
        assert player.wait(5)
        time.sleep(0.2)
        samples, origin = rec.stop()
    onsets = [origin + a for a, _ in loud_segments(samples, SPEAKER_RATE, threshold=0.02, window=0.001)]
    assert len(onsets) == 4
    gaps = np.diff(onsets)
    assert np.allclose(gaps, 0.25, atol=0.01)
    for clip, k in zip(clips, range(4), strict=False):
        assert clip.started_at == pytest.approx(start + k * 0.25, abs=0.002)


def test_position_counts_frames_consumed(pulse, player):
    playing = player.play(tone(300, 2.0))
    assert playing.wait_started(2)
    time.sleep(0.5)
    early = playing.position
    time.sleep(0.5)
    later = playing.position
    player.stop()
    assert 0.3 < early < later < 1.3
    assert later - early == pytest.approx(0.5, abs=0.1)


def test_a_player_opened_in_the_background_plays_and_one_never_taken_is_closed(pulse):
    from voiceguide.audio.opening import PlayerOpening

    opening = PlayerOpening()
    with pulse.record_speaker() as rec, opening.player() as player:
        assert player.play(tone(440, 0.4, volume=0.5)).wait(5)
        time.sleep(0.2)
        samples, _ = rec.stop()
    opening.discard()  # taken: the caller closed it
    assert [b - a for a, b in loud_segments(samples, SPEAKER_RATE, threshold=0.02)] == [pytest.approx(0.4, abs=0.03)]
    untaken = PlayerOpening()
    untaken.discard()  # an error came before the first sound: its device is closed, not left open
    assert untaken._player is None
