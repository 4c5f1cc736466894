"""The one place that picks concrete classes: real devices, engines and the journal store.

Sessions take their collaborators as arguments; the CLI calls these
functions so that it never has to know which Player or Synthesizer is real.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeVar

from voiceguide.breathing.patterns import BreathPattern

if TYPE_CHECKING:
    from voiceguide.breathing.scheduler import RunResult
    from voiceguide.collaborators import TranscriberLike
    from voiceguide.content.model import Article
    from voiceguide.journal.models import Entry
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.breathe import CueMode
    from voiceguide.sessions.guide import GuideSummary
    from voiceguide.sessions.reflect import ReflectResult
    from voiceguide.settings import VoiceSettings
    from voiceguide.speech.transcriber import WhisperTranscriber

T = TypeVar("T", bound="TranscriberLike")

Notify = Callable[[str], None]
"""Where a one-line notice for the person goes (the command line's echo)"""


def load_article(path: str | Path | None = None) -> Article:
    """The article at ``path`` (default: the bundled one), refused when larger than `config article_mb`."""
    from voiceguide.content import load_article as load

    if path is None:
        return load(None)  # the bundled article: no file, no limit to read
    from voiceguide import config

    return load(path, max_mb=config.effective()["article_mb"])


def run_breathing(
    pattern: BreathPattern,
    cycles: int,
    *,
    cue_mode: CueMode,
    countdown: int,
    animate: bool,
    quiet: bool,
    voice: VoiceSettings,
    volume: float,
) -> RunResult:
    from voiceguide.audio.player import Player
    from voiceguide.collaborators import SystemClock
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.breathe import BreatheSession
    from voiceguide.speech.synthesizer import Synthesizer
    from voiceguide.ui.breathing_view import make_breathing_view
    from voiceguide.ui.keys import TerminalKeys

    with Journal.open() as journal:
        first_use = not journal.breathing_sessions(limit=1)
        synth = Synthesizer(voice) if cue_mode in ("voice", "both") else None
        try:
            with Player() as player, TerminalKeys() as keys:
                session = BreatheSession(
                    pattern,
                    cycles,
                    player=player,
                    clock=SystemClock(),
                    view=make_breathing_view(animate=animate),
                    cue_mode=cue_mode,
                    volume=volume,
                    countdown=countdown,
                    render_voice=synth.render if synth else None,
                    journal=journal,
                    keys=keys,
                )
                for line in session.notices(first_use=first_use, quiet=quiet):
                    print(line, file=sys.stderr)
                result = session.run()
                player.wait(2)
        finally:
            if synth is not None:
                synth.close()
    return result


# -- reflect -------------------------------------------------------------------


def make_transcriber(engine: str = "whisper", model: str | None = None, *, online: bool = False) -> TranscriberLike:
    """The transcriber behind ``--engine``/``--model``; an online engine only with ``--online``."""
    from voiceguide import messages
    from voiceguide.errors import SettingsError
    from voiceguide.speech.online import ONLINE_ENGINES

    if engine in ONLINE_ENGINES and not online:
        raise SettingsError(messages.REFLECT_ONLINE_NEEDED.format(engine=engine))
    if engine == "google":
        from voiceguide.speech.online import GoogleTranscriber

        return GoogleTranscriber()
    if engine == "whisper":
        from voiceguide.speech.transcriber import WhisperTranscriber

        return WhisperTranscriber(model)
    if engine == "sphinx":
        from voiceguide.speech.sphinx import SphinxTranscriber

        return SphinxTranscriber()
    raise SettingsError(messages.REFLECT_UNKNOWN_ENGINE.format(engine=engine))


def make_final_transcriber(engine: str, model: str | None, live: T) -> T | WhisperTranscriber | None:
    """The transcriber for the final pass over a whole entry (and --from-file and recovery).

    A chosen ``--model`` (or ``config set model``) is used for every pass;
    otherwise Whisper base where it is installed (the README has the
    measurements behind that), else the live model. Engines other than
    Whisper have no final pass (None).
    """
    if engine != "whisper":
        return None
    from voiceguide.errors import EngineMissing
    from voiceguide.speech import models
    from voiceguide.speech.transcriber import WhisperTranscriber

    if model or os.environ.get("VOICEGUIDE_MODEL"):
        return live
    name = models.final_default()
    if live is not None and name == getattr(live, "model_name", None):
        return live
    try:
        return WhisperTranscriber(name)
    except EngineMissing:
        return live  # base could not be assembled: the live model still makes a better whole-entry pass


def _reflect_models(
    engine: str, model: str | None, live: TranscriberLike
) -> tuple[TranscriberLike, TranscriberLike | None]:
    """(live, final) transcribers for a spoken entry, loaded: one Whisper model for both where it can be.

    The default final model (base) streams the pieces too, on windows as
    long as each piece, so it is ready as soon as tiny.en would be; one
    model in memory instead of two keeps `reflect` within its memory
    budget (the README has the measurements). If it cannot load, the live
    model streams and its text is the entry.
    """
    final = make_final_transcriber(engine, model, live)
    if final is not None and final is not live:
        if _loaded(final) is not None:
            return final, final
        final = None
    live.load()
    return live, _loaded(final)


def _loaded(transcriber: TranscriberLike | None) -> TranscriberLike | None:
    """The final-pass transcriber loaded, or None when it cannot load: the streamed text is then the entry."""
    from voiceguide.errors import VoiceguideError

    if transcriber is not None:
        try:
            transcriber.load()
        except VoiceguideError:
            return None
    return transcriber


def choose_prompt(article: Article, section: int | None, journal: Journal) -> tuple[str, int]:
    """The next reflection prompt of ``section`` (default: where reading stopped), skipping used ones."""
    from voiceguide.content import load_prompts, next_prompt
    from voiceguide.sessions.read import progress_key

    key = progress_key(article)
    if section is None:
        saved = journal.get_progress(key)
        section = saved[0] if saved else 1
    article.section(section)  # an unknown section is a clear error
    return next_prompt(load_prompts(article), section, journal.prompts_used(key, section)), section


def _where(
    article_path: str | None, prompt: str | None, section: int | None, journal: Journal, *, default_prompt: bool
) -> tuple[str | None, str | None, int | None]:
    """(prompt, article key, section) for a new entry."""
    from voiceguide.sessions.read import progress_key

    if prompt is not None and section is None and article_path is None:
        return prompt, None, None
    article = load_article(article_path)
    if prompt is None and default_prompt:
        prompt, section = choose_prompt(article, section, journal)
    elif section is not None:
        article.section(section)
    return prompt, progress_key(article), section


def run_reflect(
    *,
    prompt: str | None,
    section: int | None,
    article_path: str | None,
    silence: float,
    max_minutes: float,
    engine: str,
    model: str | None,
    voice: VoiceSettings,
    notify: Notify,
    online: bool = False,
) -> ReflectResult:
    """Ask, record, transcribe and save one spoken entry on the real devices."""
    import concurrent.futures

    from voiceguide import messages
    from voiceguide.audio.player import Player
    from voiceguide.audio.recorder import Recorder
    from voiceguide.collaborators import SystemClock
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.reflect import ReflectSession
    from voiceguide.speech.synthesizer import Synthesizer
    from voiceguide.ui.keys import TerminalKeys
    from voiceguide.ui.level_meter import make_level_meter

    transcriber = make_transcriber(engine, model, online=online)
    with (
        Journal.open() as journal,
        Synthesizer(voice, notify=notify) as synth,
        concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="model-load") as pool,
    ):
        loading = pool.submit(_reflect_models, engine, model, transcriber)  # loaded while the prompt is spoken
        prompt, article_key, section = _where(article_path, prompt, section, journal, default_prompt=True)
        notify(messages.REFLECT_PROMPT.format(prompt=prompt))
        with Player() as player, TerminalKeys() as keys:
            recorder = Recorder()
            session = ReflectSession(
                prompt,
                player=player,
                recorder=recorder,
                transcriber=transcriber,
                journal=journal,
                speak=synth.render,
                view=make_level_meter(),
                keys=keys,
                silence=silence,
                max_minutes=max_minutes,
                clock=SystemClock(),
                article=article_key,
                section=section,
            )
            session.transcriber, session.final_transcriber = loading.result()
            result = session.run()
        if result.final is not None:
            from voiceguide.sessions.final_pass import finish_with_spinner

            if finish_with_spinner(result.final, notify) is not None:
                result = dataclasses.replace(result, entry=result.final.entry)
        return result


