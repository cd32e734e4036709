"""/couple's buttons and forms: Accept / Decline on an invitation, setting one's time zone, and
the welcome's three settings (question time, check-in time, quiet hours)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord.utils import MISSING

from bot.checks import bot_of, couple_for
from bot.db.models import Couple
from bot.errors import UserError
from bot.timeutil import QuietHours, format_clock, parse_clock
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


async def set_zone(
    service: CoupleService, couple: Couple, user_id: int, zone: ZoneInfo
) -> tuple[str, discord.ui.View | None]:
    """Set a partner's zone; the reply (from /couple timezone and the form alike): the zone, and
    what other features' times are now for each of them (``Place.ZONE_SET``)."""
    partner = await service.set_zone(couple, user_id, zone)
    now = service.clock.now()
    text = embeds.zone_set_text(partner, zone, now)
    moved = await service.sections_after_zone(couple.guild_id, now)
    if not moved:
        return text, None
    text += "\n" + "\n".join(f"{title} {line}" for title, line in moved)
    text += "\nChange it with the button below; `/couple status` shows everything."
    return text, zone_set_view(couple.guild_id)


def zone_set_view(guild_id: int) -> discord.ui.View:
    """Under the reply to a new zone: the daily question's time, the setting most couples change."""
    view = discord.ui.View(timeout=None)
    view.add_item(WelcomeButton(guild_id, "question"))
    return view


async def set_quiet(service: CoupleService, couple: Couple, user_id: int, hours: QuietHours) -> str:
    """Set a partner's quiet hours; the reply (from /couple quiet and the welcome's form alike)."""
    await service.set_quiet(couple, user_id, hours)
    return embeds.quiet_set_text(hours)


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
        reply, view = await set_zone(service_of(interaction), couple, interaction.user.id, zone)
        await interaction.response.send_message(reply, view=view or MISSING, ephemeral=True)


# -- the welcome's settings --------------------------------------------------------------------------

# The settings the welcome offers, and the command (and option) that changes the other features' ones.
SETTINGS = {
    "question": ("Question time", "🗓️", "question schedule", "time"),
    "checkin": ("Check-in time", "💬", "checkin schedule", "time"),
    "quiet": ("Quiet hours", "🌙", "couple quiet", "start"),
}


def welcome_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for setting in SETTINGS:
        view.add_item(WelcomeButton(guild_id, setting))
    return view


def command_hint(interaction: discord.Interaction, setting: str) -> str:
    """Which command changes a setting of another feature (as the loaded command tree has it)."""
    label, _, name, option = SETTINGS[setting]
    command = bot_of(interaction).tree.get_command(name.split()[0])
    sub = command.get_command(name.split()[1]) if isinstance(command, discord.app_commands.Group) else None
    if sub is None:
        return f"{label} can't be changed in this version of Closer. `/help` lists what you can change."
    return (
        f"{label}: use `/{name}` and fill in `{option}` with a time in your own time zone, like `20:30`. "
        "Closer tells you what it becomes for your partner."
    )


class WelcomeButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:welcome:{guild:int}:{setting}", setting="question|checkin|quiet"),
):
    """One of the welcome's three settings: quiet hours open a form, the others say the command."""

    def __init__(self, guild_id: int, setting: str) -> None:
        self.guild_id, self.setting = guild_id, setting
        label, emoji, _, _ = SETTINGS[setting]
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(guild=guild_id, setting=setting),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        couple = await couple_for(interaction, guild_id=self.guild_id)
        if self.setting != "quiet":
            await interaction.response.send_message(command_hint(interaction, self.setting), ephemeral=True)
            return
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        await QuietModal(self.guild_id, partner.quiet).open(interaction)


class QuietModal(
    PersistentModal, title="Your quiet hours", custom_id=CustomId("closer:modal:quiet:{guild:int}")
):
    def __init__(self, guild_id: int, current: QuietHours) -> None:
        super().__init__(custom_id=self.spec.build(guild=guild_id))
        self.add_item(
            discord.ui.TextInput(
                label="Quiet from (your time)",
                placeholder="23:00",
                default=format_clock(current.start),
                custom_id="start",
                max_length=20,
            )
        )
        self.add_item(
            discord.ui.TextInput(
                label="Until (same time = no quiet hours)",
                placeholder="08:00",
                default=format_clock(current.end),
                custom_id="end",
                max_length=20,
            )
        )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        couple = await couple_for(interaction, guild_id=int(key["guild"]))
        try:
            hours = QuietHours(parse_clock(values.get("start", "")), parse_clock(values.get("end", "")))
        except UserError as error:
            raise UserError(f"{error.message} Nothing was changed; press **Quiet hours** again.") from None
        reply = await set_quiet(service_of(interaction), couple, interaction.user.id, hours)
        await interaction.response.send_message(reply, ephemeral=True)


ITEMS = (InviteButton, SetZoneButton, WelcomeButton)
MODALS = (ZoneModal, QuietModal)
