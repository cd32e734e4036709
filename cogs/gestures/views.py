"""The gesture buttons: a gesture in one tap, on the partner's check-in news and on a gesture DM.

``closer:gesture:{guild}:{kind}`` lives in DMs, so it names the server; whoever presses it sends
that gesture to their partner there.
"""

from __future__ import annotations

from typing import Any, cast

import discord

from bot.checks import bot_of, couple_for
from bot.db.models import Couple
from bot.errors import UserError
from bot.ui.components import CustomId, SafeCallback
from cogs.gestures.embeds import sent_text
from cogs.gestures.rules import KINDS, QUICK
from cogs.gestures.service import GestureService

COG_NAME = "GestureCog"


def service_of(interaction: discord.Interaction) -> GestureService:
    # By name, not isinstance: an extension module is executed afresh each time it is loaded.
    service = getattr(bot_of(interaction).get_cog(COG_NAME), "service", None)
    if service is None:
        raise UserError("Gestures are not available right now. Please try again in a moment.")
    return cast(GestureService, service)


class GestureButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:gesture:{guild:int}:{kind}", kind="|".join(KINDS)),
):
    """Send a gesture to your partner in this server."""

    def __init__(self, guild_id: int, kind: str) -> None:
        self.guild_id, self.kind = guild_id, kind
        found = KINDS[kind]
        super().__init__(
            discord.ui.Button(
                label=found.choice,
                emoji=found.emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, kind=kind),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        await send_gesture(interaction, couple, self.kind)


async def send_gesture(interaction: discord.Interaction, couple: Couple, kind: str) -> None:
    """Send ``kind`` from the interaction's user to their partner and tell them how it went."""
    partner = couple.partner(interaction.user.id)
    assert partner is not None
    service = service_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)  # a DM may go out first
    sending = await service.send(couple, partner, kind)
    text = sent_text(couple, partner, kind, sending.at, quiet=sending.quiet, now=service.clock.now())
    await interaction.edit_original_response(content=text)


def quick_items(guild_id: int, receiver_id: int) -> list[discord.ui.Item[Any]]:
    """The one-tap gestures a message to ``receiver_id`` carries."""
    return [GestureButton(guild_id, kind) for kind in QUICK]


def news_buttons(couple: Couple, receiver_id: int) -> list[discord.ui.Item[Any]]:
    """``Slot.CHECKIN_NEWS``: the partner's check-in news carries a gesture back."""
    return quick_items(couple.guild_id, receiver_id)
