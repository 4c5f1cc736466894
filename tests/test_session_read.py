"""ReadSession: order, pauses, keys and saved progress; fakes for orchestration, the real Player for sound."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

from tests.fakes import FakeClock, FakePlayer, ScriptedKeys
from tests.pulse import SPEAKER_RATE
from tests.signals import loud_segments
from voiceguide.audio.clip import Clip, read_wav
from voiceguide.collaborators import SystemClock
from voiceguide.content import Position, load_article, parse_markdown
from voiceguide.sessions.read import Pauses, ReadSession, print_text
from voiceguide.sessions.render_file import render_to_file
from voiceguide.speech.synthesizer import VoiceSettings

ARTICLE = """# Small guide

## Morning

The sun is up. Birds are singing.

Open the window.

## Evening

The moon is bright. Stars are out.

## Night

Close your eyes. Sleep well.
"""
SECONDS_PER_WORD = 0.4


@pytest.fixture
def article():
    return parse_markdown(ARTICLE, source="<test>")


# -- fakes at the device edge --------------------------------------------------
class FakeSynth:
    """Renders silence as long as the words would take; records what it was asked."""

    def __init__(self) -> None:
        self.settings = VoiceSettings(rate=160)
        self.renders: list[tuple[str, int]] = []
        self.prefetched: list[str] = []

    def render(self, text: str) -> Clip:
        self.renders.append((text, self.settings.rate))
        return Clip.silence(SECONDS_PER_WORD * len(text.split()), 1000)

    def prefetch(self, text: str) -> None:
        self.prefetched.append(text)

    def with_settings(self, settings) -> FakeSynth:
        self.settings = settings
        return self


class MemoryProgress:
    def __init__(self) -> None:
        self.saved: dict[str, tuple[int, int]] = {}
        self.history: list[tuple[int, int]] = []

    def get_progress(self, key):
        return self.saved.get(key)

    def set_progress(self, key, section, sentence):
        self.saved[key] = (section, sentence)
        self.history.append((section, sentence))


def make_session(article, keys=(), after_clip=(), pauses=None):
    clock = FakeClock()
    player, synth, progress = FakePlayer(clock), FakeSynth(), MemoryProgress()
    scripted = ScriptedKeys(clock, [(clock.now + t, k) for t, k in keys], after_clip)
    session = ReadSession(
        article,
        player=player,
        synthesizer=synth,
        keys=scripted,
        clock=clock,
        pauses=pauses or Pauses(),
        progress=progress,
        on_spoken=scripted.spoken,
    )
    return session, player, synth, progress, clock


def texts(result):
    return [(s.kind, s.text) for s in result.spoken]


# -- orchestration --------------------------------------------------------------
def test_reads_every_sentence_in_order_with_titles_and_saves_after_each(article):
    session, player, synth, progress, clock = make_session(article)
    result = session.run()
    assert result.finished
    assert texts(result) == [
        ("title", "Morning"),
        ("sentence", "The sun is up."),
        ("sentence", "Birds are singing."),
        ("sentence", "Open the window."),
        ("title", "Evening"),
        ("sentence", "The moon is bright."),
        ("sentence", "Stars are out."),
        ("title", "Night"),
        ("sentence", "Close your eyes."),
        ("sentence", "Sleep well."),
    ]
    assert progress.history == [(1, 1), (1, 2), (2, 0), (2, 1), (3, 0), (3, 1), (1, 0)]
    # the next sentence is rendered while this one plays
    assert synth.prefetched[:2] == ["Birds are singing.", "Open the window."]


def test_pauses_follow_sentence_paragraph_and_section_ends(article):
    pauses = Pauses(sentence=0.3, block=0.7, section=1.5)
    session, player, synth, progress, clock = make_session(article, pauses=pauses)
    start = clock.now
    result = session.run(section=1)
    assert result.finished and result.position == Position(1, 2)
    spoken = sum(SECONDS_PER_WORD * len(text.split()) for text, _ in synth.renders)
    # title, then block pause; after "up." a sentence pause; after "singing." a block pause; none at the end
    assert clock.now - start == pytest.approx(spoken + 0.7 + 0.3 + 0.7, abs=0.05)
    assert texts(result)[-1] == ("sentence", "Open the window.")
    assert progress.saved["<test>"] == (2, 0)


def test_section_option_reads_only_that_section(article):
    session, *_ = make_session(article)
    result = session.run(section=2)
    assert texts(result) == [("title", "Evening"), ("sentence", "The moon is bright."), ("sentence", "Stars are out.")]


def test_next_key_stops_at_once_and_skips_to_the_next_sentence(article):
    # clip 1 is "The sun is up." (1.6 s): press n 0.5 s into it
    session, player, synth, progress, clock = make_session(article, after_clip=[(1, 0.5, "n"), (2, 0.2, "q")])
    result = session.run()
    stop_at = next(t for name, t in player.calls if name == "stop")
    key_at = next(k.at for k in result.keys if k.action == "next")
    assert stop_at - key_at < 0.001
    assert texts(result)[1:3] == [("sentence", "The sun is up."), ("sentence", "Birds are singing.")]
    assert not result.finished and result.position == Position(1, 1)
    assert progress.saved["<test>"] == (1, 1)


def test_previous_section_and_previous_sentence_keys(article):
    session, *_ = make_session(article, after_clip=[(5, 0.2, "["), (7, 0.2, "p"), (8, 0.2, "q")])
    result = session.run()
    assert texts(result) == [
        ("title", "Morning"),
        ("sentence", "The sun is up."),
        ("sentence", "Birds are singing."),
        ("sentence", "Open the window."),
        ("title", "Evening"),
        ("sentence", "The moon is bright."),
        ("title", "Morning"),
        ("sentence", "The sun is up."),
        ("sentence", "The sun is up."),  # p at the first sentence stays there
    ]


def test_next_section_and_repeat_keys(article):
    session, *_ = make_session(article, after_clip=[(1, 0.1, "]"), (3, 0.1, "r"), (4, 0.1, "q")])
    result = session.run()
    assert texts(result) == [
        ("title", "Morning"),
        ("sentence", "The sun is up."),
        ("title", "Evening"),
        ("sentence", "The moon is bright."),
        ("sentence", "The moon is bright."),
    ]


@pytest.mark.parametrize("then", ["q", "n"])
def test_a_key_in_the_breath_after_a_jump_is_acted_on(article, then):
    """The breath between a cut and what follows takes keys like any other pause: a stop or a second next
    said in it is acted on (before, it escaped the reading as an error, which ended with a traceback)."""
    # clip 1 is "The sun is up.": r 0.1 s into it, then the second key 0.1 s into the breath after the cut
    session, player, synth, progress, clock = make_session(article, after_clip=[(1, 0.1, "r"), (1, 0.2, then)])
    result = session.run(section=1)
    assert [k.action for k in result.keys] == ["repeat", "quit" if then == "q" else "next"]
    if then == "q":
        assert not result.finished and result.position == Position(1, 0)
        assert texts(result) == [("title", "Morning"), ("sentence", "The sun is up.")]
    else:  # on from the sentence after the one repeated
        assert result.finished
        assert texts(result)[1:] == [
            ("sentence", s) for s in ("The sun is up.", "Birds are singing.", "Open the window.")
        ]


def test_space_pauses_and_resumes_the_player(article):
    session, player, synth, progress, clock = make_session(article, keys=[(1.0, " "), (4.0, " ")])
    start = clock.now
    session.run(section=1)
    names = [name for name, _ in player.calls]
    assert names.count("pause") == 1 and names.count("resume") == 1
    spoken = sum(SECONDS_PER_WORD * len(text.split()) for text, _ in synth.renders)
    assert clock.now - start == pytest.approx(spoken + 3.0 + 0.7 + 0.35 + 0.7, abs=0.06)


def test_rate_keys_apply_from_the_next_sentence_and_stay_in_range(article):
    session, player, synth, *_ = make_session(article, after_clip=[(1, 0.1, "+"), (2, 0.1, "-"), (2, 0.2, "-")])
    session.run(section=1)
    rates = [rate for _, rate in synth.renders]
    assert rates == [160, 160, 180, 140]
    synth.settings = replace(synth.settings, rate=390)
    session._change_rate(20)
    assert synth.settings.rate == 400


def test_starts_at_a_saved_position_without_announcing_the_title(article):
    session, *_ = make_session(article)
    result = session.run(Position(2, 1))
    assert texts(result)[:2] == [("sentence", "Stars are out."), ("title", "Night")]


def test_render_to_file_keeps_the_pauses(article, tmp_path):
    synth = FakeSynth()
    done = []
    out = tmp_path / "evening.wav"
    seconds = render_to_file(
        article,
        2,
        out,
        synth,
        Pauses(sentence=0.3, block=0.7, section=1.5),
        progress=lambda n, total: done.append((n, total)),
    )
    spoken = SECONDS_PER_WORD * (1 + 4 + 3)  # "Evening", then the two sentences
    assert seconds == pytest.approx(spoken + 0.7 + 0.3, abs=0.01)
    clip = read_wav(out)
    assert clip.rate == 22050 and clip.duration == pytest.approx(seconds, abs=0.001)
    assert done == [(1, 3), (2, 3), (3, 3)]


def test_text_mode_prints_titles_and_sentences(article, capsys):
    import sys

    count = print_text(article, 2, sys.stdout)
    out = capsys.readouterr().out.splitlines()
    assert count == 2 and out == ["Section 2: Evening", "The moon is bright.", "Stars are out."]


def test_plain_view_prints_one_line_per_sentence_and_title(article):
    import io

    from voiceguide.ui.reading_view import PlainReadingView

    stream = io.StringIO()
    clock = FakeClock()
    session = ReadSession(
        article, player=FakePlayer(clock), synthesizer=FakeSynth(), clock=clock, view=PlainReadingView(stream)
    )
    session.run(section=2)
    assert stream.getvalue().splitlines() == ["Section 2: Evening", "The moon is bright.", "Stars are out."]


def test_live_view_highlights_the_current_sentence_among_its_neighbours(article):
    import io

    from rich.console import Console

    from voiceguide import messages
    from voiceguide.ui.reading_view import LiveReadingView, make_reading_view

    console = Console(file=io.StringIO(), force_terminal=True, width=100, color_system="standard")
    view = LiveReadingView(console)
    view.start(article, None)
    view.section(article.sections[0])
    view.sentence(article, Position(1, 1))
    view.finish(None)
    shown = console.file.getvalue()
    assert "Section 1: Morning" in shown and "Birds are singing." in shown and "The sun is up." in shown
    assert messages.READ_KEYS_HELP.split(" · ")[0] in shown
    assert "\x1b[7m" in shown or "\x1b[1;7m" in shown  # the current sentence in reverse video
    assert not isinstance(make_reading_view(io.StringIO()), LiveReadingView)


# -- the real Player and engine, heard through the private audio server ---------
@pytest.fixture(scope="module")
def transcriber():
    from voiceguide.speech.transcriber import WhisperTranscriber

    return WhisperTranscriber()


SPOKEN_ARTICLE = """# Walk

