"""/couple: pair with your partner, your zone, quiet hours, travel and the couple's status."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands
from discord.utils import MISSING

from bot.checks import current, in_server, partner_only
from bot.client import CloserBot
from bot.db.repositories.together import TogetherRepository
from bot.db.repositories.visits import VisitRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.planning import zone_city
from bot.registry import Contribution, Hook
from bot.timeutil import QuietHours, discord_timestamp
from bot.transformers import Clock, Zone, zone_choices
from cogs.couple import embeds, views
from cogs.couple.archive import TogetherArchive
from cogs.couple.milestones import Milestones, next_line
from cogs.couple.service import CoupleService, check_channel, check_partner
from cogs.couple.status import status_embed
from cogs.couple.welcome import Welcome

HOME = "home"


class CoupleCog(
    Feature,
    commands.GroupCog,
    group_name="couple",
    group_description="Pair with your partner and set your times",
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.welcome = Welcome(bot.scheduler, bot.registry, views.welcome_view)
        self.service = CoupleService(
            bot.couples, bot.registry, bot.scheduler, bot.schedules, bot.clock, bot.rituals, self.welcome
        )
        together = TogetherRepository(bot.db)
        self.milestones = Milestones(together, VisitRepository(bot.db), bot.couples, bot.scheduler, bot.clock)
        self.archive = TogetherArchive(together)

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=(*self.welcome.kinds(), *self.milestones.kinds()),
            items=views.ITEMS,
            modals=views.MODALS,
            hooks=(
                (Hook.ZONES_CHANGED, self.milestones.replan),
                (Hook.SPACE_RESTORED, self.milestones.replan),
            ),
            archive=(self.archive,),
        )

    async def loaded(self) -> None:
        self.bot.after_ready("plan-milestones", self.milestones.plan_everything)

    async def travel_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[str]]:
        """Every zone option's suggestions, with `home` (end a trip now) first."""
        home = app_commands.Choice(name="home: end my trip now", value=HOME)
        typed = current_text.strip().lower()
        found = await zone_choices(interaction, current_text)
        if not typed or HOME.startswith(typed):
            return [home, *found][:25]
        return found

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
        guild_id, user = interaction.guild.id, interaction.user
        check_partner(user, partner)
        existing = await self.service.existing(guild_id, user.id)
        check_channel(channel)
        await interaction.response.defer(ephemeral=True, thinking=True)  # posting may be slow
        couples = self.service.couples
        now = self.service.clock.now()
        await couples.invite(
            guild_id=guild_id,
            channel_id=channel.id,
            inviter_id=user.id,
            inviter_name=user.display_name,
            invitee_id=partner.id,
            zone=timezone.key,
            now=now,
        )
        try:
            message = await channel.send(
                content=f"{partner.mention}, you're invited!",
                embed=embeds.invitation_embed(user, timezone, channel, now),
                view=views.invitation_view(partner.id),
                allowed_mentions=discord.AllowedMentions(users=[partner]),
            )
        except discord.HTTPException as error:
            await couples.cancel_invitation(guild_id)
            why = (
                "Discord is having trouble right now"
                if isinstance(error, discord.DiscordServerError)
                else "I may be missing a permission there"
            )
            raise UserError(
                f"I couldn't post the invitation in {channel.mention}: {why}. Nothing was kept; "
                "check my permissions there and try again."
            ) from error
        await couples.set_invite_message(guild_id, message.id)
        replaced = existing is not None and not existing.paired
        await interaction.followup.send(
            ("Your earlier invitation was replaced. " if replaced else "")
            + f"Invitation sent to {partner.mention} in {channel.mention}. "
            "Once they accept, you're paired.",
            ephemeral=True,
        )

    # -- zone, quiet hours, travel -------------------------------------------------------------

    @app_commands.command(name="timezone")
    @app_commands.describe(timezone="A city like Berlin or São Paulo, or a zone like America/New_York")
    @partner_only()
    async def timezone(self, interaction: discord.Interaction, timezone: Zone) -> None:
        """Set your own time zone."""
        couple, partner = current(interaction)
        reply, view = await views.set_zone(self.service, couple, partner.user_id, timezone)
        await interaction.response.send_message(reply, view=view or MISSING, ephemeral=True)

    @app_commands.command(name="quiet")
    @app_commands.describe(
        start="When your quiet hours start, like 23:00",
        end="When they end, like 08:00 (same = no quiet hours)",
    )
    @partner_only()
    async def quiet(self, interaction: discord.Interaction, start: Clock, end: Clock) -> None:
        """Your quiet hours: personal pings wait until they end."""
        couple, partner = current(interaction)
        text = await views.set_quiet(self.service, couple, partner.user_id, QuietHours(start, end))
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="travel")
    @app_commands.describe(
        timezone="Where you're going (a city or zone), or `home` to end a trip now",
        until="The date you're back, YYYY-MM-DD: your home zone returns that day",
    )
    @app_commands.autocomplete(timezone=travel_choices)
    @partner_only()
    async def travel(
        self,
        interaction: discord.Interaction,
        timezone: app_commands.Range[str, 1, 64],
        until: app_commands.Range[str, 0, 20] = "",
    ) -> None:
        """A temporary time zone for a trip; it switches back by itself."""
        couple, partner = current(interaction)
        if timezone.strip().lower() == HOME:
            await self.service.end_trip(couple, partner.user_id)
            home = partner.home_zone or couple.first.home_zone or "UTC"
            await interaction.response.send_message(
                f"Welcome home! Closer uses your home zone again: {zone_city(home)} (`{home}`).",
                ephemeral=True,
            )
            return
        trip = await self.service.start_trip(couple, partner.user_id, timezone, until)
        await interaction.response.send_message(
            f"Safe travels ✈️ Until {discord_timestamp(trip.ends, 'D')} Closer uses `{trip.zone.key}` for you "
            f"(it's {trip.now.astimezone(trip.zone):%H:%M} there); then `{couple.zone_of(partner, trip.ends).key}` again. "
            "Your check-ins and other personal pings follow you.",
            ephemeral=True,
        )

    # -- status --------------------------------------------------------------------------------

    @app_commands.command(name="status")
    @partner_only()
    async def status(self, interaction: discord.Interaction) -> None:
        """Both partners' local times, shared awake hours, what's next and recent deliveries."""
        couple, partner = current(interaction)
        status = await self.service.status(couple, partner)
        days = await self.milestones.status_lines(couple, partner, status.now)
        card = status_embed(
            couple, partner, status.now, status.coming, [*days, *status.sections], status.recent
        )
        await interaction.response.send_message(embed=card, ephemeral=True)

    @app_commands.command(name="since")
    @app_commands.describe(date="The day you got together, YYYY-MM-DD (today at the latest)")
    @partner_only()
    async def since(self, interaction: discord.Interaction, date: app_commands.Range[str, 1, 20]) -> None:
        """When you got together: Closer counts your days and marks the milestones."""
        couple, partner = current(interaction)
        day = self.milestones.parse(couple, partner, date)
        together = await self.milestones.set(couple, partner, day)
        await interaction.response.send_message(
            next_line(couple, partner, together, self.bot.clock.now()), ephemeral=True
        )