def import_reflection(
    path: str | Path,
    *,
    prompt: str | None,
    section: int | None,
    article_path: str | None,
    engine: str,
    model: str | None,
    online: bool = False,
) -> ReflectResult:
    """An audio file as a spoken entry (no audio device needed)."""
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.reflect import reflect_from_samples
    from voiceguide.speech.decode import decode_audio_file

    samples = decode_audio_file(path)  # a bad file fails before the journal or the model opens
    transcriber = make_transcriber(engine, model, online=online)
    transcriber = make_final_transcriber(engine, model, transcriber) or transcriber
    with Journal.open() as journal:
        prompt, article_key, section = _where(article_path, prompt, section, journal, default_prompt=False)
        return reflect_from_samples(
            samples, transcriber=transcriber, journal=journal, prompt=prompt, article=article_key, section=section
        )


def typed_reflection(
    read_text: Callable[[], str], *, prompt: str | None, section: int | None, article_path: str | None, notify: Notify
) -> Entry | None:
    """A typed entry; ``read_text`` is called after the prompt is shown."""
    from voiceguide import messages
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.reflect import reflect_typed

    with Journal.open() as journal:
        prompt, article_key, section = _where(article_path, prompt, section, journal, default_prompt=True)
        notify(messages.REFLECT_PROMPT.format(prompt=prompt))
        entry: Entry | None = reflect_typed(
            read_text(), journal=journal, prompt=prompt, article=article_key, section=section
        )
        return entry


