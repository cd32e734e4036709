"""What Closer needs in the couple's channel to post there, and what it lacks."""

from __future__ import annotations

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


def missing_permissions(channel: discord.abc.GuildChannel) -> list[str]:
    """What Closer lacks to post in ``channel`` (names as people read them)."""
    me = channel.guild.me
    if me is None:
        return []
    have = channel.permissions_for(me)
    return [
        name.replace("_", " ").title()
        for name, value in NEEDED_PERMISSIONS
        if value and not getattr(have, name)
    ]
