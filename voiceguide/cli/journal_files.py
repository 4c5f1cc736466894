"""`voiceguide journal export` and `voiceguide journal import`: entries out to files and in from other journals."""

from __future__ import annotations

import sys

import click

from voiceguide import messages
from voiceguide.cli.journal import open_journal, say_skipped
from voiceguide.cli.options import CONTEXT, echo_err


@click.command("export", context_settings=CONTEXT)
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
    with open_journal(skip_damaged=True) as jr:
        entries, unreadable = jr.list_readable(limit=10_000_000)
        say_skipped(unreadable)
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
            count, unreadable = export_audio(jr, files, force=force)
            if unreadable:
                echo_err(
                    messages.JOURNAL_SKIPPED_AUDIO.format(
                        count=unreadable,
                        plural="" if unreadable == 1 else "s",
                        verb="was" if unreadable == 1 else "were",
                    )
                )
            click.echo(messages.JOURNAL_EXPORTED_AUDIO.format(count=count, path=audio_dir), err=True)


@click.command("import", context_settings=CONTEXT)
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

    from voiceguide.config import effective
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
        max_mb=effective()["import_mb"],
    )
    if gathered.about:
        echo_err(gathered.about)
    if dry_run:
        seen = preview(gathered.entries)
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
        with open_journal() as jr, jr.transaction():  # the entries and their recordings, or nothing
            result = import_entries(jr, gathered.entries)
            if gathered.archive is not None:
                kept, unreadable = keep_imported_audio(jr, gathered.archive, gathered.entries)
        click.echo(messages.JOURNAL_IMPORTED.format(added=result.added, skipped=result.skipped))
        if kept:
            click.echo(messages.IMPORT_AUDIO_KEPT.format(count=kept))
        gathered.media["audios"] = gathered.media.get("audios", 0) + unreadable
    left = ", ".join(f"{n} {kind}" for kind, n in gathered.media.items() if n)
    if left:
        echo_err(messages.IMPORT_MEDIA_SKIPPED.format(counts=left))


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
