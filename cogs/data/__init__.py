"""/data: you own your data. Export it, import it elsewhere, delete it.

- ``/data export``: a zip by DM (ephemeral files here when DMs are closed) holding
  ``closer-export.json`` (everything the requester may see: every feature's part of the
  document, :mod:`bot.archive`; the format is documented in docs/export-format.md) and
  ``memory-book.md`` with the photos; split into parts under the interaction's upload limit when
  it is larger.
- ``/data import file``: restore an export into a server with no couple yet (or add the photos
  of a later part to the space it restored); every feature then re-arms its own schedules
  (``Hook.SPACE_RESTORED``).
- ``/data delete scope``: ``mine`` (your entries, then unpair: the rest is kept 30 days for your
  partner) or ``space`` (everything of this server), each after a confirmation only the
  requester can press.
- Closer removed from a server: its data is kept 30 days (a re-invite restores it), then the
  daily host-wide ``data_purge`` deletes it. ``data_backup`` backs up the database and the
  photos every day (bot/backup.py).

:mod:`.cog`: the commands and listeners; :mod:`.transfer`: export and import;
:mod:`.service`: deletion, retention, the purge and the backup; :mod:`.embeds`: what it says.
"""

from __future__ import annotations

from bot.client import CloserBot
from cogs.data.cog import DataCog

__all__ = ["DataCog", "setup"]


async def setup(bot: CloserBot) -> None:
    await bot.add_cog(DataCog(bot))
