"""/ritual: recurring rituals (weekly check-in session, gratitude, goodnight, custom).

- :mod:`.cog`: the slash commands; :mod:`.views`: the buttons and forms; :mod:`.embeds`: the posts.
- :mod:`.service`: the feature's rules over the core ritual service, with :mod:`.session`,
  :mod:`.gratitude`, :mod:`.goodnight` (the templates) and :mod:`.rounds` (answers and reveals).
"""

from __future__ import annotations

from bot.client import CloserBot
from cogs.rituals.cog import RitualCog


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(RitualCog(bot))
