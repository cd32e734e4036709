"""/mood history: both partners' moods over time, as a chart (only what each shares).

- ``cog``: the command; ``service``: which days and whose moods; ``chart``: drawing it (pure).
"""

from __future__ import annotations

from bot.client import CloserBot
from cogs.mood.cog import MoodCog


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(MoodCog(bot))
