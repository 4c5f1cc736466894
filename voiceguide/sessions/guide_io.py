"""How the guide speaks and hears: on the speakers and microphone, or as text on a terminal.

``SpokenIO`` is half-duplex: it waits for the player to fall silent, plays
the listening earcon, and only then opens the microphone. ``TextIO`` prints
and reads typed lines (a typed command is matched by the same closed list).
The ``*_steps`` functions build the guide's Steps over the read, breathe and
reflect sessions for each of the two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from typing import TextIO as Stream

from voiceguide import messages
from voiceguide.collaborators import KeySource, PlayerLike
from voiceguide.sessions.guide import Steps
from voiceguide.settings import VoiceSettings
from voiceguide.speech.commands import Command, CommandName, KeyPressed, Nothing, match

if TYPE_CHECKING:
    from voiceguide.audio.clip import Clip
    from voiceguide.breathing.patterns import BreathPattern
    from voiceguide.breathing.scheduler import RunResult
    from voiceguide.collaborators import Clock, RecorderLike, TranscriberLike
    from voiceguide.content.model import Article
    from voiceguide.journal.models import Entry
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.breathe import CueMode
    from voiceguide.speech.commands import Heard
    from voiceguide.speech.listener import CommandListener
    from voiceguide.speech.synthesizer import Synthesizer
    from voiceguide.ui.breathing_view import BreathingView
    from voiceguide.ui.level_meter import LevelView
    from voiceguide.ui.reading_view import ReadingView

Remember = Callable[[dict[str, Any]], None]
"""Keeps changed settings (config.remember): rate and volume after slower, faster, louder, quieter"""


def adjusted(settings: VoiceSettings, command: CommandName) -> VoiceSettings:
    """VoiceSettings after slower/faster/louder/quieter."""
    if command in (CommandName.SLOWER, CommandName.FASTER):
        return settings.step_rate(1 if command == CommandName.FASTER else -1)
    return settings.step_volume(1 if command == CommandName.LOUDER else -1)


def adjustment_notice(settings: VoiceSettings, command: CommandName) -> str:
    if command in (CommandName.SLOWER, CommandName.FASTER):
        return messages.GUIDE_RATE.format(rate=settings.rate)
    return messages.GUIDE_VOLUME.format(percent=round(settings.volume * 100))


class SpokenIO:
    """Speech out through the Player, commands in through the CommandListener, keys all along."""

    def __init__(
        self,
        *,
        player: PlayerLike,
        synthesizer: Synthesizer,
        listener: CommandListener,
        keys: KeySource | None = None,
        notify: Callable[[str], None] | None = None,
        remember: Remember | None = None,
        listen_timeout: float = 8.0,
    ) -> None:
        self.player, self.synth, self.listener, self.keys = player, synthesizer, listener, keys
        self.notify = notify or (lambda line: None)
        self.remember = remember or (lambda values: None)
        self.listen_timeout = listen_timeout

    def say(self, text: str) -> None:
        self.notify(text)
        clip = self.synth.render(text)
        self.player.play(clip).wait(clip.duration + 10)

    def earcon(self, name: str) -> None:
        from voiceguide.audio.tones import earcon

        clip = earcon(name)
        self.player.play(clip).wait(clip.duration + 2)

    def hear(self, prompt: str | None = None) -> Heard:
        self.player.wait(30)  # half-duplex: never listen while anything plays
        self.earcon("listening")
        self.player.wait(2)
        self.notify(messages.GUIDE_LISTENING)
        heard = self.listener.listen(keys=self.keys, timeout=self.listen_timeout, prompt=prompt)
        if getattr(heard, "heard", ""):
            self.notify(messages.GUIDE_HEARD.format(text=getattr(heard, "heard", "")))
        return heard

    def adjust(self, command: CommandName) -> str:
        settings = adjusted(self.synth.settings, command)
        self.synth.with_settings(settings)
        self.remember({"rate": settings.rate, "volume": settings.volume})
        return adjustment_notice(settings, command)


class TextIO:
    """Printed lines and typed answers: the whole guide without audio devices."""

    def __init__(
        self,
        out: Stream,
        read_line: Callable[[], str | None],
        *,
        settings: VoiceSettings | None = None,
        remember: Remember | None = None,
    ) -> None:
        self.out = out
        self.read_line = read_line
        self.settings = settings
        self.remember = remember or (lambda values: None)

    def say(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def earcon(self, name: str) -> None:
        if name == "session_end":
            self.out.flush()

    def hear(self, prompt: str | None = None) -> Heard:
        self.out.write(messages.GUIDE_TYPE_PROMPT)
        self.out.flush()
        line = self.read_line()
        if line is None:  # the input ended: that is a stop
            self.out.write("\n")
            return Command(CommandName.STOP, "")
        line = line.strip()
        if not line:
            return Nothing("timeout")
        if len(line) == 1 and not line.isalnum() or line.lower() in ("y", "n", "q"):
            return KeyPressed(line.lower() if line.isalpha() else line)
        return match(line)

    def adjust(self, command: CommandName) -> str:
        if self.settings is None:
            return messages.GUIDE_TEXT_NO_VOICE
        self.settings = adjusted(self.settings, command)
        self.remember({"rate": self.settings.rate, "volume": self.settings.volume})
        return adjustment_notice(self.settings, command)


class SilentPlayer:
    """A Player that plays nothing, for a breathing exercise paced on the terminal only."""

    rate = 48000

    class _Done:
        started_at: float | None = None
        done = True

        def wait(self, timeout: float | None = None) -> bool:
            return True

    def play(self, clip: Clip, at: float | None = None) -> _Done:
        return self._Done()

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def wait(self, timeout: float | None = None) -> bool:
        return True


def text_steps(
    article: Article,
    *,
    io: TextIO,
    journal: Journal,
    article_key: str,
    breathing: Callable[[], tuple[BreathPattern, int]],
    clock: Clock,
) -> Steps:
    """Steps for ``--text``: printed sections, a breathing exercise paced in plain lines, typed entries."""
    from voiceguide.sessions.breathe import BreatheSession
    from voiceguide.sessions.read import print_text
    from voiceguide.sessions.reflect import reflect_typed
    from voiceguide.ui.breathing_view import PlainView

    def read_section(number: int) -> float:
        print_text(article, number, io.out)
        return float(article.section(number).listening_minutes() * 60)  # the time it takes to read, as listening

    def breathe() -> RunResult:
        pattern, cycles = breathing()
        session = BreatheSession(
            pattern,
            cycles,
            player=SilentPlayer(),
            clock=clock,
            view=PlainView(io.out),
            cue_mode="none",
            countdown=0,
            journal=journal,
        )
        return session.run()

    def reflect(prompt: str, number: int) -> Entry | None:
        io.say(messages.REFLECT_PROMPT.format(prompt=prompt))
        io.out.write(messages.GUIDE_TYPE_ENTRY)
        io.out.flush()
        text = io.read_line()
        if text is None:
            return None
        entry: Entry | None = reflect_typed(text, journal=journal, prompt=prompt, article=article_key, section=number)
        return entry

    def read_back(entry: Entry) -> None:
        io.say(entry.text)

    return Steps(read_section, breathe, reflect, read_back)


FINAL_WAIT = 60.0
"""Seconds "read it back" (and the end of the session) waits for an entry's final pass"""


