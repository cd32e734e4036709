"""Couples and their partners: the only place with their SQL."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.db.connection import Database, Row, Tx
from bot.db.models import Couple, Partner, parse_hhmm
from bot.timeutil import QuietHours, format_clock, from_unix, to_unix

# From this many servers on, reading every paired couple at once beats reading each.
_READ_ALL_FROM = 200

_COUPLE_COLUMNS = (
    "guild_id, channel_id, status, inviter_id, invitee_id, invite_message_id, created_at, paired_at"
)


def _partner(row: sqlite3.Row) -> Partner:
    return Partner(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        position=row["position"],
        display_name=row["display_name"],
        home_zone=row["zone"],
        quiet=QuietHours(parse_hhmm(row["quiet_start"]), parse_hhmm(row["quiet_end"])),
        travel_zone=row["travel_zone"],
        travel_until=from_unix(row["travel_until"]) if row["travel_until"] is not None else None,
    )


def _couple(row: sqlite3.Row, partners: list[Partner]) -> Couple:
    return Couple(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        status=row["status"],
        inviter_id=row["inviter_id"],
        invitee_id=row["invitee_id"],
        invite_message_id=row["invite_message_id"],
        created_at=from_unix(row["created_at"]),
        paired_at=from_unix(row["paired_at"]) if row["paired_at"] is not None else None,
        partners=tuple(sorted(partners, key=lambda p: p.position)),
    )


class SpaceTaken(Exception):
    """An import into a server that has a couple (it got one while the import was running)."""


class CoupleRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._reading_all: asyncio.Future[list[Couple]] | None = None

    async def get(self, guild_id: int, *, include_removed: bool = False) -> Couple | None:
        row = await self.db.fetchone(
            f"SELECT {_COUPLE_COLUMNS}, removed_at FROM couples WHERE guild_id = ?", (guild_id,)
        )
        if row is None or (row["removed_at"] is not None and not include_removed):
            return None
        partners = await self.db.fetchall("SELECT * FROM partners WHERE guild_id = ?", (guild_id,))
        return _couple(row, [_partner(p) for p in partners])

    async def all_paired(self) -> list[Couple]:
        """Every paired couple. Calls while a read is under way share it (the start-up jobs of
        several features ask at the same moment: thousands of couples read once, not thrice)."""
        if self._reading_all is None:
            self._reading_all = asyncio.ensure_future(self._all_paired())
            self._reading_all.add_done_callback(lambda _: setattr(self, "_reading_all", None))
        return list(await asyncio.shield(self._reading_all))

    async def paired_in(self, guild_ids: Iterable[int]) -> dict[int, Couple]:
        """The paired couples of these servers, by server: a few read one by one, many (a first
        start plans every server) in the one read of :meth:`all_paired`."""
        wanted = set(guild_ids)
        if len(wanted) > _READ_ALL_FROM:
            return {c.guild_id: c for c in await self.all_paired() if c.guild_id in wanted}
        found: dict[int, Couple] = {}
        for guild_id in sorted(wanted):
            couple = await self.get(guild_id)
            if couple is not None and couple.paired:
                found[guild_id] = couple
        return found

    async def _all_paired(self) -> list[Couple]:
        rows = await self.db.fetchall(
            f"SELECT {_COUPLE_COLUMNS} FROM couples WHERE status = 'paired' AND removed_at IS NULL"
        )
        partner_rows = await self.db.fetchall(
            "SELECT p.* FROM partners p JOIN couples c USING (guild_id) "
            "WHERE c.status = 'paired' AND c.removed_at IS NULL"
        )
        by_guild: dict[int, list[Partner]] = {}
        for p in partner_rows:
            by_guild.setdefault(p["guild_id"], []).append(_partner(p))
        return [_couple(r, by_guild.get(r["guild_id"], [])) for r in rows]

    async def invite(
        self,
        *,
        guild_id: int,
        channel_id: int,
        inviter_id: int,
        inviter_name: str,
        invitee_id: int,
        zone: str,
        now: datetime,
    ) -> None:
        """Create (or replace) a pending invitation; the inviter becomes partner 1."""
        async with self.db.transaction() as tx:
            await tx.execute("DELETE FROM couples WHERE guild_id = ? AND status = 'pending'", (guild_id,))
            await tx.execute(
                "INSERT INTO couples (guild_id, channel_id, status, inviter_id, invitee_id, created_at) "
                "VALUES (?, ?, 'pending', ?, ?, ?)",
                (guild_id, channel_id, inviter_id, invitee_id, to_unix(now)),
            )
            await tx.execute(
                "INSERT INTO partners (guild_id, user_id, position, display_name, zone) VALUES (?, ?, 1, ?, ?)",
                (guild_id, inviter_id, inviter_name, zone),
            )

    async def set_invite_message(self, guild_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE couples SET invite_message_id = ? WHERE guild_id = ?", (message_id, guild_id)
        )

    async def accept(self, guild_id: int, invitee_id: int, name: str, now: datetime) -> bool:
        """Pair the invitee; False when there is no pending invitation for them."""
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE couples SET status = 'paired', paired_at = ? "
                "WHERE guild_id = ? AND status = 'pending' AND invitee_id = ?",
                (to_unix(now), guild_id, invitee_id),
            )
            if cursor.rowcount != 1:
                return False
            await tx.execute(
                "INSERT INTO partners (guild_id, user_id, position, display_name) VALUES (?, ?, 2, ?)",
                (guild_id, invitee_id, name),
            )
            return True

    async def decline(self, guild_id: int, invitee_id: int) -> bool:
        count = await self.db.execute_count(
            "DELETE FROM couples WHERE guild_id = ? AND status = 'pending' AND invitee_id = ?",
            (guild_id, invitee_id),
        )
        return count == 1

    async def cancel_invitation(self, guild_id: int) -> bool:
        count = await self.db.execute_count(
            "DELETE FROM couples WHERE guild_id = ? AND status = 'pending'", (guild_id,)
        )
        return count == 1

    async def set_zone(self, guild_id: int, user_id: int, zone: str) -> None:
        await self.db.execute(
            "UPDATE partners SET zone = ? WHERE guild_id = ? AND user_id = ?", (zone, guild_id, user_id)
        )

    async def set_display_name(self, guild_id: int, user_id: int, name: str) -> None:
        await self.db.execute(
            "UPDATE partners SET display_name = ? WHERE guild_id = ? AND user_id = ? AND display_name <> ?",
            (name, guild_id, user_id, name),
        )

    async def set_quiet(self, guild_id: int, user_id: int, quiet: QuietHours) -> None:
        await self.db.execute(
            "UPDATE partners SET quiet_start = ?, quiet_end = ? WHERE guild_id = ? AND user_id = ?",
            (format_clock(quiet.start), format_clock(quiet.end), guild_id, user_id),
        )

    async def set_travel(self, guild_id: int, user_id: int, zone: str | None, until: datetime | None) -> None:
        await self.db.execute(
            "UPDATE partners SET travel_zone = ?, travel_until = ? WHERE guild_id = ? AND user_id = ?",
            (zone, to_unix(until) if until else None, guild_id, user_id),
        )

    async def set_channel(self, guild_id: int, channel_id: int) -> None:
        await self.db.execute("UPDATE couples SET channel_id = ? WHERE guild_id = ?", (channel_id, guild_id))

    async def mark_removed(self, guild_id: int, at: datetime | None) -> None:
        await self.db.execute(
            "UPDATE couples SET removed_at = ? WHERE guild_id = ?",
            (to_unix(at) if at else None, guild_id),
        )

    async def delete(self, tx: Tx, guild_id: int) -> None:
        await tx.execute("DELETE FROM couples WHERE guild_id = ?", (guild_id,))

    # -- the export and the import ---------------------------------------------------------------

    async def export_rows(self, key: int) -> tuple[Row, tuple[Row, ...]] | None:
        """The couple row stored under ``key`` (a server id, or a kept space's key; removed ones
        too) and its partners' rows, as stored; None when there is none."""
        couple = await self.db.fetchrows("SELECT * FROM couples WHERE guild_id = ?", (key,))
        if not couple:
            return None
        partners = await self.db.fetchrows(
            "SELECT * FROM partners WHERE guild_id = ? ORDER BY position", (key,)
        )
        return couple[0], partners

    async def restore_rows(self, tx: Tx, guild_id: int, couple: Row, partners: tuple[Row, ...]) -> None:
        """Write an imported couple and its partners into a server that has no couple."""
        if await tx.fetchval("SELECT 1 FROM couples WHERE guild_id = ?", (guild_id,)):
            raise SpaceTaken(guild_id)
        await tx.insert("couples", {**couple, "guild_id": guild_id})
        await tx.insert_rows("partners", partners, guild_id=guild_id)


class StateRepository:
    """The bot's own small key/value state (the synced command tree hash, ...)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, key: str) -> str | None:
        value = await self.db.fetchval("SELECT value FROM bot_state WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        await self.db.execute(
            "INSERT INTO bot_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
