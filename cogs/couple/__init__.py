"""/couple: pairing, the partners' zones, quiet hours and trips, and the couple's status.

- :mod:`.cog`: the slash commands; :mod:`.views`: the invitation's buttons and the zone form.
- :mod:`.service`: pairing and zone rules; :mod:`.embeds`: the invitation and the status card.
"""

from __future__ import annotations

from bot.client import CloserBot
from cogs.couple.cog import CoupleCog

__all__ = ["CoupleCog", "setup"]


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(CoupleCog(bot))
