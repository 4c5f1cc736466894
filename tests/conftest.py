"""Shared fixtures: a private user dir for every test, and the private audio server."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def voiceguide_home(tmp_path, monkeypatch):
    """Every test gets its own data, cache and config directories."""
    home = tmp_path / "vghome"
    monkeypatch.setenv("VOICEGUIDE_HOME", str(home))
    for var in ("VOICEGUIDE_PASSPHRASE", "VOICEGUIDE_MODEL", "VOICEGUIDE_VOICE"):
        monkeypatch.delenv(var, raising=False)
    return home
