"""The guide's flow as a state machine: every command at every question, driven by a scripted IO.

Fast: no audio, no speech engines; a real journal file in a temporary folder.
Each case gets to one question of section 2 (of 3), answers one command, and
checks what happens before the guide listens again.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from voiceguide import messages
from voiceguide.content.markdown import parse_markdown
from voiceguide.journal.store import Journal
from voiceguide.sessions.guide import FLOW, GuideSession, GuideSummary, Move, Stage, Steps, move
from voiceguide.speech.commands import Command, CommandName, KeyPressed, Nothing, NotUnderstood, spoken_list

C = CommandName
ARTICLE = "# Steps\n\n## One\n\nFirst words.\n\n## Two\n\nSecond words.\n\n## Three\n\nThird words.\n"
OFFER, SAVED, NOTHING = messages.GUIDE_BREATH_OFFER, messages.GUIDE_SAVED, messages.GUIDE_NOTHING_SAVED
HELP = messages.GUIDE_HELP.format(commands=spoken_list())
ADJUSTING = (C.SLOWER, C.FASTER, C.LOUDER, C.QUIETER)


class ScriptedIO:
    """Says into a log and hears what the test scripted; hearing past the script is a failure."""

    def __init__(self, log: list, script: list) -> None:
        self.log, self.script = log, list(script)

    def say(self, text: str) -> None:
        self.log.append(("say", text))

    def earcon(self, name: str) -> None:
        pass

    def hear(self, prompt: str | None = None):
        assert self.script, "the guide listened again after the script ended"
        heard = self.script.pop(0)
        self.log.append(("heard", getattr(heard, "name", heard)))
        return heard

    def adjust(self, command: CommandName) -> str:
        return f"adjusted {command}"


class Rig:
    def __init__(
        self, tmp_path, script: list, reflections: list, *, checkin: bool = False, earlier: str | None = None
    ) -> None:
        self.log: list = []
        self.journal = Journal.open(tmp_path / "journal.db")
        if earlier is not None:  # a reflection on section 2 from an earlier session
            self.earlier = self.journal.add_entry(
                earlier, prompt="What did you notice?", article="t", section=2, created=datetime(2026, 11, 3, 20, 15)
            )
        self.reflections = list(reflections)
        journal, log = self.journal, self.log

        def reflect(prompt: str, number: int):
            log.append(("reflect", number))
            text = self.reflections.pop(0)
            return None if text is None else journal.add_entry(text, prompt=prompt, article="t", section=number)

        def read_section(number: int) -> float:
            log.append(("read", number))
            return 30.0

        steps = Steps(
            read_section=read_section,
            breathe=lambda: log.append(("breathe",)),
            reflect=reflect,
            read_back=lambda entry: log.append(("read_back", entry.text)),
        )
        self.session = GuideSession(
            parse_markdown(ARTICLE, source="<test>"),
            io=ScriptedIO(self.log, script),
            steps=steps,
            journal=self.journal,
            prompts={2: ["What did you notice?", "And what else?"]},
            article_key="t",
            checkin=checkin,
        )

    def run(self):
        try:
            return self.session.run(section=2)
        finally:
            self.journal.close()

    def after(self, nth: int) -> list:
        """What the guide did after hearing the ``nth`` scripted answer (from 0), until it listened again."""
        marks = [i for i, event in enumerate(self.log) if event[0] == "heard"]
        end = marks[nth + 1] if nth + 1 < len(marks) else len(self.log)
        return self.log[marks[nth] + 1 : end]


def said(*texts: str) -> list:
    return [("say", t) for t in texts]


# how to reach each question of section 2, and what the reflections return there
REACH = {
    Stage.OFFER: ([], [SAVED]),
    Stage.NOTHING: ([Command(C.NO, "no")], [None, None]),
    Stage.CONFIRM: ([Command(C.NO, "no")], ["I noticed my breath.", "A second try."]),
}
QUESTION = {Stage.OFFER: OFFER, Stage.NOTHING: NOTHING, Stage.CONFIRM: SAVED}


def expected(stage: Stage, name: CommandName) -> list | None:
    """What a person sees after saying ``name`` at ``stage``'s question (None: the session ends)."""
    question = QUESTION[stage]
    if name == C.STOP:
        return None
    if name == C.HELP:
        return said(HELP, question)
    if name in ADJUSTING:
        return said(f"adjusted {name}")
    if name == C.PAUSE:
        return said(messages.GUIDE_PAUSED)
    to_next = [("read", 3), *said(OFFER)]
    to_back = [("read", 1), *said(OFFER)]
    if stage is Stage.OFFER:
        answers = {
            C.YES: [("breathe",), ("reflect", 2), *said(SAVED)],
            C.BREATHE: [("breathe",), ("reflect", 2), *said(SAVED)],
            C.REPEAT: [("read", 2), *said(OFFER)],
            C.NEXT: to_next,
            C.BACK: to_back,
            **{n: [("reflect", 2), *said(SAVED)] for n in (C.NO, C.SKIP, C.REFLECT, C.KEEP, C.RESUME)},
        }
        return answers.get(name, said(messages.GUIDE_OFFER_HINT, OFFER))
    if stage is Stage.NOTHING:
        answers = {
            **{n: [("reflect", 2), *said(NOTHING)] for n in (C.REDO, C.YES, C.REFLECT, C.REPEAT)},
            **{n: to_next for n in (C.NEXT, C.NO, C.SKIP)},
            C.BACK: to_back,
            C.BREATHE: [("breathe",), *said(NOTHING)],
        }
        return answers.get(name, said(messages.GUIDE_NOTHING_HINT, NOTHING))
    answers = {
        C.READ_BACK: [("read_back", "I noticed my breath."), *said(messages.GUIDE_AFTER_READ_BACK)],
        **{n: to_next for n in (C.NEXT, C.YES, C.SKIP)},
        C.KEEP: [*said(messages.GUIDE_KEPT), *to_next],
        C.BACK: to_back,
        **{n: [("reflect", 2), *said(SAVED)] for n in (C.REDO, C.NO)},
        C.BREATHE: [("breathe",), *said(SAVED)],
        C.REPEAT: said(SAVED),
    }
    return answers.get(name, said(messages.GUIDE_CONFIRM_HINT, SAVED))


