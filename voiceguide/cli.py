"""The command line. The only module that imports click; commands stay thin.

Each command parses options, builds settings, calls one session or store
function, and lets ``main()`` map errors to exit codes: 1 for a
VoiceguideError (one line), 2 for bad usage, 130 for Ctrl-C.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from voiceguide import __version__, messages
from voiceguide.errors import VoiceguideError

if TYPE_CHECKING:  # types only: the command line imports its modules when a command runs
    from datetime import datetime

    from voiceguide.journal.models import Entry
    from voiceguide.journal.store import Journal
    from voiceguide.sessions.breathe import CueMode
    from voiceguide.settings import VoiceSettings

F = TypeVar("F", bound=Callable[..., Any])

HELP_OPTIONS = ["-h", "--help"]
CONTEXT: dict[str, Any] = {"help_option_names": HELP_OPTIONS, "max_content_width": 100}


class Options(NamedTuple):
    """The root flags, handed to commands that need them (a NamedTuple: no dataclasses import at start)."""

    debug: bool = False
    debug_audio: bool = False
    online: bool = False


_debug = False
"""Whether to show tracebacks, set from the parsed root options"""


def _echo_err(line: str) -> None:
    click.echo(line, err=True)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="voiceguide")
@click.option("--debug", is_flag=True, envvar="VOICEGUIDE_DEBUG", help="Show tracebacks for errors.")
@click.option(
    "--debug-audio",
    is_flag=True,
    envvar="VOICEGUIDE_DEBUG_AUDIO",
    help="Show PortAudio/ALSA/JACK messages instead of silencing them.",
)
@click.option(
    "--online",
    is_flag=True,
    envvar="VOICEGUIDE_ONLINE",
    help="Allow online speech engines. Off by default: nothing leaves this machine.",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool, debug_audio: bool, online: bool) -> None:
    """A private, offline, hands-free voice companion for a guided article.

    It reads the guidance aloud, paces breathing exercises, and keeps your
    spoken reflections in a local journal. Nothing leaves this machine
    unless you pass --online.

    \b
    Examples:
      voiceguide guide              # the whole session, hands-free
      voiceguide read --section 2   # listen to one section
      voiceguide breathe box        # a paced breathing exercise
      voiceguide doctor             # check audio, voice and model
    """
    ctx.obj = Options(debug=debug, debug_audio=debug_audio, online=online)
    global _debug
    _debug = debug  # as Click read it: --debug or VOICEGUIDE_DEBUG, for main() to decide on tracebacks
    from voiceguide.journal.passphrase import set_prompt, terminal_prompt

    set_prompt(terminal_prompt)  # an encrypted journal asks for its passphrase on the terminal
    if debug_audio:
        from voiceguide.audio.devices import set_debug_audio

        set_debug_audio(True)
    if ctx.invoked_subcommand in SAVED_DEFAULTS:
        _defaults_from_config(ctx, SAVED_DEFAULTS[ctx.invoked_subcommand])
    if ctx.invoked_subcommand not in (None, "doctor") and not _asks_for_help(ctx) and not ctx.resilient_parsing:
        from voiceguide.journal.leftovers import sweep
        from voiceguide.settings import user_paths

        sweep(user_paths().data)  # what a killed conversion or edit left behind (doctor reports these)
    if (
        ctx.invoked_subcommand in JOURNAL_COMMANDS
        and not _asks_for_help(ctx)
        and not ctx.resilient_parsing
        and not (ctx.invoked_subcommand == "journal" and ctx.args[:1] == ["lock"])
    ):
        from voiceguide.sessions.factory import recover_recordings

        recover_recordings(notify=_echo_err)


JOURNAL_COMMANDS = ("read", "breathe", "reflect", "guide", "journal", "checkin")
"""Commands that open the journal, and so first recover a recording a crash left behind
(all but `journal lock`, which must not unlock it)"""
VOICE_KEYS = {"voice": "voice", "rate": "rate", "volume": "volume"}
SAVED_DEFAULTS = {
    "read": VOICE_KEYS,
    "breathe": VOICE_KEYS,
    "reflect": {**VOICE_KEYS, "model": "model"},
    "guide": {
        **VOICE_KEYS,
        "model": "model",
        "breath_pattern": "breath_pattern",
        "breath_minutes": "breath_minutes",
        "barge_in": "barge_in",
    },
}
"""Per command, which options (by parameter name) default to which saved setting (`voiceguide config`)"""


def _defaults_from_config(ctx: click.Context, keys: dict[str, str]) -> None:
    """The one way saved settings meet flags: they become option defaults, so flags and VOICEGUIDE_* still win."""
    from voiceguide.config import effective

    saved = effective()
    defaults = {param: saved[key] for param, key in keys.items() if saved.get(key) not in (None, "")}
    if ctx.invoked_subcommand is not None:
        ctx.default_map = {**(ctx.default_map or {}), ctx.invoked_subcommand: defaults}


def _asks_for_help(ctx: click.Context) -> bool:
    """`voiceguide CMD --help` runs this group's callback too; help should not recover recordings.

    Click has already taken the subcommand's arguments off ``ctx`` here, so look at argv.
    """
    return any(arg in HELP_OPTIONS for arg in sys.argv[1:])


@cli.command(context_settings=CONTEXT)
@click.pass_obj
def doctor(opts: Options) -> None:
    """Check the audio server, devices, voice, model and data directory.

    Exits 0 when everything the guided session needs works; otherwise
    prints one line per problem saying how to fix it, and exits 1.

    \b
    Example:
      voiceguide doctor
    """
    from rich.console import Console
    from rich.table import Table

    from voiceguide.sessions.doctor import run_checks

    checks = run_checks(online=opts.online)
    table = Table(title=messages.DOCTOR_TITLE, show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for check in checks:
        table.add_row(check.name, "[green]ok[/]" if check.ok else "[red]FAIL[/]", check.detail)
    Console().print(table)
    problems = [c for c in checks if not c.ok and c.required]
    if not problems:
        click.echo(messages.DOCTOR_ALL_GOOD)
        return
    _echo_err(messages.DOCTOR_PROBLEMS.format(count=len(problems)))
    for check in problems:
        _echo_err(f"- {check.name}: {check.fix}")
    sys.exit(1)


@cli.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def devices(as_json: bool) -> None:
    """List audio devices (PortAudio indexes for --output-device / --input-device).

    \b
    Example:
      voiceguide devices
    """
    import json

    from voiceguide.audio.devices import list_devices

    found = list_devices()
    if as_json:
        click.echo(json.dumps([d.__dict__ for d in found], indent=2))
        return
    for d in found:
        marks = ("in " if d.default_input else "") + ("out" if d.default_output else "")
        click.echo(f"{d.index:3}  {d.name:30}  in:{d.inputs:<3} out:{d.outputs:<3} {d.default_rate:.0f} Hz  {marks}")


@cli.command(context_settings=CONTEXT)
@click.option("--language", "-l", help="Only voices for this language code prefix (e.g. en).")
def voices(language: str | None) -> None:
    """List the text-to-speech voices: engine, id, name, languages, gender.

    The neural voice (piper:joe) comes first when it is installed; every
    other voice is espeak-ng's. Choose one with --voice or
    `voiceguide config set voice ID`.

    \b
    Example:
      voiceguide voices -l en
    """
    from voiceguide.speech.synthesizer import Synthesizer

    with Synthesizer() as synth:
        found = synth.voices()
    for v in found:
        if language and not any(lang.startswith(language) for lang in v.languages):
            continue
        click.echo(f"{v.engine:10}  {v.id:28}  {v.name:40}  {','.join(v.languages):14}  {v.gender}")


@cli.command(context_settings=CONTEXT)
@click.argument("article", required=False, type=click.Path(dir_okay=True))
def sections(article: str | None) -> None:
    """List the sections of ARTICLE (default: the bundled article).

    Shows the number, title, words and estimated listening minutes.

    \b
    Example:
      voiceguide sections my-notes.md
    """
    from voiceguide.content import section_table
    from voiceguide.sessions.factory import load_article

    art = load_article(article)
    click.echo(art.title)
    for row in section_table(art):
        click.echo(f"{row.number:3}  {row.title:66}  {row.words:5} words  {row.minutes:4.1f} min")


@cli.group(context_settings=CONTEXT)
def journal() -> None:
    """Your private journal: list, search, play, edit, export and import entries.

    \b
    Examples:
      voiceguide journal list --since 2026-11-01
      voiceguide journal search 'forgive*'
      voiceguide journal export --format md --out journal.md
    """


def _open_journal() -> Journal:
    from voiceguide.journal.store import Journal

    return Journal.open()


def _local_time(entry: Entry) -> str:
    return str(entry.created_at.strftime("%Y-%m-%d %H:%M"))


def _entry_line(entry: Entry) -> str:
    text = " ".join(entry.text.split())
    short = text if len(text) <= 70 else text[:69] + "…"
    mark = " ♪" if entry.has_audio else ""
    return f"{entry.id:5}  {_local_time(entry)}  {entry.kind:10}  {short}{mark}"


@journal.command("list", context_settings=CONTEXT)
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only entries on or after this date.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Only entries on or before this date.")
@click.option("--kind", type=click.Choice(["reflection", "note", "breathing"]), help="Only this kind.")
@click.option("--tag", help="Only entries with this tag (family, #family or @anna).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of entries, newest first.")
def journal_list(
    since: datetime | None, until: datetime | None, kind: str | None, tag: str | None, limit: int, as_json: bool
) -> None:
    """List entries, newest first.

    \b
    Examples:
      voiceguide journal list --kind reflection --limit 5
      voiceguide journal list --tag family
    """
    import json

    with _open_journal() as jr:
        entries, unreadable = jr.list_readable(
            since=since.date() if since else None,
            until=until.date() if until else None,
            kind=kind,
            limit=limit,
            tag=tag,
        )
    _say_skipped(unreadable)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], indent=2, ensure_ascii=False))
    elif not entries:
        click.echo(messages.JOURNAL_NO_TAGGED.format(tag=tag) if tag else messages.JOURNAL_EMPTY)
    for entry in [] if as_json else entries:
        click.echo(_entry_line(entry))


def _say_skipped(unreadable: int) -> None:
    if unreadable:
        _echo_err(
            messages.JOURNAL_SKIPPED_UNREADABLE.format(
                count=unreadable, plural="y" if unreadable == 1 else "ies", verb="was" if unreadable == 1 else "were"
            )
        )


@journal.command("check", context_settings=CONTEXT)
def journal_check() -> None:
    """Check the journal for damage with SQLite's integrity check; exits 1 when it is damaged.

    \b
    Example:
      voiceguide journal check
    """
    from voiceguide.errors import JournalCorrupt
    from voiceguide.journal.repair import check
    from voiceguide.settings import user_paths

    path = user_paths().journal
    problems = check(path)
    if not problems:
        click.echo(messages.JOURNAL_CHECK_OK.format(path=path))
        return
    for problem in problems:
        click.echo(f"  {problem}")
    raise JournalCorrupt(messages.JOURNAL_DAMAGED.format(path=path))


@journal.command("recover", context_settings=CONTEXT)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The new journal file to create.")
def journal_recover(out: str) -> None:
    """Copy every readable entry of a damaged journal into a new journal file; the damaged one is only read.

    \b
    Example:
      voiceguide journal recover --out ~/recovered.db
    """
    from pathlib import Path

    from voiceguide.journal.repair import recover
    from voiceguide.sessions.outputs import check_output
    from voiceguide.settings import user_paths

    path = user_paths().journal
    target = check_output(out)
    result = recover(path, Path(target))
    lost = messages.JOURNAL_RECOVERED_LOST.format(lost=result.lost) if result.lost else ""
    if result.lost_audio:
        lost += messages.JOURNAL_RECOVERED_LOST_AUDIO.format(count=result.lost_audio)
    click.echo(
        messages.JOURNAL_RECOVERED.format(
            saved=result.saved, plural="y" if result.saved == 1 else "ies", out=target, lost=lost, journal=path
        )
    )


@journal.command("show", context_settings=CONTEXT)
@click.argument("entry_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="The entry as JSON.")
def journal_show(entry_id: int, as_json: bool) -> None:
    """Show one entry in full, with its prompt.

    \b
    Example:
      voiceguide journal show 12
    """
    import json

    with _open_journal() as jr:
        entry = jr.get(entry_id)
    if as_json:
        click.echo(json.dumps(entry.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"Entry {entry.id} · {entry.kind} · {_local_time(entry)}")
    if entry.section:
        click.echo(f"Section {entry.section}")
    if entry.prompt:
        click.echo(f"Prompt: {entry.prompt}")
    if entry.duration:
        click.echo(f"{entry.duration:.0f} s of speech · {entry.engine or ''} {entry.model or ''}".rstrip())
    click.echo("")
    click.echo(entry.text)


@journal.command("search", context_settings=CONTEXT)
@click.argument("query")
@click.option("--tag", help="Only entries with this tag (family, #family or @anna).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of matching entries, best first.")
def journal_search(query: str, tag: str | None, limit: int, as_json: bool) -> None:
    """Find entries by words, "phrases", prefix* and AND/OR/NOT, best match first.

    \b
    Examples:
      voiceguide journal search trust
      voiceguide journal search '"small promises" OR forgive*'
      voiceguide journal search trust --tag family
    """
    import json

    tty = sys.stdout.isatty() and not as_json
    markers = ("\x1b[1;33m", "\x1b[0m") if tty else ("**", "**")
    with _open_journal() as jr:
        found = jr.search(query, limit=limit, markers=markers, tag=tag)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e, _ in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo(messages.JOURNAL_NO_MATCH.format(query=query))
    for entry, snippet in found:
        click.echo(f"{entry.id:5}  {_local_time(entry)}  {' '.join(snippet.split())}")


@journal.command("play", context_settings=CONTEXT)
@click.argument("entry_id", type=int)
def journal_play(entry_id: int) -> None:
    """Play an entry's recorded audio.

    \b
    Example:
      voiceguide journal play 12
    """
    from voiceguide.audio.player import Player
    from voiceguide.sessions.journal_ops import entry_audio

    with _open_journal() as jr:
        clip = entry_audio(jr, jr.get(entry_id))
    with Player() as player:
        player.play(clip)
        player.wait(clip.duration + 5)


@journal.command("add", context_settings=CONTEXT)
@click.argument("text", nargs=-1, required=True)
def journal_add(text: tuple[str, ...]) -> None:
    """Add a typed note.

    \b
    Example:
      voiceguide journal add "Talked with Sam; it went better than I feared."
    """
    with _open_journal() as jr:
        entry = jr.add_entry(" ".join(text), kind="note", engine="typed")
    click.echo(messages.JOURNAL_ADDED.format(id=entry.id))


@journal.command("edit", context_settings=CONTEXT)
@click.argument("entry_id", type=int)
def journal_edit(entry_id: int) -> None:
    """Edit an entry's text in $EDITOR (a private 0600 file, removed afterwards).

    \b
    Example:
      EDITOR=nano voiceguide journal edit 12
    """
    from voiceguide.sessions.journal_ops import edit_text

    with _open_journal() as jr:
        entry = jr.get(entry_id)
        new = edit_text(entry.text).strip()
        if new == entry.text.strip():
            click.echo(messages.JOURNAL_UNCHANGED.format(id=entry_id))
            return
        jr.update_text(entry_id, new, engine="typed")
    click.echo(messages.JOURNAL_EDITED.format(id=entry_id))


@journal.command("delete", context_settings=CONTEXT)
@click.argument("entry_id", type=int)
@click.option("--yes", "-y", is_flag=True, help="Do not ask first.")
def journal_delete(entry_id: int, yes: bool) -> None:
    """Delete an entry and its audio (asks first).

    \b
    Example:
      voiceguide journal delete 12
    """
    with _open_journal() as jr:
        entry = jr.get(entry_id)
        if not yes and not click.confirm(messages.JOURNAL_DELETE_ASK.format(id=entry_id, created=_local_time(entry))):
            click.echo(messages.JOURNAL_DELETE_KEPT.format(id=entry_id))
            return
        jr.delete(entry_id)
    click.echo(messages.JOURNAL_DELETED.format(id=entry_id))


@journal.command("retranscribe", context_settings=CONTEXT)
@click.argument("entry_id", type=int, required=False)
@click.option("--all", "all_entries", is_flag=True, help="Every entry that has audio.")
@click.option(
    "--model",
    envvar="VOICEGUIDE_MODEL",
    help="tiny.en, base or a CTranslate2 Whisper model directory (default: the final-pass model, base).",
)
def journal_retranscribe(entry_id: int | None, all_entries: bool, model: str | None) -> None:
    """Transcribe stored audio again; the previous text is kept in the entry's history.

    \b
    Examples:
      voiceguide journal retranscribe 12
      voiceguide journal retranscribe --all --model ~/models/whisper-base.en
    """
    from voiceguide.config import effective
    from voiceguide.errors import SettingsError
    from voiceguide.sessions.factory import make_final_transcriber
    from voiceguide.sessions.journal_ops import retranscribe
    from voiceguide.speech.transcriber import WhisperTranscriber

    if (entry_id is None) == (not all_entries):
        raise SettingsError(messages.JOURNAL_NEED_ID_OR_ALL)
    with _open_journal() as jr:
        entries = [jr.get(entry_id)] if entry_id is not None else [e for e in jr.list(limit=1_000_000) if e.has_audio]
        if entry_id is not None and not entries[0].has_audio:
            raise SettingsError(messages.JOURNAL_NO_AUDIO.format(id=entry_id))
        model = model or effective().get("model") or None
        live = WhisperTranscriber(model)
        transcriber = make_final_transcriber("whisper", model, live) or live
        done = retranscribe(jr, entries, transcriber, progress=lambda e: click.echo(f"{e.id:5}  done", err=True))
    click.echo(messages.JOURNAL_RETRANSCRIBED.format(count=len(done), plural="y" if len(done) == 1 else "ies"))


@journal.command("export", context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["md", "json", "jrnl", "html"]), default="md", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.option(
    "--audio", "audio_dir", type=click.Path(file_okay=False), help="Also write each entry's audio as WAV here."
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def journal_export(fmt: str, out: str | None, audio_dir: str | None, force: bool) -> None:
    """Export every entry as Markdown, JSON, jrnl's plain text, or a private HTML report with charts.

    \b
    Examples:
      voiceguide journal export --format md --out journal.md
      voiceguide journal export --format jrnl --out journal.txt --audio recordings/
      voiceguide journal export --format html --out report.html
    """
    from pathlib import Path

    from voiceguide.errors import SettingsError
    from voiceguide.journal.exchange import export_jrnl, export_json, export_markdown
    from voiceguide.sessions.journal_ops import audio_files, export_audio, html_report, write_private
    from voiceguide.sessions.outputs import check_output, check_output_folder

    if fmt == "html" and not out:
        raise SettingsError(messages.REPORT_NEEDS_OUT)
    if out:
        check_output(out, force=force)  # before the journal opens: nothing is read for a refused path
    if audio_dir:
        check_output_folder(audio_dir)
    with _open_journal() as jr:
        entries, unreadable = jr.list_readable(limit=10_000_000)
        _say_skipped(unreadable)
        if fmt == "html":
            text = html_report(jr, entries)
        else:
            text = {"md": export_markdown, "json": export_json, "jrnl": export_jrnl}[fmt](entries)
        files = audio_files(entries, Path(audio_dir), force=force) if audio_dir else []
        if out:
            write_private(Path(out), text, force=force)
            done = messages.REPORT_WRITTEN if fmt == "html" else messages.JOURNAL_EXPORTED
            click.echo(done.format(count=len(entries), path=out), err=True)
        else:
            click.echo(text)
        if audio_dir:
            count = export_audio(jr, files, force=force)
            click.echo(messages.JOURNAL_EXPORTED_AUDIO.format(count=count, path=audio_dir), err=True)


@journal.command("import", context_settings=CONTEXT)
@click.option("--format", "fmt", type=click.Choice(["jrnl", "dayone"]), default="jrnl", show_default=True)
@click.option(
    "--from-jrnl",
    "from_jrnl",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[NAME]",
    help="Import the journal NAME (else the default one) named in jrnl's own config.",
)
@click.option(
    "--jrnl-config",
    type=click.Path(dir_okay=False),
    envvar="VOICEGUIDE_JRNL_CONFIG",
    help="jrnl's config file (default: $XDG_CONFIG_HOME/jrnl/jrnl.yaml).",
)
@click.option("--timeformat", help="The jrnl journal's date format, e.g. '%d.%m.%Y %H:%M' (default: jrnl's).")
@click.option(
    "--date-fallback",
    type=click.Choice(["stop", "now"]),
    default="stop",
    show_default=True,
    help="Where jrnl would date an entry by today (no date, no year): stop and name the line, or do as jrnl.",
)
@click.option("--dry-run", is_flag=True, help="Say what would be imported; write nothing.")
@click.argument("file", type=click.Path(), required=False)
def journal_import(
    fmt: str,
    from_jrnl: str | None,
    jrnl_config: str | None,
    timeformat: str | None,
    date_fallback: str,
    dry_run: bool,
    file: str | None,
) -> None:
    """Bring in a jrnl journal or a Day One export; importing the same one again adds nothing.

    An encrypted jrnl journal's password is asked for (hidden) or read from
    VOICEGUIDE_JRNL_PASSWORD; it is never stored. All or nothing: on any
    error nothing is imported.

    \b
    Examples:
      voiceguide journal import --from-jrnl
      voiceguide journal import --from-jrnl work --dry-run
      voiceguide journal import --format jrnl ~/journal.txt
      voiceguide journal import --format dayone ~/Downloads/export.zip
    """
    from pathlib import Path

    from voiceguide.journal.exchange import import_entries, preview
    from voiceguide.journal.importing import gather
    from voiceguide.journal.incoming import DateFallback

    gathered = gather(
        fmt,
        Path(file) if file else None,
        password=_jrnl_password,
        from_jrnl=from_jrnl,
        jrnl_config=Path(jrnl_config) if jrnl_config else None,
        timeformat=timeformat,
        fallback=DateFallback(date_fallback),
    )
    if gathered.about:
        _echo_err(gathered.about)
    if dry_run:
        seen = preview(gathered.entries, gathered.tagsymbols)
        click.echo(messages.IMPORT_DRY_RUN.format(count=seen.count))
        if seen.first and seen.last:
            stamp = "%Y-%m-%d %H:%M"
            click.echo(
                messages.IMPORT_DRY_RUN_DATES.format(first=seen.first.strftime(stamp), last=seen.last.strftime(stamp))
            )
        if seen.tags:
            click.echo(messages.IMPORT_DRY_RUN_TAGS.format(tags=", ".join(f"{tag} ({n})" for tag, n in seen.tags)))
    else:
        from voiceguide.sessions.journal_ops import keep_imported_audio

        kept = unreadable = 0
        with _open_journal() as jr, jr.transaction():  # the entries and their recordings, or nothing
            result = import_entries(jr, gathered.entries)
            if gathered.archive is not None:
                kept, unreadable = keep_imported_audio(jr, gathered.archive, gathered.entries)
        click.echo(messages.JOURNAL_IMPORTED.format(added=result.added, skipped=result.skipped))
        if kept:
            click.echo(messages.IMPORT_AUDIO_KEPT.format(count=kept))
        gathered.media["audios"] = gathered.media.get("audios", 0) + unreadable
    left = ", ".join(f"{n} {kind}" for kind, n in gathered.media.items() if n)
    if left:
        _echo_err(messages.IMPORT_MEDIA_SKIPPED.format(counts=left))


def _jrnl_password(path: object) -> str:
    """An encrypted jrnl journal's password: VOICEGUIDE_JRNL_PASSWORD, else typed, hidden; never kept."""
    import os

    from voiceguide.errors import SettingsError

    given = os.environ.get("VOICEGUIDE_JRNL_PASSWORD")
    if given:
        return given
    if not (sys.stdin and sys.stdin.isatty()):
        raise SettingsError(messages.JRNL_PASSWORD_NO_TERMINAL.format(path=path))
    return str(click.prompt(messages.JRNL_PASSWORD_PROMPT.format(path=path), hide_input=True, err=True))


