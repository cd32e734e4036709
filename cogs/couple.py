"""/couple: pair with your partner, your zone, quiet hours, travel and the couple's status."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import bot_of, couple_for, current, in_server, partner_only
from bot.client import CloserBot
from bot.db.models import Couple, Delivery, Partner
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place
from bot.timeutil import (
    QuietHours,
    discord_timestamp,
    format_clock,
    parse_clock,
    parse_date,
    resolve_zone,
    shared_awake_windows,
    utc_offset_label,
    wall_to_utc,
)
from bot.transformers import Zone
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.embeds import clip, embed

log = logging.getLogger(__name__)

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
    me = channel.guild.me
    if me is None:
        return []
    have = channel.permissions_for(me)
    return [
        name.replace("_", " ").title()
        for name, value in NEEDED_PERMISSIONS
        if value and not getattr(have, name)
    ]


def local_time_line(couple: Couple, partner: Partner, now: datetime) -> str:
    zone = couple.zone_of(partner, now)
    local = now.astimezone(zone)
    line = f"**{local:%H:%M}** {local:%a %d %b} · `{zone.key}` ({utc_offset_label(zone, now)})"
    if partner.home_zone is None:
        line += " · zone not set yet"
    if partner.traveling(now) and partner.travel_until is not None:
        line += f"\n✈️ traveling until {discord_timestamp(partner.travel_until, 'D')} (home: `{partner.home_zone}`)"
    return line


def shared_hours_lines(couple: Couple, now: datetime) -> list[str]:
    """The next 24 hours when both are awake, in each partner's local time."""
    windows = [w for w in shared_awake_windows(couple.people(now), now, hours=24) if w.minutes >= 15]
    if not windows:
        return ["None in the next 24 hours: your quiet hours cover each other's days."]
    lines = []
    for window in windows[:4]:
        parts = []
        for partner in couple.partners:
            zone = couple.zone_of(partner, now)
            start, end = window.start.astimezone(zone), window.end.astimezone(zone)
            parts.append(f"{partner.display_name} {start:%H:%M}-{end:%H:%M}")
        hours, minutes = divmod(window.minutes, 60)
        lines.append(f"{' · '.join(parts)} ({hours}h{minutes:02d})")
    return lines


UPCOMING_KINDS = ("question", "ritual")

LEDGER_ICONS = {"sent": "✅", "late": "⏰", "missed": "✖️", "failed": "⚠️", "skipped": "➖", "retry": "🔁"}


