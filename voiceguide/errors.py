"""Errors a user can cause or meet. Each carries one line saying what to do.

Only the ``cli`` package turns them into exit codes.
"""


class VoiceguideError(Exception):
    """Base class: the message is shown to the user as one line."""

    exit_code = 1

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.__doc__ or "Something went wrong")


class DeviceUnavailable(VoiceguideError):
    """No audio device could be opened. Run `voiceguide doctor` to see why."""


class AudioServerUnavailable(DeviceUnavailable):
    """No audio server is reachable. Start PulseAudio or PipeWire, then run `voiceguide doctor`."""


class EngineMissing(VoiceguideError):
    """A speech engine is not installed. Run scripts/setup, then `voiceguide doctor`."""


class EngineFailed(VoiceguideError):
    """The speech engine failed. Run `voiceguide doctor` to see why."""


class AudioFormatError(VoiceguideError):
    """The audio could not be decoded. Use WAV, FLAC, MP3, OGG or M4A."""


class ArticleError(VoiceguideError):
    """The article could not be read."""


class PatternError(VoiceguideError):
    """The breathing pattern is not valid."""


class JournalError(VoiceguideError):
    """The journal could not be opened."""


class SettingsError(VoiceguideError):
    """A setting is not valid."""


class JournalBusy(JournalError):
    """The journal is busy in another voiceguide process; try again in a moment."""


class JournalCorrupt(JournalError):
    """The journal is damaged or is not a voiceguide journal; it was left untouched."""


class JournalReadOnly(JournalError):
    """The journal is read-only: make the file and its folder writable."""


class EncryptionUnavailable(JournalError):
    """Encrypted journals need the sqlcipher3 package."""


class EntryNotFound(JournalError):
    """No such journal entry. `voiceguide journal list` shows the ids."""


class JournalImportError(JournalError):
    """The file to import is not in jrnl's plain-text format."""


class PassphraseRequired(JournalError):
    """The journal is encrypted: set VOICEGUIDE_PASSPHRASE or run voiceguide in a terminal."""


class WrongPassphrase(JournalCorrupt):
    """The journal could not be unlocked: check the passphrase. It was left untouched."""


class JournalDiskFull(JournalError):
    """The journal could not be written: free some disk space. What was saved before is intact."""


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP: handled exactly like Ctrl-C (terminal restored, work kept), then exit 128 + signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
