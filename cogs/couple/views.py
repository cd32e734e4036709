"""/couple's buttons and form: Accept / Decline on an invitation, and setting one's time zone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.checks import bot_of, couple_for
from bot.db.models import Couple
from bot.errors import UserError
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.zones import resolve_zone
from cogs.couple import embeds
from cogs.couple.service import CoupleService

COG = "CoupleCog"


def service_of(interaction: discord.Interaction) -> CoupleService:
    """The couple feature's service of the bot behind an interaction."""
    service = getattr(bot_of(interaction).get_cog(COG), "service", None)
    if not isinstance(service, CoupleService):
        raise RuntimeError("the couple feature is not loaded")
    return service


async def set_zone(service: CoupleService, couple: Couple, user_id: int, zone: ZoneInfo) -> str:
    """Set a partner's zone; the reply (from /couple timezone and the form alike)."""
    partner = await service.set_zone(couple, user_id, zone)
    return embeds.zone_set_text(partner, zone, service.clock.now())


def invitation_view(invitee_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(InviteButton("accept", invitee_id))
    view.add_item(InviteButton("decline", invitee_id))
    return view


class InviteButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:invite:{action}:{invitee:int}", action="accept|decline"),
):
    """Accept / Decline on a pairing invitation; only the invited partner can press them."""

    def __init__(self, action: str, invitee_id: int) -> None:
        self.action, self.invitee_id = action, invitee_id
        super().__init__(
            discord.ui.Button(
                label="Accept" if action == "accept" else "Decline",
                style=discord.ButtonStyle.success if action == "accept" else discord.ButtonStyle.secondary,
                emoji="💞" if action == "accept" else None,
                custom_id=self.spec.build(action=action, invitee=invitee_id),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.invitee_id:
            raise UserError(f"This invitation is for <@{self.invitee_id}>; only they can answer it.")
        service = service_of(interaction)
        couple = await service.open_invitation(interaction.guild_id, self.invitee_id)
        if self.action == "decline":
            await service.decline(couple, self.invitee_id)
            await interaction.response.edit_message(
                content=None, embed=embeds.declined_embed(self.invitee_id), view=None
            )
            return
        name = interaction.user.display_name
        paired = await service.accept(couple, self.invitee_id, name)
        await interaction.response.edit_message(
            content=f"{paired.first.mention} {interaction.user.mention}",
            embed=embeds.paired_embed(paired, name),
            view=None,
        )
        view = discord.ui.View(timeout=None)
        view.add_item(SetZoneButton())
        await interaction.followup.send(embeds.welcome_text(paired), view=view, ephemeral=True)


class SetZoneButton(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Button], custom_id=CustomId("closer:zone:set")
):
    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Set my time zone",
                emoji="🕰️",
                style=discord.ButtonStyle.primary,
                custom_id=self.spec.build(),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await couple_for(interaction)
        await ZoneModal().open(interaction)


class ZoneModal(PersistentModal, title="Your time zone", custom_id=CustomId("closer:modal:zone")):
    zone: discord.ui.TextInput[ZoneModal] = discord.ui.TextInput(
        label="City or time zone",
        placeholder="Berlin, New York, Asia/Kolkata ...",
        custom_id="zone",
        max_length=64,
    )

    def __init__(self) -> None:
        super().__init__(custom_id=self.spec.build())

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction)
        zone = resolve_zone(values.get("zone", ""))
        reply = await set_zone(service_of(interaction), couple, interaction.user.id, zone)
        await interaction.response.send_message(reply, ephemeral=True)


ITEMS = (InviteButton, SetZoneButton)
MODALS = (ZoneModal,)
