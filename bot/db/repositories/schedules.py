"""Schedules and the delivery ledger: the only place with their SQL."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, time
from typing import Any

from bot.db.connection import Database, Tx
from bot.db.models import Delivery, Schedule, parse_hhmm
from bot.shards import ShardScope
from bot.timeutil import format_clock, from_unix, to_unix

# The server of the schedule a ledger row belongs to, kept on the row for per-server listing.
_GUILD_OF = "(SELECT guild_id FROM schedules WHERE id = ?)"


def weekday_mask(days: Iterable[int]) -> int:
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


ALL_DAYS_MASK = weekday_mask(range(7))  # what a one-off stores

# Create a schedule, or redefine it in place (same kind, server and key): 12 parameters.
_UPSERT = (
    "INSERT INTO schedules (guild_id, kind, key, label, owner_id, personal, local_time, weekdays,"
    " zone, once_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (kind, IFNULL(guild_id, 0), key) DO UPDATE SET label = excluded.label, "
    "owner_id = excluded.owner_id, personal = excluded.personal, local_time = excluded.local_time, "
    "weekdays = excluded.weekdays, zone = excluded.zone, once_at = excluded.once_at, "
    "payload = excluded.payload"
)


# The same for a one-off with its next time (start-up re-planning writes both at once): 14.
_UPSERT_ONCE = (
    "INSERT INTO schedules (guild_id, kind, key, label, owner_id, personal, local_time, weekdays,"
    " zone, once_at, payload, created_at, next_due, fire_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (kind, IFNULL(guild_id, 0), key) DO UPDATE SET label = excluded.label, "
    "owner_id = excluded.owner_id, personal = excluded.personal, local_time = excluded.local_time, "
    "weekdays = excluded.weekdays, zone = excluded.zone, once_at = excluded.once_at, "
    "payload = excluded.payload, next_due = excluded.next_due, fire_at = excluded.fire_at"
)


def _opt_unix(instant: datetime | None) -> int | None:
    return to_unix(instant) if instant is not None else None


def weekday_set(mask: int) -> frozenset[int]:
    return frozenset(day for day in range(7) if mask & (1 << day))


def _opt_time(value: int | None) -> datetime | None:
    return from_unix(value) if value is not None else None


def _schedule(row: sqlite3.Row) -> Schedule:
    return Schedule(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        key=row["key"],
        label=row["label"],
        owner_id=row["owner_id"],
        personal=bool(row["personal"]),
        local_time=parse_hhmm(row["local_time"]) if row["local_time"] else None,
        weekdays=weekday_set(row["weekdays"]),
        zone=row["zone"],
        once_at=_opt_time(row["once_at"]),
        paused=bool(row["paused"]),
        next_due=_opt_time(row["next_due"]),
        fire_at=_opt_time(row["fire_at"]),
        payload=json.loads(row["payload"]),
        created_at=from_unix(row["created_at"]),
    )


def _delivery(row: sqlite3.Row) -> Delivery:
    return Delivery(
        schedule_id=row["schedule_id"],
        label=row["label"],
        kind=row["kind"],
        scheduled_at=from_unix(row["scheduled_at"]),
        status=row["status"],
        attempted_at=from_unix(row["attempted_at"]),
        message_id=row["message_id"],
        channel_id=row["channel_id"],
        detail=row["detail"],
    )


class ScheduleRepository:
    def __init__(self, db: Database, scope: ShardScope | None = None) -> None:
        self.db = db
        # When a host splits the shards over processes, what this one fires (armed, due).
        self._scope = f" AND {scope.sql()}" if scope is not None else ""

    # -- schedules -------------------------------------------------------------------------------

    async def get(self, schedule_id: int) -> Schedule | None:
        row = await self.db.fetchone("SELECT * FROM schedules WHERE id = ?", (schedule_id,))
        return _schedule(row) if row else None

    async def find(self, kind: str, guild_id: int | None, key: str = "") -> Schedule | None:
        row = await self.db.fetchone(
            "SELECT * FROM schedules WHERE kind = ? AND IFNULL(guild_id, 0) = ? AND key = ?",
            (kind, guild_id or 0, key),
        )
        return _schedule(row) if row else None

    async def by_ids(self, schedule_ids: Iterable[int]) -> dict[int, Schedule]:
        """These schedules (the ones a few deliveries came from), by id; gone ones left out."""
        ids = sorted(set(schedule_ids))[:500]
        if not ids:
            return {}
        rows = await self.db.fetchall(
            f"SELECT * FROM schedules WHERE id IN ({', '.join('?' * len(ids))})", ids
        )
        return {row["id"]: _schedule(row) for row in rows}

    async def for_guild(
        self, guild_id: int, kind: str | Iterable[str] | None = None, *, personal_only: bool = False
    ) -> list[Schedule]:
        """A server's schedules: all, or of one kind or several, or only the personal ones."""
        sql = "SELECT * FROM schedules WHERE guild_id = ?"
        params: list[object] = [guild_id]
        if kind is not None:
            kinds = [kind] if isinstance(kind, str) else list(kind)
            sql += f" AND kind IN ({', '.join('?' for _ in kinds)})"
            params += kinds
        if personal_only:
            sql += " AND personal = 1"
        rows = await self.db.fetchall(sql + " ORDER BY id", params)
        return [_schedule(r) for r in rows]

    async def choices(self, guild_id: int, kinds: Sequence[str]) -> tuple[dict[str, Any], ...]:
        """A server's schedules of ``kinds`` as stored rows (the export: a couple's choices of time)."""
        marks = ", ".join("?" for _ in kinds)
        return await self.db.fetchrows(
            f"SELECT * FROM schedules WHERE guild_id = ? AND kind IN ({marks}) ORDER BY kind, key",
            (guild_id, *kinds),
        )

    async def restore_choices(self, tx: Tx, rows: Iterable[Mapping[str, Any]]) -> None:
        """Write an import's choice schedules as rows, not armed (no next time yet)."""
        await tx.insert_rows("schedules", rows)

    async def upcoming(self, guild_id: int, kinds: Iterable[str], limit: int) -> list[Schedule]:
        """A server's next schedules to fire, of ``kinds``, soonest first."""
        kinds = list(kinds)
        marks = ", ".join("?" for _ in kinds)
        rows = await self.db.fetchall(
            f"SELECT * FROM schedules WHERE guild_id = ? AND kind IN ({marks}) AND paused = 0 "
            "AND fire_at IS NOT NULL ORDER BY fire_at, id LIMIT ?",
            (guild_id, *kinds, limit),
        )
        return [_schedule(r) for r in rows]

    async def armed(self, *, until: datetime, since: datetime | None = None) -> list[tuple[int, int]]:
        """(id, fire_at) of the schedules firing up to ``until`` (and after ``since``, when given):
        what the scheduler holds jobs for."""
        if since is None:
            rows = await self.db.fetchall(
                "SELECT id, fire_at FROM schedules WHERE paused = 0 AND fire_at IS NOT NULL AND fire_at <= ?"
                + self._scope,
                (to_unix(until),),
            )
        else:
            rows = await self.db.fetchall(
                "SELECT id, fire_at FROM schedules WHERE paused = 0 AND fire_at > ? AND fire_at <= ?"
                + self._scope,
                (to_unix(since), to_unix(until)),
            )
        return [(r[0], r[1]) for r in rows]

    async def due(self, now: datetime) -> list[int]:
        rows = await self.db.fetchall(
            "SELECT id FROM schedules WHERE paused = 0 AND fire_at IS NOT NULL AND fire_at <= ?"
            f"{self._scope} ORDER BY fire_at, id",
            (to_unix(now),),
        )
        return [r[0] for r in rows]

    async def paired_guilds_without(self, kind: str) -> list[int]:
        """Servers of paired couples that have no schedule of ``kind`` (cheap start-up backfill)."""
        rows = await self.db.fetchall(
            "SELECT c.guild_id FROM couples c WHERE c.status = 'paired' AND c.removed_at IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM schedules s WHERE s.guild_id = c.guild_id AND s.kind = ?)",
            (kind,),
        )
        return [r[0] for r in rows]

    async def upsert(
        self,
        *,
        kind: str,
        guild_id: int | None,
        key: str,
        label: str,
        owner_id: int | None,
        personal: bool,
        local_time: time | None,
        weekdays: Iterable[int],
        zone: str | None,
        once_at: datetime | None,
        payload: dict,
        now: datetime,
    ) -> int:
        """Create the schedule, or redefine it in place (same kind, server and key)."""
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                _UPSERT + " RETURNING id",
                (
                    guild_id,
                    kind,
                    key,
                    label,
                    owner_id,
                    int(personal),
                    format_clock(local_time) if local_time else None,
                    weekday_mask(weekdays),
                    zone,
                    to_unix(once_at) if once_at else None,
                    json.dumps(payload, sort_keys=True),
                    to_unix(now),
                ),
            )
            row = await cursor.fetchone()
            assert row is not None  # RETURNING always yields the row
            return int(row[0])

    async def upsert_once_many(
        self,
        *,
        kind: str,
        guild_id: int | None,
        owner_id: int | None,
        personal: bool,
        rows: Sequence[tuple[str, datetime, str, dict, datetime | None, datetime | None]],
        now: datetime,
    ) -> list[int]:
        """:meth:`upsert` for many one-offs of one kind in one server, with their next time:
        ``(key, once_at, label, payload, next_due, fire_at)`` each; their ids, in that order."""
        params = [
            (guild_id, kind, key, label, owner_id, int(personal), None, ALL_DAYS_MASK, None, to_unix(once_at),
             json.dumps(payload, sort_keys=True), to_unix(now), _opt_unix(due), _opt_unix(fire))
            for key, once_at, label, payload, due, fire in rows
        ]  # fmt: skip
        keys = [row[0] for row in rows]
        async with self.db.transaction() as tx:
            await tx.executemany(_UPSERT_ONCE, params)
            found = await tx.fetchall(
                f"SELECT id, key FROM schedules WHERE kind = ? AND IFNULL(guild_id, 0) = ? "
                f"AND key IN ({', '.join('?' * len(keys))})",
                (kind, guild_id or 0, *keys),
            )
        by_key = {row["key"]: row["id"] for row in found}
        return [by_key[key] for key in keys]

    async def handled_keys(
        self, kind: str, guild_id: int | None, pairs: Sequence[tuple[str, datetime]]
    ) -> set[str]:
        """Of ``(key, scheduled_at)`` of one-offs of ``kind`` in a server, the keys whose occurrence
        at that instant was handled already (any ledger status but ``retry``)."""
        wanted = {(key, to_unix(at)) for key, at in pairs}
        handled: set[str] = set()
        keys = sorted({key for key, _ in pairs})
        for start in range(0, len(keys), 400):  # SQLite's variable limit
            chunk = keys[start : start + 400]
            rows = await self.db.fetchall(
                "SELECT s.key, d.scheduled_at FROM schedules s JOIN deliveries d ON d.schedule_id = s.id "
                f"WHERE s.kind = ? AND IFNULL(s.guild_id, 0) = ? AND s.key IN ({', '.join('?' * len(chunk))}) "
                "AND d.status != 'retry'",
                (kind, guild_id or 0, *chunk),
            )
            handled |= {r["key"] for r in rows if (r["key"], r["scheduled_at"]) in wanted}
        return handled

    async def delete_many(self, schedule_ids: Iterable[int]) -> None:
        ids = list(schedule_ids)
        async with self.db.transaction() as tx:
            await tx.executemany("DELETE FROM schedules WHERE id = ?", [(i,) for i in ids])

    async def set_next(self, schedule_id: int, next_due: datetime | None, fire_at: datetime | None) -> None:
        await self.db.execute(
            "UPDATE schedules SET next_due = ?, fire_at = ? WHERE id = ?",
            (to_unix(next_due) if next_due else None, to_unix(fire_at) if fire_at else None, schedule_id),
        )

    async def set_paused(self, schedule_id: int, paused: bool) -> None:
        await self.db.execute("UPDATE schedules SET paused = ? WHERE id = ?", (int(paused), schedule_id))

    async def set_payload(self, schedule_id: int, payload: dict) -> None:
        await self.db.execute(
            "UPDATE schedules SET payload = ? WHERE id = ?",
            (json.dumps(payload, sort_keys=True), schedule_id),
        )

    async def delete(self, schedule_id: int) -> None:
        await self.db.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))

    async def delete_where(self, guild_id: int, kind: str, key_prefix: str = "") -> list[int]:
        """Delete a server's schedules of ``kind`` whose key starts with ``key_prefix``; their ids."""
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                "DELETE FROM schedules WHERE guild_id = ? AND kind = ? AND substr(key, 1, ?) = ? RETURNING id",
                (guild_id, kind, len(key_prefix), key_prefix),
            )
            return [r[0] for r in rows]

    async def prune_finished(self, before: datetime) -> int:
        """Delete one-off schedules that finished before ``before`` (and their ledger rows)."""
        return await self.db.execute_count(
            "DELETE FROM schedules WHERE local_time IS NULL AND next_due IS NULL AND once_at < ?",
            (to_unix(before),),
        )

    async def companions(self, guild_id: int, owner_id: int, until: datetime, exclude: int) -> list[Schedule]:
        """A partner's personal schedules due by ``until`` (what a DM to them may carry along)."""
        rows = await self.db.fetchall(
            "SELECT * FROM schedules WHERE guild_id = ? AND owner_id = ? AND personal = 1 AND paused = 0 "
            "AND fire_at IS NOT NULL AND fire_at <= ? AND next_due IS NOT NULL AND id <> ? ORDER BY fire_at, id",
            (guild_id, owner_id, to_unix(until), exclude),
        )
        return [_schedule(r) for r in rows]

    # -- the personal messages sent, for the DM budget -----------------------------------------------

    async def dm_sent(self, guild_id: int, user_id: int, at: datetime) -> None:
        await self.db.execute(
            "INSERT INTO dm_log (guild_id, user_id, sent_at) VALUES (?, ?, ?)",
            (guild_id, user_id, to_unix(at)),
        )

    async def dms_since(self, guild_id: int, user_id: int, since: datetime) -> list[datetime]:
        rows = await self.db.fetchall(
            "SELECT sent_at FROM dm_log WHERE guild_id = ? AND user_id = ? AND sent_at >= ? ORDER BY sent_at",
            (guild_id, user_id, to_unix(since)),
        )
        return [from_unix(r[0]) for r in rows]

    async def prune_dm_log(self, before: datetime) -> int:
        return await self.db.execute_count("DELETE FROM dm_log WHERE sent_at < ?", (to_unix(before),))

    # -- the ledger ------------------------------------------------------------------------------

    async def claim(self, schedule_id: int, scheduled_at: datetime, now: datetime) -> bool:
        """Claim an occurrence before sending it; False when it was already claimed or handled.

        A 'retry' row (a transient failure earlier) can be claimed again.
        """
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "INSERT INTO deliveries (schedule_id, guild_id, scheduled_at, status, attempted_at) "
                f"VALUES (?, {_GUILD_OF}, ?, 'claimed', ?) ON CONFLICT (schedule_id, scheduled_at) DO UPDATE "
                "SET status = 'claimed', attempted_at = excluded.attempted_at WHERE status = 'retry'",
                (schedule_id, schedule_id, to_unix(scheduled_at), to_unix(now)),
            )
            return cursor.rowcount == 1

    async def unclaim(self, schedule_id: int, scheduled_at: datetime) -> None:
        """Give back a claim nothing was sent under (it is delivered on its own later)."""
        await self.db.execute(
            "DELETE FROM deliveries WHERE schedule_id = ? AND scheduled_at = ? AND status = 'claimed'",
            (schedule_id, to_unix(scheduled_at)),
        )

    async def record(
        self,
        schedule_id: int,
        scheduled_at: datetime,
        status: str,
        now: datetime,
        *,
        message_id: int | None = None,
        channel_id: int | None = None,
        detail: str | None = None,
    ) -> None:
        """Set the outcome of an occurrence (creating its row when it was never claimed)."""
        await self.db.execute(
            "INSERT INTO deliveries (schedule_id, guild_id, scheduled_at, status, attempted_at, message_id, "
            f"channel_id, detail) VALUES (?, {_GUILD_OF}, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (schedule_id, scheduled_at) DO UPDATE SET "
            "status = excluded.status, attempted_at = excluded.attempted_at, message_id = excluded.message_id, "
            "channel_id = excluded.channel_id, detail = excluded.detail",
            (
                schedule_id,
                schedule_id,
                to_unix(scheduled_at),
                status,
                to_unix(now),
                message_id,
                channel_id,
                detail,
            ),
        )

    async def record_missed(self, schedule_id: int, keys: list[datetime], now: datetime, detail: str) -> None:
        """Occurrences that passed while the bot was down: recorded, never sent."""
        if not keys:
            return
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO deliveries (schedule_id, guild_id, scheduled_at, status, attempted_at, detail) "
                f"VALUES (?, {_GUILD_OF}, ?, 'missed', ?, ?) ON CONFLICT (schedule_id, scheduled_at) DO UPDATE "
                "SET status = 'missed', detail = excluded.detail WHERE status IN ('retry')",
                [(schedule_id, schedule_id, to_unix(k), to_unix(now), detail) for k in keys],
            )

    async def stale_claims(self) -> list[tuple[int, datetime, datetime]]:
        """Claims never completed (the process died mid-send): (schedule, key, claimed at)."""
        rows = await self.db.fetchall(
            "SELECT schedule_id, scheduled_at, attempted_at FROM deliveries WHERE status = 'claimed'"
        )
        return [(r[0], from_unix(r[1]), from_unix(r[2])) for r in rows]

    async def delivery(self, schedule_id: int, scheduled_at: datetime) -> Delivery | None:
        row = await self.db.fetchone(
            "SELECT d.*, s.label, s.kind FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
            "WHERE d.schedule_id = ? AND d.scheduled_at = ?",
            (schedule_id, to_unix(scheduled_at)),
        )
        return _delivery(row) if row else None

    async def deliveries(self, schedule_id: int) -> list[Delivery]:
        rows = await self.db.fetchall(
            "SELECT d.*, s.label, s.kind FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
            "WHERE d.schedule_id = ? ORDER BY d.scheduled_at",
            (schedule_id,),
        )
        return [_delivery(r) for r in rows]

    async def recent(self, guild_id: int, limit: int = 20) -> list[Delivery]:
        """A server's newest deliveries (the ledger's compaction keeps its newest 20: STATUS_ROWS)."""
        rows = await self.db.fetchall(
            "SELECT d.*, s.label, s.kind FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
            "WHERE d.guild_id = ? AND d.status <> 'claimed' ORDER BY d.attempted_at DESC, d.scheduled_at DESC "
            "LIMIT ?",
            (guild_id, limit),
        )
        return [_delivery(r) for r in rows]
