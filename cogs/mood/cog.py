"""/mood history: a chart of both partners' moods, thin over :class:`MoodHistory`."""

from __future__ import annotations

import io
from datetime import date

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import current, partner_only
from bot.client import CloserBot
from bot.db.repositories.checkins import CheckinRepository
from bot.feature import Feature
from bot.ui.embeds import clip
from cogs.mood.chart import chart_png, summary
from cogs.mood.service import MoodHistory


def span(first: date, last: date) -> str:
    """ "26 Oct to 24 Nov 2026", or with both years when they differ."""
    start = f"{first:%d %b}" if first.year == last.year else f"{first:%d %b %Y}"
    return f"{start} to {last:%d %b %Y}"


class MoodCog(Feature, commands.GroupCog, group_name="mood", group_description="Your moods over time"):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.service = MoodHistory(CheckinRepository(bot.db), bot.clock)

    @app_commands.command(name="history")
    @app_commands.describe(days="How many days to show, 7 to 365 (default 30)")
    @partner_only()
    async def history(
        self, interaction: discord.Interaction, days: app_commands.Range[int, 7, 365] = 30
    ) -> None:
        """A chart of both partners' moods over time (only what each shares)."""
        couple, partner = current(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        shown = await self.service.history(couple, partner.user_id, days)
        if shown.empty:
            text = f"No check-ins in the last {days} days yet, so there's no chart to draw."
            if shown.hidden:
                text += f" ({', '.join(shown.hidden)} keeps check-ins private.)"
            text += " Check in with `/checkin now`; the chart fills in day by day."
            await interaction.edit_original_response(content=text)
            return
        png = await chart_png(shown.series, shown.first, shown.last, title=f"Moods, last {days} days")
        said = summary(shown.series, shown.hidden, days)
        chart = discord.File(io.BytesIO(png), filename="moods.png", description=clip(said, 1000))
        await interaction.edit_original_response(
            content=f"**Your moods, {span(shown.first, shown.last)}**\n{said}.", attachments=[chart]
        )
