"""A Discord-compatible test server ("emulator") that the real discord.py client connects to.

See README.md in this folder. The entry point for tests is :class:`Fake`.

Names are imported on first use: a process that only needs :class:`DiscordPatch` (the bot under
a benchmark, in its own process) doesn't load the server.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import FakeUsageError, InteractionFailed, Violation
    from .fake import Fake
    from .patch import DiscordPatch, patch_discord
    from .results import Att, Choice, InteractionResult, Modal, ModalField, Msg, message_text
    from .server import EmulatorServer, RequestRecord
    from .state import Channel, Guild, Role, User

_WHERE = {
    "FakeUsageError": "errors",
    "InteractionFailed": "errors",
    "Violation": "errors",
    "Fake": "fake",
    "DiscordPatch": "patch",
    "patch_discord": "patch",
    "Att": "results",
    "Choice": "results",
    "InteractionResult": "results",
    "Modal": "results",
    "ModalField": "results",
    "Msg": "results",
    "message_text": "results",
    "EmulatorServer": "server",
    "RequestRecord": "server",
    "Channel": "state",
    "Guild": "state",
    "Role": "state",
    "User": "state",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "Att",
    "Channel",
    "Choice",
    "DiscordPatch",
    "EmulatorServer",
    "Fake",
    "FakeUsageError",
    "Guild",
    "InteractionFailed",
    "InteractionResult",
    "Modal",
    "ModalField",
    "Msg",
    "RequestRecord",
    "Role",
    "User",
    "Violation",
    "message_text",
    "patch_discord",
]
