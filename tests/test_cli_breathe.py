"""`voiceguide breathe` as a person uses it: the real command, real tones, a recorded speaker."""

from __future__ import annotations

import sqlite3

import pytest

from tests.cli_helpers import run_voiceguide
from tests.pulse import SPEAKER_RATE
from tests.signals import dominant_frequency, loud_segments
from voiceguide import messages
from voiceguide.breathing.patterns import TONE_HZ

pytestmark = pytest.mark.audio


def test_a_minute_of_box_breathing_plays_every_tone_in_order(pulse, voiceguide_home):
    """Every cue reaches the speaker with its phase's pitch; how close to its deadline is `scripts/bench`'s."""
    with pulse.record_speaker() as rec:
        result = run_voiceguide(
            "breathe",
            "box",
            "--cycles",
            "4",
            "--cue",
            "tone",
            "--countdown",
            "1",
            "--no-animation",
            "--quiet",
            timeout=150,
        )
        samples, _ = rec.stop()
    assert result.returncode == 0, result.stderr
    segs = loud_segments(samples, SPEAKER_RATE, threshold=0.02, min_gap=0.1, window=0.001)
    # a loaded machine may break one tone into pieces on the recorded monitor: pieces less than 0.8 s apart are
    # one sound (cues are 4 s apart, the countdown tick ends about 0.95 s before the first cue)
    sounds: list[list[tuple[float, float]]] = []
    for a, b in segs:
        if sounds and a - sounds[-1][-1][1] < 0.8:
            sounds[-1].append((a, b))
        else:
            sounds.append([(a, b)])

    def pitch(pieces: list[tuple[float, float]]) -> float:
        a, b = max(pieces, key=lambda piece: piece[1] - piece[0])
        return dominant_frequency(samples[int(a * SPEAKER_RATE) : int(b * SPEAKER_RATE)], SPEAKER_RATE)

    phase_pitches = set(TONE_HZ.values())
    cues = [sound for sound in sounds if any(pitch(sound) == pytest.approx(hz, rel=0.02) for hz in phase_pitches)]
    # inhale, hold, exhale, hold, four times: each phase kind has its own pitch, none dropped or doubled;
    # the countdown tick and the closing sound have pitches of their own
    kinds = ["inhale", "hold", "exhale", "hold"] * 4
    assert len(cues) == len(kinds), [(round(c[0][0], 2), round(pitch(c))) for c in sounds]
    for kind, sound in zip(kinds, cues, strict=True):
        assert pitch(sound) == pytest.approx(TONE_HZ[kind], rel=0.02), (kind, sound)
    with sqlite3.connect(voiceguide_home / "data" / "journal.db") as db:
        rows = db.execute(
            "select pattern, planned_cycles, completed_cycles, interrupted from breathing_sessions"
        ).fetchall()
    assert rows == [("box", 4, 4, 0)]


def test_478_refuses_more_than_eight_cycles():
    result = run_voiceguide("breathe", "478", "--cycles", "9")
    assert result.returncode == 1
    assert "8 cycles" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_pattern_file_names_the_field(tmp_path):
    bad = tmp_path / "mine.toml"
    bad.write_text('name = "x"\ncycles = 2\n[[phase]]\nkind = "inhale"\nseconds = 0.2\nword = "in"\n')
    result = run_voiceguide("breathe", "--pattern-file", str(bad))
    assert result.returncode == 1
    assert "mine.toml" in result.stderr and "seconds" in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_list_shows_every_pattern_with_purpose_and_caution():
    result = run_voiceguide("breathe", "--list")
    assert result.returncode == 0
    for pattern_id in ("exhale", "box", "478", "resonant", "sigh"):
        assert pattern_id in result.stdout
    assert result.stdout.count("caution:") == 5


def test_history_without_sessions_says_so():
    result = run_voiceguide("breathe", "--history")
    assert result.returncode == 0 and messages.BREATH_NO_HISTORY in result.stdout


def test_a_bad_pattern_file_is_one_warning_and_the_built_ins_still_work():
    from voiceguide.breathing.custom import patterns_dir

    folder = patterns_dir()
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text('name = "x"\nminutes = 1e308\n[[phase]]\nkind = "inhale"\nseconds = 4\n')
    listed = run_voiceguide("breathe", "--list")
    assert listed.returncode == 0, listed.stderr
    assert "box" in listed.stdout and "resonant" in listed.stdout
    assert listed.stderr.strip() == messages.PATTERN_SKIPPED.format(
        problem="broken.toml line 2: 'minutes' must be between 0 and 180 (got 1e+308)."
    )
    chosen = run_voiceguide("breathe", "broken")
    assert chosen.returncode == 1
    assert chosen.stderr.strip() == "Error: broken.toml line 2: 'minutes' must be between 0 and 180 (got 1e+308)."


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--minutes", "inf"], messages.PATTERN_MINUTES_TOO_LONG.format(most=180, minutes=float("inf"))),
        (["--minutes", "1e308"], messages.PATTERN_MINUTES_TOO_LONG.format(most=180, minutes=1e308)),
        (
            ["--cycles", "1000000000000000000"],
            messages.PATTERN_CYCLES_TOO_MANY.format(hours=3, name="Box", most=675, cycles=10**18),
        ),
    ],
)
def test_absurd_lengths_are_one_line_and_exit_1_before_any_sound(flags, expected):
    result = run_voiceguide("breathe", "box", *flags, timeout=60)
    assert (result.returncode, result.stderr.strip()) == (1, "Error: " + expected)


@pytest.mark.parametrize("voice", ["piper:joe", "gmw/en-us"])
def test_spoken_cues_are_rendered_ahead_in_the_chosen_voice_and_each_reaches_the_speaker(pulse, voiceguide_home, voice):
    from voiceguide.settings import VoiceSettings
    from voiceguide.speech.synthesizer import Synthesizer

    with pulse.record_speaker() as rec:
        result = run_voiceguide(
            "breathe", "box", "--cycles", "2", "--cue", "voice", "--countdown", "1", "--no-animation", "--quiet",
            "--voice", voice, timeout=150,
        )  # fmt: skip
        samples, _ = rec.stop()
    assert result.returncode == 0, result.stderr
    assert "neural voice" not in result.stderr
    # every cue word was rendered in this voice (its cache key names engine, voice and model)
    with Synthesizer(VoiceSettings(voice=voice), cache_dir=voiceguide_home / "cache" / "speech") as synth:
        for word in (messages.BREATH_WORD_INHALE, messages.BREATH_WORD_HOLD, messages.BREATH_WORD_EXHALE):
            assert (synth.cache_dir / f"{synth.key(word)}.wav").exists(), word
    # a spoken word, then silence until the next 4 s phase: 8 cue words after the countdown tick, then the
    # closing sound (how close each word lands to its beat is `scripts/bench --only spoken_cues`)
    sounds = loud_segments(samples, SPEAKER_RATE, threshold=0.02, min_gap=0.8, window=0.001)
    words = [(a, b) for a, b in sounds if b - a > 0.15]
    assert len(words) >= 9, sounds
    gaps = [b[0] - a[0] for a, b in zip(words[-9:-1], words[-8:-1], strict=False)]
    assert all(3.0 < gap < 5.0 for gap in gaps), gaps  # one word per phase, none lost or doubled
