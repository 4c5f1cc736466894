"""BreatheSession over a fake player and clock: audio ready in time, every cue on its deadline."""

from __future__ import annotations

import numpy as np
import pytest

from tests.fakes import FakeClock, FakePlayer, ScriptedKeys
from voiceguide import messages
from voiceguide.audio.clip import Clip
from voiceguide.audio.tones import tone
from voiceguide.breathing.patterns import BUILTIN_PATTERNS, TONE_HZ, BreathPattern, Phase
from voiceguide.breathing.scheduler import DEFAULT_LEAD
from voiceguide.sessions.breathe import (
    CUE_TONE_SECONDS,
    VOICE_GAP,
    BreatheSession,
    safety_notices,
)
from voiceguide.ui.breathing_view import NullView

START = 1000.0
BOX = BUILTIN_PATTERNS["box"]
ALL_KINDS = BreathPattern(
    "kinds",
    "All kinds",
    (Phase("inhale", 3), Phase("hold", 2), Phase("exhale", 4), Phase("rest", 2)),
)


class FakeVoice:
    """render_voice: a 0.4 s clip at espeak's rate, noting each word."""

    def __init__(self, log: list, seconds: float = 0.4) -> None:
        self.log = log
        self.seconds = seconds
        self.words: list[str] = []

    def __call__(self, word: str) -> Clip:
        self.words.append(word)
        self.log.append(("render", word))
        return tone(200 + 10 * len(word), self.seconds, rate=22050)


class FakeJournal:
    def __init__(self) -> None:
        self.sessions: list[dict] = []

    def add_breathing_session(self, *, pattern, planned_cycles, completed_cycles, seconds, interrupted):
        self.sessions.append(
            dict(
                pattern=pattern,
                planned_cycles=planned_cycles,
                completed_cycles=completed_cycles,
                seconds=seconds,
                interrupted=interrupted,
            )
        )


@pytest.fixture
def rig():
    class Rig:
        def __init__(self) -> None:
            self.log: list = []
            self.clock = FakeClock(START)
            self.player = FakePlayer(self.clock, self.log)
            self.voice = FakeVoice(self.log)
            self.journal = FakeJournal()
            self.view = NullView()
            self.keys = ScriptedKeys()

        def session(self, pattern=BOX, cycles=2, **kwargs) -> BreatheSession:
            kwargs.setdefault("cue_mode", "tone")
            kwargs.setdefault("render_voice", self.voice)
            return BreatheSession(
                pattern,
                cycles,
                player=self.player,
                clock=self.clock,
                view=self.view,
                journal=self.journal,
                keys=self.keys,
                **kwargs,
            )

    return Rig()


def cue_plays(session: BreatheSession, player: FakePlayer):
    """Plays between the countdown ticks and the end earcon."""
    return [p for p in player.plays if p[0] is not session.tick_clip and p[0] is not session.end_clip]


def dominant_hz(clip: Clip) -> float:
    samples = clip.to_float()
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / clip.rate)[np.argmax(spectrum)])


def test_every_cue_plays_at_its_scheduled_time(rig):
    session = rig.session(cycles=3)
    result = session.run()
    cues = session.scheduler.schedule.cues
    plays = cue_plays(session, rig.player)
    assert [at for _, at, _ in plays] == [c.at for c in cues]
    assert [c.at for c in cues] == [cues[0].at + 4.0 * k for k in range(12)]
    for _, at, handed in plays:
        assert handed == at - DEFAULT_LEAD  # handed over early, started by the player on the sample
    assert result.completed_cycles == 3 and not result.interrupted
    assert result.seconds == 48.0


def test_all_cue_audio_is_rendered_before_anything_plays(rig):
    session = rig.session(cycles=2, cue_mode="both")
    session.run()
    renders = [i for i, (what, _) in enumerate(rig.log) if what == "render"]
    plays = [i for i, (what, _) in enumerate(rig.log) if what == "play"]
    assert renders and plays and max(renders) < min(plays)
    assert sorted(rig.voice.words) == ["Breathe in", "Breathe out", "Hold"]  # each word once


def test_the_countdown_ticks_each_second_then_the_first_cue_follows(rig):
    session = rig.session(cycles=1, countdown=3)
    session.run()
    ticks = [at for clip, at, _ in rig.player.plays if clip is session.tick_clip]
    first = session.scheduler.schedule[0].at
    assert ticks == [first - 3, first - 2, first - 1]
    assert ticks[0] == START + DEFAULT_LEAD
    assert [e for e in rig.view.events if e[0] == "countdown"] == [("countdown", 3), ("countdown", 2), ("countdown", 1)]