@pytest.mark.parametrize("name", list(CommandName), ids=str)
@pytest.mark.parametrize("stage", [Stage.OFFER, Stage.NOTHING, Stage.CONFIRM], ids=lambda s: s.value)
def test_every_command_at_every_question(tmp_path, stage, name):
    reach, reflections = REACH[stage]
    script = [*reach, Command(name, str(name)), Command(C.STOP, "stop")]
    rig = Rig(tmp_path, script, reflections)
    summary = rig.run()
    reaction = rig.after(len(reach))
    want = expected(stage, name)
    if want is None:
        assert reaction[0] == ("say", messages.GUIDE_CLOSING) and len(reaction) == 2
    else:
        assert reaction == want
    assert rig.log[-2] == ("say", messages.GUIDE_CLOSING)
    if stage is Stage.CONFIRM:
        kept = name not in (C.REDO, C.NO)  # redo deletes the first entry; the second try is saved
        assert summary.entries == 1 and summary.last_section in (1, 2, 3)
        with Journal.open(tmp_path / "journal.db") as journal:
            texts = [e.text for e in journal.list()]
        assert texts == (["I noticed my breath."] if kept else ["A second try."])


def test_the_flow_table_names_only_commands_that_exist_and_leaves_the_rest_to_hints():
    for stage, moves in FLOW.items():
        assert set(moves) <= set(CommandName)
        for name in CommandName:
            assert move(stage, name) == moves.get(name, Move.HINT)
    assert move(Stage.CONFIRM, C.REDO) is Move.REDO and move(Stage.OFFER, C.REDO) is Move.HINT


@pytest.mark.parametrize("name", list(CommandName), ids=str)
def test_while_paused_only_going_on_commands_end_the_pause(tmp_path, name):
    script = [Command(C.PAUSE, "pause"), Command(name, str(name)), Command(C.STOP, "stop")]
    rig = Rig(tmp_path, script, [])
    rig.run()
    reaction = rig.after(1)
    if name == C.STOP:
        assert reaction[0] == ("say", messages.GUIDE_CLOSING)
    elif name in (C.RESUME, C.YES, C.NEXT, C.REPEAT, C.PAUSE):
        assert reaction == said(OFFER)  # the pause ends and the question comes again
    else:
        assert reaction == said(messages.GUIDE_STILL_PAUSED)


def test_next_and_back_move_between_sections_and_keep_progress(tmp_path):
    script = [Command(C.NEXT, "next"), Command(C.BACK, "back"), Command(C.STOP, "stop")]
    rig = Rig(tmp_path, script, [])
    summary = rig.run()
    assert [e for e in rig.log if e[0] == "read"] == [("read", 2), ("read", 3), ("read", 2)]
    assert summary.last_section == 2 and not summary.finished


