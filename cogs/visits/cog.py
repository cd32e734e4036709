"""/visit: the countdown to being together (its rules and posts: :mod:`cogs.visits.service`)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.checks import current, partner_only
from bot.client import CloserBot
from bot.db.repositories.visits import VisitRepository
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place
from bot.transformers import Clock
from cogs.visits.archive import VisitsArchive
from cogs.visits.embeds import set_notice, set_reply
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

    @visit_group.command(name="set")
    @app_commands.rename(day="date")
    @app_commands.describe(
        day="The day you're together again: YYYY-MM-DD (or tomorrow), in your time zone",
        time="Optional: the time you arrive, like 18:30, in your time zone",
    )
    @partner_only()
    async def visit_set(
        self,
        interaction: discord.Interaction,
        day: app_commands.Range[str, 1, 20],
        time: Clock | None = None,
    ) -> None:
        """Set the countdown to the next time you're together."""
        couple, partner = current(interaction)
        visit, days = await self.service.set(couple, partner, day, time)
        await interaction.response.send_message(set_reply(visit, days, time), ephemeral=True)
        other = couple.other(partner.user_id)
        await self.service.tell(couple, other, set_notice(visit, days, partner.display_name))

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
