"""Your data: deletion ("delete mine", "delete space"), the spaces kept for a partner after the
other unpaired, guild-removal retention and the purge.

The only place with the SQL that deletes or moves every feature's tables at once. The export and
the import are each feature's own (its repository's ``export_*``/``restore_*`` and its part,
:mod:`bot.archive`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.db.connection import Database, Tx
from bot.timeutil import from_unix, to_unix

Row = Mapping[str, Any]

# Tables whose rows move with a kept space (found from the schema: every table with a foreign key
# to couples), except these: schedules end with the couple, drafts are throwaway.
_NOT_KEPT = frozenset({"schedules", "memory_drafts", "kept_spaces", "dm_log"})


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts by what they count, in the order they are shown ("answers", 12)."""

    items: tuple[tuple[str, int], ...] = ()

    def get(self, name: str) -> int:
        return next((n for key, n in self.items if key == name), 0)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.items)


@dataclass(frozen=True, slots=True)
class Removal:
    """What a deletion or the purge removed from the database: counts, the photo files to delete
    from disk, and the schedules whose timers to drop."""

    tally: Tally
    photo_paths: tuple[str, ...]
    schedule_ids: tuple[int, ...]
    guild_ids: tuple[int, ...] = ()  # the servers whose couples went (purge)
    kept_couple_id: int | None = None  # delete mine: where the partner's entries are kept


@dataclass(frozen=True, slots=True)
class Kept:
    """Entries kept for a partner after the other deleted theirs (see V8__data.sql)."""

    couple_id: int
    guild_id: int
    user_id: int
    left_by: int
    kept_at: datetime


# What a partner's "mine" covers, as (label, SQL counting it, SQL deleting it). Parameters:
# guild id, user id. Order matters for deletion: answers before the memories' photos are read.
_MINE: tuple[tuple[str, str, str], ...] = (
    (
        "answers",
        "SELECT COUNT(*) FROM question_answers WHERE user_id = :user AND day_id IN "
        "(SELECT id FROM question_days WHERE guild_id = :guild)",
        "DELETE FROM question_answers WHERE user_id = :user AND day_id IN "
        "(SELECT id FROM question_days WHERE guild_id = :guild)",
    ),
    (
        "own_questions",
        "SELECT COUNT(*) FROM own_questions WHERE guild_id = :guild AND added_by = :user",
        "DELETE FROM own_questions WHERE guild_id = :guild AND added_by = :user",
    ),
    (
        "checkins",
        "SELECT COUNT(*) FROM checkins WHERE guild_id = :guild AND user_id = :user",
        "DELETE FROM checkins WHERE guild_id = :guild AND user_id = :user",
    ),
    (
        "appreciations",
        "SELECT COUNT(*) FROM appreciations WHERE guild_id = :guild AND from_user = :user",
        "DELETE FROM appreciations WHERE guild_id = :guild AND from_user = :user",
    ),
    (
        "wins",
        "SELECT COUNT(*) FROM wins WHERE guild_id = :guild AND user_id = :user",
        "DELETE FROM wins WHERE guild_id = :guild AND user_id = :user",
    ),
    (
        "goodnights",
        "SELECT COUNT(*) FROM goodnights WHERE guild_id = :guild AND from_user = :user",
        "DELETE FROM goodnights WHERE guild_id = :guild AND from_user = :user",
    ),
    (
        "gestures",
        "SELECT COUNT(*) FROM gestures WHERE guild_id = :guild AND from_user = :user",
        "DELETE FROM gestures WHERE guild_id = :guild AND from_user = :user",
    ),
    (
        "ritual_answers",
        "SELECT COUNT(*) FROM ritual_answers WHERE user_id = :user AND run_id IN (SELECT r.id FROM "
        "ritual_runs r JOIN rituals t ON t.id = r.ritual_id WHERE t.guild_id = :guild)",
        "DELETE FROM ritual_answers WHERE user_id = :user AND run_id IN (SELECT r.id FROM "
        "ritual_runs r JOIN rituals t ON t.id = r.ritual_id WHERE t.guild_id = :guild)",
    ),
    (
        "call_replies",
        "SELECT (SELECT COUNT(*) FROM call_rsvps WHERE user_id = :user AND call_id IN "
        "(SELECT id FROM calls WHERE guild_id = :guild)) + (SELECT COUNT(*) FROM call_proposals "
        "WHERE proposed_by = :user AND call_id IN (SELECT id FROM calls WHERE guild_id = :guild))",
        "",  # two statements, see _delete_mine
    ),
    (
        "letters",
        "SELECT COUNT(*) FROM letters WHERE guild_id = :guild AND from_user = :user",
        "DELETE FROM letters WHERE guild_id = :guild AND from_user = :user",
    ),
    (
        "memories",
        "SELECT COUNT(*) FROM memories WHERE guild_id = :guild AND author_id = :user",
        "",  # photos first, see _delete_mine
    ),
    (
        "photos",
        "SELECT COUNT(*) FROM memory_photos p JOIN memories m ON m.id = p.memory_id "
        "WHERE m.guild_id = :guild AND m.author_id = :user",
        "",
    ),
)

