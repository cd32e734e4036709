"""/checkin: a daily "how are you doing?", what the partner is told, ideas and gentle notes.

- ``cog``: the commands; ``views``: the mood buttons and the note form;
- ``service``: the ask's schedule, saving a check-in, telling the partner, the notes;
- ``rules``: streaks, moods and ideas (pure); ``embeds``: what it says.

The check-in day and averages are core (:mod:`bot.moods`), shared with ``/mood history`` and the
weekly digest; sharing levels and love languages live with their rows (``bot.db.repositories.checkins``).
"""

from __future__ import annotations

from bot.client import CloserBot
from cogs.checkins.cog import CheckinCog


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(CheckinCog(bot))
