"""Discord's permissions: the bits, channel permission overwrites, and how a member's permissions in
a channel are computed (https://discord.com/developers/docs/topics/permissions).

The computation, as Discord does it:

1. the guild owner has every permission; otherwise start from the @everyone role's permissions
   (the role whose id is the guild's id) and add every role of the member; ADMINISTRATOR means
   everything, overwrites included;
2. in a channel, apply the @everyone overwrite (deny, then allow), then the member's roles'
   overwrites together (all their denies, then all their allows), then the member's own overwrite;
3. implicit rules: without VIEW_CHANNEL a member has no permission in the channel; without
   SEND_MESSAGES (SEND_MESSAGES_IN_THREADS in a thread) they can't mention @everyone, send TTS,
   embed links or attach files either. A thread has its parent channel's overwrites.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Permission bits, by the names discord.py uses for them.
BITS: dict[str, int] = {
    "create_instant_invite": 1 << 0,
    "kick_members": 1 << 1,
    "ban_members": 1 << 2,
    "administrator": 1 << 3,
    "manage_channels": 1 << 4,
    "manage_guild": 1 << 5,
    "add_reactions": 1 << 6,
    "view_audit_log": 1 << 7,
    "priority_speaker": 1 << 8,
    "stream": 1 << 9,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "send_tts_messages": 1 << 12,
    "manage_messages": 1 << 13,
    "embed_links": 1 << 14,
    "attach_files": 1 << 15,
    "read_message_history": 1 << 16,
    "mention_everyone": 1 << 17,
    "use_external_emojis": 1 << 18,
    "view_guild_insights": 1 << 19,
    "connect": 1 << 20,
    "speak": 1 << 21,
    "mute_members": 1 << 22,
    "deafen_members": 1 << 23,
    "move_members": 1 << 24,
    "use_voice_activation": 1 << 25,
    "change_nickname": 1 << 26,
    "manage_nicknames": 1 << 27,
    "manage_roles": 1 << 28,
    "manage_webhooks": 1 << 29,
    "manage_expressions": 1 << 30,
    "use_application_commands": 1 << 31,
    "request_to_speak": 1 << 32,
    "manage_events": 1 << 33,
    "manage_threads": 1 << 34,
    "create_public_threads": 1 << 35,
    "create_private_threads": 1 << 36,
    "use_external_stickers": 1 << 37,
    "send_messages_in_threads": 1 << 38,
    "use_embedded_activities": 1 << 39,
    "moderate_members": 1 << 40,
    "create_events": 1 << 44,
}

ADMINISTRATOR = BITS["administrator"]
VIEW_CHANNEL = BITS["view_channel"]
SEND_MESSAGES = BITS["send_messages"]
SEND_MESSAGES_IN_THREADS = BITS["send_messages_in_threads"]
EMBED_LINKS = BITS["embed_links"]
ATTACH_FILES = BITS["attach_files"]
ADD_REACTIONS = BITS["add_reactions"]
READ_MESSAGE_HISTORY = BITS["read_message_history"]
CREATE_PUBLIC_THREADS = BITS["create_public_threads"]
CREATE_PRIVATE_THREADS = BITS["create_private_threads"]
CONNECT = BITS["connect"]
MANAGE_EVENTS = BITS["manage_events"]
CREATE_EVENTS = BITS["create_events"]
ALL_PERMISSIONS = (1 << 50) - 1
# What a member loses in a channel where they may not send messages.
_NEEDS_SENDING = BITS["mention_everyone"] | BITS["send_tts_messages"] | EMBED_LINKS | ATTACH_FILES

ROLE = 0
MEMBER = 1


def bits(permissions: Iterable[str | int] | str | int) -> int:
    """Permission names (``"send_messages"``) or bits, as one integer; unknown names are an error."""
    if isinstance(permissions, str | int):
        permissions = [permissions]
    value = 0
    for item in permissions:
        if isinstance(item, int):
            value |= item
            continue
        key = item.strip().lower().replace(" ", "_")
        if key not in BITS:
            raise ValueError(f"unknown permission {item!r}; known: {', '.join(BITS)}")
        value |= BITS[key]
    return value


def names(value: int) -> list[str]:
    """The names of the bits set in ``value``."""
    return [name for name, bit in BITS.items() if value & bit]


@dataclass(eq=False)
class Overwrite:
    """A channel's permission overwrite for a role (``type`` 0; @everyone's id is the guild's) or a
    member (``type`` 1)."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


def base_permissions(
    guild_id: int, owner_id: int, roles: Mapping[int, int], user_id: int, role_ids: Iterable[int]
) -> int:
    """A member's guild-wide permissions: ``roles`` maps each role id to its permissions."""
    if user_id == owner_id:
        return ALL_PERMISSIONS
    value = roles.get(guild_id, 0)
    for role_id in role_ids:
        value |= roles.get(role_id, 0)
    return ALL_PERMISSIONS if value & ADMINISTRATOR else value


def channel_permissions(
    base: int,
    guild_id: int,
    user_id: int,
    role_ids: Iterable[int],
    overwrites: Mapping[int, Overwrite],
    *,
    thread: bool = False,
) -> int:
    """A member's permissions in a channel (a thread: pass its parent's overwrites and ``thread``)."""
    if base & ADMINISTRATOR:
        return ALL_PERMISSIONS
    value = base
    everyone = overwrites.get(guild_id)
    if everyone is not None:
        value = (value & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in role_ids:
        overwrite = overwrites.get(role_id)
        if overwrite is not None and overwrite.type == ROLE and role_id != guild_id:
            allow |= overwrite.allow
            deny |= overwrite.deny
    value = (value & ~deny) | allow
    own = overwrites.get(user_id)
    if own is not None and own.type == MEMBER:
        value = (value & ~own.deny) | own.allow
    if not value & VIEW_CHANNEL:
        return 0
    if not value & (SEND_MESSAGES_IN_THREADS if thread else SEND_MESSAGES):
        value &= ~_NEEDS_SENDING
    return value
