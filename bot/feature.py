"""The base of every feature's cog: what it adds is declared once and removed on unload."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

from bot.registry import Contribution

if TYPE_CHECKING:
    from bot.client import CloserBot


class Feature(commands.Cog):
    """A feature's cog. Override :meth:`contribution` (what it adds to the bot: kinds, buttons,
    forms, hooks, sections, ...) and :meth:`loaded` (start-up work once it is registered).

    Loading the cog adds the contribution through the registry; unloading removes all of it.
    """

    bot: CloserBot

    def contribution(self) -> Contribution:
        return Contribution()

    async def loaded(self) -> None:
        """Start-up work after the contribution is registered (catch-up, migrations of data)."""

    async def cog_load(self) -> None:
        self.bot.registry.add(self.qualified_name, self.contribution())
        await self.loaded()

    async def cog_unload(self) -> None:
        self.bot.registry.remove(self.qualified_name)