def recover_recordings(notify: Notify) -> list[Entry]:
    """Recordings a killed voiceguide left behind, saved as transcribed entries; one notice each.

    Cheap when there is nothing to do: no journal file means no query, and the
    model loads only if a recording is waiting. A journal that cannot be
    opened is left to the command itself to report, except a passphrase
    typed wrong at every try: asking again for the command would double the tries.
    """
    from voiceguide import messages
    from voiceguide.errors import VoiceguideError, WrongPassphrase
    from voiceguide.journal.recordings import may_hold_recordings
    from voiceguide.settings import user_paths

    path = user_paths().journal
    if not path.exists() or not may_hold_recordings(path):
        return []
    from voiceguide.journal.recovery import finish_final_passes, recover_unfinished
    from voiceguide.journal.store import Journal

    try:
        with Journal.open() as journal:
            if not journal.unfinished_recordings():
                return []
            transcriber = _recovery_transcriber()
            transcribe = transcriber.transcribe_recording if transcriber is not None else None
            for entry in finish_final_passes(journal, transcribe):
                notify(messages.REFLECT_FINISHED_FINAL.format(id=entry.id, text=entry.text))
            recovered = recover_unfinished(journal, transcribe)
    except WrongPassphrase:
        raise
    except VoiceguideError:
        return []
    for entry in recovered:
        text = entry.text or messages.REFLECT_RECOVERED_NO_TEXT.format(id=entry.id)
        notify(
            messages.REFLECT_RECOVERED.format(
                started=entry.created[:16].replace("T", " "), seconds=entry.duration or 0, id=entry.id, text=text
            )
        )
    return recovered


def _recovery_transcriber() -> WhisperTranscriber | None:
    """The final-pass model, as the command line would choose it (config, then VOICEGUIDE_MODEL)."""
    from voiceguide import config
    from voiceguide.errors import VoiceguideError
    from voiceguide.speech.transcriber import WhisperTranscriber

    try:
        model = os.environ.get("VOICEGUIDE_MODEL") or config.effective().get("model") or None
        return make_final_transcriber("whisper", model, WhisperTranscriber(model))
    except VoiceguideError:
        return None


# -- guide ---------------------------------------------------------------------


