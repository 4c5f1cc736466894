"""voiceguide guide: the whole flow as text through stdin, resume with a recap, settings; and by voice."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from voiceguide import messages
from voiceguide.cli import cli
from voiceguide.journal.store import Journal
from voiceguide.settings import RATE

ARTICLE = """# Small Steps

## Noticing

Notice how you feel right now. Let your shoulders drop.

## Listening

Listen to the people close to you. Small moments build trust.

## Resting

Rest is part of the work.
"""

QUICK_PATTERN = """name = "Quick"
minutes = 1
[[phase]]
kind = "inhale"
seconds = 0.5
word = "In"
[[phase]]
kind = "exhale"
seconds = 0.5
word = "Out"
"""


@pytest.fixture
def article(tmp_path, voiceguide_home):
    path = tmp_path / "steps.md"
    path.write_text(ARTICLE)
    patterns = voiceguide_home / "config" / "patterns"
    patterns.mkdir(parents=True)
    (patterns / "quick.toml").write_text(QUICK_PATTERN)
    # these cases are about the flow; check-ins have their own below
    assert CliRunner().invoke(cli, ["config", "set", "checkin", "false"]).exit_code == 0
    return path


def _guide(*args: str, input: str):
    result = CliRunner().invoke(cli, ["guide", *args], input=input, catch_exceptions=False)
    return result


def test_text_guide_goes_through_two_sections_and_resumes_at_the_next(article):
    assert CliRunner().invoke(cli, ["config", "set", "breath_pattern", "quick"]).exit_code == 0
    assert CliRunner().invoke(cli, ["config", "set", "breath_minutes", "0.02"]).exit_code == 0
    said = (
        "\n".join(
            [
                "what's the weather",  # not understood: never acted on
                "skip",  # no breathing after section 1
                "I noticed my shoulders were tense.",
                "next",
                "yes",  # breathe after section 2
                "I want to listen more closely.",
                "read it back",
                "stop",
            ]
        )
        + "\n"
    )
    first = _guide(str(article), "--text", input=said)
    assert first.exit_code == 0, first.output
    out = first.output
    assert "Section 1: Noticing" in out and "Section 2: Listening" in out and "Section 3" not in out
    assert messages.GUIDE_NOT_UNDERSTOOD in out
    assert out.count(messages.GUIDE_BREATH_OFFER) == 2 and out.count(messages.GUIDE_SAVED) == 2
    assert out.count("I want to listen more closely.") == 1  # the read-back (typed input is not echoed)
    assert "Done: 1 cycles" in out
    assert messages.GUIDE_CLOSING in out and "saved 2 entries" in out

    with Journal.open() as journal:
        entries = sorted(journal.list(), key=lambda e: e.id)
        assert [(e.section, e.text, e.engine) for e in entries] == [
            (1, "I noticed my shoulders were tense.", "typed"),
            (2, "I want to listen more closely.", "typed"),
        ]
        assert all(e.article == str(article.resolve()) or e.article.endswith("steps.md") for e in entries)
        assert entries[0].prompt and entries[1].prompt
        sessions = journal.breathing_sessions()
        assert len(sessions) == 1 and sessions[0].pattern == "quick" and not sessions[0].interrupted
        assert journal.get_progress("guide:" + entries[0].article) == (2, 1)

    second = _guide(str(article), "--text", input="stop\n")
    assert second.exit_code == 0, second.output
    recap = messages.GUIDE_RECAP.format(number=2, title="Listening")
    assert second.output.startswith(recap)
    assert "Section 3: Resting" in second.output and "Section 2:" not in second.output


def test_text_guide_redo_replaces_the_entry_and_restart_and_section_choose_where(article):
    said = "no\nFirst try.\nredo\nSecond try.\nkeep\nstop\n"
    result = _guide(str(article), "--text", "--section", "2", input=said)
    assert result.exit_code == 0, result.output
    with Journal.open() as journal:
        assert [(e.section, e.text) for e in journal.list()] == [(2, "Second try.")]
    again = _guide(str(article), "--text", "--restart", input="stop\n")
    assert "Last time" not in again.output and "Section 1: Noticing" in again.output


def test_text_guide_keys_and_help(article):
    result = _guide(str(article), "--text", input="what can I say\nslower\nn\nMy answer.\nq\n")
    assert result.exit_code == 0, result.output
    assert "You can say: next, back" in result.output
    slower = int(RATE.default - RATE.step)
    assert messages.GUIDE_RATE.format(rate=slower) in result.output
    show = CliRunner().invoke(cli, ["config", "show"])
    assert f"rate = {slower}" in show.output  # a change of speed is remembered


def test_guide_takes_the_voice_options_of_every_speaking_command(article, monkeypatch):
    too_high = CliRunner().invoke(cli, ["guide", str(article), "--text", "--pitch", "120"], input="stop\n")
    assert too_high.exit_code == 2 and "--pitch" in too_high.output
    assert _guide(str(article), "--text", "--pitch", "30", input="stop\n").exit_code == 0
    monkeypatch.setenv("VOICEGUIDE_PITCH", "120")  # the variable means what the flag means
    assert CliRunner().invoke(cli, ["guide", str(article), "--text"], input="stop\n").exit_code == 2
    monkeypatch.delenv("VOICEGUIDE_PITCH")
    monkeypatch.setenv("VOICEGUIDE_RATE", "150")
    slower = _guide(str(article), "--text", input="slower\nstop\n")
    assert messages.GUIDE_RATE.format(rate=130) in slower.output


def test_text_guide_while_paused_only_resume_or_stop_go_on(article):
    said = "pause\nredo\nslower\nresume\nno\nMy answer.\nstop\n"
    result = _guide(str(article), "--text", input=said)
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count(messages.GUIDE_STILL_PAUSED) == 2  # "redo" and "slower" mean nothing while paused
    assert messages.GUIDE_RATE.format(rate=145) not in out  # and were not acted on
    with Journal.open() as journal:
        assert [(e.section, e.text) for e in journal.list()] == [(1, "My answer.")]


def test_config_set_show_path_and_errors(voiceguide_home):
    runner = CliRunner()
    assert runner.invoke(cli, ["config", "set", "volume", "0.7"]).exit_code == 0
    assert runner.invoke(cli, ["config", "set", "barge_in", "yes"]).exit_code == 0
    shown = runner.invoke(cli, ["config", "show"]).output
    assert "volume = 0.7\n" in shown and "barge_in = true\n" in shown and f"rate = {RATE.default}  (default)" in shown
    path, pronunciations = runner.invoke(cli, ["config", "path"]).output.splitlines()
    assert path == str(voiceguide_home / "config" / "config.toml")
    assert pronunciations == str(voiceguide_home / "config" / "pronunciations.toml")
    import tomllib

    assert tomllib.loads(open(path).read()) == {"volume": 0.7, "barge_in": True}
    from voiceguide.errors import SettingsError

    for bad in (["rate", "fast"], ["rate", "9999"], ["colour", "blue"]):
        with pytest.raises(SettingsError):
            runner.invoke(cli, ["config", "set", *bad], catch_exceptions=False)


def test_text_guide_checks_in_at_start_and_end_and_recalls_an_earlier_reflection(article):
    assert CliRunner().invoke(cli, ["config", "set", "checkin", "true"]).exit_code == 0
    first = _guide(str(article), "--text", "--section", "1", input="2\nno\nMy shoulders were tense. #body\nstop\n4\n")
    assert first.exit_code == 0, first.output
    out = first.output
    assert out.count(messages.CHECKIN_QUESTION) == 2
    assert messages.CHECKIN_CHANGE.format(start=2, end=4) in out
    assert "You reflected on this before" not in out

    again = _guide(str(article), "--text", "--section", "1", input="three\nread it back\nstop\nskip\n")
    assert again.exit_code == 0, again.output
    out = again.output
    recall = out.index("You reflected on this before, on ")
    assert out.index("Section 1: Noticing") < recall < out.index("My shoulders were tense. #body")
    assert messages.CHECKIN_ONLY_START.format(start=3) in out

    with Journal.open() as journal:
        assert [(c.mood, c.moment) for c in journal.checkins()] == [(2, "start"), (4, "end"), (3, "start")]
        assert journal.tags() == [("#body", 1)]
        assert journal.practice().minutes_listened > 0


def test_checkins_can_be_turned_off(article):
    result = _guide(str(article), "--text", input="stop\n")
    assert result.exit_code == 0 and messages.CHECKIN_QUESTION not in result.output
