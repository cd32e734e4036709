"""/ritual: recurring rituals (weekly check-in session, gratitude, goodnight, custom)."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import couple_for, current, partner_only
from bot.client import CloserBot
from bot.errors import UserError
from bot.feature import Feature
from bot.planning import both_times
from bot.registry import Contribution, Hook, Place
from bot.timeutil import WEEKDAY_NAMES, discord_timestamp
from bot.transformers import Clock
from bot.ui.confirm import confirm_view
from bot.ui.embeds import clip
from bot.ui.pages import Page, send_pages
from cogs.rituals import embeds, views
from cogs.rituals.archive import GoodnightsArchive, RitualsArchive
from cogs.rituals.service import RitualFeatureService

TEMPLATE_CHOICES = [
    app_commands.Choice(name="Weekly check-in session", value="weekly_checkin"),
    app_commands.Choice(name="Gratitude (three things each)", value="gratitude"),
    app_commands.Choice(name="Goodnight (at each partner's bedtime)", value="goodnight"),
    app_commands.Choice(name="Custom message", value="custom"),
]

DAY_SUGGESTIONS = ["daily", "weekdays", "weekends", *WEEKDAY_NAMES, "mon,thu", "tue,fri", "sat,sun"]


class RitualCog(
    Feature, commands.GroupCog, group_name="ritual", group_description="Recurring rituals for the two of you"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.service = RitualFeatureService(
            bot.rituals,
            bot.scheduler,
            bot.clock,
            self.channel_of,
            bot.registry.sections,
            views.COMPONENTS,
        )

    def channel_of(self, channel_id: int, guild_id: int) -> discord.PartialMessageable:
        return self.bot.get_partial_messageable(channel_id, guild_id=guild_id)

    def contribution(self) -> Contribution:
        return Contribution(
            rituals=self.service.templates(),
            kinds=self.service.kinds(),
            items=views.ITEMS,
            modals=views.MODALS,
            confirmations={"ritual_remove": self.confirm_remove},
            pages={"rituals": self.list_page},
            hooks=((Hook.SPACE_RESTORED, self.service.rearm),),
            sections=((Place.WELCOME, self.service.welcome_section),),
            archive=(GoodnightsArchive(self.service.repo), RitualsArchive(self.service.repo)),
        )

    async def ritual_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[int]]:
        if interaction.guild_id is None:
            return []
        couple = await self.bot.couples.get(interaction.guild_id)
        if couple is None or not couple.is_partner(interaction.user.id):
            return []
        choices = []
        needle = current_text.strip().lower().lstrip("#")
        for ritual in await self.service.repo.for_guild(interaction.guild_id):
            label = self.service.title(ritual)
            if ritual.paused:
                label += " (paused)"
            if not needle or needle in label.lower():
                choices.append(app_commands.Choice(name=clip(label, 100), value=ritual.id))
        return choices[:25]

    async def day_choices(
        self, interaction: discord.Interaction, current_text: str
    ) -> list[app_commands.Choice[str]]:
        needle = current_text.strip().lower()
        return [app_commands.Choice(name=d, value=d) for d in DAY_SUGGESTIONS if needle in d][:25]

    @app_commands.command(name="add")
    @app_commands.describe(
        template="What kind of ritual",
        day="Which days: daily, weekdays, weekends, sunday, mon,thu ... (default depends on the ritual)",
        time="Your time, like 20:00 (goodnight: each one's own); leave empty for a time you're both awake",
        message="For a custom ritual, what to post; for the others, an optional note",
    )
    @app_commands.choices(template=TEMPLATE_CHOICES)
    @app_commands.autocomplete(day=day_choices)
    @partner_only()
    async def add(
        self,
        interaction: discord.Interaction,
        template: app_commands.Choice[str],
        time: Clock | None = None,
        day: app_commands.Range[str, 1, 60] | None = None,
        message: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        """Add a recurring ritual."""
        couple, partner = current(interaction)
        added = await self.service.add(couple, partner, template.value, at=time, day=day, message=message)
        ritual, rituals = added.ritual, self.service.rituals
        text = f"Added ritual #{ritual.id}: **{rituals.label(ritual)}**, {rituals.describe_when(ritual)}."
        template_ = rituals.template(ritual.template)
        if added.next_at and template_ is not None and not template_.personal:
            text += (
                f" Next: {discord_timestamp(added.next_at, 'F')}, that's "
                f"{both_times(couple, added.next_at, weekday=True, viewer=partner.user_id)}."
            )
        elif added.next_at:
            text += f" Next: {discord_timestamp(added.next_at, 'F')}."
        if added.chosen:
            text += " Closer picked that time; `/ritual remove` and add it again with a `time` to change it."
        await interaction.response.send_message(text + added.warning, ephemeral=True)

    @app_commands.command(name="list")
    @partner_only()
    async def list_(self, interaction: discord.Interaction) -> None:
        """Your rituals, when they run next, and which are paused."""
        await send_pages(interaction, "rituals")

    async def list_page(self, interaction: discord.Interaction, page: int, arg: str) -> Page:
        couple = await couple_for(interaction)
        entries, page, pages = await self.service.page(couple.guild_id, page)
        return Page(embeds.list_embed(entries, page, pages), page, pages)

    @app_commands.command(name="pause")
    @app_commands.rename(ritual_id="id")
    @app_commands.describe(ritual_id="The ritual (start typing its name)")
    @app_commands.autocomplete(ritual_id=ritual_choices)
    @partner_only()
    async def pause(self, interaction: discord.Interaction, ritual_id: app_commands.Range[int, 1]) -> None:
        """Pause a ritual; it keeps its settings and history."""
        ritual = await self.service.owned(current(interaction)[0], ritual_id)
        if ritual.paused:
            raise UserError(
                f"Ritual #{ritual_id} is already paused. `/ritual resume {ritual_id}` starts it again."
            )
        await self.service.rituals.pause(ritual)
        await interaction.response.send_message(
            f"Paused #{ritual_id} {self.service.rituals.label(ritual)}. Its history is kept; `/ritual resume {ritual_id}` starts it again.",
            ephemeral=True,
        )

    @app_commands.command(name="resume")
    @app_commands.rename(ritual_id="id")
    @app_commands.describe(ritual_id="The ritual (start typing its name)")
    @app_commands.autocomplete(ritual_id=ritual_choices)
    @partner_only()
    async def resume(self, interaction: discord.Interaction, ritual_id: app_commands.Range[int, 1]) -> None:
        """Resume a paused ritual from now on."""
        ritual = await self.service.owned(current(interaction)[0], ritual_id)
        if not ritual.paused:
            raise UserError(f"Ritual #{ritual_id} isn't paused.")
        await self.service.rituals.resume(ritual)
        next_at = await self.service.rituals.next_time(ritual)
        text = f"Resumed #{ritual_id} {self.service.rituals.label(ritual)}."
        if next_at:
            text += f" Next: {discord_timestamp(next_at, 'F')}."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="remove")
    @app_commands.rename(ritual_id="id")
    @app_commands.describe(ritual_id="The ritual (start typing its name)")
    @app_commands.autocomplete(ritual_id=ritual_choices)
    @partner_only()
    async def remove(self, interaction: discord.Interaction, ritual_id: app_commands.Range[int, 1]) -> None:
        """Remove a ritual (asks to confirm)."""
        ritual = await self.service.owned(current(interaction)[0], ritual_id)
        self.service.check_removable(ritual)
        rituals = self.service.rituals
        await interaction.response.send_message(
            f"Remove ritual #{ritual_id} **{rituals.label(ritual)}** ({rituals.describe_when(ritual)})? "
            "Its schedule and history will be deleted. Pausing keeps them instead.",
            view=confirm_view("ritual_remove", interaction.user.id, str(ritual_id), confirm_label="Remove"),
            ephemeral=True,
        )

    async def confirm_remove(self, interaction: discord.Interaction, arg: str) -> str:
        couple = await couple_for(interaction)
        ritual = await self.service.repo.get(int(arg), couple.guild_id)
        if ritual is None:
            return "That ritual was already removed."
        await self.service.rituals.remove(ritual)
        return f"Removed ritual #{ritual.id} {self.service.rituals.label(ritual)}."
