"""/visit: the countdown to being together (its rules and posts: :mod:`cogs.visits.service`)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.checks import current, partner_only
from bot.client import CloserBot
from bot.db.repositories.visits import VisitRepository
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place
from bot.transformers import Clock, zone_choices
from bot.ui.embeds import clip
from cogs.visits.archive import VisitsArchive
from cogs.visits.embeds import set_notice, set_reply
from cogs.visits.rules import home_zone
from cogs.visits.service import VisitService


class VisitCog(Feature):
    """/visit (a group of its own: the countdown's posts are planned from its one row)."""

    visit_group = app_commands.Group(name="visit", description="The countdown to being together")

    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.visits = VisitRepository(bot.db)
        self.service = VisitService(
            self.visits, bot.scheduler, bot.couples, bot.clock, bot.scheduler.messenger
        )

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=self.service.kinds(),
            hooks=(
                (Hook.ZONES_CHANGED, self.service.replan),
                (Hook.SPACE_RESTORED, self.service.replan),
            ),
            sections=(
                (Place.STATUS, self.service.status_section),
                (Place.DIGEST, self.service.digest_section),
                (Place.QUESTION_POST, self.service.question_section),
            ),
            archive=(VisitsArchive(self.visits),),
        )

    async def loaded(self) -> None:
        self.bot.after_ready("plan-visits", self.service.plan_everything)

    async def where_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[str]]:
        """Your partner's place, yours, then every zone option's suggestions."""
        found = await zone_choices(interaction, current_text)
        couple = await self.bot.couples.get(interaction.guild_id) if interaction.guild_id else None
        if couple is None or not couple.is_partner(interaction.user.id):
            return found
        now = self.bot.clock.now()
        me = couple.partner(interaction.user.id)
        assert me is not None
        other = couple.other(me.user_id)
        typed = current_text.strip().lower()
        places = [
            (f"At {other.display_name}'s: {home_zone(couple, other, now).key} (default)", "theirs"),
            (f"At yours: {home_zone(couple, me, now).key}", "mine"),
        ]
        mine = [
            app_commands.Choice(name=clip(name, 100), value=value)
            for name, value in places
            if not typed or typed in name.lower() or value.startswith(typed)
        ]
        return [*mine, *found][:25]

    @visit_group.command(name="set")
    @app_commands.rename(day="date")
    @app_commands.describe(
        day="The day you're together again: YYYY-MM-DD (or tomorrow)",
        time="Optional: the time you arrive, like 18:30, where the visit happens",
        where="Where you'll be together, whose time the date and time are in (default: your partner's)",
    )
    @app_commands.autocomplete(where=where_choices)
    @partner_only()
    async def visit_set(
        self,
        interaction: discord.Interaction,
        day: app_commands.Range[str, 1, 20],
        time: Clock | None = None,
        where: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        """Set the countdown to the next time you're together."""
        couple, partner = current(interaction)
        visit, days, place = await self.service.set(couple, partner, day, time, where)
        await interaction.response.send_message(
            set_reply(couple, visit, days, place, partner), ephemeral=True
        )
        other = couple.other(partner.user_id)
        await self.service.tell(couple, other, set_notice(couple, visit, days, partner))

    @visit_group.command(name="clear")
    @partner_only()
    async def visit_clear(self, interaction: discord.Interaction) -> None:
        """Clear the countdown (set a new one any time with /visit set)."""
        couple, _ = current(interaction)
        cleared = await self.service.clear(couple)
        await interaction.response.send_message(
            f"Countdown to {cleared.visit_date:%d %B %Y} cleared. Set a new one any time with `/visit set`.",
            ephemeral=True,
        )
