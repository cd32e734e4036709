"""The shared memory book: /memory, "Save as memory" and the "on this day" ritual."""

from __future__ import annotations

from bot.client import CloserBot
from cogs.memories.cog import MemoryCog

__all__ = ["MemoryCog", "setup"]


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(MemoryCog(bot))
