"""/checkin now, schedule and sharing: thin handlers over :class:`CheckinService`."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import current, partner_only
from bot.client import CloserBot
from bot.db.repositories.checkins import CheckinRepository, Sharing
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Hook, Place, Slot
from bot.timeutil import discord_timestamp, format_clock, parse_clock
from cogs.checkins.archive import CheckinsArchive
from cogs.checkins.embeds import ask_content, saved_content, sharing_set, texts
from cogs.checkins.rules import pick
from cogs.checkins.service import CheckinService
from cogs.checkins.views import CheckinButton, NoteModal, ask_items, ask_view

SHARING_CHOICES = [
    app_commands.Choice(name="Full: my mood and my note", value=Sharing.FULL.value),
    app_commands.Choice(name="Mood only: notes stay with me", value=Sharing.MOOD.value),
    app_commands.Choice(name="Nothing: keep my check-ins private", value=Sharing.NOTHING.value),
]


class CheckinCog(
    Feature, commands.GroupCog, group_name="checkin", group_description="How are you doing? A daily check-in"
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        repo = CheckinRepository(bot.db)
        self.service = CheckinService(repo, bot.scheduler, bot.schedules, bot.clock, ask_items)
        self.service.news.replies = lambda couple, receiver: bot.registry.buttons(
            Slot.CHECKIN_NEWS, couple, receiver
        )
        self.archive = CheckinsArchive(repo)

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=self.service.kinds(),
            items=(CheckinButton,),
            modals=(NoteModal,),
            hooks=(
                (Hook.COUPLE_PAIRED, self.service.ensure),
                (Hook.SPACE_RESTORED, self.service.rearm),
            ),
            sections=(
                (Place.STATUS, self.service.status_section),
                (Place.WELCOME, self.service.welcome_section),
            ),
            archive=(self.archive,),
        )

    @app_commands.command(name="now")
    @partner_only()
    async def now(self, interaction: discord.Interaction) -> None:
        """Check in now: how are you doing? A mood from 1 to 5 and a note if you like."""
        couple, partner = current(interaction)
        service = self.service
        other = couple.other(partner.user_id)
        level = await service.repo.sharing(couple.guild_id, partner.user_id)
        day = service.today(couple, partner)
        today = await service.repo.get(couple.guild_id, partner.user_id, day)
        if today is not None:
            telling = await service.telling_now(couple, partner, today)
            tip = await service.languages_tip(couple, partner, today)
            content = saved_content(today, telling, other, service.now(), tip=tip)
            view = ask_view(couple.guild_id, partner.user_id, selected=today.mood, has_note=bool(today.note))
        else:
            question = pick(texts()["ask"], f"{partner.user_id}:{day}")
            content = ask_content(question, level, other)
            view = ask_view(couple.guild_id, partner.user_id)
        await interaction.response.send_message(content, view=view, ephemeral=True)

    @app_commands.command(name="schedule")
    @app_commands.describe(time="When to ask you each day, in your own time, like 20:00 or 9pm (or `off`)")
    @partner_only()
    async def schedule(self, interaction: discord.Interaction, time: app_commands.Range[str, 1, 10]) -> None:
        """When you are asked "how are you doing?" each day, in your zone."""
        couple, partner = current(interaction)
        if time.strip().lower() in ("off", "stop", "never", "none"):
            stopped = await self.service.stop_asking(couple, partner)
            await interaction.response.send_message(
                "Daily check-in asks are off. `/checkin now` still works whenever you like, and "
                "`/checkin schedule 20:00` turns them back on."
                if stopped
                else "Daily check-in asks were already off. `/checkin schedule 20:00` turns them back on.",
                ephemeral=True,
            )
            return
        at = parse_clock(time)
        if partner.quiet.contains(at):
            raise UserError(
                f"{format_clock(at)} is inside your quiet hours ({partner.quiet}), when Closer doesn't ping you. "
                "Choose a time outside them, or change them with `/couple quiet`."
            )
        schedule = await self.service.set_ask_time(couple, partner, at)
        zone = couple.zone_of(partner, self.bot.clock.now())
        text = f"I'll ask how you're doing every day at **{format_clock(at)}** your time (`{zone.key}`)."
        if schedule.fire_at is not None:
            text += f" Next: {discord_timestamp(schedule.fire_at, 'F')}."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="sharing")
    @app_commands.describe(level="What your partner sees of your check-ins")
    @app_commands.choices(level=SHARING_CHOICES)
    @partner_only()
    async def sharing(self, interaction: discord.Interaction, level: app_commands.Choice[str]) -> None:
        """What your partner sees of your check-ins: full, mood only, or nothing."""
        couple, partner = current(interaction)
        chosen = Sharing(level.value)
        await self.service.set_sharing(couple, partner, chosen)
        await interaction.response.send_message(
            sharing_set(chosen, couple.other(partner.user_id)), ephemeral=True
        )