def _breathing_plan(pattern_name: str, minutes: float) -> Callable[[], tuple[BreathPattern, int]]:
    """A callable giving (pattern, cycles) for the guide's breathing offer; bad settings fail at once."""
    from voiceguide.breathing.custom import find_pattern
    from voiceguide.breathing.patterns import plan_cycles

    pattern = find_pattern(pattern_name)
    cycles = plan_cycles(pattern, minutes=minutes)
    return lambda: (pattern, cycles)


def run_guide(
    article: Article,
    *,
    section: int | None,
    restart: bool,
    as_text: bool,
    voice: VoiceSettings,
    breath_pattern: str,
    breath_minutes: float,
    cue: CueMode,
    silence: float,
    engine: str,
    model: str | None,
    notify: Notify,
    read_line: Callable[[], str | None] | None = None,
    out: TextIO | None = None,
    barge_in: bool = False,
    online: bool = False,
) -> GuideSummary:
    """The guided session over ``article``: on the speakers and microphone, or as text (``as_text``)."""
    from voiceguide import config
    from voiceguide.collaborators import SystemClock
    from voiceguide.content import load_prompts
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.guide import GuideSession
    from voiceguide.sessions.read import progress_key

    if section is not None:
        article.section(section)  # an unknown section fails before any device opens
    breathing = _breathing_plan(breath_pattern, breath_minutes)
    checkin = bool(config.effective()["checkin"])
    prompts = load_prompts(article)
    key = progress_key(article)
    if as_text:
        from voiceguide.sessions.guide_io import TextIO, text_steps

        with Journal.open() as journal:
            journal.checkpoint_each_commit = True  # a long session: each confirmed entry in the main file
            typed = TextIO(
                out or sys.stdout,
                read_line or (lambda: sys.stdin.readline() or None),
                settings=voice,
                remember=config.remember,
            )
            steps = text_steps(
                article, io=typed, journal=journal, article_key=key, breathing=breathing, clock=SystemClock()
            )
            session = GuideSession(
                article, io=typed, steps=steps, journal=journal, prompts=prompts, article_key=key, checkin=checkin
            )
            return session.run(section=section, restart=restart)

    import concurrent.futures

    from voiceguide.audio.player import Player
    from voiceguide.audio.recorder import Recorder
    from voiceguide.sessions.guide_io import SpokenIO, spoken_steps
    from voiceguide.speech.listener import CommandListener
    from voiceguide.speech.synthesizer import Synthesizer
    from voiceguide.ui.breathing_view import make_breathing_view
    from voiceguide.ui.keys import TerminalKeys
    from voiceguide.ui.level_meter import make_level_meter
    from voiceguide.ui.reading_view import make_reading_view

    transcriber = make_transcriber(engine, model, online=online)
    with (
        Journal.open() as journal,
        Synthesizer(voice, notify=notify) as synth,
        concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="model-load") as pool,
    ):
        journal.checkpoint_each_commit = True  # a long session: each confirmed entry in the main file
        loading = pool.submit(transcriber.load)  # the models load while the first section is read
        final = make_final_transcriber(engine, model, transcriber)
        final_loading = pool.submit(_loaded, final)
        with Player() as player, TerminalKeys() as keys:
            listener = CommandListener(Recorder, transcriber)
            spoken = SpokenIO(
                player=player, synthesizer=synth, listener=listener, keys=keys, notify=notify, remember=config.remember
            )

            steps = spoken_steps(
                article,
                io=spoken,
                journal=journal,
                article_key=key,
                breathing=breathing,
                make_recorder=Recorder,
                transcriber=transcriber,
                private_render=synth.render_private,  # journal words never land in the plain speech cache
                clock=SystemClock(),
                cue_mode=cue,
                silence=silence,
                reading_view=make_reading_view(),
                breathing_view=make_breathing_view(),
                level_view=make_level_meter,
                barge_in=barge_in,
                final_transcriber=final,
            )
            session = GuideSession(
                article, io=spoken, steps=steps, journal=journal, prompts=prompts, article_key=key, checkin=checkin
            )
            try:
                return session.run(section=section, restart=restart)
            finally:
                steps.settle()
                loading.result()
                final_loading.result()
                listener.close()
                player.wait(3)
