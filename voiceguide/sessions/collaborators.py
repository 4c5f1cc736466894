"""What sessions need from their collaborators: the parts of the Player and keys they use.

The real Player and TerminalKeys satisfy these, and so do the fakes in tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from voiceguide.audio.clip import Clip


class PlaybackLike(Protocol):
    """One queued clip (audio.player.Playback)."""

    started_at: float | None

    @property
    def done(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class PlayerLike(Protocol):
    """The part of audio.player.Player a session uses."""

    def play(self, clip: Clip, at: float | None = None) -> PlaybackLike: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...


class KeySource(Protocol):
    def poll(self) -> str | None:
        """The next key pressed since the last call, or None; never blocks."""
        ...
