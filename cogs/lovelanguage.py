"""/lovelanguage set: each partner's love languages, so the ideas on their hard days fit them.

The languages are core vocabulary (``LOVE_LANGUAGES`` beside their rows): check-ins read them to
choose an idea and to show them in ``/couple status``.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import current, partner_only
from bot.client import CloserBot
from bot.db.repositories.checkins import LOVE_LANGUAGES, CheckinRepository
from bot.errors import UserError
from bot.feature import Feature

LANGUAGE_CHOICES = [
    app_commands.Choice(name=label.capitalize(), value=key) for key, label in LOVE_LANGUAGES.items()
]


class LoveLanguageCog(
    Feature,
    commands.GroupCog,
    group_name="lovelanguage",
    group_description="Your love languages, for better ideas",
):
    def __init__(self, bot: CloserBot) -> None:
        self.bot = bot
        self.repo = CheckinRepository(bot.db)

    @app_commands.command(name="set")
    @app_commands.describe(
        primary="The way you feel most loved", secondary="A second one, if there is one (optional)"
    )
    @app_commands.choices(primary=LANGUAGE_CHOICES, secondary=LANGUAGE_CHOICES)
    @partner_only()
    async def set_(
        self,
        interaction: discord.Interaction,
        primary: app_commands.Choice[str],
        secondary: app_commands.Choice[str] | None = None,
    ) -> None:
        """Your love languages; ideas your partner gets on your hard days fit them."""
        couple, partner = current(interaction)
        if secondary is not None and secondary.value == primary.value:
            raise UserError(
                f"Your secondary love language is the same as your primary ({LOVE_LANGUAGES[primary.value]}). "
                "Choose a different one, or leave `secondary` out."
            )
        await self.repo.set_love_languages(
            couple.guild_id,
            partner.user_id,
            primary.value,
            secondary.value if secondary else None,
            self.bot.clock.now(),
        )
        names = f"**{LOVE_LANGUAGES[primary.value]}**"
        if secondary is not None:
            names += f" and **{LOVE_LANGUAGES[secondary.value]}**"
        other = couple.other(partner.user_id)
        await interaction.response.send_message(
            f"Saved: your love languages are {names}. On a hard day, the ideas {other.display_name} "
            "gets will fit them.",
            ephemeral=True,
        )


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(LoveLanguageCog(bot))
