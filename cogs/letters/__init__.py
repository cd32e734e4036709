"""/letter: letters for later, a time capsule for a day or a sealed letter for an occasion.

- :mod:`~cogs.letters.cog`: the commands. :mod:`~cogs.letters.service`: writing, opening and the
  deliveries (scheduler kinds ``letter_capsule`` and ``letter_notice``).
- :mod:`~cogs.letters.views`: the forms, the choice of a letter to open, "Reply with a letter".
- :mod:`~cogs.letters.embeds`: how letters read. :mod:`~cogs.letters.rules`: pure rules.
- :mod:`~cogs.letters.archive`: its part of the export (``letters``, version 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.letters.cog import LetterCog

if TYPE_CHECKING:
    from bot.client import CloserBot

__all__ = ["LetterCog", "setup"]


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(LetterCog(bot))
