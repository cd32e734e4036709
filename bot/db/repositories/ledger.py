"""The delivery ledger's upkeep and what the host reads of it: the daily compaction that forgets
what nobody needs any more, and each partner's latest DM outcome (the doctor). The only place with
that SQL.

Who reads the ledger, and so what the compaction keeps (README, Your data):

- exactly once and catch-up: an occurrence is claimed under (schedule, instant) before it is sent,
  and the scheduler moves each schedule's next occurrence past what was handled, so only the
  newest row of a schedule can be met again (a one-off's only row, by a re-planning that names the
  same instant: :meth:`ScheduleRepository.handled_at`); claims and retries are still open;
- ``/couple status`` lists a server's newest deliveries;
- the check-in's quiet-streak note counts the asks delivered since the partner's last check-in;
- the doctor reads each partner's latest DM outcome (the newest row of a schedule stays);
- the export, the digest, the streak and the histories read the features' own tables, never this.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from bot.db.connection import Database
from bot.db.models import Delivery
from bot.db.repositories.schedules import _delivery as delivery_row
from bot.timeutil import to_unix

STATUS_ROWS = 8  # /couple status shows a server's newest deliveries (at most this many)
_CHECKIN_KIND = "checkin"  # the daily check-in ask (cogs/checkins): its quiet-streak note reads asks back
_TWO_DAYS = 2 * 24 * 3600  # a check-in this long after an ask is on a later day, whatever the zones

# Delete a server's ledger rows (``:guild``, NULL for host-wide jobs) written before ``:before``
# with ids in [:low, :high], except what someone still reads (see the module's docstring).
_COMPACT = f"""
DELETE FROM deliveries
WHERE guild_id IS :guild AND attempted_at < :before AND id BETWEEN :low AND :high
  AND status NOT IN ('claimed', 'retry')
  AND EXISTS (SELECT 1 FROM deliveries later
              WHERE later.schedule_id = deliveries.schedule_id AND later.scheduled_at > deliveries.scheduled_at)
  AND attempted_at < (SELECT newer.attempted_at FROM deliveries newer
                      WHERE newer.guild_id IS :guild AND newer.status <> 'claimed' ORDER BY newer.attempted_at DESC LIMIT 1 OFFSET {STATUS_ROWS - 1})
  AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.id = deliveries.schedule_id AND s.kind = '{_CHECKIN_KIND}'
                  AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.guild_id = s.guild_id
                                  AND c.user_id = s.owner_id AND c.created_at >= deliveries.scheduled_at + {_TWO_DAYS}))
"""


class LedgerRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def compact(self, before: datetime, *, batch: int = 2000) -> int:
        """Forget the ledger rows written before ``before`` that nobody reads any more; how many.

        Server by server, at most ``batch`` rows per transaction, letting other work in between
        (the first compaction of a database that has grown for years has millions to forget)."""
        servers = [
            None,
            *[r[0] for r in await self.db.fetchall("SELECT guild_id FROM couples ORDER BY guild_id")],
        ]
        forgotten = 0
        for guild in servers:
            after = 0
            while True:
                ids = await self.db.fetchall(
                    "SELECT id FROM deliveries WHERE guild_id IS ? AND attempted_at < ? AND id > ? ORDER BY id LIMIT ?",
                    (guild, to_unix(before), after, batch),
                )
                if not ids:
                    break
                low, after = ids[0][0], ids[-1][0]
                params = {"guild": guild, "before": to_unix(before), "low": low, "high": after}
                forgotten += await self.db.execute_count(_COMPACT, params)
                await asyncio.sleep(0)
        return forgotten

    async def last_dms(self, guild_id: int) -> dict[int, Delivery]:
        """Each partner's latest personal delivery that shows whether a DM reaches them: one that
        went through by DM (not into the shared channel) or one whose DM Discord refused ("DMs
        closed"). By the partner it was for."""
        rows = await self.db.fetchall(
            "SELECT d.*, s.label, s.kind, s.owner_id FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
            "JOIN couples c ON c.guild_id = d.guild_id WHERE d.guild_id = ? AND s.personal = 1 "
            "AND s.owner_id IS NOT NULL AND d.status IN ('sent', 'late', 'failed') AND (d.detail LIKE '%DMs closed%' "
            "OR (d.status <> 'failed' AND d.channel_id IS NOT NULL AND d.channel_id <> c.channel_id)) "
            "ORDER BY d.attempted_at DESC, d.scheduled_at DESC",
            (guild_id,),
        )
        latest: dict[int, Delivery] = {}
        for row in rows:
            latest.setdefault(row["owner_id"], delivery_row(row))
        return latest