def test_the_last_section_ends_the_article(tmp_path):
    rig = Rig(tmp_path, [Command(C.NEXT, "next"), Command(C.NEXT, "next")], [])
    rig.run()
    assert ("say", messages.GUIDE_END_OF_ARTICLE) in rig.log


def test_keys_silence_and_unclear_words_at_a_question(tmp_path):
    script = [
        KeyPressed("y"),  # yes at the breathing offer
        KeyPressed("k"),  # keep at the confirmation
        Nothing("timeout"),
        Nothing("timeout"),
        Nothing("timeout"),  # third silence: the guide waits quietly
        Command(C.RESUME, "resume"),
        NotUnderstood("what's the weather"),
        KeyPressed("q"),
    ]
    rig = Rig(tmp_path, script, ["Calm."])
    rig.run()
    assert rig.after(0)[:2] == [("breathe",), ("reflect", 2)]
    assert rig.after(1)[:2] == [*said(messages.GUIDE_KEPT), ("read", 3)]
    assert rig.after(4) == said(messages.GUIDE_WAITING)
    assert rig.after(5) == said(OFFER)
    assert rig.after(6) == said(messages.GUIDE_NOT_UNDERSTOOD)


# -- mood check-ins ----------------------------------------------------------------
CHECKIN = messages.CHECKIN_QUESTION
MOOD_OF = {C.ONE: 1, C.TWO: 2, C.THREE: 3, C.FOUR: 4, C.FIVE: 5}


def test_check_ins_open_and_close_the_session_and_the_recap_names_the_change(tmp_path):
    script = [Command(C.TWO, "Two."), Command(C.STOP, "stop"), Command(C.FOUR, "4")]
    rig = Rig(tmp_path, script, [], checkin=True)
    summary = rig.run()
    assert rig.log[0] == ("say", CHECKIN)
    assert rig.after(0) == [("read", 2), *said(OFFER)]
    assert rig.after(1) == said(CHECKIN)  # stop still asks how they leave
    assert rig.after(2)[:1] == said(messages.GUIDE_CLOSING)
    assert ("say", messages.CHECKIN_CHANGE.format(start=2, end=4)) in rig.after(2)
    assert "You came in at 2 and leave at 4." in [text for kind, text in rig.log[-2:]]
    assert (summary.mood_start, summary.mood_end) == (2, 4)
    with Journal.open(tmp_path / "journal.db") as journal:
        stored = journal.checkins()
    assert [(c.mood, c.moment) for c in stored] == [(2, "start"), (4, "end")]
    assert stored[0].session == stored[1].session and stored[0].session


def test_keys_one_to_five_answer_the_check_in_and_mean_nothing_elsewhere(tmp_path):
    script = [KeyPressed("3"), KeyPressed("3"), KeyPressed("q"), KeyPressed("5")]
    rig = Rig(tmp_path, script, [], checkin=True)
    summary = rig.run()
    assert rig.after(0) == [("read", 2), *said(OFFER)]
    assert rig.after(1) == []  # 3 at the breathing offer: no answer, still listening
    assert (summary.mood_start, summary.mood_end) == (3, 5)


def test_a_skipped_check_in_stores_nothing_and_the_recap_says_only_what_was_answered(tmp_path):
    script = [Command(C.SKIP, "skip"), Command(C.STOP, "stop"), Command(C.ONE, "one")]
    rig = Rig(tmp_path, script, [], checkin=True)
    summary = rig.run()
    assert rig.after(0) == [("read", 2), *said(OFFER)]
    assert (summary.mood_start, summary.mood_end) == (None, 1)
    assert rig.log[-1] == ("say", messages.CHECKIN_ONLY_END.format(end=1))
    with Journal.open(tmp_path / "journal.db") as journal:
        assert [(c.mood, c.moment) for c in journal.checkins()] == [(1, "end")]


def test_unclear_answers_to_the_check_in_are_asked_again_and_a_stop_there_skips_it(tmp_path):
    script = [
        NotUnderstood("seven"),
        Command(C.BREATHE, "breathe"),
        Command(C.FIVE, "five"),
        KeyPressed("q"),
        Command(C.STOP, ""),  # what TextIO hears when the input has ended: the check-in is skipped
    ]
    rig = Rig(tmp_path, script, [], checkin=True)
    summary = rig.run()
    assert rig.after(0) == said(messages.GUIDE_NOT_UNDERSTOOD)
    assert rig.after(1) == said(messages.CHECKIN_HINT, CHECKIN)
    assert rig.after(2) == [("read", 2), *said(OFFER)]
    assert (summary.mood_start, summary.mood_end) == (5, None)


