"""Shared fixtures: a private user dir for every test, and the private audio server (one per worker)."""

from __future__ import annotations

import pytest

REAL_AUDIO_FIXTURES = frozenset(
    {"pulse", "models", "transcriber", "whisper", "whisper_listener", "judge", "synth", "speech"}
)
"""Fixtures that bring the private audio server, Whisper or speech renders: a test using one is `audio`"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """`-m "not audio"` is the fast set, and the long tests start first.

    A test is `audio` when it is marked so, is `slow` (seconds of real time),
    or uses a fixture of REAL_AUDIO_FIXTURES. With parallel workers the longest
    tests start first, so none of them is left to run alone at the end.
    """
    for item in items:
        if item.get_closest_marker("slow") or REAL_AUDIO_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.audio)

    def weight(item: pytest.Item) -> int:
        return 0 if item.get_closest_marker("slow") else 1 if item.get_closest_marker("audio") else 2

    items.sort(key=weight)  # stable: within each part, the files' own order


@pytest.fixture(autouse=True)
def voiceguide_home(tmp_path, monkeypatch):
    """Every test gets its own data, cache and config directories.

    The unlock cache is off: tests that open an encrypted journal several times
    stand for separate commands, each unlocking it. test_journal_keycache.py
    turns it on and tests it.
    """
    home = tmp_path / "vghome"
    monkeypatch.setenv("VOICEGUIDE_HOME", str(home))
    monkeypatch.setenv("VOICEGUIDE_UNLOCK_MINUTES", "0")
    for var in ("VOICEGUIDE_PASSPHRASE", "VOICEGUIDE_MODEL", "VOICEGUIDE_VOICE"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture(scope="session")
def pulse():
    """The private PulseAudio server. In CI a server that will not start fails the run."""
    import os

    from tests.pulse import PrivatePulse, PulseError

    server = PrivatePulse()
    try:
        server.start()
    except PulseError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the private audio server did not start: {exc}", pytrace=False)
        pytest.skip(f"no private audio server here ({exc}); scripts/test installs one")
    saved = {k: os.environ.get(k) for k in server.env}
    os.environ.update(server.env)
    yield server
    from voiceguide.audio import devices

    devices.terminate()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    server.stop()


@pytest.fixture(scope="session")
def models():
    """tiny.en and Whisper base, each loaded once for the whole run."""
    from voiceguide.speech.transcriber import WhisperTranscriber

    loaded = [WhisperTranscriber("tiny.en"), WhisperTranscriber("base")]
    for transcriber in loaded:
        transcriber.load()
    return loaded
