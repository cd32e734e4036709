"""A Discord-compatible test server ("emulator") that the real discord.py client connects to.

See README.md in this folder. The entry point for tests is :class:`Fake`.
"""

from .errors import FakeUsageError, InteractionFailed, Violation
from .fake import Fake
from .patch import DiscordPatch, patch_discord
from .results import Att, Choice, InteractionResult, Modal, ModalField, Msg, message_text
from .server import EmulatorServer, RequestRecord
from .state import Channel, Guild, Role, User

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