# What a whole space holds, as (label, SQL counting it). Parameter: guild id.
_SPACE: tuple[tuple[str, str], ...] = (
    ("question_days", "SELECT COUNT(*) FROM question_days WHERE guild_id = :guild"),
    (
        "answers",
        "SELECT COUNT(*) FROM question_answers WHERE day_id IN "
        "(SELECT id FROM question_days WHERE guild_id = :guild)",
    ),
    ("own_questions", "SELECT COUNT(*) FROM own_questions WHERE guild_id = :guild"),
    ("checkins", "SELECT COUNT(*) FROM checkins WHERE guild_id = :guild"),
    ("appreciations", "SELECT COUNT(*) FROM appreciations WHERE guild_id = :guild"),
    ("wins", "SELECT COUNT(*) FROM wins WHERE guild_id = :guild"),
    ("goodnights", "SELECT COUNT(*) FROM goodnights WHERE guild_id = :guild"),
    ("gestures", "SELECT COUNT(*) FROM gestures WHERE guild_id = :guild"),
    ("memories", "SELECT COUNT(*) FROM memories WHERE guild_id = :guild"),
    (
        "photos",
        "SELECT COUNT(*) FROM memory_photos p JOIN memories m ON m.id = p.memory_id WHERE m.guild_id = :guild",
    ),
    ("rituals", "SELECT COUNT(*) FROM rituals WHERE guild_id = :guild"),
    (
        "ritual_answers",
        "SELECT COUNT(*) FROM ritual_answers WHERE run_id IN (SELECT r.id FROM ritual_runs r "
        "JOIN rituals t ON t.id = r.ritual_id WHERE t.guild_id = :guild)",
    ),
    ("calls", "SELECT COUNT(*) FROM calls WHERE guild_id = :guild"),
    ("visits", "SELECT COUNT(*) FROM visits WHERE guild_id = :guild"),
    ("dates", "SELECT COUNT(*) FROM special_dates WHERE guild_id = :guild"),
    ("letters", "SELECT COUNT(*) FROM letters WHERE guild_id = :guild"),
    ("schedules", "SELECT COUNT(*) FROM schedules WHERE guild_id = :guild"),
)


async def _count(tx: Tx | Database, sql: str, params: Mapping[str, Any]) -> int:
    return int(await tx.fetchval(sql, params) or 0)


class DataRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- deletion --------------------------------------------------------------------------------

    async def mine_tally(self, guild_id: int, user_id: int) -> Tally:
        """What "delete mine" would delete of ``user_id``'s entries."""
        params = {"guild": guild_id, "user": user_id}
        return Tally(tuple([(label, await _count(self.db, sql, params)) for label, sql, _ in _MINE]))

    async def space_tally(self, guild_id: int) -> Tally:
        params = {"guild": guild_id}
        return Tally(tuple([(label, await _count(self.db, sql, params)) for label, sql in _SPACE]))

    async def delete_mine(self, guild_id: int, user_id: int, now: datetime) -> Removal:
        """Delete a partner's own entries and unpair: what is left of the space (the other
        partner's entries and the shared setup) moves to a kept space for the other partner,
        removed (so it is purged 30 days later); the couple and its schedules end."""
        params = {"guild": guild_id, "user": user_id}
        async with self.db.transaction() as tx:
            couple = await tx.fetchone("SELECT * FROM couples WHERE guild_id = ?", (guild_id,))
            if couple is None:
                return Removal(Tally(), (), ())
            other = couple["invitee_id"] if couple["inviter_id"] == user_id else couple["inviter_id"]
            tally: list[tuple[str, int]] = []
            paths = await self._memory_paths(tx, "m.guild_id = :guild AND m.author_id = :user", params)
            for label, _, delete in _MINE:
                if delete:
                    cursor = await tx.execute(delete, params)
                    tally.append((label, max(cursor.rowcount, 0)))
            rsvps = await tx.execute(
                "DELETE FROM call_rsvps WHERE user_id = :user AND call_id IN "
                "(SELECT id FROM calls WHERE guild_id = :guild)",
                params,
            )
            proposals = await tx.execute(
                "DELETE FROM call_proposals WHERE proposed_by = :user AND call_id IN "
                "(SELECT id FROM calls WHERE guild_id = :guild)",
                params,
            )
            tally.append(("call_replies", rsvps.rowcount + proposals.rowcount))
            memories = await tx.execute(
                "DELETE FROM memories WHERE guild_id = :guild AND author_id = :user", params
            )
            tally.append(("memories", memories.rowcount))
            tally.append(("photos", len(paths)))
            for table in ("checkin_sharing", "love_languages", "memory_drafts"):
                await tx.execute(f"DELETE FROM {table} WHERE guild_id = :guild AND user_id = :user", params)
            await tx.execute("DELETE FROM partners WHERE guild_id = :guild AND user_id = :user", params)
            schedule_ids = await self._schedule_ids(tx, guild_id)
            kept = await self._keep(tx, guild_id, other, user_id, now)
            await tx.execute("DELETE FROM couples WHERE guild_id = ?", (guild_id,))
            # A kept space of the leaving partner (from an earlier unpairing here) is theirs too.
            kept_paths, _ = await self._delete_kept(tx, guild_id, user_id)
        return Removal(
            Tally(tuple(tally)), tuple(paths + kept_paths), tuple(schedule_ids), kept_couple_id=kept
        )

    async def delete_space(self, guild_id: int, user_id: int) -> Removal:
        """Delete everything of a server's space (and any entries kept here for ``user_id``)."""
        tally = await self.space_tally(guild_id)
        async with self.db.transaction() as tx:
            paths = await self._memory_paths(tx, "m.guild_id = :guild", {"guild": guild_id})
            schedule_ids = await self._schedule_ids(tx, guild_id)
            await tx.execute("DELETE FROM couples WHERE guild_id = ?", (guild_id,))
            kept_paths, kept = await self._delete_kept(tx, guild_id, user_id)
        if kept:
            tally = Tally((*tally.items, ("kept_spaces", kept)))
        return Removal(tally, tuple(paths + kept_paths), tuple(schedule_ids))

    async def delete_kept(self, guild_id: int, user_id: int) -> Removal:
        """Delete the entries kept for ``user_id`` in this server now."""
        async with self.db.transaction() as tx:
            paths, count = await self._delete_kept(tx, guild_id, user_id)
        return Removal(Tally((("kept_spaces", count), ("photos", len(paths)))), tuple(paths), ())

    async def _delete_kept(self, tx: Tx, guild_id: int, user_id: int) -> tuple[list[str], int]:
        rows = await tx.fetchall(
            "SELECT couple_id FROM kept_spaces WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        paths: list[str] = []
        for row in rows:
            paths += await self._memory_paths(tx, "m.guild_id = :guild", {"guild": row[0]})
            await tx.execute("DELETE FROM couples WHERE guild_id = ?", (row[0],))
        return paths, len(rows)

    async def _keep(self, tx: Tx, guild_id: int, user_id: int, left_by: int, now: datetime) -> int:
        """Move what is left of a space under a new, removed couple kept for ``user_id``."""
        key = int(await tx.fetchval("SELECT MIN(0, IFNULL(MIN(guild_id), 0)) - 1 FROM couples"))
        stamp = to_unix(now)
        await tx.execute(
            "INSERT INTO couples (guild_id, channel_id, status, inviter_id, invitee_id, created_at, "
            "paired_at, removed_at) SELECT ?, channel_id, status, inviter_id, invitee_id, created_at, "
            "paired_at, ? FROM couples WHERE guild_id = ?",
            (key, stamp, guild_id),
        )
        for table, column in await self._couple_tables(tx):
            if table not in _NOT_KEPT:
                await tx.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (key, guild_id))
        # A reveal that never got posted would otherwise be posted again at the next start.
        await tx.execute(
            "UPDATE question_days SET reveal_message_id = 0 WHERE guild_id = ? AND status = 'revealed' "
            "AND reveal_message_id IS NULL",
            (key,),
        )
        await tx.execute(
            "INSERT INTO kept_spaces (couple_id, guild_id, user_id, left_by, kept_at) VALUES (?, ?, ?, ?, ?)",
            (key, guild_id, user_id, left_by, stamp),
        )
        return key

    @staticmethod
    async def _couple_tables(tx: Tx) -> list[tuple[str, str]]:
        """(table, column) of every foreign key to couples, read from the schema."""
        rows = await tx.fetchall(
            'SELECT m.name, f."from" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f '
            "WHERE m.type = 'table' AND f.\"table\" = 'couples' ORDER BY m.name"
        )
        return [(r[0], r[1]) for r in rows]

    @staticmethod
    async def _memory_paths(tx: Tx, where: str, params: Mapping[str, Any]) -> list[str]:
        rows = await tx.fetchall(
            f"SELECT p.path FROM memory_photos p JOIN memories m ON m.id = p.memory_id WHERE {where} "
            "ORDER BY p.id",
            params,
        )
        return [r[0] for r in rows]

    @staticmethod
    async def _schedule_ids(tx: Tx, guild_id: int) -> list[int]:
        rows = await tx.fetchall("SELECT id FROM schedules WHERE guild_id = ?", (guild_id,))
        return [r[0] for r in rows]

    # -- kept spaces -----------------------------------------------------------------------------

    async def kept_for(self, guild_id: int, user_id: int) -> list[Kept]:
        rows = await self.db.fetchall(
            "SELECT k.* FROM kept_spaces k JOIN couples c ON c.guild_id = k.couple_id "
            "WHERE k.guild_id = ? AND k.user_id = ? ORDER BY k.kept_at",
            (guild_id, user_id),
        )
        return [_kept(r) for r in rows]

    async def kept(self, couple_id: int) -> Kept | None:
        row = await self.db.fetchone("SELECT * FROM kept_spaces WHERE couple_id = ?", (couple_id,))
        return _kept(row) if row else None

    async def kept_tally(self, couple_id: int, user_id: int) -> Tally:
        """What a kept space holds of ``user_id``'s own entries (after the other's were deleted)."""
        params = {"guild": couple_id, "user": user_id}
        items = [(label, await _count(self.db, sql, params)) for label, sql, _ in _MINE]
        return Tally(tuple((label, n) for label, n in items if label not in ("photos",)))

    # -- guild removal and the purge -------------------------------------------------------------

    async def removed_guilds(self) -> list[int]:
        """Servers whose couple is kept after Closer was removed from them."""
        rows = await self.db.fetchall(
            "SELECT guild_id FROM couples WHERE removed_at IS NOT NULL AND guild_id > 0 ORDER BY guild_id"
        )
        return [r[0] for r in rows]

    async def purge_removed(self, cutoff: datetime) -> Removal:
        """Delete every couple (server removed, or kept space) removed at or before ``cutoff``."""
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT guild_id FROM couples WHERE removed_at IS NOT NULL AND removed_at <= ?",
                (to_unix(cutoff),),
            )
            keys = [r[0] for r in rows]
            paths: list[str] = []
            schedule_ids: list[int] = []
            for key in keys:
                paths += await self._memory_paths(tx, "m.guild_id = :guild", {"guild": key})
                schedule_ids += await self._schedule_ids(tx, key)
                await tx.execute("DELETE FROM couples WHERE guild_id = ?", (key,))
        return Removal(
            Tally((("couples", len(keys)), ("photos", len(paths)))),
            tuple(paths),
            tuple(schedule_ids),
            guild_ids=tuple(keys),
        )

    async def referenced_paths(self, prefix: str) -> set[str]:
        """Photo paths still in use under ``prefix`` (a server's folder): kept spaces included."""
        rows = await self.db.fetchall(
            "SELECT path FROM memory_photos WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)
        )
        return {r[0] for r in rows}


def _kept(row: sqlite3.Row) -> Kept:
    return Kept(row["couple_id"], row["guild_id"], row["user_id"], row["left_by"], from_unix(row["kept_at"]))
