"""The scheduler's :class:`~bot.scheduler.delivery.Messenger` over a discord.py client."""

from __future__ import annotations

from typing import Any

import discord


class DiscordMessenger:
    """Sends through discord.py: a partial channel for server posts, the DM channel for a user."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def to_channel(self, channel_id: int, guild_id: int, **kwargs: Any) -> discord.Message:
        channel = self.client.get_partial_messageable(channel_id, guild_id=guild_id)
        return await channel.send(**kwargs)

    async def to_user(self, user_id: int, **kwargs: Any) -> discord.Message:
        dm = await self.client.create_dm(discord.Object(user_id))
        return await dm.send(**kwargs)
