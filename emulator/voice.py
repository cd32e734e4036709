"""Voice states: who is in which voice channel of a guild (no audio: the emulator has no voice
servers). Users join, move and leave through the test API; the bot sees VOICE_STATE_UPDATE (with the
GUILD_VOICE_STATES intent) and ``voice_states`` in GUILD_CREATE."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .state import Guild


@dataclass(eq=False)
class VoiceState:
    """A user's voice connection in one guild."""

    user_id: int
    guild_id: int
    channel_id: int
    session_id: str = field(default_factory=lambda: secrets.token_hex(16))
    self_mute: bool = False
    self_deaf: bool = False
    self_video: bool = False
    self_stream: bool = False
    mute: bool = False
    deaf: bool = False
    suppress: bool = False
    request_to_speak_timestamp: str | None = None

    def payload(self, guild: Guild, *, left: bool = False, with_guild: bool = True) -> dict[str, Any]:
        """The voice state object (GUILD_CREATE's ``voice_states`` leave out ``guild_id``);
        ``left``: the state of a user who just left voice (``channel_id`` null)."""
        data: dict[str, Any] = {
            "channel_id": None if left else str(self.channel_id),
            "user_id": str(self.user_id),
            "session_id": self.session_id,
            "deaf": self.deaf,
            "mute": self.mute,
            "self_deaf": self.self_deaf,
            "self_mute": self.self_mute,
            "self_stream": self.self_stream,
            "self_video": self.self_video,
            "suppress": self.suppress,
            "request_to_speak_timestamp": self.request_to_speak_timestamp,
        }
        if with_guild:
            data["guild_id"] = str(self.guild_id)
        member = guild.members.get(self.user_id)
        if member is not None:
            data["member"] = member.payload()
        return data
