"""Where the passphrase of an encrypted journal comes from, so no caller has to ask for it.

``Journal.open()`` without a passphrase looks at the file: a plain SQLite file
opens as before; an encrypted one is unlocked with, in order,

0. ``VOICEGUIDE_PASSPHRASE`` (for automation; anyone who can read this
   process's environment can read it too), always checked when given,
1. the key a recent unlock kept for a few minutes in the kernel keyring
   (``voiceguide.journal.keycache``; not for decrypt and passwd),
2. the system keyring, only if the user opted in (``journal encrypt
   --keyring`` leaves a ``use-keyring`` marker in the config folder) and the
   optional ``keyring`` package is installed,
3. a prompt registered by the command line with ``set_prompt`` (hidden input
   on the terminal; nothing is asked when there is no terminal),

and otherwise fails with one line saying how to give it. A passphrase that
worked is remembered for the rest of the process, so a session that opens the
journal several times asks once. This module imports no database code, so the
command line can register its prompt without slowing start-up.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from voiceguide import messages
from voiceguide.errors import JournalError, PassphraseRequired, WrongPassphrase

ENV_VAR = "VOICEGUIDE_PASSPHRASE"
NEW_ENV_VAR = "VOICEGUIDE_NEW_PASSPHRASE"
"""The new passphrase for `journal encrypt` and `journal passwd` when run without a terminal"""
KEYRING_SERVICE = "voiceguide"
KEYRING_MARKER = "use-keyring"
PROMPT_ATTEMPTS = 3
MAX_TYPED_CHARACTERS = 1024
"""The longest passphrase a terminal's line editing takes everywhere (macOS keeps 1,024 bytes a line)"""
SQLITE_HEADER = b"SQLite format 3\x00"
MIN_ENCRYPTED_BYTES = 2 * 4096
"""A voiceguide journal has many pages; a shorter headerless file is damaged, not encrypted"""
MIN_DISTINCT_BYTES = 160
"""Ciphertext uses nearly all 256 byte values in its first page; text or zeros use far fewer"""

Prompt = Callable[[str], "str | None"]
_prompt: Prompt | None = None
_unlocked: dict[str, str] = {}


def looks_encrypted(path: Path) -> bool:
    """True when ``path`` looks like an SQLCipher database rather than plain SQLite or damage.

    SQLCipher encrypts the whole file, header included: what is left to see is
    a size in whole pages and bytes that look random. Reads 4 KiB, writes nothing.
    """
    try:
        size = os.stat(path).st_size
        if size < MIN_ENCRYPTED_BYTES or size % 512:
            return False
        with open(path, "rb") as handle:
            page = handle.read(4096)
    except OSError:
        return False
    return (
        not page.startswith(SQLITE_HEADER)
        and len(set(page)) >= MIN_DISTINCT_BYTES
        and not looks_like_damaged_sqlite(path)
    )


BTREE_FIRST_BYTES = frozenset((0x00, 0x02, 0x05, 0x0A, 0x0D))
"""The first byte of a plain SQLite page: a b-tree page type, or the high byte of a page number
(overflow and freelist pages); random (encrypted) bytes match 5 times in 256"""
SAMPLED_PAGES = 64


def looks_like_damaged_sqlite(path: Path) -> bool:
    """A plain SQLite file whose first page is overwritten: most of the pages after it still look plain.

    SQLCipher encrypts every page, so a real encrypted file's pages look random.
    """
    try:
        with open(path, "rb") as handle:
            handle.seek(4096)
            sample = handle.read(4096 * SAMPLED_PAGES)
    except OSError:
        return False
    firsts = [sample[k] for k in range(0, len(sample) - 4095, 4096)]
    if len(firsts) < 2:
        return False
    return sum(byte in BTREE_FIRST_BYTES for byte in firsts) >= len(firsts) / 2


def check_new(passphrase: str) -> None:
    """A clear error unless ``passphrase`` can be typed at the prompt later: one line, not empty, not too long.

    A passphrase given by VOICEGUIDE_NEW_PASSPHRASE could hold anything; one
    that nobody can type would lock the person out of their own journal.
    """
    import unicodedata

    if not passphrase:
        raise JournalError(messages.PASSPHRASE_EMPTY)
    if len(passphrase) > MAX_TYPED_CHARACTERS:
        raise JournalError(messages.PASSPHRASE_TOO_LONG.format(length=len(passphrase), most=MAX_TYPED_CHARACTERS))
    if any(unicodedata.category(c) == "Cc" and c != "\t" for c in passphrase):
        raise JournalError(messages.PASSPHRASE_UNTYPABLE)


def set_prompt(prompt: Prompt | None) -> None:
    """Register how to ask a person for the passphrase (the CLI's hidden prompt), or None.

    The prompt gets the question and returns the passphrase, or None when it
    cannot ask (no terminal).
    """
    global _prompt
    _prompt = prompt


def terminal_prompt(question: str) -> str | None:
    """Ask on the terminal with hidden input; None when stdin is not a terminal (a pipe, a job)."""
    if not (sys.stdin and sys.stdin.isatty()):
        return None
    import getpass

    try:
        return getpass.getpass(question, stream=sys.stderr)
    except EOFError:
        return None


def _key(path: Path) -> str:
    return str(Path(path).absolute().resolve())


def remember(path: Path, passphrase: str) -> None:
    """Keep the passphrase that unlocked ``path`` for the rest of this process."""
    _unlocked[_key(path)] = passphrase


def forget(path: Path | None = None) -> None:
    """Forget the remembered passphrase of ``path`` (or of every journal)."""
    if path is None:
        _unlocked.clear()
    else:
        _unlocked.pop(_key(path), None)


