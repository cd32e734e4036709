"""/visit: the countdown to being together, with posts 30, 7 and 1 days before and on the day.

- :mod:`~cogs.visits.cog`: the commands. :mod:`~cogs.visits.service`: planning and posts.
- :mod:`~cogs.visits.embeds`: how the countdown reads. :mod:`~cogs.visits.rules`: pure rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.visits.cog import VisitCog

if TYPE_CHECKING:
    from bot.client import CloserBot

__all__ = ["VisitCog", "setup"]


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(VisitCog(bot))
