"""Letters for later (/letter): the only place with their SQL.

A letter is *unread* until it was delivered (a time capsule) or opened (a sealed letter); only
then may its recipient see its title or text. Every query a recipient's view is made from says so
in its WHERE clause.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from bot.db.connection import Database, Row, Tx
from bot.timeutil import from_unix, to_unix

TITLE_LIMIT = 100
BODY_LIMIT = 4000
OCCASION_LIMIT = 100

_READ = "(delivered_at IS NOT NULL OR opened_at IS NOT NULL)"
_UNREAD = "(delivered_at IS NULL AND opened_at IS NULL)"


@dataclass(frozen=True, slots=True)
class Letter:
    id: int
    guild_id: int
    from_user: int
    to_user: int
    title: str
    body: str
    open_on: date | None  # a time capsule's day (the recipient's zone)
    occasion: str | None  # a sealed letter's occasion in words
    written_at: datetime
    edited_at: datetime | None
    delivered_at: datetime | None
    opened_at: datetime | None

    @property
    def capsule(self) -> bool:
        return self.open_on is not None

    @property
    def read_at(self) -> datetime | None:
        """When the recipient got to read it (delivered or opened); None while it waits."""
        return self.delivered_at or self.opened_at

    @property
    def waiting(self) -> bool:
        return self.read_at is None


def _letter(row: sqlite3.Row) -> Letter:
    def at(column: str) -> datetime | None:
        return from_unix(row[column]) if row[column] is not None else None

    return Letter(
        id=row["id"],
        guild_id=row["guild_id"],
        from_user=row["from_user"],
        to_user=row["to_user"],
        title=row["title"],
        body=row["body"],
        open_on=date.fromisoformat(row["open_on"]) if row["open_on"] else None,
        occasion=row["occasion"],
        written_at=from_unix(row["written_at"]),
        edited_at=at("edited_at"),
        delivered_at=at("delivered_at"),
        opened_at=at("opened_at"),
    )


class LetterRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        guild_id: int,
        from_user: int,
        to_user: int,
        title: str,
        body: str,
        open_on: date | None,
        occasion: str | None,
        now: datetime,
    ) -> Letter:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO letters (guild_id, from_user, to_user, title, body, open_on, occasion, "
                "written_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (
                    guild_id,
                    from_user,
                    to_user,
                    title,
                    body,
                    open_on.isoformat() if open_on else None,
                    occasion,
                    to_unix(now),
                ),
            )
        assert row is not None
        return _letter(row)

    async def get(self, letter_id: int, guild_id: int | None = None) -> Letter | None:
        if guild_id is None:
            row = await self.db.fetchone("SELECT * FROM letters WHERE id = ?", (letter_id,))
        else:
            row = await self.db.fetchone(
                "SELECT * FROM letters WHERE id = ? AND guild_id = ?", (letter_id, guild_id)
            )
        return _letter(row) if row else None

    async def update(
        self,
        letter_id: int,
        guild_id: int,
        from_user: int,
        *,
        title: str,
        body: str,
        open_on: date | None,
        occasion: str | None,
        now: datetime,
    ) -> Letter | None:
        """Change a letter its writer wrote, while it waits; None when it is no longer theirs to change."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE letters SET title = ?, body = ?, open_on = ?, occasion = ?, edited_at = ? "
                f"WHERE id = ? AND guild_id = ? AND from_user = ? AND {_UNREAD} RETURNING *",
                (
                    title,
                    body,
                    open_on.isoformat() if open_on else None,
                    occasion,
                    to_unix(now),
                    letter_id,
                    guild_id,
                    from_user,
                ),
            )
        return _letter(row) if row else None

    async def withdraw(self, letter_id: int, guild_id: int, from_user: int) -> Letter | None:
        """Delete a waiting letter of its writer; the letter, or None when it could not be."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                f"DELETE FROM letters WHERE id = ? AND guild_id = ? AND from_user = ? AND {_UNREAD} "
                "RETURNING *",
                (letter_id, guild_id, from_user),
            )
        return _letter(row) if row else None

    async def mark_opened(self, letter_id: int, guild_id: int, to_user: int, now: datetime) -> Letter | None:
        """Open a sealed letter, once: None when it isn't the recipient's to open (any more)."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE letters SET opened_at = ? WHERE id = ? AND guild_id = ? AND to_user = ? "
                "AND occasion IS NOT NULL AND opened_at IS NULL RETURNING *",
                (to_unix(now), letter_id, guild_id, to_user),
            )
        return _letter(row) if row else None

    async def mark_delivered(self, letter_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE letters SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
            (to_unix(now), letter_id),
        )

    async def sealed_for(self, guild_id: int, to_user: int) -> list[Letter]:
        """Sealed letters waiting for ``to_user`` to open them (their text is not to be shown)."""
        rows = await self.db.fetchall(
            "SELECT * FROM letters WHERE guild_id = ? AND to_user = ? AND occasion IS NOT NULL "
            "AND opened_at IS NULL ORDER BY written_at, id",
            (guild_id, to_user),
        )
        return [_letter(r) for r in rows]

    async def capsules_coming(self, guild_id: int, to_user: int | None = None) -> list[Letter]:
        """Time capsules not yet delivered (to ``to_user``, or to either partner)."""
        if to_user is None:
            rows = await self.db.fetchall(
                "SELECT * FROM letters WHERE guild_id = ? AND open_on IS NOT NULL AND delivered_at IS NULL "
                "ORDER BY open_on, id",
                (guild_id,),
            )
        else:
            rows = await self.db.fetchall(
                "SELECT * FROM letters WHERE guild_id = ? AND to_user = ? AND open_on IS NOT NULL "
                "AND delivered_at IS NULL ORDER BY open_on, id",
                (guild_id, to_user),
            )
        return [_letter(r) for r in rows]

    async def visible_to(self, guild_id: int, user_id: int) -> list[Letter]:
        """What ``user_id`` may read: every letter they wrote, and those they received and read;
        newest first."""
        rows = await self.db.fetchall(
            f"SELECT * FROM letters WHERE guild_id = ? AND (from_user = ? OR (to_user = ? AND {_READ})) "
            "ORDER BY written_at DESC, id DESC",
            (guild_id, user_id, user_id),
        )
        return [_letter(r) for r in rows]

    async def changeable_by(self, guild_id: int, from_user: int) -> list[Letter]:
        """The letters ``from_user`` wrote that are still waiting (theirs to change or withdraw)."""
        rows = await self.db.fetchall(
            f"SELECT * FROM letters WHERE guild_id = ? AND from_user = ? AND {_UNREAD} "
            "ORDER BY written_at DESC, id DESC",
            (guild_id, from_user),
        )
        return [_letter(r) for r in rows]

    # -- the export and the import ---------------------------------------------------------------

    async def export_rows(self, guild_id: int, user_id: int) -> tuple[Row, ...]:
        """The requester's letters: all they wrote, and those they received and read."""
        return await self.db.fetchrows(
            f"SELECT * FROM letters WHERE guild_id = ? AND (from_user = ? OR (to_user = ? AND {_READ})) "
            "ORDER BY id",
            (guild_id, user_id, user_id),
        )

    async def restore_rows(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        """Write an import's letters; the capsules' deliveries are the feature's to plan."""
        return await tx.insert_rows("letters", rows, guild_id=guild_id)