def ledger_line(delivery: Delivery) -> str:
    """One line of the visible ledger: what was sent, late, missed or failed, and why."""
    line = (
        f"{LEDGER_ICONS.get(delivery.status, '•')} {delivery.label} "
        f"(due {discord_timestamp(delivery.scheduled_at, 'f')}): {delivery.status}"
    )
    if delivery.detail:
        line += f" ({delivery.detail})"
    return clip(line, 200)


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
        bot = bot_of(interaction)
        guild_id = interaction.guild_id
        couple = await bot.couples.get(guild_id) if guild_id else None
        if couple is None or couple.paired or couple.invitee_id != self.invitee_id:
            raise UserError("This invitation is no longer open.")
        if self.action == "decline":
            await bot.couples.decline(couple.guild_id, self.invitee_id)
            await interaction.response.edit_message(
                content=None,
                embed=embed("Invitation declined", f"<@{self.invitee_id}> declined the invitation."),
                view=None,
            )
            return
        now = bot.clock.now()
        name = interaction.user.display_name
        if not await bot.couples.accept(couple.guild_id, self.invitee_id, name, now):
            raise UserError("This invitation is no longer open.")
        paired = await bot.couples.get(couple.guild_id)
        assert paired is not None
        await bot.registry.emit(Hook.COUPLE_PAIRED, paired)
        first = paired.first
        await interaction.response.edit_message(
            content=f"{first.mention} {interaction.user.mention}",
            embed=embed(
                "You're paired 💞",
                f"{first.display_name} and {name} share this space now. "
                f"Closer will post here in <#{paired.channel_id}>. Try `/help` to see what it can do.",
            ),
            view=None,
        )
        view = discord.ui.View(timeout=None)
        view.add_item(SetZoneButton())
        await interaction.followup.send(
            f"Welcome! Until you set your own time zone, Closer uses {first.display_name}'s "
            f"(`{first.home_zone}`). Set yours with `/couple timezone` or the button below.",
            view=view,
            ephemeral=True,
        )


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
    zone = discord.ui.TextInput(
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
        await interaction.response.send_message(
            await set_zone(bot_of(interaction), couple, interaction.user.id, zone), ephemeral=True
        )


async def set_zone(bot: CloserBot, couple: Couple, user_id: int, zone: ZoneInfo) -> str:
    await bot.couples.set_zone(couple.guild_id, user_id, zone.key)
    updated = await bot.couples.get(couple.guild_id)
    assert updated is not None
    await bot.registry.emit(Hook.ZONES_CHANGED, updated)
    now = bot.clock.now()
    partner = updated.partner(user_id)
    assert partner is not None
    message = f"Your time zone is now `{zone.key}`: it's {now.astimezone(zone):%H:%M} there."
    if partner.traveling(now):
        message += f" You're traveling, so Closer keeps using `{partner.travel_zone}` until your trip ends."
    return message


class CoupleCog(
    Feature,
    commands.GroupCog,
    group_name="couple",
    group_description="Pair with your partner and set your times",
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot

    def contribution(self) -> Contribution:
        return Contribution(items=(InviteButton, SetZoneButton), modals=(ZoneModal,))

    # -- setup ---------------------------------------------------------------------------------

    @app_commands.command(name="setup")
    @app_commands.describe(
        partner="Your partner (they will get an invitation to accept)",
        channel="The channel Closer posts in for the two of you",
        timezone="Your time zone: a city like Berlin or a zone like America/New_York",
    )
    @in_server()
    async def setup(
        self,
        interaction: discord.Interaction,
        partner: discord.Member,
        channel: discord.TextChannel,
        timezone: Zone,
    ) -> None:
        """Invite your partner to pair with you in this server."""
        assert interaction.guild is not None
        user = interaction.user
        if partner.id == user.id:
            raise UserError("You can't pair with yourself: choose your partner in the `partner` option.")
        if partner.bot:
            raise UserError(f"{partner.display_name} is a bot. Choose your partner in the `partner` option.")
        existing = await self.bot.couples.get(interaction.guild.id)
        if existing is not None:
            self.explain_existing(existing, user.id)
        missing = missing_permissions(channel)
        if missing:
            raise UserError(
                f"I can't post in {channel.mention}: I need {', '.join(missing)} there. "
                "Give me those permissions or choose another channel."
            )
        await interaction.response.defer(ephemeral=True, thinking=True)  # posting may be slow
        now = self.bot.clock.now()
        await self.bot.couples.invite(
            guild_id=interaction.guild.id,
            channel_id=channel.id,
            inviter_id=user.id,
            inviter_name=user.display_name,
            invitee_id=partner.id,
            zone=timezone.key,
            now=now,
        )
        view = discord.ui.View(timeout=None)
        view.add_item(InviteButton("accept", partner.id))
        view.add_item(InviteButton("decline", partner.id))
        invitation = embed(
            "An invitation to pair 💌",
            f"{user.mention} would like to share Closer with you: a daily question you both answer "
            "(revealed when you both have), a gentle check-in each evening, a shared memory book, "
            "rituals and call reminders, each in your own time zone.\n\n"
            "Press **Accept** to pair (then set your time zone), or **Decline**.",
        )
        invitation.add_field(
            name=f"{user.display_name}'s time",
            value=f"`{timezone.key}`, now {now.astimezone(timezone):%H:%M}",
        )
        invitation.add_field(name="Channel", value=channel.mention)
        try:
            message = await channel.send(
                content=f"{partner.mention}, you're invited!",
                embed=invitation,
                view=view,
                allowed_mentions=discord.AllowedMentions(users=[partner]),
            )
        except discord.HTTPException as error:
            await self.bot.couples.cancel_invitation(interaction.guild.id)
            raise UserError(
                f"I couldn't post the invitation in {channel.mention} ({error.text or error.status}). "
                "Check my permissions there and try again."
            ) from error
        await self.bot.couples.set_invite_message(interaction.guild.id, message.id)
        replaced = existing is not None and not existing.paired
        await interaction.followup.send(
            ("Your earlier invitation was replaced. " if replaced else "")
            + f"Invitation sent to {partner.mention} in {channel.mention}. "
            "Once they accept, you're paired.",
            ephemeral=True,
        )

    @staticmethod
    def explain_existing(existing: Couple, user_id: int) -> None:
        """Re-running setup: explain how to change things instead (raises unless it may replace)."""
        if existing.paired:
            if existing.partner(user_id) is None:
                raise UserError(
                    "This server already has its couple; Closer serves one couple per server. "
                    "Invite Closer to a server of your own to use it with your partner."
                )
            other = existing.other(user_id)
            raise UserError(
                f"You're already paired with {other.display_name} here. Change your zone with "
                "`/couple timezone`, quiet hours with `/couple quiet`, and see everything with "
                "`/couple status`. To start over, `/data delete` removes this space's data."
            )
        if user_id == existing.invitee_id:
            raise UserError(
                f"<@{existing.inviter_id}> already invited you: press **Accept** on the invitation in "
                f"<#{existing.channel_id}>."
            )
        if user_id != existing.inviter_id:
            raise UserError(
                f"<@{existing.inviter_id}> and <@{existing.invitee_id}> are pairing in this server; "
                "Closer serves one couple per server."
            )
        # The inviter may replace their own pending invitation.

    # -- zone, quiet hours, travel -------------------------------------------------------------

    @app_commands.command(name="timezone")
    @app_commands.describe(timezone="A city like Berlin or São Paulo, or a zone like America/New_York")
    @partner_only()
    async def timezone(self, interaction: discord.Interaction, timezone: Zone) -> None:
        """Set your own time zone."""
        couple, partner = current(interaction)
        await interaction.response.send_message(
            await set_zone(self.bot, couple, partner.user_id, timezone), ephemeral=True
        )

    @app_commands.command(name="quiet")
    @app_commands.describe(
        start="When your quiet hours start, like 23:00",
        end="When they end, like 08:00 (same = no quiet hours)",
    )
    @partner_only()
    async def quiet(
        self,
        interaction: discord.Interaction,
        start: app_commands.Range[str, 1, 10],
        end: app_commands.Range[str, 1, 10],
    ) -> None:
        """Your quiet hours: personal pings wait until they end."""
        couple, partner = current(interaction)
        hours = QuietHours(parse_clock(start), parse_clock(end))
        await self.bot.couples.set_quiet(couple.guild_id, partner.user_id, hours)
        updated = await self.bot.couples.get(couple.guild_id)
        assert updated is not None
        await self.bot.registry.emit(Hook.ZONES_CHANGED, updated)
        if hours.start == hours.end:
            text = "Quiet hours are off: personal pings can reach you at any time."
        else:
            text = (
                f"Quiet hours set to {hours} your time. Personal pings that would land then wait until "
                f"{format_clock(hours.end)}."
            )
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="travel")
    @app_commands.describe(
        timezone="Where you're going (a city or zone), or `home` to end a trip now",
        until="The date you're back, YYYY-MM-DD: your home zone returns that day",
    )
    @partner_only()
    async def travel(
        self,
        interaction: discord.Interaction,
        timezone: app_commands.Range[str, 1, 64],
        until: app_commands.Range[str, 0, 20] = "",
    ) -> None:
        """A temporary time zone for a trip; it switches back by itself."""
        couple, partner = current(interaction)
        now = self.bot.clock.now()
        if timezone.strip().lower() == "home":
            await self.bot.couples.set_travel(couple.guild_id, partner.user_id, None, None)
            updated = await self.bot.couples.get(couple.guild_id)
            assert updated is not None
            await self.bot.registry.emit(Hook.ZONES_CHANGED, updated)
            home = partner.home_zone or couple.first.home_zone
            await interaction.response.send_message(
                f"Welcome home! Closer uses your home zone `{home}` again.", ephemeral=True
            )
            return
        zone = resolve_zone(timezone)
        if not until.strip():
            raise UserError("Add the date you're back in `until`, like `2026-12-24`.")
        end_day = parse_date(until, now.astimezone(zone).date())
        ends = wall_to_utc(end_day, datetime.min.time(), zone)
        if ends <= now:
            raise UserError(
                "`until` must be a date after today, like `" + f"{(now + timedelta(days=7)):%Y-%m-%d}`."
            )
        if ends - now > timedelta(days=366):
            raise UserError(
                "A trip can last up to a year. For a move, set your zone with `/couple timezone`."
            )
        await self.bot.couples.set_travel(couple.guild_id, partner.user_id, zone.key, ends)
        updated = await self.bot.couples.get(couple.guild_id)
        assert updated is not None
        await self.bot.registry.emit(Hook.ZONES_CHANGED, updated)
        await interaction.response.send_message(
            f"Safe travels ✈️ Until {discord_timestamp(ends, 'D')} Closer uses `{zone.key}` for you "
            f"(it's {now.astimezone(zone):%H:%M} there); then `{couple.zone_of(partner, ends).key}` again. "
            "Your check-ins and other personal pings follow you.",
            ephemeral=True,
        )

    # -- status --------------------------------------------------------------------------------

    @app_commands.command(name="status")
    @partner_only()
    async def status(self, interaction: discord.Interaction) -> None:
        """Both partners' local times, shared awake hours, what's next and recent deliveries."""
        couple, _ = current(interaction)
        now = self.bot.clock.now()
        card = embed("Closer status", f"Your shared channel is <#{couple.channel_id}>.")
        for partner in couple.partners:
            card.add_field(
                name=f"{partner.display_name}",
                value=local_time_line(couple, partner, now) + f"\nQuiet hours {partner.quiet}",
                inline=False,
            )
        card.add_field(
            name="Shared awake hours (next 24h)",
            value="\n".join(shared_hours_lines(couple, now)),
            inline=False,
        )
        # The couple's shared posts; personal pings and call reminders have their own lines.
        upcoming = await self.bot.scheduler.upcoming(couple.guild_id, kinds=UPCOMING_KINDS)
        if upcoming:
            card.add_field(
                name="Coming up",
                value=clip(
                    "\n".join(
                        f"{s.label} {discord_timestamp(s.fire_at, 'f')} ({discord_timestamp(s.fire_at, 'R')})"
                        for s in upcoming
                        if s.fire_at is not None
                    ),
                    1024,
                ),
                inline=False,
            )
        for section in await self.bot.registry.sections(Place.STATUS, couple, now):
            card.add_field(name=section[0], value=section[1], inline=False)
        recent = await self.bot.schedules.recent(couple.guild_id, limit=6)
        if recent:
            card.add_field(
                name="Recent deliveries",
                value=clip("\n".join(ledger_line(d) for d in recent), 1024),
                inline=False,
            )
        card.set_footer(text="Times are shown in each partner's own zone.")
        await interaction.response.send_message(embed=card, ephemeral=True)


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(CoupleCog(bot))
