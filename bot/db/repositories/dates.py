"""Special dates (anniversaries, birthdays, other yearly dates): the only place with their SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.db.connection import Database, Row, Tx
from bot.timeutil import from_unix, to_unix


@dataclass(frozen=True, slots=True)
class SpecialDate:
    id: int
    guild_id: int
    kind: str  # 'anniversary', 'birthday' or 'other'
    month: int
    day: int
    year: int | None
    label: str
    zone: str
    created_by: int
    created_at: datetime


def _special(row: sqlite3.Row) -> SpecialDate:
    return SpecialDate(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        month=row["month"],
        day=row["day"],
        year=row["year"],
        label=row["label"],
        zone=row["zone"],
        created_by=row["created_by"],
        created_at=from_unix(row["created_at"]),
    )


class DateRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        guild_id: int,
        kind: str,
        month: int,
        day: int,
        year: int | None,
        label: str,
        zone: str,
        created_by: int,
        now: datetime,
    ) -> SpecialDate:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO special_dates (guild_id, kind, month, day, year, label, zone, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (guild_id, kind, month, day, year, label, zone, created_by, to_unix(now)),
            )
        assert row is not None
        return _special(row)

    async def get(self, date_id: int, guild_id: int | None = None) -> SpecialDate | None:
        if guild_id is None:
            row = await self.db.fetchone("SELECT * FROM special_dates WHERE id = ?", (date_id,))
        else:
            row = await self.db.fetchone(
                "SELECT * FROM special_dates WHERE id = ? AND guild_id = ?", (date_id, guild_id)
            )
        return _special(row) if row else None

    async def for_guild(self, guild_id: int) -> list[SpecialDate]:
        rows = await self.db.fetchall(
            "SELECT * FROM special_dates WHERE guild_id = ? ORDER BY month, day, id", (guild_id,)
        )
        return [_special(r) for r in rows]

    async def count(self, guild_id: int) -> int:
        return int(
            await self.db.fetchval("SELECT COUNT(*) FROM special_dates WHERE guild_id = ?", (guild_id,))
        )

    async def guild_ids(self) -> list[int]:
        """The live servers that have dates (a start asks which of them to plan again)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT d.guild_id FROM special_dates d JOIN couples k USING (guild_id) "
            "WHERE k.removed_at IS NULL"
        )
        return [r[0] for r in rows]

    async def all(self) -> list[SpecialDate]:
        rows = await self.db.fetchall(
            "SELECT d.* FROM special_dates d JOIN couples k USING (guild_id) WHERE k.removed_at IS NULL "
            "ORDER BY d.id"
        )
        return [_special(r) for r in rows]

    async def remove(self, date_id: int, guild_id: int) -> bool:
        count = await self.db.execute_count(
            "DELETE FROM special_dates WHERE id = ? AND guild_id = ?", (date_id, guild_id)
        )
        return count == 1

    # -- the export and the import ---------------------------------------------------------------

    async def export_rows(self, guild_id: int) -> tuple[Row, ...]:
        return await self.db.fetchrows(
            "SELECT * FROM special_dates WHERE guild_id = ? ORDER BY id", (guild_id,)
        )

    async def restore_rows(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        """Write an import's special dates; their posts are the feature's to plan."""
        return await tx.insert_rows("special_dates", rows, guild_id=guild_id)
