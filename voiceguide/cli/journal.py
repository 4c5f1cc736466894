"""`voiceguide journal`: the group, and the commands that read, change or check entries.

Export and import live in journal_files.py, encryption in journal_crypt.py;
``voiceguide.cli`` adds their commands to the group defined here.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from voiceguide import messages
from voiceguide.cli.options import CONTEXT, echo_err

if TYPE_CHECKING:
    from datetime import datetime

    from voiceguide.journal.models import Entry
    from voiceguide.journal.store import Journal


@click.group(context_settings=CONTEXT)
def journal() -> None:
    """Your private journal: list, search, play, edit, export and import entries.

    \b
    Examples:
      voiceguide journal list --since 2026-11-01
      voiceguide journal search 'forgive*'
      voiceguide journal export --format md --out journal.md
    """


def open_journal(*, skip_damaged: bool = False) -> Journal:
    """The user's journal; ``skip_damaged`` for commands that skip unreadable rows and count them."""
    from voiceguide.journal.store import Journal

    return Journal.open(skip_damaged=skip_damaged)


def local_time(entry: Entry) -> str:
    """The clock time where and when the entry was written (this machine's zone, TZ respected, for its own)."""
    return str(entry.local_time.strftime("%Y-%m-%d %H:%M"))


def _entry_line(entry: Entry) -> str:
    text = " ".join(entry.text.split())
    short = text if len(text) <= 70 else text[:69] + "…"
    mark = " ♪" if entry.has_audio else ""
    return f"{entry.id:5}  {local_time(entry)}  {entry.kind:10}  {short}{mark}"


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

    with open_journal(skip_damaged=True) as jr:
        entries, unreadable = jr.list_readable(
            since=since.date() if since else None,
            until=until.date() if until else None,
            kind=kind,
            limit=limit,
            tag=tag,
        )
    say_skipped(unreadable)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e in entries], indent=2, ensure_ascii=False))
    elif not entries:
        click.echo(messages.JOURNAL_NO_TAGGED.format(tag=tag) if tag else messages.JOURNAL_EMPTY)
    for entry in [] if as_json else entries:
        click.echo(_entry_line(entry))


def say_skipped(unreadable: int) -> None:
    if unreadable:
        echo_err(
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

    with open_journal() as jr:
        entry = jr.get(entry_id)
    if as_json:
        click.echo(json.dumps(entry.to_dict(), indent=2, ensure_ascii=False))
        return
    click.echo(f"Entry {entry.id} · {entry.kind} · {local_time(entry)}")
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
    with open_journal() as jr:
        found = jr.search(query, limit=limit, markers=markers, tag=tag)
    if as_json:
        click.echo(json.dumps([e.to_dict() for e, _ in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo(messages.JOURNAL_NO_MATCH.format(query=query))
    for entry, snippet in found:
        click.echo(f"{entry.id:5}  {local_time(entry)}  {' '.join(snippet.split())}")


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

    with open_journal() as jr:
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
    with open_journal() as jr:
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
    from voiceguide.cli.signals import stop_on_every_signal
    from voiceguide.sessions.journal_ops import edit_text

    with open_journal() as jr:
        entry = jr.get(entry_id)
        with stop_on_every_signal():  # the buffer holds the entry's words: no signal leaves it behind
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
    with open_journal() as jr:
        entry = jr.get(entry_id)
        if not yes and not click.confirm(messages.JOURNAL_DELETE_ASK.format(id=entry_id, created=local_time(entry))):
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
    with open_journal() as jr:
        entries = [jr.get(entry_id)] if entry_id is not None else [e for e in jr.list(limit=1_000_000) if e.has_audio]
        if entry_id is not None and not entries[0].has_audio:
            raise SettingsError(messages.JOURNAL_NO_AUDIO.format(id=entry_id))
        model = model or effective().get("model") or None
        live = WhisperTranscriber(model)
        transcriber = make_final_transcriber("whisper", model, live) or live
        done = retranscribe(jr, entries, transcriber, progress=lambda e: click.echo(f"{e.id:5}  done", err=True))
    click.echo(messages.JOURNAL_RETRANSCRIBED.format(count=len(done), plural="y" if len(done) == 1 else "ies"))


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
    with open_journal() as jr:
        practice = jr.practice(by=by, periods=periods)
    if as_json:
        import json

        click.echo(json.dumps(practice.to_dict(), indent=2))
        return
    from rich.console import Console

    from voiceguide.ui.practice_chart import chart_svg, draw_practice

    console = Console(highlight=False, record=bool(svg))
    draw_practice(practice, console)
    if svg:
        from pathlib import Path

        from voiceguide.sessions.journal_ops import write_private

        write_private(Path(svg), chart_svg(console, "voiceguide journal stats"), force=force)
        echo_err(messages.STATS_SVG_WRITTEN.format(path=svg))


@journal.command("tags", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="A JSON list of [tag, count].")
def journal_tags(as_json: bool) -> None:
    """Every #tag and @tag in your entries, with how many entries hold it.

    \b
    Example:
      voiceguide journal tags
    """
    with open_journal() as jr:
        found = jr.tags()
    if as_json:
        import json

        click.echo(json.dumps(found))
        return
    if not found:
        click.echo(messages.JOURNAL_NO_TAGS)
    for tag, count in found:
        click.echo(f"{count:6}  {tag}")
