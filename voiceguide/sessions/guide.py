"""The guided session: per section read, offer a breathing exercise, ask, record, confirm, go on.

Steered by voice commands (or keys, or typed lines with ``--text``) at every
listening point. The session only decides what happens next; how things are
said and heard (``io``), and how a section is read, a breath paced and a
reflection recorded (``steps``), are passed in, so the same flow runs on the
speakers and microphone or as text on a terminal.

Progress is kept under its own key (``guide:`` + the article's key) as
(section, 1 if that section was finished else 0), so a later run opens with
a recap and continues at the first unfinished section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from voiceguide import messages
from voiceguide.content.model import Article
from voiceguide.speech.commands import Command, KeyPressed, Nothing, NotUnderstood, spoken_list

QUESTION_KEYS = {"y": "yes", "Y": "yes", "n": "no", "N": "no"}
"""At a yes/no question, y and n answer it"""
KEYS = {
    "n": "next",
    "N": "next",
    "]": "next",
    "p": "back",
    "P": "back",
    "[": "back",
    "r": "repeat",
    "R": "repeat",
    "+": "faster",
    "=": "faster",
    "-": "slower",
    "_": "slower",
    " ": "pause",
    "q": "stop",
    "Q": "stop",
    "\x1b": "stop",
    "b": "read_back",
    "k": "keep",
    "d": "redo",
    "s": "skip",
    "h": "help",
    "?": "help",
    "\n": "next",
    "\r": "next",
}
"""The reading keys, plus a few for the listening points"""
SILENT_TRIES = 3
"""Silent listening rounds before the guide waits quietly for "resume\""""
UNCLEAR_TRIES = 3
ADJUSTING = ("slower", "faster", "louder", "quieter")


def guide_key(article: Article) -> str:
    return "guide:" + article.source


class GuideIO(Protocol):
    """How the guide talks and hears: the speakers and microphone, or a terminal."""

    def say(self, text: str) -> None: ...

    def earcon(self, name: str) -> None: ...

    def hear(self) -> Any:
        """Command, NotUnderstood, Nothing or KeyPressed."""
        ...

    def adjust(self, command: str) -> str:
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
    read_back: Callable[[str], None]
    """Say an entry's text (never through the plain speech cache)"""


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

    def line(self) -> str:
        return messages.GUIDE_SUMMARY.format(
            listened=self.listened / 60,
            breathed=self.breathed / 60,
            entries=self.entries,
            plural="y" if self.entries == 1 else "ies",
        )


class _Stop(Exception):
    """The person said stop (or the input ended)."""


