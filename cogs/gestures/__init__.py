"""Little gestures between the rituals: "thinking of you", a hug, miss you, call me, proud of you.

- ``cog``: ``/nudge kind`` and the user menu "Thinking of you 💭"; ``views``: the one-tap gesture
  buttons (on a gesture DM, and on the partner's check-in news through ``Slot.CHECKIN_NEWS``);
- ``service``: keeping gestures, the DM that carries them (merged), the digest's line;
- ``rules``: kinds, words, the daily limit and the merging rule (pure); ``embeds``: what is said;
- ``archive``: the export's ``gestures`` counts (format version 2).
"""

from __future__ import annotations

from bot.client import CloserBot
from cogs.gestures.cog import GestureCog


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(GestureCog(bot))
