"""The guided session: per section read, offer a breathing exercise, ask, record, confirm, go on.

Steered by voice commands (or keys, or typed lines with ``--text``) at every
listening point. The session only decides what happens next; how things are
said and heard (``io``), and how a section is read, a breath paced and a
reflection recorded (``steps``), are passed in, so the same flow runs on the
speakers and microphone or as text on a terminal.

Progress is kept under its own key (``guide:`` + the article's key) as
(section, 1 if that section was finished else 0), so a later run opens with
a recap and continues at the first unfinished section.

With check-ins on, the session opens and closes with "how do you feel, from
one to five?" (a closed answer, or skip), and the closing recap names the
change. When a section was reflected on in an earlier session, the guide
says so after the reading and reads the old entry only when asked.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Protocol

from voiceguide import messages
from voiceguide.content.model import Article
from voiceguide.speech.commands import (
    MOOD_PROMPT,
    MOODS,
    Command,
    CommandName,
    KeyPressed,
    Nothing,
    NotUnderstood,
    spoken_list,
)

if TYPE_CHECKING:
    from voiceguide.journal.store import Journal

C = CommandName

QUESTION_KEYS = {"y": C.YES, "Y": C.YES, "n": C.NO, "N": C.NO}
"""At a yes/no question, y and n answer it"""
CHECKIN_KEYS = {"1": C.ONE, "2": C.TWO, "3": C.THREE, "4": C.FOUR, "5": C.FIVE}
"""At the check-in question, keys 1 to 5 answer it"""
KEYS = {
    "n": C.NEXT,
    "N": C.NEXT,
    "]": C.NEXT,
    "p": C.BACK,
    "P": C.BACK,
    "[": C.BACK,
    "r": C.REPEAT,
    "R": C.REPEAT,
    "+": C.FASTER,
    "=": C.FASTER,
    "-": C.SLOWER,
    "_": C.SLOWER,
    " ": C.PAUSE,
    "q": C.STOP,
    "Q": C.STOP,
    "\x1b": C.STOP,
    "b": C.READ_BACK,
    "k": C.KEEP,
    "d": C.REDO,
    "s": C.SKIP,
    "h": C.HELP,
    "?": C.HELP,
    "\n": C.NEXT,
    "\r": C.NEXT,
}
"""The reading keys, plus a few for the listening points"""
SILENT_TRIES = 3
"""Silent listening rounds before the guide waits quietly for "resume\""""
UNCLEAR_TRIES = 3
ADJUSTING = frozenset({C.SLOWER, C.FASTER, C.LOUDER, C.QUIETER})
"""Commands that change the voice from the next sentence, at any question"""
GOES_ON_WHILE_PAUSED = frozenset({C.STOP, C.RESUME, C.YES, C.NEXT, C.REPEAT, C.PAUSE})
"""While paused, these end the pause; any other command means nothing there"""


class Stage(Enum):
    """Where the guide is within one section."""

    READ = "read"
    """Reading the section aloud"""
    OFFER = "offer"
    """Asking whether to breathe first"""
    REFLECT = "reflect"
    """Asking the prompt and recording the answer"""
    NOTHING = "nothing"
    """Nothing was heard: record again or go on?"""
    CONFIRM = "confirm"
    """An entry was saved: keep it, hear it, or redo it?"""
    RECALL = "recall"
    """The section was reflected on before: hear that entry, or go on?"""
    CHECKIN = "checkin"
    """How do you feel, from one to five? (at the start and the end of the session)"""


class Move(Enum):
    """What a command answered at a question does."""

    READ = "read the section again"
    REFLECT = "record the reflection"
    BREATHE_THEN_REFLECT = "breathe, then record the reflection"
    BREATHE = "breathe, then ask the same question again"
    READ_BACK = "read the entry back, then ask again"
    REDO = "delete the saved entry and record again"
    KEEP = "say it is kept and go to the next section"
    NEXT = "go to the next section"
    BACK = "go to the previous section"
    ASK_AGAIN = "ask the same question again"
    HINT = "say what can be answered here, then ask again"
    RECALL = "read the earlier entry back, then go on"
    OFFER = "go on to the breathing offer"
    MOOD = "note the mood and go on"
    GO_ON = "go on without noting a mood"


