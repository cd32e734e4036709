"""Small gestures between partners ("thinking of you", a hug, ...): the only place with their SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.db.connection import Database, Row, Tx
from bot.timeutil import from_unix, to_unix

# The kinds of gesture, in the order they are listed (stored as these words).
KINDS = ("thinking", "hug", "miss", "call", "proud")


@dataclass(frozen=True, slots=True)
class Gesture:
    id: int
    guild_id: int
    from_user: int
    to_user: int
    kind: str
    day: date  # the sender's local day
    sent_at: datetime
    told_at: datetime | None


def _gesture(row: sqlite3.Row) -> Gesture:
    return Gesture(
        id=row["id"],
        guild_id=row["guild_id"],
        from_user=row["from_user"],
        to_user=row["to_user"],
        kind=row["kind"],
        day=date.fromisoformat(row["day"]),
        sent_at=from_unix(row["sent_at"]),
        told_at=from_unix(row["told_at"]) if row["told_at"] is not None else None,
    )


class GestureRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self, guild_id: int, from_user: int, to_user: int, kind: str, day: date, now: datetime
    ) -> Gesture:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO gestures (guild_id, from_user, to_user, kind, day, sent_at) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                (guild_id, from_user, to_user, kind, day.isoformat(), to_unix(now)),
            )
        assert row is not None
        return _gesture(row)

    async def count_day(self, guild_id: int, from_user: int, day: date) -> int:
        """How many gestures ``from_user`` sent on their local ``day``."""
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM gestures WHERE guild_id = ? AND from_user = ? AND day = ?",
                (guild_id, from_user, day.isoformat()),
            )
            or 0
        )

    async def waiting(self, guild_id: int, to_user: int) -> list[Gesture]:
        """The gestures to ``to_user`` no DM has carried yet, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM gestures WHERE guild_id = ? AND to_user = ? AND told_at IS NULL "
            "ORDER BY sent_at, id",
            (guild_id, to_user),
        )
        return [_gesture(r) for r in rows]

    async def mark_told(self, ids: Sequence[int], now: datetime) -> None:
        if not ids:
            return
        marks = ", ".join("?" for _ in ids)
        await self.db.execute(
            f"UPDATE gestures SET told_at = ? WHERE id IN ({marks}) AND told_at IS NULL",
            (to_unix(now), *ids),
        )

    async def told_since(self, guild_id: int, to_user: int, since: datetime) -> list[datetime]:
        """When DMs carried gestures to ``to_user`` since ``since`` (one instant per DM)."""
        rows = await self.db.fetchall(
            "SELECT DISTINCT told_at FROM gestures WHERE guild_id = ? AND to_user = ? AND told_at >= ? "
            "ORDER BY told_at",
            (guild_id, to_user, to_unix(since)),
        )
        return [from_unix(r[0]) for r in rows]

    async def between(self, guild_id: int, start: datetime, end: datetime) -> list[Gesture]:
        """Gestures sent after ``start`` and up to ``end`` (the weekly digest)."""
        rows = await self.db.fetchall(
            "SELECT * FROM gestures WHERE guild_id = ? AND sent_at > ? AND sent_at <= ? ORDER BY sent_at, id",
            (guild_id, to_unix(start), to_unix(end)),
        )
        return [_gesture(r) for r in rows]

    # -- the export and the import ---------------------------------------------------------------

    async def export_counts(self, guild_id: int, user_id: int) -> tuple[Row, ...]:
        """Counts per sender, kind and day: the requester's gestures, and the partner's that
        reached them (one still waiting for the end of their quiet hours is not theirs yet)."""
        return await self.db.fetchrows(
            "SELECT from_user, kind, day, COUNT(*) AS count FROM gestures "
            "WHERE guild_id = :guild AND (from_user = :user OR (to_user = :user AND told_at IS NOT NULL)) "
            "GROUP BY from_user, kind, day ORDER BY day, from_user, kind",
            {"guild": guild_id, "user": user_id},
        )

    async def restore_rows(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        """Write an import's gestures (one row per gesture counted); how many."""
        return await tx.insert_rows("gestures", rows, guild_id=guild_id)
