"""When a couple got together (``/couple since``), and what its days and milestones read around
it: the last visit that happened (from the visits' rows) and a memory that fits a milestone.
The only place with this SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.db.connection import Database, Row, Tx
from bot.db.repositories.memory_search import Memory, MemoryReader
from bot.timeutil import from_unix, to_unix

# A memory "from the start": one of the first days together.
START_DAYS = 7


@dataclass(frozen=True, slots=True)
class Together:
    guild_id: int
    since: date
    set_by: int
    set_at: datetime


def _together(row: sqlite3.Row) -> Together:
    return Together(
        row["guild_id"], date.fromisoformat(row["since"]), row["set_by"], from_unix(row["set_at"])
    )


class TogetherRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.memories = MemoryReader(db)

    async def get(self, guild_id: int) -> Together | None:
        row = await self.db.fetchone("SELECT * FROM together WHERE guild_id = ?", (guild_id,))
        return _together(row) if row else None

    async def set(self, guild_id: int, since: date, set_by: int, now: datetime) -> Together:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO together (guild_id, since, set_by, set_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id) DO UPDATE SET since = excluded.since, set_by = excluded.set_by, "
                "set_at = excluded.set_at RETURNING *",
                (guild_id, since.isoformat(), set_by, to_unix(now)),
            )
        assert row is not None
        return _together(row)

    async def all_set(self) -> list[Together]:
        """Every paired couple's start date (start-up planning of the milestones)."""
        rows = await self.db.fetchall(
            "SELECT t.* FROM together t JOIN couples c USING (guild_id) "
            "WHERE c.removed_at IS NULL AND c.status = 'paired' ORDER BY t.guild_id"
        )
        return [_together(r) for r in rows]

    async def last_visit(self, guild_id: int, now: datetime) -> date | None:
        """The day of the latest visit that began by ``now``: a visit cleared before its start
        (replaced or called off) never happened, so it doesn't count."""
        value = await self.db.fetchval(
            "SELECT MAX(visit_date) FROM visits WHERE guild_id = ? AND starts_at <= ? "
            "AND (cleared_at IS NULL OR cleared_at >= starts_at)",
            (guild_id, to_unix(now)),
        )
        return date.fromisoformat(value) if value else None

    async def milestone_memory(self, guild_id: int, since: date, day: date) -> Memory | None:
        """A memory for a milestone on ``day``: one from the start (the first days together),
        else one from the same date in an earlier year."""
        row = await self.db.fetchone(
            "SELECT id FROM memories WHERE guild_id = ? AND happened_on >= ? AND happened_on < ? "
            "ORDER BY happened_on, id LIMIT 1",
            (guild_id, since.isoformat(), (since + timedelta(days=START_DAYS)).isoformat()),
        )
        if row is not None:
            return await self.memories.get(row[0], guild_id)
        same_date = await self.memories.on_this_day(guild_id, day)
        return same_date[0] if same_date else None

    # -- the export and the import ---------------------------------------------------------------

    async def export_row(self, guild_id: int) -> Row | None:
        rows = await self.db.fetchrows("SELECT * FROM together WHERE guild_id = ?", (guild_id,))
        return rows[0] if rows else None

    async def restore_rows(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        return await tx.insert_rows("together", rows, guild_id=guild_id)
