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

# /couple status reads a server's newest deliveries (at most this many) and shows the viewer's few
# among them (the other partner's private ones left out): compaction keeps all it may read.
STATUS_ROWS = 20
# The daily check-in ask (cogs/checkins): its quiet-streak note counts the asks since the partner's
# last check-in. An ask is forgotten once a check-in came on a day more than two days after its
# UTC date: a later day than the ask's own in any zone (the check-in day's index finds it at once).
_CHECKIN_KIND = "checkin"

# Delete a server's ledger rows (``:guild``, NULL for host-wide jobs) with ids in [:low, :high]
# written before ``:before`` (at most the server's newest few: see :meth:`LedgerRepository.compact`),
# except what someone still reads (see the module's docstring).
_COMPACT = f"""
DELETE FROM deliveries
WHERE guild_id IS :guild AND id BETWEEN :low AND :high AND attempted_at < :before
  AND status NOT IN ('claimed', 'retry')
  AND EXISTS (SELECT 1 FROM deliveries later
              WHERE later.schedule_id = deliveries.schedule_id AND later.scheduled_at > deliveries.scheduled_at)
  AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.id = deliveries.schedule_id AND s.kind = '{_CHECKIN_KIND}'
                  AND NOT EXISTS (SELECT 1 FROM checkins c WHERE c.guild_id = s.guild_id AND c.user_id = s.owner_id
                                  AND c.day > date(deliveries.scheduled_at, 'unixepoch', '+2 days')))
"""
# The instant of a server's STATUS_ROWS-th newest row /couple status may list (NULL: fewer rows).
_SHOWN_SINCE = (
    "SELECT attempted_at FROM deliveries WHERE guild_id IS ? AND status <> 'claimed' "
    f"ORDER BY attempted_at DESC LIMIT 1 OFFSET {STATUS_ROWS - 1}"
)
_CANDIDATES = (
    "SELECT id FROM deliveries WHERE guild_id IS ? AND attempted_at < ? AND id > ? ORDER BY id LIMIT ?"
)


class LedgerRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def compact(self, before: datetime, *, batch: int = 2000) -> int:
        """Forget the ledger rows written before ``before`` that nobody reads any more; how many.

        Server by server, in transactions of at most ``batch`` candidate rows (several servers'
        when each has few), letting other work in between: the first compaction of a database
        grown for years has millions of rows to forget, a daily one a dozen per server."""
        servers: list[int | None] = [None]
        servers += [r[0] for r in await self.db.fetchall("SELECT guild_id FROM couples ORDER BY guild_id")]
        cut = to_unix(before)
        forgotten, index, after = 0, 0, 0
        while index < len(servers):
            async with self.db.transaction() as tx:
                budget = batch
                while budget > 0 and index < len(servers):
                    guild = servers[index]
                    ids = await tx.fetchall(_CANDIDATES, (guild, cut, after, budget))
                    shown = await tx.fetchval(_SHOWN_SINCE, (guild,)) if ids else None
                    if shown is not None:
                        params = {
                            "guild": guild,
                            "low": ids[0][0],
                            "high": ids[-1][0],
                            "before": min(cut, shown),
                        }
                        cursor = await tx.execute(_COMPACT, params)
                        forgotten += max(cursor.rowcount, 0)
                    if shown is None or len(ids) < budget:
                        index, after = index + 1, 0  # this server is done
                    else:
                        after = ids[-1][0]
                    budget -= max(len(ids), 1)
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
