"""The daily question, one package: the cog (commands and handlers), the service (rules and
schedules), its deliveries and cards, the views, the embeds, and the plain logic (bank, choosing,
streak)."""

from __future__ import annotations

from bot.client import CloserBot
from cogs.questions.cog import QuestionCog


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(QuestionCog(bot))