def test_no_check_in_when_they_are_turned_off(tmp_path):
    rig = Rig(tmp_path, [Command(C.STOP, "stop")], [], checkin=False)
    rig.run()
    assert ("say", CHECKIN) not in rig.log


@pytest.mark.parametrize("name", list(CommandName), ids=str)
def test_every_command_at_the_check_in(tmp_path, name):
    script = [Command(name, str(name)), Command(C.STOP, "stop"), Command(C.SKIP, "skip")]
    rig = Rig(tmp_path, script, [], checkin=True)
    summary = rig.run()
    reaction = rig.after(0)
    go_on = [("read", 2), *said(OFFER)]
    if name in MOOD_OF:
        assert reaction == go_on and summary.mood_start == MOOD_OF[name]
        return
    assert summary.mood_start is None
    if name in (C.SKIP, C.NO, C.NEXT, C.RESUME):
        assert reaction == go_on
    elif name == C.STOP:
        assert reaction == said(messages.GUIDE_CLOSING, GuideSummary().line())  # ends before it began
    elif name == C.REPEAT:
        assert reaction == said(CHECKIN)
    elif name == C.HELP:
        assert reaction == said(HELP, CHECKIN)
    elif name in ADJUSTING:
        assert reaction == said(f"adjusted {name}")
    elif name == C.PAUSE:
        assert reaction == said(messages.GUIDE_PAUSED)
    else:
        assert reaction == said(messages.CHECKIN_HINT, CHECKIN)


# -- recall of an earlier reflection ---------------------------------------------------
RECALL = messages.RECALL_OFFER.format(day="3 November" if datetime.now().year == 2026 else "3 November 2026")


def test_a_section_reflected_on_before_is_recalled_and_read_only_when_asked(tmp_path):
    script = [Command(C.READ_BACK, "read it back"), Command(C.STOP, "stop")]
    rig = Rig(tmp_path, script, [], earlier="I noticed how tired I was.")
    rig.run()
    assert rig.log[:2] == [("read", 2), ("say", RECALL)]
    assert rig.after(0) == [("read_back", "I noticed how tired I was."), *said(OFFER)]


def test_going_on_from_a_recall_never_reads_the_old_entry(tmp_path):
    script = [Command(C.RESUME, "go on"), Command(C.NO, "no"), Command(C.NEXT, "next"), Command(C.STOP, "stop")]
    rig = Rig(tmp_path, script, ["Something new."], earlier="I noticed how tired I was.")
    rig.run()
    assert rig.after(0) == said(OFFER)
    assert not [event for event in rig.log if event[0] == "read_back"]


def test_no_recall_for_a_section_without_an_earlier_entry_nor_for_this_sessions_own(tmp_path):
    script = [
        Command(C.NO, "no"),  # reflect on section 2 now
        Command(C.BACK, "back"),  # to section 1
        Command(C.NEXT, "next"),  # section 2 again: its entry is this session's, not an earlier one
        Command(C.STOP, "stop"),
    ]
    rig = Rig(tmp_path, script, ["A new thought."])
    rig.run()
    assert not [event for event in rig.log if event == ("say", RECALL) or "before" in str(event[1])]
    assert rig.after(2) == [("read", 2), *said(OFFER)]


@pytest.mark.parametrize("name", list(CommandName), ids=str)
def test_every_command_at_the_recall(tmp_path, name):
    script = [Command(name, str(name)), Command(C.STOP, "stop")]
    rig = Rig(tmp_path, script, ["Today's words."], earlier="Old words.")
    rig.run()
    reaction = rig.after(0)
    answers = {
        C.READ_BACK: [("read_back", "Old words."), *said(OFFER)],
        C.YES: [("read_back", "Old words."), *said(OFFER)],
        **{n: said(OFFER) for n in (C.RESUME, C.NO, C.SKIP, C.KEEP)},
        C.BREATHE: [("breathe",), ("reflect", 2), *said(SAVED)],
        C.REFLECT: [("reflect", 2), *said(SAVED)],
        C.REPEAT: [("read", 2), *said(RECALL)],
        C.NEXT: [("read", 3), *said(OFFER)],
        C.BACK: [("read", 1), *said(OFFER)],
        C.HELP: said(HELP, RECALL),
        C.PAUSE: said(messages.GUIDE_PAUSED),
        **{n: said(f"adjusted {n}") for n in ADJUSTING},
    }
    if name == C.STOP:
        assert reaction[0] == ("say", messages.GUIDE_CLOSING)
    else:
        assert reaction == answers.get(name, said(messages.RECALL_HINT, RECALL))