def test_both_mode_plays_the_tone_on_the_cue_and_the_word_right_after(rig):
    session = rig.session(cycles=1, cue_mode="both")
    session.run()
    plays = cue_plays(session, rig.player)
    cues = session.scheduler.schedule.cues
    assert len(plays) == 8
    for cue, (beep, beep_at, _), (voice, voice_at, _) in zip(cues, plays[::2], plays[1::2], strict=False):
        assert beep_at == cue.at
        assert beep.duration == pytest.approx(CUE_TONE_SECONDS)
        assert voice_at == pytest.approx(cue.at + CUE_TONE_SECONDS + VOICE_GAP)
        assert voice.rate == rig.player.rate  # resampled ahead of time, not between cues


def test_voice_mode_speaks_on_the_cue(rig):
    session = rig.session(cycles=1, cue_mode="voice")
    session.run()
    plays = cue_plays(session, rig.player)
    assert [at for _, at, _ in plays] == [c.at for c in session.scheduler.schedule.cues]
    assert plays[0][0] is session.voices["Breathe in"]


def test_each_phase_kind_sounds_its_own_pitch(rig):
    session = rig.session(pattern=ALL_KINDS, cycles=1, cue_mode="tone")
    session.run()
    pitch = {
        cue.phase.kind: dominant_hz(clip)
        for cue, (clip, _, _) in zip(session.scheduler.schedule.cues, cue_plays(session, rig.player), strict=False)
    }
    assert set(pitch) == {"inhale", "hold", "exhale", "rest"}
    for kind, hz in pitch.items():
        assert hz == pytest.approx(TONE_HZ[kind], abs=4), kind
    assert len({round(hz) for hz in pitch.values()}) == 4


def test_short_phases_get_one_word_cues_that_fit(rig):
    rig.voice.seconds = 1.5  # longer than the sigh's 1 s "in again"
    session = rig.session(pattern=BUILTIN_PATTERNS["sigh"], cycles=1, cue_mode="voice")
    session.run()
    assert sorted(rig.voice.words) == ["Breathe in", "Breathe out", "In"]
    plays = cue_plays(session, rig.player)
    assert plays[1][0].duration <= 1.0 - 0.1 + 1e-9  # trimmed so the next cue is not delayed
    assert plays[2][0].duration == pytest.approx(1.5)


def test_none_mode_plays_nothing_but_keeps_time(rig):
    session = rig.session(cycles=2, cue_mode="none", render_voice=None)
    result = session.run()
    assert rig.player.plays == []
    assert rig.clock.now == START + DEFAULT_LEAD + 3 + 32.0
    assert [e[1] for e in rig.view.events if e[0] == "phase"] == list(range(8))
    assert result.completed_cycles == 2 and result.seconds == 32.0


def test_the_journal_gets_the_finished_session(rig):
    rig.session(cycles=2).run()
    assert rig.journal.sessions == [
        dict(pattern="box", planned_cycles=2, completed_cycles=2, seconds=32.0, interrupted=False)
    ]


def test_ctrl_c_mid_session_is_logged_then_raised(rig):
    session = rig.session(cycles=5)
    first = START + DEFAULT_LEAD + 3

    def interrupt():
        raise KeyboardInterrupt

    rig.clock.call_at(first + 37.0, interrupt)
    with pytest.raises(KeyboardInterrupt):
        session.run()
    assert rig.journal.sessions == [
        dict(pattern="box", planned_cycles=5, completed_cycles=2, seconds=37.0, interrupted=True)
    ]
    assert session.result.keyboard_interrupt
    assert ("stop", first + 37.0) in rig.player.controls  # silence at once
    assert rig.view.events[-1] == ("finish", session.result)


def test_ctrl_c_during_the_countdown_is_logged_as_nothing_done(rig):
    session = rig.session(cycles=5)

    def interrupt():
        raise KeyboardInterrupt

    rig.clock.call_at(START + 1.5, interrupt)
    with pytest.raises(KeyboardInterrupt):
        session.run()
    assert rig.journal.sessions == [
        dict(pattern="box", planned_cycles=5, completed_cycles=0, seconds=0.0, interrupted=True)
    ]


def test_space_pauses_and_resumes_shifting_later_cues(rig):
    session = rig.session(cycles=2)
    first = START + DEFAULT_LEAD + 3
    rig.clock.call_at(first + 10.0, lambda: rig.keys.press(" "))
    rig.clock.call_at(first + 17.0, lambda: rig.keys.press(" "))
    result = session.run()
    plays = [at for _, at, _ in cue_plays(session, rig.player)]
    planned = [first + 4.0 * k for k in range(8)]
    assert plays[:3] == planned[:3]
    assert plays[3:] == [t + 7.0 for t in planned[3:]]
    assert rig.player.controls == [("pause", first + 10.0), ("resume", first + 17.0)]
    assert ("paused", True) in rig.view.events and ("paused", False) in rig.view.events
    assert result.seconds == 32.0 and not result.interrupted