FLOW: dict[Stage, dict[CommandName, Move]] = {
    Stage.OFFER: {
        C.YES: Move.BREATHE_THEN_REFLECT,
        C.BREATHE: Move.BREATHE_THEN_REFLECT,
        C.NO: Move.REFLECT,
        C.SKIP: Move.REFLECT,
        C.REFLECT: Move.REFLECT,
        C.KEEP: Move.REFLECT,
        C.RESUME: Move.REFLECT,
        C.REPEAT: Move.READ,
        C.NEXT: Move.NEXT,
        C.BACK: Move.BACK,
    },
    Stage.NOTHING: {
        C.REDO: Move.REFLECT,
        C.YES: Move.REFLECT,
        C.REFLECT: Move.REFLECT,
        C.REPEAT: Move.REFLECT,
        C.NEXT: Move.NEXT,
        C.NO: Move.NEXT,
        C.SKIP: Move.NEXT,
        C.BACK: Move.BACK,
        C.BREATHE: Move.BREATHE,
    },
    Stage.CONFIRM: {
        C.READ_BACK: Move.READ_BACK,
        C.NEXT: Move.NEXT,
        C.YES: Move.NEXT,
        C.SKIP: Move.NEXT,
        C.KEEP: Move.KEEP,
        C.BACK: Move.BACK,
        C.REDO: Move.REDO,
        C.NO: Move.REDO,
        C.BREATHE: Move.BREATHE,
        C.REPEAT: Move.ASK_AGAIN,
    },
    Stage.RECALL: {
        C.READ_BACK: Move.RECALL,
        C.YES: Move.RECALL,
        C.RESUME: Move.OFFER,
        C.NO: Move.OFFER,
        C.SKIP: Move.OFFER,
        C.KEEP: Move.OFFER,
        C.BREATHE: Move.BREATHE_THEN_REFLECT,
        C.REFLECT: Move.REFLECT,
        C.REPEAT: Move.READ,
        C.NEXT: Move.NEXT,
        C.BACK: Move.BACK,
    },
    Stage.CHECKIN: {
        **{name: Move.MOOD for name in MOODS},
        C.SKIP: Move.GO_ON,
        C.NO: Move.GO_ON,
        C.NEXT: Move.GO_ON,
        C.RESUME: Move.GO_ON,
        C.REPEAT: Move.ASK_AGAIN,
    },
}
"""The guide's transitions: at each question, what each command does. Every other command there
is answered with the stage's hint. Stop, help, pause and the voice changes work at every question
and never reach this table."""
HINTS = {
    Stage.OFFER: messages.GUIDE_OFFER_HINT,
    Stage.NOTHING: messages.GUIDE_NOTHING_HINT,
    Stage.CONFIRM: messages.GUIDE_CONFIRM_HINT,
    Stage.RECALL: messages.RECALL_HINT,
    Stage.CHECKIN: messages.CHECKIN_HINT,
}


def move(stage: Stage, command: CommandName) -> Move:
    """What ``command`` does when answered at ``stage``'s question."""
    return FLOW[stage].get(command, Move.HINT)


def guide_key(article: Article) -> str:
    return "guide:" + article.source


class GuideIO(Protocol):
    """How the guide talks and hears: the speakers and microphone, or a terminal."""

    def say(self, text: str) -> None: ...

    def earcon(self, name: str) -> None: ...

    def hear(self, prompt: str | None = None) -> Any:
        """Command, NotUnderstood, Nothing or KeyPressed; ``prompt``: what the listener expects, when not a command."""
        ...

    def adjust(self, command: CommandName) -> str:
        """Apply slower/faster/louder/quieter from the next sentence; return what to say."""
        ...


@dataclass
class Steps:
    """What the guide does at each stage; the factory builds these for speakers or for text."""

    read_section: Callable[[int], float | None]
    """Read section N; the seconds it took, or None when the person stopped the reading (q)"""
    breathe: Callable[[], Any]
    """One breathing exercise; returns the RunResult (its ``seconds`` are counted)"""
    reflect: Callable[[str, int], Any]
    """Ask the prompt and record the answer for section N; the saved entry or None"""
    read_back: Callable[[Any], None]
    """Say an entry's text, the final one once its final pass is done (never through the plain speech cache)"""
    settle: Callable[[], None] = lambda: None
    """Wait for work still running in the background (final passes) before the journal closes"""


@dataclass
class GuideSummary:
    listened: float = 0.0
    """Seconds spent reading sections"""
    breathed: float = 0.0
    """Seconds of breathing"""
    entries: int = 0
    last_section: int | None = None
    finished: bool = False
    """The last section reached was finished"""
    mood_start: int | None = None
    mood_end: int | None = None

    def line(self) -> str:
        return messages.GUIDE_SUMMARY.format(
            listened=self.listened / 60,
            breathed=self.breathed / 60,
            entries=self.entries,
            plural="y" if self.entries == 1 else "ies",
        )

    def mood_line(self) -> str | None:
        """ "You came in at 2 and leave at 3", or as much of it as was answered."""
        if self.mood_start is not None and self.mood_end is not None:
            return messages.CHECKIN_CHANGE.format(start=self.mood_start, end=self.mood_end)
        if self.mood_start is not None:
            return messages.CHECKIN_ONLY_START.format(start=self.mood_start)
        if self.mood_end is not None:
            return messages.CHECKIN_ONLY_END.format(end=self.mood_end)
        return None


