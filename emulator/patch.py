"""Point discord.py at an emulator (and put it back afterwards)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import discord.asset
import discord.gateway
import discord.http
import yarl


class DiscordPatch:
    """Sets ``Route.BASE``, ``DiscordWebSocket.DEFAULT_GATEWAY`` and ``Asset.BASE``; ``restore()`` undoes it."""

    def __init__(self, base_url: str, *, monkeypatch: Any = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._monkeypatch = monkeypatch
        self._saved: list[tuple[Any, str, Any]] = []
        self.applied = False

    def apply(self) -> DiscordPatch:
        port_base = self.base_url
        targets = [
            (discord.http.Route, "BASE", f"{port_base}/api/v10"),
            (
                discord.gateway.DiscordWebSocket,
                "DEFAULT_GATEWAY",
                yarl.URL(port_base.replace("http", "ws", 1) + "/gateway"),
            ),
            (discord.asset.Asset, "BASE", port_base),
        ]
        for obj, name, value in targets:
            if self._monkeypatch is not None:
                self._monkeypatch.setattr(obj, name, value)
            else:
                self._saved.append((obj, name, obj.__dict__[name]))
                setattr(obj, name, value)
        self.applied = True
        return self

    def restore(self) -> None:
        # with a monkeypatch fixture, pytest restores the globals itself at teardown
        for obj, name, value in reversed(self._saved):
            setattr(obj, name, value)
        self._saved.clear()
        self.applied = False


@contextlib.contextmanager
def patch_discord(base_url: str, monkeypatch: Any = None) -> Iterator[DiscordPatch]:
    """Context manager form: ``with patch_discord(fake.base_url): ...``."""
    patch = DiscordPatch(base_url, monkeypatch=monkeypatch).apply()
    try:
        yield patch
    finally:
        patch.restore()
