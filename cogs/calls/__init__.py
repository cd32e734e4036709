"""/call: video-call nights, in both partners' time (reminders with RSVPs, moving one call, the
call-night card with talking points, the memory prompt after it, heads-ups about clock changes,
each call's event in the server's Events, and the voice room where the couple talks).

- :mod:`~cogs.calls.cog`: the commands. :mod:`~cogs.calls.service`: the rules behind them.
- :mod:`~cogs.calls.planner`: the scheduler's one-offs kept in step with the call's rows.
- :mod:`~cogs.calls.deliveries`: the posts. :mod:`~cogs.calls.views`: their buttons and form.
- :mod:`~cogs.calls.embeds`: how calls read. :mod:`~cogs.calls.rules`: pure rules (no I/O).
- :mod:`~cogs.calls.archive`: the calls' part of /data export and /data import.
- :mod:`~cogs.calls.events`: each call's scheduled event in the server's Events, kept by the planner.
- :mod:`~cogs.calls.room`: the linked voice room (``/call room``): the nights both were there.
- :mod:`~cogs.calls.nights`: pure rules of both (a call's length, the room's window, the event's text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.calls.cog import CallCog

if TYPE_CHECKING:
    from bot.client import CloserBot

__all__ = ["CallCog", "setup"]


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(CallCog(bot))
