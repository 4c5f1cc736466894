"""`voiceguide journal encrypt`, `decrypt`, `lock` and `passwd`: the journal's passphrase."""

from __future__ import annotations

import sys

import click

from voiceguide import messages
from voiceguide.cli.options import CONTEXT


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


@click.command("encrypt", context_settings=CONTEXT)
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


@click.command("decrypt", context_settings=CONTEXT)
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


@click.command("lock", context_settings=CONTEXT)
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


@click.command("passwd", context_settings=CONTEXT)
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
