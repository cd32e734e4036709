"""The per-server "planned up to" marks (``planning_marks``, migration V14): their only SQL.

A mark says until when the posts a feature planned for a server (its one-off schedules of a
kind) hold: until the fire time of the next one (delivering it plans again), or, NULL, until
something they are made from changes (triggers then delete the server's marks).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from bot.db.connection import Database
from bot.timeutil import to_unix

# The server's next one-off of the kind still ahead: when its plan runs out. (Overdue ones are
# being handled right now, and their delivery plans again if it must.)
_NEXT_ONE_OFF = (
    "(SELECT MIN(s.fire_at) FROM schedules s WHERE s.guild_id = {guild} AND s.kind = {kind} "
    "AND s.once_at IS NOT NULL AND s.paused = 0 AND s.fire_at > :now)"
)


class PlanningMarkRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def fresh(self, now: datetime) -> set[tuple[int, str]]:
        """(server, kind) of the plans that still hold at ``now``."""
        rows = await self.db.fetchall(
            "SELECT guild_id, kind FROM planning_marks WHERE planned_until IS NULL OR planned_until > ?",
            (to_unix(now),),
        )
        return {(r[0], r[1]) for r in rows}

    async def stale_among(self, guild_ids: Sequence[int], kinds: Sequence[str], now: datetime) -> list[int]:
        """Of these servers, those missing a mark of one of ``kinds`` that holds at ``now`` (in
        the database: a restart asks this of thousands of servers and reads back only the few)."""
        if not guild_ids or not kinds:
            return []
        rows = await self.db.fetchall(
            "SELECT s.value FROM json_each(:servers) s WHERE (SELECT COUNT(*) FROM planning_marks m "
            "WHERE m.guild_id = s.value AND m.kind IN (SELECT value FROM json_each(:kinds)) "
            "AND (m.planned_until IS NULL OR m.planned_until > :now)) < :wanted ORDER BY s.value",
            {
                "servers": json.dumps(list(guild_ids)),
                "kinds": json.dumps(list(kinds)),
                "now": to_unix(now),
                "wanted": len(set(kinds)),
            },
        )
        return [r[0] for r in rows]

    async def mark(self, planned: Iterable[tuple[int, str]], now: datetime) -> None:
        """Mark these (server, kind) planned at ``now``, until their next one-off; in one
        transaction. A server whose couple is gone by now gets no mark."""
        at = to_unix(now)
        rows = [{"guild": guild_id, "kind": kind, "now": at} for guild_id, kind in planned]
        if not rows:
            return
        next_one = _NEXT_ONE_OFF.format(guild="c.guild_id", kind=":kind")
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO planning_marks (guild_id, kind, planned_until) "
                f"SELECT c.guild_id, :kind, {next_one} FROM couples c WHERE c.guild_id = :guild "
                "ON CONFLICT (guild_id, kind) DO UPDATE SET planned_until = excluded.planned_until",
                rows,
            )

    async def roll_forward(self, since: datetime, now: datetime) -> int:
        """Marks that ran out between ``since`` and ``now`` (while Closer ran: the delivery planned
        again) move to their next one-off; how many."""
        next_one = _NEXT_ONE_OFF.format(guild="planning_marks.guild_id", kind="planning_marks.kind")
        return await self.db.execute_count(
            f"UPDATE planning_marks SET planned_until = {next_one} "
            "WHERE planned_until > :since AND planned_until <= :now",
            {"since": to_unix(since), "now": to_unix(now)},
        )
