"""/nudge and the user menu "Thinking of you 💭": thin handlers over :class:`GestureService`."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.checks import couple_for, current, partner_only
from bot.client import CloserBot
from bot.db.repositories.gestures import GestureRepository
from bot.errors import UserError
from bot.feature import Feature
from bot.registry import Contribution, Place, Slot
from cogs.gestures.archive import GesturesArchive
from cogs.gestures.rules import KINDS
from cogs.gestures.service import GestureService
from cogs.gestures.views import GestureButton, news_buttons, quick_items, send_gesture

KIND_CHOICES = [app_commands.Choice(name=f"{k.emoji} {k.choice}", value=k.key) for k in KINDS.values()]
MENU_NAME = "Thinking of you 💭"


class GestureCog(Feature):
    """Small gestures between the rituals: a tap that says "thinking of you"."""

    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        repo = GestureRepository(bot.db)
        self.service = GestureService(repo, bot.scheduler, bot.schedules, bot.clock, quick_items)
        self.archive = GesturesArchive(repo)
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.thinking_of_you)

    def contribution(self) -> Contribution:
        return Contribution(
            kinds=self.service.kinds(),
            items=(GestureButton,),
            sections=((Place.DIGEST, self.service.digest_section),),
            buttons=((Slot.CHECKIN_NEWS, news_buttons),),
            menus=(self.menu,),
            archive=(self.archive,),
        )

    @app_commands.command(name="nudge")
    @app_commands.describe(kind="What to tell your partner: they get a short message (never in their night)")
    @app_commands.choices(kind=KIND_CHOICES)
    @partner_only()
    async def nudge(self, interaction: discord.Interaction, kind: app_commands.Choice[str]) -> None:
        """A little gesture for your partner: thinking of you, a hug, miss you, call me, proud of you."""
        couple, _ = current(interaction)
        await send_gesture(interaction, couple, kind.value)

    async def thinking_of_you(self, interaction: discord.Interaction, member: discord.Member) -> None:
        """User menu: tell your partner you're thinking of them."""
        couple = await couple_for(interaction)
        if member.id == interaction.user.id:
            raise UserError(f"Use **{MENU_NAME}** on your partner, {couple.other(member.id).display_name}.")
        if not couple.is_partner(member.id):
            other = couple.other(interaction.user.id)
            raise UserError(
                f"{member.display_name} isn't your partner here: **{MENU_NAME}** goes to "
                f"{other.display_name}. Use it on them, or `/nudge`."
            )
        await send_gesture(interaction, couple, "thinking")
