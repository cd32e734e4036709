"""/date: anniversaries, birthdays and other yearly dates (rules and posts: :mod:`cogs.dates.service`)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.checks import couple_for, current, partner_only
from bot.client import CloserBot
from bot.db.repositories.dates import DateRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place
from bot.ui.confirm import confirm_view
from bot.ui.embeds import clip, embed
from bot.ui.pages import Page, clamp_page, send_pages
from cogs.dates.archive import DatesArchive
from cogs.dates.embeds import added_reply, date_line, first_written
from cogs.dates.rules import LABEL_LIMIT, parse_special_date
from cogs.dates.service import DateService

PER_PAGE = 10

KIND_CHOICES = [
    app_commands.Choice(name="Anniversary", value="anniversary"),
    app_commands.Choice(name="Birthday", value="birthday"),
    app_commands.Choice(name="Other", value="other"),
]


class DateCog(Feature):
    """/date: yearly dates, with reminders the day before and on the day."""

    date_group = app_commands.Group(
        name="date", description="Anniversaries, birthdays and other yearly dates"
    )

    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.dates = DateRepository(bot.db)
        self.service = DateService(self.dates, bot.scheduler, bot.couples, bot.clock)

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=self.service.kinds(),
            confirmations={"date_remove": self.confirm_remove},
            pages={"dates": self.list_page},
            hooks=(
                (Hook.ZONES_CHANGED, self.service.replan),
                (Hook.SPACE_RESTORED, self.service.replan),
            ),
            sections=(
                (Place.STATUS, self.service.status_section),
                (Place.DIGEST, self.service.digest_section),
            ),
            archive=(DatesArchive(self.dates),),
        )

    async def loaded(self) -> None:
        self.bot.after_ready("plan-dates", self.service.plan_everything)

    async def date_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        couple = await self.bot.couples.get(interaction.guild_id)
        if couple is None or not couple.is_partner(interaction.user.id):
            return []
        needle = current_text.strip().lower().lstrip("#")
        choices = []
        for special in await self.dates.for_guild(couple.guild_id):
            label = f"#{special.id} {special.label} · {first_written(special)}"
            if not needle or needle in label.lower():
                choices.append(app_commands.Choice(name=clip(label, 100), value=special.id))
        return choices[:25]

    @date_group.command(name="add")
    @app_commands.rename(day="date")
    @app_commands.describe(
        kind="Anniversary, birthday or something else",
        day="The date it first happened, YYYY-MM-DD (the year counts the years), or MM-DD",
        label='What it is, like "Our anniversary" or "Sam\'s birthday"',
    )
    @app_commands.choices(kind=KIND_CHOICES)
    @partner_only()
    async def date_add(
        self,
        interaction: discord.Interaction,
        kind: app_commands.Choice[str],
        day: app_commands.Range[str, 1, 20],
        label: app_commands.Range[str, 1, LABEL_LIMIT],
    ) -> None:
        """Add a yearly date: reminders the day before and on the day."""
        couple, partner = current(interaction)
        when = parse_special_date(day)
        special, upcoming, today = await self.service.add(couple, partner, kind.value, when, label)
        await interaction.response.send_message(added_reply(special, upcoming, today), ephemeral=True)

    @date_group.command(name="list")
    @partner_only()
    async def date_list(self, interaction: discord.Interaction) -> None:
        """Your special dates, soonest first."""
        await send_pages(interaction, "dates")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        now = self.bot.clock.now()
        upcoming = await self.service.upcoming(couple, now)
        page, pages = clamp_page(page, len(upcoming), PER_PAGE)
        card = embed("Your special dates")
        if upcoming:
            card.description = "\n".join(
                f"`#{special.id}` {date_line(special, day, now)} (since {first_written(special)})"
                for day, special in upcoming[page * PER_PAGE : (page + 1) * PER_PAGE]
            )
        else:
            card.description = "No dates yet. Add an anniversary or birthday with `/date add`."
        card.set_footer(text=f"Page {page + 1} of {pages} · /date remove deletes one by its id")
        return Page(card, page, pages)

    @date_group.command(name="remove")
    @app_commands.rename(date_id="id")
    @app_commands.describe(date_id="The date to remove (start typing its label)")
    @app_commands.autocomplete(date_id=date_choices)
    @partner_only()
    async def date_remove(
        self, interaction: discord.Interaction, date_id: app_commands.Range[int, 1]
    ) -> None:
        """Remove a special date and its reminders (asks to confirm)."""
        couple, _ = current(interaction)
        special = await self.dates.get(date_id, couple.guild_id)
        if special is None:
            raise UserError(f"There's no date #{date_id}. `/date list` shows yours.")
        await interaction.response.send_message(
            f"Remove #{special.id} **{special.label}** ({first_written(special)}) and its reminders?",
            view=confirm_view("date_remove", interaction.user.id, str(special.id), confirm_label="Remove"),
            ephemeral=True,
        )

    async def confirm_remove(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        special = await self.service.remove(couple, int(arg))
        if special is None:
            return "That date was already removed."
        return f"Removed #{special.id} {special.label}."