@journal.command("stats", context_settings=CONTEXT)
@click.option("--by", type=click.Choice(["week", "month"]), default="week", show_default=True, help="One row per.")
@click.option("--periods", type=click.IntRange(min=1, max=520), default=12, show_default=True, help="How many rows.")
@click.option("--json", "as_json", is_flag=True, help="The same numbers as JSON.")
@click.option("--svg", type=click.Path(dir_okay=False), help="Also save the chart as an SVG picture here.")
@click.option("--force", is_flag=True, help="With --svg: overwrite a file that already exists.")
def journal_stats(by: str, periods: int, as_json: bool, svg: str | None, force: bool) -> None:
    """A picture of practice: minutes listened and breathed, entries and mood per week or month, and streaks.

    \b
    Examples:
      voiceguide journal stats
      voiceguide journal stats --by month --periods 6
      voiceguide journal stats --json
      voiceguide journal stats --svg practice.svg
    """
    from voiceguide.sessions.outputs import check_output

    if svg:
        check_output(svg, force=force)
    with _open_journal() as jr:
        practice = jr.practice(by=by, periods=periods)
    if as_json:
        import json

        click.echo(json.dumps(practice.to_dict(), indent=2))
        return
    from rich.console import Console

    from voiceguide.ui.practice_chart import draw_practice

    console = Console(highlight=False, record=bool(svg))
    draw_practice(practice, console)
    if svg:
        from pathlib import Path

        from voiceguide.sessions.journal_ops import write_private

        write_private(Path(svg), console.export_svg(title="voiceguide journal stats"), force=force)
        _echo_err(messages.STATS_SVG_WRITTEN.format(path=svg))