def spoken_steps(
    article: Article,
    *,
    io: SpokenIO,
    journal: Journal,
    article_key: str,
    breathing: Callable[[], tuple[BreathPattern, int]],
    make_recorder: Callable[[], RecorderLike],
    transcriber: TranscriberLike,
    private_render: Callable[[str], Clip],
    clock: Clock,
    cue_mode: CueMode = "both",
    silence: float = 3.0,
    reading_view: ReadingView | None = None,
    breathing_view: BreathingView | None = None,
    level_view: Callable[[], LevelView] | None = None,
    barge_in: bool = False,
    final_transcriber: TranscriberLike | None = None,
) -> Steps:
    """Steps on the speakers and microphone, over ReadSession, BreatheSession and ReflectSession."""
    from voiceguide.sessions.breathe import BreatheSession
    from voiceguide.sessions.read import ReadSession
    from voiceguide.sessions.reflect import ReflectSession

    player, synth, keys = io.player, io.synth, io.keys

    def read_section(number: int) -> float | None:
        import contextlib

        from voiceguide.speech.barge_in import speaker_barge_in

        listening = speaker_barge_in(player, transcriber, keys, io.notify) if barge_in else contextlib.nullcontext(keys)
        with listening as reading_keys:
            session = ReadSession(
                article,
                player=player,
                synthesizer=synth,
                view=reading_view,
                keys=reading_keys,
                progress=None,
                article_key=article_key,
                clock=clock,
            )
            started = clock.monotonic()
            result = session.run(section=number)
            player.wait(5)
        return clock.monotonic() - started if result.finished else None

    def breathe() -> RunResult:
        pattern, cycles = breathing()
        session = BreatheSession(
            pattern,
            cycles,
            player=player,
            clock=clock,
            view=breathing_view,
            cue_mode=cue_mode,
            volume=synth.settings.volume,
            render_voice=synth.render if cue_mode in ("voice", "both") else None,
            journal=journal,
            keys=keys,
        )
        result = session.run()
        player.wait(3)
        return result

    def reflect(prompt: str, number: int) -> Entry | None:
        io.notify(messages.REFLECT_PROMPT.format(prompt=prompt))
        session = ReflectSession(
            prompt,
            player=player,
            recorder=make_recorder(),
            transcriber=transcriber,
            journal=journal,
            speak=synth.render,
            view=level_view() if level_view else None,
            keys=keys,
            silence=silence,
            article=article_key,
            section=number,
            final_transcriber=final_transcriber,
        )
        result = session.run()
        if result.entry is not None:
            io.notify(messages.GUIDE_ENTRY_TEXT.format(text=result.entry.text))
        if result.final is not None and result.entry is not None:
            finals[result.entry.id] = result.final.start()  # the guide goes on while it runs
        return result.entry

    def read_back(entry: Entry) -> None:
        final = finals.get(entry.id)
        text = final.final_text(FINAL_WAIT) if final is not None else None
        clip = private_render(text or entry.text)
        player.play(clip).wait(clip.duration + 10)

    def settle() -> None:
        for final in finals.values():
            final.wait(FINAL_WAIT)  # one not done by then is finished on the next start

    finals: dict[int, Any] = {}
    return Steps(read_section, breathe, reflect, read_back, settle)
