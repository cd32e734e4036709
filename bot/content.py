"""Content is data: question bank, ritual prompts and ideas live in ``data/*.toml``.

Files are read when first needed (never at import time) and kept in memory after that.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any


def data_dir() -> Path:
    """The shipped ``data/`` folder: beside the package in a checkout, else the working directory."""
    beside = Path(__file__).resolve().parent.parent / "data"
    if (beside / "rituals.toml").exists():
        return beside
    return Path.cwd() / "data"


@cache
def load(name: str) -> dict[str, Any]:
    """``data/{name}.toml`` as a dict."""
    with (data_dir() / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)