@journal.command("tags", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of [tag, count].")
def journal_tags(as_json: bool) -> None:
    """Every #tag and @tag in your entries, with how many entries hold it.

    \b
    Example:
      voiceguide journal tags
    """
    with _open_journal() as jr:
        found = jr.tags()
    if as_json:
        import json

        click.echo(json.dumps(found))
        return
    if not found:
        click.echo(messages.JOURNAL_NO_TAGS)
    for tag, count in found:
        click.echo(f"{count:6}  {tag}")


@cli.command(context_settings=CONTEXT)
@click.argument("mood", required=False)
def checkin(mood: str | None) -> None:
    """Note how you feel right now, from 1 to 5 (asks when no number is given).

    \b
    Examples:
      voiceguide checkin 3
      voiceguide checkin
    """
    from voiceguide.sessions.checkin import parse_mood

    if mood is None:
        click.echo(messages.CHECKIN_ASK_TYPED, nl=False)
        mood = sys.stdin.readline().strip()
    value = parse_mood(mood)
    with _open_journal() as jr:
        jr.add_checkin(value)
    click.echo(messages.CHECKIN_SAVED.format(mood=value))


def _new_passphrase(*env_vars: str) -> str:
    """The new passphrase: VOICEGUIDE_NEW_PASSPHRASE (or ``env_vars``) for scripts, else typed twice, hidden."""
    import os

    from voiceguide.errors import JournalError, SettingsError
    from voiceguide.journal.passphrase import NEW_ENV_VAR, check_new

    given = next((os.environ[v] for v in (NEW_ENV_VAR, *env_vars) if os.environ.get(v)), None)
    if given:
        check_new(given)
        return given
    if not (sys.stdin and sys.stdin.isatty()):
        raise SettingsError(messages.PASSPHRASE_NO_TERMINAL)

    def typable(typed: str) -> str:
        try:
            check_new(typed)
        except JournalError as error:
            raise click.UsageError(str(error)) from error  # said, then asked again
        return typed

    return click.prompt(
        messages.PASSPHRASE_NEW, hide_input=True, confirmation_prompt=True, err=True, value_proc=typable
    )


@journal.command("encrypt", context_settings=CONTEXT)
@click.option(
    "--keyring", "use_keyring", is_flag=True, help="Also keep the passphrase in the system keyring and unlock with it."
)
def journal_encrypt(use_keyring: bool) -> None:
    """Encrypt the journal with a passphrase (SQLCipher); search and everything else still work.

    The passphrase is asked twice, hidden. For scripts set
    VOICEGUIDE_NEW_PASSPHRASE (or VOICEGUIDE_PASSPHRASE); see the README's
    Privacy section for the risk.

    \b
    Examples:
      voiceguide journal encrypt
      voiceguide journal encrypt --keyring
    """
    from voiceguide.journal import crypto
    from voiceguide.journal.passphrase import ENV_VAR, check_keyring, keyring_store

    crypto.require_encrypted(False)  # before asking for anything
    if use_keyring:
        check_keyring()
    secret = _new_passphrase(ENV_VAR)
    path = crypto.encrypt(secret)
    click.echo(messages.CRYPT_ENCRYPTED.format(path=path))
    if use_keyring:
        keyring_store(path, secret)
        click.echo(messages.PASSPHRASE_KEYRING_SAVED)


@journal.command("decrypt", context_settings=CONTEXT)
@click.option("--yes", "-y", is_flag=True, help="Do not ask first.")
def journal_decrypt(yes: bool) -> None:
    """Remove the journal's encryption: it becomes a plain SQLite file again.

    \b
    Example:
      voiceguide journal decrypt
    """
    from voiceguide.journal import crypto
    from voiceguide.journal.passphrase import keyring_forget

    if not yes and not click.confirm(messages.CRYPT_DECRYPT_ASK, err=True):
        click.echo(messages.CRYPT_DECRYPT_KEPT)
        return
    path = crypto.decrypt()
    keyring_forget(path)
    click.echo(messages.CRYPT_DECRYPTED.format(path=path))


@journal.command("lock", context_settings=CONTEXT)
def journal_lock() -> None:
    """Lock the encrypted journal now: the next command asks for the passphrase again.

    After an unlock the journal stays unlocked for the next commands for
    `unlock_minutes` (default 5, renewed on each use; `voiceguide config set
    unlock_minutes 0` turns this off). The key is held by the kernel for your
    login session only, never written to disk.

    \b
    Example:
      voiceguide journal lock
    """
    from voiceguide.journal import crypto
    from voiceguide.journal.passphrase import lock

    path = crypto.require_encrypted(True)
    lock(path)
    click.echo(messages.CRYPT_LOCKED.format(path=path))


@journal.command("passwd", context_settings=CONTEXT)
@click.option("--keyring", "use_keyring", is_flag=True, help="Also keep the new passphrase in the system keyring.")
def journal_passwd(use_keyring: bool) -> None:
    """Change the passphrase of the encrypted journal (the current one first, then the new one twice).

    \b
    Example:
      voiceguide journal passwd
    """
    from voiceguide.journal import crypto
    from voiceguide.journal.passphrase import check_keyring, keyring_opted_in, keyring_store

    crypto.require_encrypted(True)
    if use_keyring:
        check_keyring()
    old = crypto.current_passphrase()  # unlock first, then ask for the new one
    new = _new_passphrase()
    path = crypto.change_passphrase(new, old)
    click.echo(messages.CRYPT_REKEYED.format(path=path))
    if use_keyring or keyring_opted_in():
        keyring_store(path, new)
        click.echo(messages.PASSPHRASE_KEYRING_SAVED)


def voice_options(f: F) -> F:
    """--voice, --rate, --pitch and --volume, shared by every command that speaks (one definition: settings.py)."""
    from voiceguide.settings import PITCH, RATE, VOICE_HELP, VOLUME

    f = click.option(
        "--volume",
        type=float,
        default=VOLUME.default,
        show_default=True,
        envvar="VOICEGUIDE_VOLUME",
        help=f"{VOLUME.help}.",
    )(f)
    f = click.option(
        "--pitch",
        type=click.IntRange(int(PITCH.low), int(PITCH.high)),
        default=None,
        envvar="VOICEGUIDE_PITCH",
        help=f"{PITCH.help} [default: {PITCH.default}].",
    )(f)
    f = click.option(
        "--rate",
        type=int,
        default=int(RATE.default),
        show_default=True,
        envvar="VOICEGUIDE_RATE",
        help=f"{RATE.help}.",
    )(f)
    f = click.option("--voice", default=None, envvar="VOICEGUIDE_VOICE", help=f"{VOICE_HELP}.")(f)
    return f


def engine_options(f: F) -> F:
    """--engine and --model, shared by every command that transcribes."""
    f = click.option(
        "--model",
        envvar="VOICEGUIDE_MODEL",
        metavar="PATH_OR_NAME",
        help="Whisper model for every pass: tiny.en, base or a CTranslate2 model directory "
        "(default: tiny.en while you speak and for commands, base for the final pass over the whole entry).",
    )(f)
    f = click.option(
        "--engine",
        type=click.Choice(["whisper", "sphinx", "google"]),
        default="whisper",
        show_default=True,
        envvar="VOICEGUIDE_ENGINE",
        help="Speech engine: whisper or sphinx (offline; sphinx is smaller and far less accurate), "
        "or google (online: sends the audio to Google, only with --online).",
    )(f)
    return f


def silence_option(help_text: str) -> Callable[[F], F]:
    """--silence, shared by the commands that listen until the person stops talking."""
    return click.option(
        "--silence",
        type=click.FloatRange(min=0.5, max=60),
        default=3.0,
        show_default=True,
        envvar="VOICEGUIDE_SILENCE",
        help=help_text,
    )


def cue_option(help_text: str) -> Callable[[F], F]:
    """--cue, shared by the commands that pace breathing."""
    return click.option(
        "--cue",
        type=click.Choice(["voice", "tone", "both", "none"]),
        default="both",
        show_default=True,
        envvar="VOICEGUIDE_CUE",
        help=help_text,
    )


def _say_if_online(engine: str, opts: Options) -> None:
    """Before any audio leaves the machine, say so (the engine itself is refused without --online)."""
    if opts.online and engine == "google":
        _echo_err(messages.REFLECT_ONLINE_SENDS.format(engine=engine))


def _voice_settings(voice: str | None, rate: int, volume: float, pitch: int | None = None) -> VoiceSettings:
    """The settings, saying once that --pitch does not apply when the neural voice will speak."""
    from voiceguide.settings import PITCH, VoiceSettings
    from voiceguide.speech import engines

    settings = VoiceSettings(
        voice=voice or "", rate=rate, volume=volume, pitch=int(PITCH.default) if pitch is None else pitch
    )
    chosen = engines.choose(settings.voice)
    if pitch is not None and chosen.engine == engines.PIPER:
        _echo_err(messages.VOICE_PITCH_NOT_NEURAL.format(voice=chosen.voice))
    return settings


@cli.command(context_settings=CONTEXT)
@click.argument("pattern", required=False, envvar="VOICEGUIDE_PATTERN")
@click.option("--minutes", type=click.FloatRange(min=0.1), help="Length in minutes (ends on a whole cycle).")
@click.option("--cycles", type=click.IntRange(min=1), help="Number of whole breathing cycles.")
@click.option("--bpm", type=float, help="Breaths per minute for the resonant pattern (4.5-7).")
@cue_option("How each phase is announced.")
@click.option(
    "--countdown",
    type=click.IntRange(min=0, max=30),
    default=3,
    show_default=True,
    help="Seconds of countdown before the first cue.",
)
@click.option("--no-animation", is_flag=True, help="One plain line per phase instead of the animation.")
@click.option("--pattern-file", type=click.Path(exists=True, dir_okay=False), help="A pattern in TOML.")
@click.option("--quiet", is_flag=True, help="Skip the caution lines.")
@click.option("--list", "list_only", is_flag=True, help="List the patterns and exit.")
@click.option("--history", is_flag=True, help="Show recent sessions and minutes per week.")
@voice_options
def breathe(
    pattern: str | None,
    minutes: float | None,
    cycles: int | None,
    bpm: float | None,
    cue: CueMode,
    countdown: int,
    no_animation: bool,
    pattern_file: str | None,
    quiet: bool,
    list_only: bool,
    history: bool,
    voice: str | None,
    rate: int,
    pitch: int,
    volume: float,
) -> None:
    """A paced breathing exercise with spoken cues, tones and an animation.

    PATTERN is one of `--list` (default: exhale) or your own pattern in
    patterns/*.toml in the config directory. Space pauses, q stops.

    \b
    Examples:
      voiceguide breathe                 # in 4, out 6 for 5 minutes
      voiceguide breathe box --minutes 3
      voiceguide breathe 478 --cycles 4 --cue tone
      voiceguide breathe --history
    """
    from voiceguide.breathing.custom import all_patterns, find_pattern, load_pattern_file
    from voiceguide.breathing.patterns import DEFAULT_PATTERN, plan_cycles

    if list_only:
        for p in all_patterns(warn=_echo_err).values():
            length = f"{p.default_cycles} cycles" if p.default_cycles else f"{p.default_minutes:g} min"
            click.echo(f"{p.id:10} {p.summary:32} {length:10} {p.purpose}")
            if p.caution:
                click.echo(f"{'':10} caution: {p.caution}")
        return
    if history:
        from voiceguide.journal.store import Journal

        with Journal.open() as journal:
            _print_breath_history(journal)
        return
    chosen = (
        load_pattern_file(pattern_file) if pattern_file else find_pattern(pattern or DEFAULT_PATTERN, warn=_echo_err)
    )
    if bpm is not None:
        chosen = chosen.with_bpm(bpm)
    planned = plan_cycles(chosen, minutes=minutes, cycles=cycles)
    from voiceguide.sessions.factory import run_breathing

    run_breathing(
        chosen,
        planned,
        cue_mode=cue,
        countdown=countdown,
        animate=not no_animation,
        quiet=quiet,
        voice=_voice_settings(voice, rate, volume, pitch),
        volume=volume,
    )


def _print_breath_history(journal: Journal) -> None:
    sessions = journal.breathing_sessions(limit=20)
    if not sessions:
        click.echo(messages.BREATH_NO_HISTORY)
        return
    for s in sessions:
        status = "stopped" if s.interrupted else "done"
        click.echo(
            f"{s.started[:16].replace('T', ' ')}  {s.pattern:10} {s.completed_cycles:3}/{s.planned_cycles:<3} "
            f"cycles  {s.seconds / 60:5.1f} min  {status}"
        )
    click.echo("")
    for week, minutes in journal.minutes_per_week(weeks=8):
        click.echo(f"week of {week}: {minutes:5.1f} min")


@cli.command(context_settings=CONTEXT)
@click.argument("article", required=False, type=click.Path(dir_okay=True))
@click.option("--section", type=int, help="Read only this section (see `voiceguide sections`).")
@click.option("--from-start", is_flag=True, help="Ignore the saved place and begin at the start.")
@click.option(
    "--to-file",
    "to_file",
    type=click.Path(dir_okay=False),
    metavar="OUT.wav",
    help="Write the reading to a WAV file instead of playing it (no audio device needed).",
)
@click.option("--text", "as_text", is_flag=True, help="Print the sentences instead of speaking them.")
@click.option("--force", is_flag=True, help="With --to-file: overwrite a file that already exists.")
@voice_options
def read(
    article: str | None,
    section: int | None,
    from_start: bool,
    to_file: str | None,
    as_text: bool,
    force: bool,
    voice: str | None,
    rate: int,
    pitch: int,
    volume: float,
) -> None:
    """Read ARTICLE aloud (default: the bundled article), sentence by sentence.

    Resumes where the last reading stopped unless --from-start is given.
    Keys: space pause, n/p next/previous sentence, ]/[ next/previous
    section, r repeat, +/- rate, q quit.

    \b
    Examples:
      voiceguide read                     # continue where you stopped
      voiceguide read --section 2         # just section 2
      voiceguide read notes.md --from-start --rate 140
      voiceguide read --to-file guide.wav
      voiceguide read --text --section 1
    """
    from voiceguide.sessions.factory import load_article

    if to_file and as_text:
        raise click.UsageError(messages.READ_TEXT_AND_FILE)
    settings = _voice_settings(voice, rate, volume, pitch)
    art = load_article(article)
    if section is not None:
        art.section(section)
    if as_text:
        from voiceguide.sessions.read import print_text

        print_text(art, section, sys.stdout)
        return
    if to_file:
        from rich.console import Console

        from voiceguide.sessions.outputs import check_output

        check_output(to_file, force=force)
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        from voiceguide.sessions.factory import render_reading

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as bar:
            task = bar.add_task(messages.READ_RENDERING, total=None)
            seconds = render_reading(
                art,
                section=section,
                out_path=to_file,
                voice=settings,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
                notify=lambda line: bar.console.print(line, markup=False, highlight=False),
            )
        click.echo(messages.READ_WROTE_FILE.format(path=to_file, seconds=seconds))
        return
    from voiceguide.sessions.factory import run_reading

    run_reading(art, section=section, from_start=from_start, voice=settings, notify=click.echo)


@cli.command(context_settings=CONTEXT)
@click.option("--prompt", help="The question to answer (default: the next prompt of the current section).")
@click.option("--section", type=int, help="Take the prompt from this section (see `voiceguide sections`).")
@click.option("--article", "article_path", type=click.Path(dir_okay=True), help="An article of your own.")
@silence_option("Seconds of silence after speech that end the entry.")
@click.option(
    "--max-minutes",
    type=click.FloatRange(min=0.05),
    default=10,
    show_default=True,
    envvar="VOICEGUIDE_MAX_MINUTES",
    help="Longest entry in minutes.",
)
@click.option("--text", "as_text", is_flag=True, help="Type the entry instead of speaking it (reads stdin).")
@click.option(
    "--from-file",
    "from_file",
    type=click.Path(exists=True, dir_okay=False),
    metavar="AUDIO",
    help="Import an existing recording (WAV, FLAC, MP3, OGG, M4A) as the entry.",
)
@engine_options
@voice_options
@click.pass_obj
def reflect(
    opts: Options,
    prompt: str | None,
    section: int | None,
    article_path: str | None,
    silence: float,
    max_minutes: float,
    as_text: bool,
    from_file: str | None,
    engine: str,
    model: str | None,
    voice: str | None,
    rate: int,
    pitch: int,
    volume: float,
) -> None:
    """Speak a journal entry: hear a prompt, talk, and it is transcribed and saved.

    It listens until you stop talking for --silence seconds, say "that's
    all", press Enter, or reach --max-minutes. If what you said so far
    stops mid-sentence (no full stop, or a last word "and", "but",
    "because" or "so"), it waits up to twice --silence before it ends the
    entry; a tone tells you it has ended.

    The text heard while you speak is saved at once; then the whole
    recording is transcribed once more (a few seconds, with a spinner) and
    that final text replaces it, the first kept as the entry's earlier
    version. Ctrl-C keeps the first text, and the next start finishes the
    final pass. Text and audio stay in your journal on this machine.

    \b
    Examples:
      voiceguide reflect                        # the next prompt of where you are reading
      voiceguide reflect --prompt "What went well today?"
      voiceguide reflect --section 2 --silence 5
      voiceguide reflect --from-file memo.m4a
      echo "A calm day." | voiceguide reflect --text
    """
    from voiceguide.sessions import factory

    if as_text and from_file:
        raise click.UsageError(messages.REFLECT_TEXT_AND_FILE)
    _say_if_online(engine, opts)
    if as_text:

        def read_text() -> str:
            stdin = sys.stdin
            if stdin.isatty():
                _echo_err(messages.REFLECT_TYPE_ENTRY)
            return stdin.read()

        entry = factory.typed_reflection(
            read_text, prompt=prompt, section=section, article_path=article_path, notify=click.echo
        )
        if entry is None:
            _echo_err(messages.REFLECT_EMPTY_TEXT)
            return
        click.echo(messages.REFLECT_SAVED.format(id=entry.id))
        return
    if from_file:
        result = factory.import_reflection(
            from_file,
            prompt=prompt,
            section=section,
            article_path=article_path,
            engine=engine,
            model=model,
            online=opts.online,
        )
    else:
        result = factory.run_reflect(
            prompt=prompt,
            section=section,
            article_path=article_path,
            silence=silence,
            max_minutes=max_minutes,
            engine=engine,
            model=model,
            voice=_voice_settings(voice, rate, volume, pitch),
            notify=click.echo,
            online=opts.online,
        )
    if result.entry is None:
        _echo_err(messages.REFLECT_HEARD_NOTHING)
        return
    click.echo(result.entry.text)
    click.echo(messages.REFLECT_SAVED.format(id=result.entry.id))


@cli.command(context_settings=CONTEXT)
@click.argument("article", required=False, type=click.Path(dir_okay=True))
@click.option("--section", type=int, help="Begin at this section (see `voiceguide sections`).")
@click.option("--restart", is_flag=True, help="Ignore where the last guided session stopped; begin at section 1.")
@click.option(
    "--text", "as_text", is_flag=True, help="No audio: print the guide and type commands and answers (reads stdin)."
)
@click.option(
    "--pattern",
    "breath_pattern",
    show_default=True,
    envvar="VOICEGUIDE_BREATH_PATTERN",
    help="Breathing pattern to offer (see `breathe --list`).",
)
@click.option(
    "--breath-minutes",
    type=click.FloatRange(min=0.01, max=60),
    show_default=True,
    envvar="VOICEGUIDE_BREATH_MINUTES",
    help="Minutes of breathing to offer.",
)
@cue_option("How each breathing phase is announced.")
@silence_option("Seconds of silence after speech that end a reflection.")
@click.option(
    "--barge-in/--no-barge-in",
    show_default=True,
    envvar="VOICEGUIDE_BARGE_IN",
    help="Listen for commands between sentences (headphones).",
)
@engine_options
@voice_options
@click.pass_obj
def guide(
    opts: Options,
    article: str | None,
    section: int | None,
    restart: bool,
    as_text: bool,
    breath_pattern: str,
    breath_minutes: float,
    cue: CueMode,
    silence: float,
    barge_in: bool,
    engine: str,
    model: str | None,
    voice: str | None,
    rate: int,
    pitch: int,
    volume: float,
) -> None:
    """The whole session, hands-free: read a section, breathe, reflect, go on.

    After each section it offers a short breathing exercise, asks a
    reflection question and records your answer. Steer it by voice after
    the listening sound ("next", "repeat", "skip", "read it back", "stop",
    "what can I say", ...) or with keys. A later run opens with a recap
    and continues where you stopped. Settings come from `voiceguide config`.

    \b
    Examples:
      voiceguide guide                    # continue where you stopped
      voiceguide guide --restart
      voiceguide guide my-notes.md --section 2
      voiceguide guide --text             # type instead of speaking
    """
    from voiceguide.sessions.factory import load_article, run_guide

    art = load_article(article)
    if not as_text:
        _say_if_online(engine, opts)

    def read_line() -> str | None:
        line = sys.stdin.readline()
        return line if line else None

    summary = run_guide(
        art,
        section=section,
        restart=restart,
        as_text=as_text,
        voice=_voice_settings(voice, rate, volume, pitch),
        breath_pattern=breath_pattern,
        breath_minutes=breath_minutes,
        cue=cue,
        silence=silence,
        engine=engine,
        model=model,
        notify=click.echo,
        read_line=read_line,
        out=sys.stdout,
        barge_in=barge_in,
        online=opts.online,
    )
    if summary.last_section is not None:
        _echo_err(messages.GUIDE_STOPPED_AT.format(section=summary.last_section))


@cli.group("config", context_settings=CONTEXT)
def config_group() -> None:
    """Settings kept between sessions: voice, rate, volume, breathing, barge-in, pronunciations.

    Flags and VOICEGUIDE_* environment variables override them.

    \b
    Examples:
      voiceguide config show
      voiceguide config set rate 150
      voiceguide config set breath_pattern box
      voiceguide config set voice gmw/en-us
      voiceguide config pronounce Ngozi "en-go-zee"
      voiceguide config path
    """


@config_group.command("show", context_settings=CONTEXT)
def config_show() -> None:
    """Every setting with its value (stored or default).

    \b
    Example:
      voiceguide config show
    """
    from voiceguide import config

    stored = config.load_config()
    for name, value in config.effective().items():
        mark = "" if name in stored else "  (default)"
        click.echo(f"{name} = {config.toml_value(value)}{mark}")


@config_group.command("set", context_settings=CONTEXT)
@click.argument("key")
@click.argument("value")
def config_set(key: str, value: str) -> None:
    """Store KEY = VALUE in config.toml.

    \b
    Examples:
      voiceguide config set volume 0.8
      voiceguide config set barge_in true
    """
    from voiceguide import config

    parsed = config.parse_value(key, value)
    config.check_name(key, parsed)
    path = config.set_value(key, parsed)
    click.echo(messages.CONFIG_SET.format(key=key, value=parsed, path=path))


@config_group.command("path", context_settings=CONTEXT)
def config_path() -> None:
    """Print where config.toml and pronunciations.toml live.

    \b
    Example:
      voiceguide config path
    """
    from voiceguide import config
    from voiceguide.speech.lexicon import lexicon_path

    click.echo(str(config.config_path()))
    click.echo(str(lexicon_path()))


@config_group.command("pronounce", context_settings=CONTEXT)
@click.argument("word")
@click.argument("respelling", required=False)
def config_pronounce(word: str, respelling: str | None) -> None:
    """Say WORD as RESPELLING from now on (both voices); without RESPELLING, show how WORD is said.

    Entries live in pronunciations.toml (`voiceguide config path`) as
    word = "respelling" lines: whole words, any case. Edit the file by hand
    to remove one.

    \b
    Examples:
      voiceguide config pronounce Ngozi "en-go-zee"
      voiceguide config pronounce Ngozi
    """
    from voiceguide.speech.lexicon import add_word, load_lexicon

    if respelling is None:
        click.echo(load_lexicon().apply(word))
        return
    path = add_word(word, respelling)
    click.echo(messages.LEXICON_SET.format(word=word, spoken=respelling, path=path))


_received = 0
"""The SIGTERM or SIGHUP that stopped the command (0: none, or Ctrl-C)"""


def _stop_on_signals() -> None:
    """SIGTERM and SIGHUP stop a command the way Ctrl-C does: terminal restored, work kept.

    The handler raises ``Terminated`` (a KeyboardInterrupt) in the main thread,
    so every path that keeps partial work on Ctrl-C runs; the exit code is
    128 + the signal, as a shell reports it. Further signals while that
    clean-up runs are ignored, so a second SIGTERM cannot cut it short.
    """
    import signal

    from voiceguide.errors import Terminated

    def stop(signum: int, frame: object) -> None:
        global _received
        if _received:
            return
        _received = signum
        raise Terminated(signum)

    for signum, handler in ((signal.SIGTERM, stop), (signal.SIGHUP, stop), (signal.SIGINT, signal.default_int_handler)):
        try:
            signal.signal(signum, handler)
        except (ValueError, OSError):
            pass  # not the main thread of the main interpreter: the default action stays


def main(argv: list[str] | None = None) -> None:
    """The one exit point: maps every outcome to an exit code and one line."""
    global _debug, _received
    _debug = False
    _received = 0
    args = list(sys.argv[1:] if argv is None else argv)
    import os

    os.umask(0o077)  # everything written (config, cache, exports, SQLite's side files) is ours alone
    _stop_on_signals()
    import voiceguide.audio

    voiceguide.audio.detach_c_stderr = True  # ALSA's run-time noise stays off the terminal
    try:
        code = cli.main(args=args, prog_name="voiceguide", standalone_mode=False)
    except click.exceptions.Abort:
        _echo_err(messages.INTERRUPTED)
        sys.exit(128 + (_received or 2))
    except KeyboardInterrupt:
        _echo_err(messages.INTERRUPTED)
        sys.exit(128 + (_received or 2))
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except VoiceguideError as exc:
        if _debug:
            raise
        _echo_err(f"Error: {exc}")
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:
        if _debug:
            raise
        _echo_err(messages.UNEXPECTED.format(error=f"{type(exc).__name__}: {exc}"))
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