def test_a_pause_just_before_a_cue_drops_its_early_audio_and_replays_it_on_time(rig):
    session = rig.session(cycles=1)
    first = START + DEFAULT_LEAD + 3
    rig.clock.call_at(first + 3.95, session.pause)  # cue 1 (at +4) was handed over at +3.9
    rig.clock.call_at(first + 5.95, session.resume)
    session.run()
    plays = [at for _, at, _ in cue_plays(session, rig.player)]
    assert plays == [first, first + 4.0, first + 6.0, first + 10.0, first + 14.0]
    assert rig.player.controls == [("stop", first + 3.95), ("resume", first + 5.95)]


def test_q_stops_and_keeps_what_was_done(rig):
    session = rig.session(cycles=4)
    first = START + DEFAULT_LEAD + 3
    rig.clock.call_at(first + 20.0, lambda: rig.keys.press("q"))
    result = session.run()
    assert result.reason == "stopped" and result.interrupted
    assert result.completed_cycles == 1
    assert result.seconds == pytest.approx(20.0, abs=0.06)
    assert rig.journal.sessions[0]["interrupted"] is True
    assert rig.player.controls[-1][0] == "stop"


def test_a_finished_session_ends_with_the_end_sound_on_time(rig):
    session = rig.session(cycles=1)
    session.run()
    clip, at, _ = rig.player.plays[-1]
    assert clip is session.end_clip
    assert at == session.scheduler.schedule.end


def test_voice_modes_need_a_renderer(rig):
    with pytest.raises(ValueError, match="render_voice"):
        rig.session(cue_mode="voice", render_voice=None)
    with pytest.raises(ValueError, match="cue_mode"):
        rig.session(cue_mode="loud")


def test_safety_notices():
    box, exhale = BUILTIN_PATTERNS["box"], BUILTIN_PATTERNS["exhale"]
    assert safety_notices(box, first_use=True) == [messages.BREATH_NOT_MEDICAL, messages.BREATH_CAUTION_HOLDS]
    assert safety_notices(box, first_use=False) == [messages.BREATH_CAUTION_HOLDS]
    assert safety_notices(box, first_use=False, quiet=True) == []
    assert safety_notices(exhale, first_use=False) == []
    assert safety_notices(exhale, first_use=True, quiet=True) == [messages.BREATH_NOT_MEDICAL]
    assert messages.BREATH_NOT_MEDICAL == "Not medical advice. Stop if you feel dizzy or short of breath."


def test_importing_the_session_loads_no_audio_libraries():
    import subprocess
    import sys

    code = (
        "import sys, voiceguide.sessions.breathe, voiceguide.breathing.custom; "
        "print(sorted(m for m in ('numpy', 'rich', 'soxr') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.audio
def test_cues_reach_the_speaker_in_order_with_their_pitch(pulse):
    """The real path: Player, system clock and the private audio server (timing: `scripts/bench`)."""
    from tests.pulse import SPEAKER_RATE
    from tests.signals import dominant_frequency, loud_segments
    from voiceguide.audio.player import Player
    from voiceguide.collaborators import SystemClock

    pattern = BreathPattern("quick", "Quick", (Phase("inhale", 0.6), Phase("hold", 0.5), Phase("exhale", 0.7)))
    with Player() as player, pulse.record_speaker() as rec:
        session = BreatheSession(pattern, 2, player=player, clock=SystemClock(), cue_mode="tone", countdown=1)
        result = session.run()
        player.wait(5)
        samples, origin = rec.stop()
    cues = session.scheduler.schedule.cues
    # cue tones are loud; the countdown tick is too soft to cross the threshold
    segments = loud_segments(samples, SPEAKER_RATE, threshold=0.2, min_gap=0.1, window=0.001)
    onsets = [origin + a for a, _ in segments][: len(cues)]
    assert len(onsets) == len(cues), segments
    assert np.all(np.diff(onsets) > 0.3), onsets  # one tone per phase, none doubled
    for (a, b), cue in zip(segments, cues, strict=False):
        heard = samples[int(a * SPEAKER_RATE) : int(b * SPEAKER_RATE)]
        assert dominant_frequency(heard, SPEAKER_RATE) == pytest.approx(cue.phase.pitch, rel=0.02)
    assert result.completed_cycles == 2 and result.seconds == pytest.approx(3.6)