class _Stop(Exception):
    """The person said stop (or the input ended)."""


class GuideSession:
    """The whole guided session over an article; ``run()`` goes from the resume point to stop or the end."""

    def __init__(
        self,
        article: Article,
        *,
        io: GuideIO,
        steps: Steps,
        journal: Journal,
        prompts: dict[int, list[str]],
        article_key: str,
        checkin: bool = False,
    ) -> None:
        self.article = article
        self.io = io
        self.steps = steps
        self.journal = journal
        self.prompts = prompts
        self.article_key = article_key
        self.key = "guide:" + article_key
        self.summary = GuideSummary()
        self.checkin = checkin
        self.session_id = f"{datetime.now().astimezone().isoformat(timespec='seconds')}/{os.getpid()}"
        """Ties this session's two check-ins together"""
        self.known = 0
        """Entries up to this id were written before this session: only those are recalled"""

    # -- where to start ---------------------------------------------------------
    def start_section(self, *, section: int | None = None, restart: bool = False) -> int:
        """The section to begin with, saying the recap when resuming."""
        count = len(self.article.sections)
        if section is not None:
            self.article.section(section)
            return section
        saved = None if restart else self.journal.get_progress(self.key)
        if saved is None:
            return 1
        stopped, finished = min(max(saved[0], 1), count), bool(saved[1])
        title = self.article.sections[stopped - 1].title
        self.io.say(messages.GUIDE_RECAP.format(number=stopped, title=title))
        following = stopped + 1 if finished else stopped
        if following > count:
            self.io.say(messages.GUIDE_ARTICLE_DONE)
            return 1
        return following

    def run(self, *, section: int | None = None, restart: bool = False) -> GuideSummary:
        self.known = self.journal.newest_entry_id()
        number = self.start_section(section=section, restart=restart)
        count = len(self.article.sections)
        begun = False  # a stop at the first check-in ends the session before it began: no second question
        try:
            if self.checkin:
                self.summary.mood_start = self._check_in("start")
            begun = True
            while True:
                if self._section(number) is Move.BACK:
                    number = max(1, number - 1)
                elif number < count:
                    number += 1
                else:
                    self.io.say(messages.GUIDE_END_OF_ARTICLE)
                    break
        except _Stop:
            pass
        if self.checkin and begun:
            self.summary.mood_end = self._check_in("end")
        self.io.say(messages.GUIDE_CLOSING)
        self.io.say(self.summary.line())
        mood = self.summary.mood_line()
        if mood:
            self.io.say(mood)
        self.io.earcon("session_end")
        return self.summary

    def _check_in(self, moment: str) -> int | None:
        """Ask how the person feels; the mood noted, or None when skipped (a stop at the end skips it too)."""
        while True:
            try:
                step, heard = self._answer(Stage.CHECKIN, messages.CHECKIN_QUESTION)
            except _Stop:
                if moment == "end":
                    return None
                raise
            if step is Move.MOOD:
                mood = MOODS[heard]
                self.journal.add_checkin(mood, moment=moment, session=self.session_id)
                return mood
            if step is Move.GO_ON:
                return None
            if step is Move.HINT:
                self.io.say(HINTS[Stage.CHECKIN])

    def _save(self, number: int, finished: bool) -> None:
        self.summary.last_section, self.summary.finished = number, finished
        self.journal.set_progress(self.key, number, 1 if finished else 0)

    # -- one section -------------------------------------------------------------
    def _section(self, number: int) -> Move:
        """Move.NEXT or Move.BACK once the section is done with; raises _Stop."""
        self._save(number, False)
        stage = Stage.READ
        entry = None
        prompt = None
        confirm_question = messages.GUIDE_SAVED
        while True:
            if stage is Stage.READ:
                seconds = self.steps.read_section(number)
                if seconds is None:
                    raise _Stop
                self.summary.listened += seconds
                self.journal.add_listening(seconds, article=self.article_key, section=number)
                earlier = self.journal.earlier_reflection(self.article_key, number, up_to=self.known)
                stage = Stage.OFFER if earlier is None else Stage.RECALL
                continue
            if stage is Stage.REFLECT:
                prompt = prompt or self._prompt(number)
                entry = self.steps.reflect(prompt, number)
                if entry is None:
                    stage = Stage.NOTHING
                    continue
                self.summary.entries += 1
                self._save(number, True)
                confirm_question = messages.GUIDE_SAVED
                stage = Stage.CONFIRM
                continue
            question = {
                Stage.OFFER: messages.GUIDE_BREATH_OFFER,
                Stage.NOTHING: messages.GUIDE_NOTHING_SAVED,
                Stage.CONFIRM: confirm_question,
                Stage.RECALL: messages.RECALL_OFFER.format(day=_spoken_day(earlier)) if earlier else "",
            }[stage]
            step, _ = self._answer(stage, question)
            if step is Move.RECALL:
                self.steps.read_back(earlier)
                step = Move.OFFER
            if step is Move.OFFER:
                stage = Stage.OFFER
                continue
            if step is Move.KEEP:
                self.io.say(messages.GUIDE_KEPT)
                step = Move.NEXT
            if step in (Move.NEXT, Move.BACK):
                return self._leave(number, step)
            if step is Move.READ:
                stage = Stage.READ
            elif step in (Move.REFLECT, Move.BREATHE_THEN_REFLECT):
                if step is Move.BREATHE_THEN_REFLECT:
                    self._breathe()
                stage = Stage.REFLECT
            elif step is Move.REDO:
                assert entry is not None
                self.journal.delete(entry.id)
                self.summary.entries -= 1
                self._save(number, False)
                stage = Stage.REFLECT
            elif step is Move.BREATHE:
                self._breathe()
            elif step is Move.READ_BACK:
                assert entry is not None
                self.steps.read_back(entry)
                confirm_question = messages.GUIDE_AFTER_READ_BACK
            elif step is Move.HINT:
                self.io.say(HINTS[stage])

    def _leave(self, number: int, where: Move) -> Move:
        if where is Move.NEXT:
            self._save(number, True)
        return where

    def _prompt(self, number: int) -> str:
        from voiceguide.content import next_prompt

        return next_prompt(self.prompts, number, self.journal.prompts_used(self.article_key, number))

    def _breathe(self) -> None:
        result = self.steps.breathe()
        if result is not None:
            self.summary.breathed += result.seconds
            if getattr(result, "keyboard_interrupt", False):
                raise KeyboardInterrupt

    # -- a listening point ---------------------------------------------------------
    def _answer(self, stage: Stage, question: str) -> tuple[Move, CommandName]:
        """Ask ``stage``'s question; what the answer does there, and the answer."""
        keys = {Stage.OFFER: QUESTION_KEYS, Stage.RECALL: QUESTION_KEYS, Stage.CHECKIN: CHECKIN_KEYS}.get(stage)
        name = self._ask(question, answers=keys, prompt=MOOD_PROMPT if stage is Stage.CHECKIN else None)
        return move(stage, name), name

    def _ask(
        self, question: str, *, answers: dict[str, CommandName] | None = None, prompt: str | None = None
    ) -> CommandName:
        """Say ``question`` and return the command heard; the general commands are handled here."""
        self.io.say(question)
        silent = unclear = 0
        while True:
            heard = self.io.hear() if prompt is None else self.io.hear(prompt)
            if isinstance(heard, KeyPressed):
                name = (answers or {}).get(heard.key) or KEYS.get(heard.key)
                if name is None:
                    continue
                heard = Command(name, heard.key)
            if isinstance(heard, Nothing):
                silent += 1
                if silent >= SILENT_TRIES:
                    self._wait_for_resume(messages.GUIDE_WAITING)
                    self.io.say(question)
                    silent = 0
                continue
            if isinstance(heard, NotUnderstood):
                self.io.earcon("not_understood")
                unclear += 1
                self.io.say(messages.GUIDE_NOT_UNDERSTOOD if unclear < UNCLEAR_TRIES else messages.GUIDE_SAY_HELP)
                continue
            self.io.earcon("understood")
            name = heard.name
            if name == C.STOP:
                raise _Stop
            if name == C.HELP:
                self.io.say(messages.GUIDE_HELP.format(commands=spoken_list()))
                self.io.say(question)
            elif name in ADJUSTING:
                self.io.say(self.io.adjust(name))
            elif name == C.PAUSE:
                self._wait_for_resume(messages.GUIDE_PAUSED)
                self.io.say(question)
            else:
                return CommandName(name)

    def _wait_for_resume(self, notice: str) -> None:
        """Paused: only resume (or stop, or anything clear like yes/next) goes on."""
        self.io.say(notice)
        while True:
            heard = self.io.hear()
            if isinstance(heard, KeyPressed):
                name = KEYS.get(heard.key) or QUESTION_KEYS.get(heard.key)
                heard = Command(name, heard.key) if name else Nothing("key")
            if isinstance(heard, Command):
                if heard.name not in GOES_ON_WHILE_PAUSED:
                    # heard, but it means nothing while paused ("redo", "slower"): say so, stay paused
                    self.io.earcon("not_understood")
                    self.io.say(messages.GUIDE_STILL_PAUSED)
                    continue
                self.io.earcon("understood")
                if heard.name == C.STOP:
                    raise _Stop
                return


def _spoken_day(entry: Any) -> str:
    """ "3 November" (with the year when it was not this year)."""
    when = entry.local_time
    day = f"{when.day} {when.strftime('%B')}"
    return day if when.year == datetime.now().year else f"{day} {when.year}"
