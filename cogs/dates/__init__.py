"""/date: anniversaries, birthdays and other yearly dates, with reminders the day before and on the day.

- :mod:`~cogs.dates.cog`: the commands. :mod:`~cogs.dates.service`: planning and posts.
- :mod:`~cogs.dates.embeds`: how dates read. :mod:`~cogs.dates.rules`: pure rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.dates.cog import DateCog

if TYPE_CHECKING:
    from bot.client import CloserBot

__all__ = ["DateCog", "setup"]


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(DateCog(bot))
