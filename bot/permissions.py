"""What Closer needs in the couple's channel to post there, and what it lacks.

:func:`missing_permissions` reads discord.py's cache (the bot running); :func:`channel_permissions`
computes the same from REST data (``python -m bot doctor``, which never opens a gateway session).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import discord

NEEDED_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    create_public_threads=True,
    send_messages_in_threads=True,
)

# As Discord's settings name them (discord.py calls View Channel "read_messages").
_LABELS = {"read_messages": "View Channel", "send_messages_in_threads": "Send Messages in Threads"}


def label(name: str) -> str:
    """A permission's name as a server's settings show it."""
    return _LABELS.get(name) or name.replace("_", " ").title()


def lacking(have: discord.Permissions) -> list[str]:
    """What of :data:`NEEDED_PERMISSIONS` ``have`` lacks (names as people read them)."""
    return [label(name) for name, value in NEEDED_PERMISSIONS if value and not getattr(have, name)]


def missing_permissions(channel: discord.abc.GuildChannel) -> list[str]:
    """What Closer lacks to post in ``channel`` (names as people read them)."""
    me = channel.guild.me
    if me is None:
        return []
    return lacking(channel.permissions_for(me))


def channel_permissions(
    *,
    guild_id: int,
    owner_id: int,
    roles: Mapping[int, int],
    member_id: int,
    member_roles: Iterable[int],
    overwrites: Iterable[Mapping[str, Any]],
) -> discord.Permissions:
    """A member's permissions in a channel from REST data, the way Discord computes them: the
    server's roles (id -> permissions; @everyone's id is the server's), the member's roles and the
    channel's ``permission_overwrites`` (@everyone's, then the member's roles' together, then the
    member's own); without View Channel nothing, without Send Messages no embeds or files."""
    if member_id == owner_id:
        return discord.Permissions.all()
    member_roles = [int(r) for r in member_roles]
    perms = discord.Permissions(roles.get(guild_id, 0))
    for role_id in member_roles:
        perms.value |= roles.get(role_id, 0)
    if perms.administrator:
        return discord.Permissions.all()
    by_id = {int(o["id"]): (int(o.get("type", 0)), int(o["allow"]), int(o["deny"])) for o in overwrites}
    if guild_id in by_id:
        _, allow, deny = by_id[guild_id]
        perms.handle_overwrite(allow, deny)
    allow = deny = 0
    for role_id in member_roles:
        kind, role_allow, role_deny = by_id.get(role_id, (1, 0, 0))
        if kind == 0:
            allow |= role_allow
            deny |= role_deny
    perms.handle_overwrite(allow, deny)
    kind, own_allow, own_deny = by_id.get(member_id, (0, 0, 0))
    if kind == 1:
        perms.handle_overwrite(own_allow, own_deny)
    if not perms.view_channel:
        return discord.Permissions.none()
    if not perms.send_messages:
        perms.update(embed_links=False, attach_files=False, mention_everyone=False, send_tts_messages=False)
    return perms