## Park

Green trees stand tall by the river. The children play football on the grass.

## Market

Fresh apples are sold in the morning. We will see you again tomorrow.
"""


@pytest.mark.audio
def test_keys_through_the_real_player(pulse, tmp_path, transcriber):
    from voiceguide.audio.player import Player
    from voiceguide.speech.synthesizer import Synthesizer

    path = tmp_path / "walk.md"
    path.write_text(SPOKEN_ARTICLE)
    article = load_article(path)
    clock = SystemClock()
    progress = MemoryProgress()
    with Synthesizer() as synth:
        for section in article.sections:  # rendered ahead so key times do not depend on the engine
            synth.render(section.spoken_title)
            for sentence in section.sentences:
                synth.render(sentence.spoken)
        last = synth.render(article.sections[1].sentences[1].spoken).duration
        # clips: 0 "Market" title, 1 "Fresh apples..." -> pause at 0.6 s, resume 1.2 s later, then n
        # 0.6 s after resuming; 2 "We will see..." -> [ 0.5 s before its end; 3 "Park"; 4 "Green trees..." -> q
        keys = ScriptedKeys(
            clock, after_clip=[(1, 0.6, " "), (1, 1.8, " "), (1, 2.4, "n"), (2, last - 0.5, "["), (4, 1.0, "q")]
        )
        with Player() as player, pulse.record_speaker() as rec:
            time.sleep(0.3)
            session = ReadSession(
                article,
                player=player,
                synthesizer=synth,
                keys=keys,
                clock=clock,
                progress=progress,
                on_spoken=keys.spoken,
            )
            result = session.run(Position(2, 0))
            time.sleep(0.3)
            samples, origin = rec.stop()

    assert texts(result) == [
        ("title", "Market"),
        ("sentence", "Fresh apples are sold in the morning."),
        ("sentence", "We will see you again tomorrow."),
        ("title", "Park"),
        ("sentence", "Green trees stand tall by the river."),
    ]
    assert [k.action for k in result.keys] == ["pause", "resume", "next", "previous_section", "quit"]
    assert progress.saved[str(path.resolve())] == (1, 0)

    segments = [(origin + a, origin + b) for a, b in loud_segments(samples, SPEAKER_RATE, threshold=0.02, min_gap=0.12)]
    pause, resume, skip, back, quit_ = (k.at for k in result.keys)

    def sound_ends_after(key_at: float) -> float:
        """Seconds from the key to the end of the sound playing when it was pressed."""
        ending = [b for a, b in segments if a <= key_at + 0.01 and b >= key_at - 0.2]
        assert ending, (key_at, segments)
        return max(ending) - key_at

    # silence while paused (after the sound that was playing fades)
    assert not [s for s in segments if s[0] < resume - 0.02 and s[1] > pause + 0.1], (pause, resume, segments)
    # the sentence goes on after resuming
    assert any(resume <= a <= resume + 0.3 for a, _ in segments)
    # n, [ and q cut the sound within 100 ms
    latencies = [sound_ends_after(key_at) for key_at in (pause, skip, back, quit_)]
    print("stop latency after space, n, [, q (s):", [round(x, 3) for x in latencies])
    assert max(latencies) < 0.1, latencies
    # after n, the next sentence is what is heard
    after_skip = samples[int((skip + 0.05 - origin) * SPEAKER_RATE) : int((back - origin) * SPEAKER_RATE)]
    heard = transcriber.transcribe(Clip(after_skip, SPEAKER_RATE).resampled(16000).samples, 16000).text
    print("heard after n:", heard)
    words = set(heard.lower().replace(".", " ").replace(",", " ").split())
    assert not words & {"apples", "sold", "fresh"}, heard
    assert len(words & {"we", "will", "see", "you", "again", "tomorrow"}) >= 4, heard


def test_a_render_that_outgrows_one_wav_file_stops_and_leaves_nothing(article, tmp_path, monkeypatch):
    """The words promised less than the engine spoke: the file is never written past what WAV can count."""
    from voiceguide import messages
    from voiceguide.errors import SettingsError
    from voiceguide.sessions import render_file

    monkeypatch.setattr(render_file, "WAV_MAX_BYTES", 2 * 22050 * 25)  # 25 seconds, for the test
    synth = FakeSynth()  # the words and pauses come to about 19 s at 160 words a minute
    synth.render = lambda text: Clip.silence(10.0, 1000)  # but every sentence takes ten seconds
    out = tmp_path / "long.wav"
    with pytest.raises(SettingsError) as err:
        render_to_file(article, None, out, synth)
    assert str(err.value) == messages.READ_TOO_LONG_WHILE_RENDERING.format(most="25 s")
    assert list(tmp_path.iterdir()) == []
