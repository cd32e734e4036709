"""The weekly digest: the built-in "Weekly digest" ritual, a look back on the couple's week.

- ``cog``: what it adds to the bot (the ritual, its hooks); ``service``: its schedule and post;
- ``embeds``: what it says. It reads check-ins, appreciations and wins from their repository and
  other features' lines from the ``Place.DIGEST`` section.
"""

from __future__ import annotations

from bot.client import CloserBot
from cogs.digest.cog import DigestCog


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(DigestCog(bot))