def keyring_marker() -> Path:
    from voiceguide.settings import user_paths

    return user_paths().config / KEYRING_MARKER


def keyring_opted_in() -> bool:
    """The user asked for the keyring (`journal encrypt --keyring`); off unless they did."""
    return keyring_marker().exists()


def _keyring() -> Any:
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def keyring_get(path: Path) -> str | None:
    """The stored passphrase for ``path``, or None (not opted in, no package, nothing stored)."""
    if not keyring_opted_in():
        return None
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        stored = keyring.get_password(KEYRING_SERVICE, _key(path))
    except Exception:  # a locked or missing keyring backend: fall through to the prompt
        return None
    return None if stored is None else str(stored)


def check_keyring() -> Any:
    """The keyring module, or a clear error naming the package (checked before converting)."""
    keyring = _keyring()
    if keyring is None:
        raise JournalError(messages.PASSPHRASE_KEYRING_MISSING)
    return keyring


def keyring_store(path: Path, passphrase: str) -> None:
    """Store the passphrase in the system keyring and opt in; a clear error when that fails."""
    keyring = check_keyring()
    try:
        keyring.set_password(KEYRING_SERVICE, _key(path), passphrase)
    except Exception as error:
        raise JournalError(messages.PASSPHRASE_KEYRING_FAILED.format(error=error)) from error
    from voiceguide.settings import ensure_private_dir

    marker = keyring_marker()
    ensure_private_dir(marker.parent)
    marker.write_text("voiceguide unlocks the journal with the passphrase in the system keyring\n")


def keyring_forget(path: Path) -> None:
    """Remove the stored passphrase and the opt-in marker (after `journal decrypt`)."""
    if keyring_opted_in():
        keyring = _keyring()
        if keyring is not None:
            try:
                keyring.delete_password(KEYRING_SERVICE, _key(path))
            except Exception:
                pass  # nothing stored, or no backend: nothing to remove
    keyring_marker().unlink(missing_ok=True)


def unlock(path: Path, check: Callable[[str], None], *, cached: bool = True) -> str:
    """The passphrase that unlocks ``path``; ``check`` raises WrongPassphrase for a wrong one.

    A passphrase given in ``VOICEGUIDE_PASSPHRASE`` is always checked. Without
    one, and with ``cached`` (every command but decrypt and passwd), a key kept
    by a recent unlock (``voiceguide.journal.keycache``) is tried first, and a
    successful unlock is kept for the next commands. A wrong passphrase from
    the environment or the keyring is reported at once (typing could not fix
    it); a typed one may be tried again.
    """
    from_env = os.environ.get(ENV_VAR)
    remembered = _unlocked.get(_key(path))
    if remembered is not None and (cached or not _is_derived(remembered)) and (not from_env or remembered == from_env):
        try:
            check(remembered)
            return remembered
        except WrongPassphrase:
            forget(path)
    if from_env:  # a passphrase that is given is checked; the kept key only stands in for asking
        return _accept(path, from_env, check, ENV_VAR, cached)
    if cached:
        kept = _from_cache(path, check)
        if kept is not None:
            return kept
    stored = keyring_get(path)
    if stored:
        try:
            return _accept(path, stored, check, "the system keyring", cached)
        except WrongPassphrase:
            if _prompt is None:
                raise
    if _prompt is not None:
        question = messages.PASSPHRASE_ASK.format(path=path)
        for attempt in range(PROMPT_ATTEMPTS):
            typed = _prompt(question)
            if typed is None:
                break
            try:
                check(typed)
            except WrongPassphrase:
                if attempt == PROMPT_ATTEMPTS - 1:
                    raise
                question = messages.PASSPHRASE_ASK_AGAIN.format(path=path)
                continue
            _unlocked_with(path, typed, cached)
            return typed
    raise PassphraseRequired(messages.PASSPHRASE_REQUIRED.format(path=path))


def lock(path: Path) -> None:
    """Forget the unlocked key of ``path`` in this process and in the unlock cache."""
    from voiceguide.journal import keycache

    forget(path)
    keycache.forget(path)


def _is_derived(passphrase: str) -> bool:
    from voiceguide.journal.keys import DerivedKey

    return isinstance(passphrase, DerivedKey)


def _from_cache(path: Path, check: Callable[[str], None]) -> str | None:
    """The key a recent unlock kept, if it still opens ``path``."""
    from voiceguide.journal import keycache
    from voiceguide.journal.keys import DerivedKey, file_salt

    salt = file_salt(path)
    if salt is None:
        return None
    raw = keycache.recall(path, salt)
    if raw is None:
        return None
    key = DerivedKey(raw.hex())
    try:
        check(key)
    except WrongPassphrase:
        keycache.forget(path, salt)
        return None
    remember(path, key)
    return key


def _unlocked_with(path: Path, passphrase: str, cached: bool) -> None:
    """Remember the passphrase for this process, and its derived key for the next commands."""
    remember(path, passphrase)
    if not cached:
        return
    from voiceguide.journal import keycache
    from voiceguide.journal.keys import derived_key, file_salt

    salt = file_salt(path)
    raw = derived_key(path, passphrase) if salt is not None else None  # derived already by ``check``
    if salt is not None and raw is not None:
        keycache.remember(path, salt, raw)


def _accept(path: Path, passphrase: str, check: Callable[[str], None], source: str, cached: bool) -> str:
    try:
        check(passphrase)
    except WrongPassphrase as error:
        raise WrongPassphrase(messages.PASSPHRASE_WRONG_FROM.format(path=path, source=source)) from error
    _unlocked_with(path, passphrase, cached)
    return passphrase
