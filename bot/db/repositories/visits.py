"""The visit countdown (the next time the couple is together): the only place with its SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.db.connection import Database, Row, Tx
from bot.db.models import parse_hhmm
from bot.timeutil import format_clock, from_unix, to_unix


@dataclass(frozen=True, slots=True)
class Visit:
    id: int
    guild_id: int
    visit_date: date
    visit_time: time | None
    zone: str
    starts_at: datetime
    set_by: int
    set_at: datetime
    cleared_at: datetime | None


def _visit(row: sqlite3.Row) -> Visit:
    return Visit(
        id=row["id"],
        guild_id=row["guild_id"],
        visit_date=date.fromisoformat(row["visit_date"]),
        visit_time=parse_hhmm(row["visit_time"]) if row["visit_time"] else None,
        zone=row["zone"],
        starts_at=from_unix(row["starts_at"]),
        set_by=row["set_by"],
        set_at=from_unix(row["set_at"]),
        cleared_at=from_unix(row["cleared_at"]) if row["cleared_at"] is not None else None,
    )


class VisitRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def set(
        self,
        *,
        guild_id: int,
        visit_date: date,
        visit_time: time | None,
        zone: str,
        starts_at: datetime,
        set_by: int,
        now: datetime,
    ) -> Visit:
        """The new current visit; the previous one (if any) is kept as cleared."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE visits SET cleared_at = ? WHERE guild_id = ? AND cleared_at IS NULL",
                (to_unix(now), guild_id),
            )
            row = await tx.fetchone(
                "INSERT INTO visits (guild_id, visit_date, visit_time, zone, starts_at, set_by, set_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (
                    guild_id,
                    visit_date.isoformat(),
                    format_clock(visit_time) if visit_time else None,
                    zone,
                    to_unix(starts_at),
                    set_by,
                    to_unix(now),
                ),
            )
        assert row is not None
        return _visit(row)

    async def current(self, guild_id: int) -> Visit | None:
        row = await self.db.fetchone(
            "SELECT * FROM visits WHERE guild_id = ? AND cleared_at IS NULL", (guild_id,)
        )
        return _visit(row) if row else None

    async def get(self, visit_id: int) -> Visit | None:
        row = await self.db.fetchone("SELECT * FROM visits WHERE id = ?", (visit_id,))
        return _visit(row) if row else None

    async def clear(self, guild_id: int, now: datetime) -> Visit | None:
        """Clear the current visit; the visit that was cleared, or None when there was none."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE visits SET cleared_at = ? WHERE guild_id = ? AND cleared_at IS NULL RETURNING *",
                (to_unix(now), guild_id),
            )
        return _visit(row) if row else None

    async def current_guild_ids(self) -> list[int]:
        """The live servers with a visit countdown (a start asks which of them to plan again)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT v.guild_id FROM visits v JOIN couples k USING (guild_id) "
            "WHERE v.cleared_at IS NULL AND k.removed_at IS NULL"
        )
        return [r[0] for r in rows]

    async def all_current(self) -> list[Visit]:
        rows = await self.db.fetchall(
            "SELECT v.* FROM visits v JOIN couples k USING (guild_id) "
            "WHERE v.cleared_at IS NULL AND k.removed_at IS NULL ORDER BY v.id"
        )
        return [_visit(r) for r in rows]

    # -- the export and the import ---------------------------------------------------------------

    async def export_rows(self, guild_id: int) -> tuple[Row, ...]:
        return await self.db.fetchrows("SELECT * FROM visits WHERE guild_id = ? ORDER BY id", (guild_id,))

    async def restore_rows(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        """Write an import's visits; their posts are the feature's to plan."""
        return await tx.insert_rows("visits", rows, guild_id=guild_id)
