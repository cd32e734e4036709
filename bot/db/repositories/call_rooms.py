"""Call nights in Discord: the linked voice room, each call's scheduled event, and the nights both
partners were in the room. The only place with the SQL of ``call_rooms``, ``call_events`` and
``call_presence`` (V15)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.db.connection import Database, Row, Tx
from bot.timeutil import from_unix, to_unix


def _opt(value: int | None) -> datetime | None:
    return from_unix(value) if value is not None else None


@dataclass(frozen=True, slots=True)
class CallEvent:
    """The scheduled event a call keeps for one occurrence (``event_id`` None: not made yet)."""

    call_id: int
    guild_id: int
    occurrence_at: datetime
    event_id: int | None
    state: str  # 'live' or 'removed' (left alone for this occurrence)
    remade: bool
    shape: str

    @property
    def removed(self) -> bool:
        return self.state == "removed"


@dataclass(frozen=True, slots=True)
class Presence:
    """Both partners in the room around one occurrence of a call."""

    call_id: int
    occurrence_at: datetime
    guild_id: int
    started_at: datetime
    held_at: datetime | None
    together_since: datetime | None
    together_seconds: int
    left_at: datetime | None  # the last of them left the room

    @property
    def held(self) -> bool:
        return self.held_at is not None

    @property
    def together(self) -> bool:
        """Both are in the room now."""
        return self.together_since is not None

    def seconds(self, now: datetime) -> int:
        """Time together so far (counting the stretch under way)."""
        extra = int((now - self.together_since).total_seconds()) if self.together_since else 0
        return self.together_seconds + max(0, extra)


def _event(row: sqlite3.Row) -> CallEvent:
    return CallEvent(
        call_id=row["call_id"],
        guild_id=row["guild_id"],
        occurrence_at=from_unix(row["occurrence_at"]),
        event_id=row["event_id"],
        state=row["state"],
        remade=bool(row["remade"]),
        shape=row["shape"],
    )


def _presence(row: sqlite3.Row) -> Presence:
    return Presence(
        call_id=row["call_id"],
        occurrence_at=from_unix(row["occurrence_at"]),
        guild_id=row["guild_id"],
        started_at=from_unix(row["started_at"]),
        held_at=_opt(row["held_at"]),
        together_since=_opt(row["together_since"]),
        together_seconds=row["together_seconds"],
        left_at=_opt(row["left_at"]),
    )


class CallRoomRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- the linked voice room ---------------------------------------------------------------------

    async def rooms(self) -> dict[int, int]:
        """Every live server's linked room: channel id -> guild id (the voice handler's cache)."""
        rows = await self.db.fetchall(
            "SELECT r.channel_id, r.guild_id FROM call_rooms r JOIN couples k USING (guild_id) "
            "WHERE k.removed_at IS NULL"
        )
        return {r[0]: r[1] for r in rows}

    async def room(self, guild_id: int) -> int | None:
        row = await self.db.fetchone("SELECT channel_id FROM call_rooms WHERE guild_id = ?", (guild_id,))
        return int(row[0]) if row else None

    async def room_row(self, guild_id: int) -> Row | None:
        """The linked room as stored (for the export)."""
        rows = await self.db.fetchrows(
            "SELECT * FROM call_rooms WHERE guild_id = :guild", {"guild": guild_id}
        )
        return rows[0] if rows else None

    async def restore_room(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        """An import's room (none or one row), written in its transaction; how many."""
        return await tx.insert_rows("call_rooms", rows, guild_id=guild_id)

    async def set_room(self, guild_id: int, channel_id: int | None, by: int, now: datetime) -> None:
        if channel_id is None:
            await self.db.execute("DELETE FROM call_rooms WHERE guild_id = ?", (guild_id,))
            return
        await self.db.execute(
            "INSERT INTO call_rooms (guild_id, channel_id, set_by, set_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
            "set_by = excluded.set_by, set_at = excluded.set_at",
            (guild_id, channel_id, by, to_unix(now)),
        )

    # -- scheduled events ------------------------------------------------------------------------------

    async def event(self, call_id: int) -> CallEvent | None:
        row = await self.db.fetchone("SELECT * FROM call_events WHERE call_id = ?", (call_id,))
        return _event(row) if row else None

    async def all_events(self) -> list[CallEvent]:
        """Every call's event row (checked at start against Discord and the calls)."""
        rows = await self.db.fetchall(
            "SELECT e.* FROM call_events e JOIN couples k USING (guild_id) WHERE k.removed_at IS NULL "
            "ORDER BY e.guild_id"
        )
        return [_event(r) for r in rows]

    async def keep_event(
        self,
        call_id: int,
        guild_id: int,
        occurrence_at: datetime,
        event_id: int | None,
        *,
        state: str = "live",
        remade: bool = False,
        shape: str = "",
    ) -> None:
        await self.db.execute(
            "INSERT INTO call_events (call_id, guild_id, occurrence_at, event_id, state, remade, shape) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO UPDATE SET "
            "occurrence_at = excluded.occurrence_at, event_id = excluded.event_id, state = excluded.state, "
            "remade = excluded.remade, shape = excluded.shape",
            (call_id, guild_id, to_unix(occurrence_at), event_id, state, int(remade), shape),
        )

    async def forget_event(self, call_id: int) -> None:
        await self.db.execute("DELETE FROM call_events WHERE call_id = ?", (call_id,))

    async def event_removed(self, event_id: int) -> CallEvent | None:
        """An event Closer keeps was deleted in Discord: left alone for its occurrence (None: not ours)."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE call_events SET state = 'removed', event_id = NULL "
                "WHERE event_id = ? AND state = 'live' RETURNING *",
                (event_id,),
            )
        return _event(row) if row else None

    # -- nights in the room --------------------------------------------------------------------------

    async def presence(self, call_id: int, occurrence_at: datetime) -> Presence | None:
        row = await self.db.fetchone(
            "SELECT * FROM call_presence WHERE call_id = ? AND occurrence_at = ?",
            (call_id, to_unix(occurrence_at)),
        )
        return _presence(row) if row else None

    async def together_now(self, guild_id: int) -> list[Presence]:
        """The server's nights where both are in the room right now."""
        rows = await self.db.fetchall(
            "SELECT * FROM call_presence WHERE guild_id = ? AND together_since IS NOT NULL", (guild_id,)
        )
        return [_presence(r) for r in rows]

    async def all_together(self) -> list[Presence]:
        """Every night where both were in the room when last seen (checked again at start)."""
        rows = await self.db.fetchall("SELECT * FROM call_presence WHERE together_since IS NOT NULL")
        return [_presence(r) for r in rows]

    async def joined(
        self, call_id: int, occurrence_at: datetime, guild_id: int, started_at: datetime, now: datetime
    ) -> None:
        """Both are in the room: the night is held (from the first time), together from now."""
        await self.db.execute(
            "INSERT INTO call_presence (call_id, occurrence_at, guild_id, started_at, held_at, together_since) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (call_id, occurrence_at) DO UPDATE SET "
            "held_at = COALESCE(held_at, excluded.held_at), "
            "together_since = COALESCE(together_since, excluded.together_since)",
            (call_id, to_unix(occurrence_at), guild_id, to_unix(started_at), to_unix(now), to_unix(now)),
        )

    async def parted(self, call_id: int, occurrence_at: datetime, now: datetime) -> None:
        """One of them left: the stretch together is counted and ends now."""
        await self.db.execute(
            "UPDATE call_presence SET together_seconds = together_seconds + MAX(0, ? - together_since), "
            "together_since = NULL WHERE call_id = ? AND occurrence_at = ? AND together_since IS NOT NULL",
            (to_unix(now), call_id, to_unix(occurrence_at)),
        )

    async def all_left(self, guild_id: int, since: datetime, now: datetime) -> list[int]:
        """Neither is in the room any more: the server's nights held since ``since`` (not together
        now) were left at ``now``; the ids of their calls."""
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                "UPDATE call_presence SET left_at = ? WHERE guild_id = ? AND held_at IS NOT NULL "
                "AND together_since IS NULL AND started_at >= ? RETURNING call_id",
                (to_unix(now), guild_id, to_unix(since)),
            )
        return sorted({r[0] for r in rows})

    async def held_between(self, guild_id: int, start: datetime, end: datetime) -> list[Presence]:
        """Nights held whose call started in [start, end), by start."""
        rows = await self.db.fetchall(
            "SELECT * FROM call_presence WHERE guild_id = ? AND held_at IS NOT NULL "
            "AND started_at >= ? AND started_at < ? ORDER BY started_at",
            (guild_id, to_unix(start), to_unix(end)),
        )
        return [_presence(r) for r in rows]

    async def last_held(self, call_id: int, before: datetime) -> Presence | None:
        row = await self.db.fetchone(
            "SELECT * FROM call_presence WHERE call_id = ? AND held_at IS NOT NULL AND started_at <= ? "
            "ORDER BY started_at DESC LIMIT 1",
            (call_id, to_unix(before)),
        )
        return _presence(row) if row else None
