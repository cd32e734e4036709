"""Video calls (with skips, moves, RSVPs, proposals and call nights): the only place with their SQL."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, time

from bot.db.connection import Database
from bot.db.models import parse_hhmm
from bot.db.repositories.call_archive import CallArchive
from bot.timeutil import format_clock, from_unix, to_unix


def _opt(value: int | None) -> datetime | None:
    return from_unix(value) if value is not None else None


def reminders_text(minutes: tuple[int, ...]) -> str:
    return ",".join(str(m) for m in minutes)


def reminders_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


# -- rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    id: int
    guild_id: int
    kind: str  # 'weekly' or 'once'
    weekday: int | None
    local_time: time | None
    zone: str
    once_at: datetime | None
    reminders: tuple[int, ...]  # minutes before the start, largest first
    memory_after: int  # minutes after the start
    created_by: int
    created_at: datetime
    cancelled_at: datetime | None
    length: int = 60  # minutes the call is planned to last

    @property
    def weekly(self) -> bool:
        return self.kind == "weekly"

    @property
    def active(self) -> bool:
        return self.cancelled_at is None


@dataclass(frozen=True, slots=True)
class CallChange:
    call_id: int
    occurrence_at: datetime
    status: str  # 'skipped' or 'moved'
    moved_to: datetime | None
    changed_by: int
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class Proposal:
    id: int
    call_id: int
    occurrence_at: datetime
    proposed_by: int
    proposed_at: datetime
    note: str | None
    status: str
    created_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    message_id: int | None


@dataclass(frozen=True, slots=True)
class CallNight:
    call_id: int
    guild_id: int
    occurrence_at: datetime
    started_at: datetime
    activity: str
    message_id: int | None
    posted_at: datetime


def _call(row: sqlite3.Row) -> Call:
    return Call(
        id=row["id"],
        guild_id=row["guild_id"],
        kind=row["kind"],
        weekday=row["weekday"],
        local_time=parse_hhmm(row["local_time"]) if row["local_time"] else None,
        zone=row["zone"],
        once_at=_opt(row["once_at"]),
        reminders=reminders_tuple(row["reminders"]),
        memory_after=row["memory_after"],
        created_by=row["created_by"],
        created_at=from_unix(row["created_at"]),
        cancelled_at=_opt(row["cancelled_at"]),
        length=row["length"],
    )


def _change(row: sqlite3.Row) -> CallChange:
    return CallChange(
        call_id=row["call_id"],
        occurrence_at=from_unix(row["occurrence_at"]),
        status=row["status"],
        moved_to=_opt(row["moved_to"]),
        changed_by=row["changed_by"],
        changed_at=from_unix(row["changed_at"]),
    )


def _proposal(row: sqlite3.Row) -> Proposal:
    return Proposal(
        id=row["id"],
        call_id=row["call_id"],
        occurrence_at=from_unix(row["occurrence_at"]),
        proposed_by=row["proposed_by"],
        proposed_at=from_unix(row["proposed_at"]),
        note=row["note"],
        status=row["status"],
        created_at=from_unix(row["created_at"]),
        decided_by=row["decided_by"],
        decided_at=_opt(row["decided_at"]),
        message_id=row["message_id"],
    )


def _night(row: sqlite3.Row) -> CallNight:
    return CallNight(
        call_id=row["call_id"],
        guild_id=row["guild_id"],
        occurrence_at=from_unix(row["occurrence_at"]),
        started_at=from_unix(row["started_at"]),
        activity=row["activity"],
        message_id=row["message_id"],
        posted_at=from_unix(row["posted_at"]),
    )


# Calls of servers whose couple is still here (the bot was not removed).
_LIVE = "SELECT c.* FROM calls c JOIN couples k USING (guild_id) WHERE k.removed_at IS NULL"
# Up to this many calls, their changes are read call by call; more, all changes at once.
_CHANGES_ONE_BY_ONE = 200
# A call of ``c`` that was not cancelled and may still post something after ``:since``.
_MAY_POST = (
    "c.cancelled_at IS NULL AND (c.kind = 'weekly' OR c.once_at >= :since OR EXISTS "
    "(SELECT 1 FROM call_changes g WHERE g.call_id = c.id AND g.moved_to >= :since))"
)


class CallRepository(CallArchive):
    """The call tables (the data export's reads and writes: :class:`CallArchive`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- calls -------------------------------------------------------------------------------------

    async def add(
        self,
        *,
        guild_id: int,
        kind: str,
        weekday: int | None,
        local_time: time | None,
        zone: str,
        once_at: datetime | None,
        reminders: tuple[int, ...],
        created_by: int,
        now: datetime,
        length: int = 60,
    ) -> Call:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO calls (guild_id, kind, weekday, local_time, zone, once_at, reminders, created_by,"
                " created_at, length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (
                    guild_id,
                    kind,
                    weekday,
                    format_clock(local_time) if local_time else None,
                    zone,
                    to_unix(once_at) if once_at else None,
                    reminders_text(reminders),
                    created_by,
                    to_unix(now),
                    length,
                ),
            )
        assert row is not None
        return _call(row)

    async def get(self, call_id: int, guild_id: int | None = None) -> Call | None:
        if guild_id is None:
            row = await self.db.fetchone("SELECT * FROM calls WHERE id = ?", (call_id,))
        else:
            row = await self.db.fetchone(
                "SELECT * FROM calls WHERE id = ? AND guild_id = ?", (call_id, guild_id)
            )
        return _call(row) if row else None

    async def active(self, guild_id: int) -> list[Call]:
        """The server's calls that were not cancelled (one-offs included, past or not), by id."""
        rows = await self.db.fetchall(
            "SELECT * FROM calls WHERE guild_id = ? AND cancelled_at IS NULL ORDER BY id", (guild_id,)
        )
        return [_call(r) for r in rows]

    async def all_active(self, since: datetime, guild_id: int | None = None) -> list[Call]:
        """Every live server's calls (or one server's) that were not cancelled and may still post
        something after ``since``: weekly calls, and one-offs starting (or moved to) after it. To
        plan at start."""
        one = "" if guild_id is None else " AND c.guild_id = :guild"
        rows = await self.db.fetchall(
            f"{_LIVE}{one} AND {_MAY_POST} ORDER BY c.id", {"since": to_unix(since), "guild": guild_id}
        )
        return [_call(r) for r in rows]

    async def active_guild_ids(self, since: datetime) -> list[int]:
        """The live servers with calls that may still post something after ``since`` (a start asks
        which of them to plan again)."""
        rows = await self.db.fetchall(
            f"SELECT DISTINCT c.guild_id FROM calls c JOIN couples k USING (guild_id) "
            f"WHERE k.removed_at IS NULL AND {_MAY_POST}",
            {"since": to_unix(since)},
        )
        return [r[0] for r in rows]

    async def cancel(self, call_id: int, now: datetime) -> bool:
        count = await self.db.execute_count(
            "UPDATE calls SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL", (to_unix(now), call_id)
        )
        return count == 1

    # -- single occurrences: skipped or moved --------------------------------------------------------

    async def changes(self, call_id: int) -> dict[datetime, CallChange]:
        rows = await self.db.fetchall("SELECT * FROM call_changes WHERE call_id = ?", (call_id,))
        return {from_unix(r["occurrence_at"]): _change(r) for r in rows}

    async def changes_of(self, call_ids: list[int]) -> dict[int, dict[datetime, CallChange]]:
        """The changes of many calls at once (call id -> changes), for planning at start."""
        found: dict[int, dict[datetime, CallChange]] = {call_id: {} for call_id in call_ids}
        if len(found) > _CHANGES_ONE_BY_ONE:
            rows = await self.db.fetchall(
                "SELECT g.* FROM call_changes g JOIN calls c ON c.id = g.call_id WHERE c.cancelled_at IS NULL"
            )
        else:
            rows = [
                row
                for call_id in found
                for row in await self.db.fetchall("SELECT * FROM call_changes WHERE call_id = ?", (call_id,))
            ]
        for row in rows:
            if row["call_id"] in found:
                found[row["call_id"]][from_unix(row["occurrence_at"])] = _change(row)
        return found

    async def change(self, call_id: int, occurrence_at: datetime) -> CallChange | None:
        row = await self.db.fetchone(
            "SELECT * FROM call_changes WHERE call_id = ? AND occurrence_at = ?",
            (call_id, to_unix(occurrence_at)),
        )
        return _change(row) if row else None

    async def skip(self, call_id: int, occurrence_at: datetime, by: int, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO call_changes (call_id, occurrence_at, status, moved_to, changed_by, changed_at) "
            "VALUES (?, ?, 'skipped', NULL, ?, ?) ON CONFLICT (call_id, occurrence_at) DO UPDATE SET "
            "status = 'skipped', moved_to = NULL, changed_by = excluded.changed_by, "
            "changed_at = excluded.changed_at",
            (call_id, to_unix(occurrence_at), by, to_unix(now)),
        )

    # -- RSVPs -------------------------------------------------------------------------------------

    async def rsvp(
        self, call_id: int, occurrence_at: datetime, user_id: int, answer: str, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO call_rsvps (call_id, occurrence_at, user_id, answer, answered_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (call_id, occurrence_at, user_id) DO UPDATE SET answer = excluded.answer, "
            "answered_at = excluded.answered_at",
            (call_id, to_unix(occurrence_at), user_id, answer, to_unix(now)),
        )

    async def rsvps(self, call_id: int, occurrence_at: datetime) -> dict[int, str]:
        rows = await self.db.fetchall(
            "SELECT user_id, answer FROM call_rsvps WHERE call_id = ? AND occurrence_at = ?",
            (call_id, to_unix(occurrence_at)),
        )
        return {r[0]: r[1] for r in rows}

    # -- proposals to move one occurrence -----------------------------------------------------------

    async def propose(
        self,
        *,
        call_id: int,
        occurrence_at: datetime,
        proposed_by: int,
        proposed_at: datetime,
        note: str | None,
        now: datetime,
    ) -> Proposal:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO call_proposals (call_id, occurrence_at, proposed_by, proposed_at, note, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                (call_id, to_unix(occurrence_at), proposed_by, to_unix(proposed_at), note, to_unix(now)),
            )
        assert row is not None
        return _proposal(row)

    async def proposal(self, proposal_id: int) -> Proposal | None:
        row = await self.db.fetchone("SELECT * FROM call_proposals WHERE id = ?", (proposal_id,))
        return _proposal(row) if row else None

    async def set_proposal_message(self, proposal_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE call_proposals SET message_id = ? WHERE id = ?", (message_id, proposal_id)
        )

    async def accept(self, proposal_id: int, by: int, now: datetime) -> Proposal | None:
        """Accept a pending proposal: its occurrence moves, other pending ones for it are superseded.

        None when the proposal is no longer pending (decided already).
        """
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE call_proposals SET status = 'accepted', decided_by = ?, decided_at = ? "
                "WHERE id = ? AND status = 'pending'",
                (by, to_unix(now), proposal_id),
            )
            if cursor.rowcount != 1:
                return None
            row = await tx.fetchone("SELECT * FROM call_proposals WHERE id = ?", (proposal_id,))
            assert row is not None
            await tx.execute(
                "UPDATE call_proposals SET status = 'superseded', decided_at = ? "
                "WHERE call_id = ? AND occurrence_at = ? AND status = 'pending'",
                (to_unix(now), row["call_id"], row["occurrence_at"]),
            )
            await tx.execute(
                "INSERT INTO call_changes (call_id, occurrence_at, status, moved_to, changed_by, changed_at) "
                "VALUES (?, ?, 'moved', ?, ?, ?) ON CONFLICT (call_id, occurrence_at) DO UPDATE SET "
                "status = 'moved', moved_to = excluded.moved_to, changed_by = excluded.changed_by, "
                "changed_at = excluded.changed_at",
                (row["call_id"], row["occurrence_at"], row["proposed_at"], by, to_unix(now)),
            )
        return _proposal(row)

    async def decline(self, proposal_id: int, by: int, now: datetime) -> Proposal | None:
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE call_proposals SET status = 'declined', decided_by = ?, decided_at = ? "
                "WHERE id = ? AND status = 'pending'",
                (by, to_unix(now), proposal_id),
            )
            if cursor.rowcount != 1:
                return None
            row = await tx.fetchone("SELECT * FROM call_proposals WHERE id = ?", (proposal_id,))
        assert row is not None
        return _proposal(row)

    # -- call nights -------------------------------------------------------------------------------

    async def start_night(
        self,
        *,
        call_id: int,
        guild_id: int,
        occurrence_at: datetime,
        started_at: datetime,
        activity: str,
        now: datetime,
    ) -> CallNight:
        """The night of this occurrence, recorded once (a retry gets the same activity back)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO call_nights (call_id, guild_id, occurrence_at, started_at, activity, posted_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (call_id, occurrence_at) DO NOTHING",
                (call_id, guild_id, to_unix(occurrence_at), to_unix(started_at), activity, to_unix(now)),
            )
            row = await tx.fetchone(
                "SELECT * FROM call_nights WHERE call_id = ? AND occurrence_at = ?",
                (call_id, to_unix(occurrence_at)),
            )
        assert row is not None
        return _night(row)

    async def set_night_message(self, call_id: int, occurrence_at: datetime, message_id: int | None) -> None:
        await self.db.execute(
            "UPDATE call_nights SET message_id = ? WHERE call_id = ? AND occurrence_at = ?",
            (message_id, call_id, to_unix(occurrence_at)),
        )

    async def recent_activities(self, guild_id: int, limit: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT activity FROM call_nights WHERE guild_id = ? ORDER BY posted_at DESC, occurrence_at DESC "
            "LIMIT ?",
            (guild_id, limit),
        )
        return [r[0] for r in rows]