class GuideSession:
    """The whole guided session over an article; ``run()`` goes from the resume point to stop or the end."""

    def __init__(
        self, article: Article, *, io: GuideIO, steps: Steps, journal, prompts: dict[int, list[str]], article_key: str
    ) -> None:
        self.article = article
        self.io = io
        self.steps = steps
        self.journal = journal
        self.prompts = prompts
        self.article_key = article_key
        self.key = "guide:" + article_key
        self.summary = GuideSummary()

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
        number = self.start_section(section=section, restart=restart)
        count = len(self.article.sections)
        try:
            while True:
                where = self._section(number)
                if where == "back":
                    number = max(1, number - 1)
                elif number < count:
                    number += 1
                else:
                    self.io.say(messages.GUIDE_END_OF_ARTICLE)
                    break
        except _Stop:
            pass
        self.io.say(messages.GUIDE_CLOSING)
        self.io.say(self.summary.line())
        self.io.earcon("session_end")
        return self.summary

    def _save(self, number: int, finished: bool) -> None:
        self.summary.last_section, self.summary.finished = number, finished
        self.journal.set_progress(self.key, number, 1 if finished else 0)

    # -- one section -------------------------------------------------------------
    def _section(self, number: int) -> str:
        """'next' or 'back'; raises _Stop."""
        self._save(number, False)
        stage = "read"
        entry = None
        prompt = None
        question = messages.GUIDE_SAVED
        while True:
            if stage == "read":
                seconds = self.steps.read_section(number)
                if seconds is None:
                    raise _Stop
                self.summary.listened += seconds
                stage = "offer"
            elif stage == "offer":
                said = self._ask(messages.GUIDE_BREATH_OFFER, yes_no=True)
                if said in ("yes", "breathe"):
                    self._breathe()
                    stage = "reflect"
                elif said in ("no", "skip", "reflect", "keep", "resume"):
                    stage = "reflect"
                elif said == "repeat":
                    stage = "read"
                elif said in ("next", "back"):
                    return self._leave(number, said)
                else:
                    self.io.say(messages.GUIDE_OFFER_HINT)
            elif stage == "reflect":
                prompt = prompt or self._prompt(number)
                entry = self.steps.reflect(prompt, number)
                if entry is None:
                    stage = "nothing"
                else:
                    self.summary.entries += 1
                    self._save(number, True)
                    question = messages.GUIDE_SAVED
                    stage = "confirm"
            elif stage == "nothing":
                said = self._ask(messages.GUIDE_NOTHING_SAVED)
                if said in ("redo", "yes", "reflect", "repeat"):
                    stage = "reflect"
                elif said in ("next", "no", "skip", "back"):
                    return self._leave(number, "back" if said == "back" else "next")
                elif said == "breathe":
                    self._breathe()
                else:
                    self.io.say(messages.GUIDE_NOTHING_HINT)
            elif stage == "confirm":
                said = self._ask(question)
                if said == "read_back":
                    self.steps.read_back(entry.text)
                    question = messages.GUIDE_AFTER_READ_BACK
                elif said in ("next", "keep", "yes", "skip", "back"):
                    if said == "keep":
                        self.io.say(messages.GUIDE_KEPT)
                    return self._leave(number, "back" if said == "back" else "next")
                elif said in ("redo", "no"):
                    self.journal.delete(entry.id)
                    self.summary.entries -= 1
                    self._save(number, False)
                    stage = "reflect"
                elif said == "breathe":
                    self._breathe()
                elif said != "repeat":
                    self.io.say(messages.GUIDE_CONFIRM_HINT)

    def _leave(self, number: int, where: str) -> str:
        if where == "next":
            self._save(number, True)
        return where

    def _prompt(self, number: int) -> str:
        from voiceguide.content import next_prompt

        used = self.journal.conn.execute(
            "SELECT count(*) FROM entries WHERE kind = 'reflection' AND article = ? AND section = ?"
            " AND prompt IS NOT NULL",
            (self.article_key, number),
        ).fetchone()[0]
        return next_prompt(self.prompts, number, used)

    def _breathe(self) -> None:
        result = self.steps.breathe()
        if result is not None:
            self.summary.breathed += result.seconds
            if getattr(result, "keyboard_interrupt", False):
                raise KeyboardInterrupt

    # -- a listening point ---------------------------------------------------------
    def _ask(self, question: str, *, yes_no: bool = False) -> str:
        """Say ``question`` and return the command heard; the general commands are handled here."""
        self.io.say(question)
        silent = unclear = 0
        while True:
            heard = self.io.hear()
            if isinstance(heard, KeyPressed):
                name = (QUESTION_KEYS.get(heard.key) if yes_no else None) or KEYS.get(heard.key)
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
            if name == "stop":
                raise _Stop
            if name == "help":
                self.io.say(messages.GUIDE_HELP.format(commands=spoken_list()))
                self.io.say(question)
            elif name in ADJUSTING:
                self.io.say(self.io.adjust(name))
            elif name == "pause":
                self._wait_for_resume(messages.GUIDE_PAUSED)
                self.io.say(question)
            else:
                return name

    def _wait_for_resume(self, notice: str) -> None:
        """Paused: only resume (or stop, or anything clear like yes/next) goes on."""
        self.io.say(notice)
        while True:
            heard = self.io.hear()
            if isinstance(heard, KeyPressed):
                name = KEYS.get(heard.key) or QUESTION_KEYS.get(heard.key)
                heard = Command(name, heard.key) if name else Nothing("key")
            if isinstance(heard, Command):
                if heard.name not in ("stop", "resume", "yes", "next", "repeat", "pause"):
                    # heard, but it means nothing while paused ("redo", "slower"): say so, stay paused
                    self.io.earcon("not_understood")
                    self.io.say(messages.GUIDE_STILL_PAUSED)
                    continue
                self.io.earcon("understood")
                if heard.name == "stop":
                    raise _Stop
                return
