"""The check-in rooms' side of the data export: check-ins as one partner may see them (each as it
was shared), sharing levels and love languages, appreciations (never one still on its way to the
requester) and wins; and writing an import's rows back.

A part of :class:`~bot.db.repositories.checkins.CheckinRepository`, kept apart to keep each file
short; the only other place with these tables' SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.db.connection import Database, Row, Tx


class CheckinArchive:
    """The export's reads and the import's writes of the check-in rooms' tables."""

    db: Database

    async def export_checkins(self, guild_id: int, user_id: int) -> tuple[Row, ...]:
        """The requester's check-ins, and the partner's as each of them was shared (its own level,
        never the current one): ``full`` with the note, ``mood`` without it (``note`` null),
        ``nothing`` not at all."""
        return await self.db.fetchrows(
            "SELECT user_id, day, mood, CASE WHEN user_id = :user OR sharing = 'full' THEN note END AS note, "
            "zone, created_at, updated_at, sharing FROM checkins "
            "WHERE guild_id = :guild AND (user_id = :user OR sharing <> 'nothing') ORDER BY day, user_id",
            {"guild": guild_id, "user": user_id},
        )

    async def export_sharing(self, guild_id: int) -> tuple[Row, ...]:
        return await self.db.fetchrows(
            "SELECT * FROM checkin_sharing WHERE guild_id = ? ORDER BY user_id", (guild_id,)
        )

    async def export_love_languages(self, guild_id: int) -> tuple[Row, ...]:
        return await self.db.fetchrows(
            "SELECT * FROM love_languages WHERE guild_id = ? ORDER BY user_id", (guild_id,)
        )

    async def export_appreciations(self, guild_id: int, user_id: int) -> tuple[Row, ...]:
        """The requester's notes, and the partner's that reached them (delivered)."""
        return await self.db.fetchrows(
            "SELECT * FROM appreciations WHERE guild_id = :guild AND (from_user = :user OR "
            "delivered_at IS NOT NULL) ORDER BY created_at, id",
            {"guild": guild_id, "user": user_id},
        )

    async def export_wins(self, guild_id: int) -> tuple[Row, ...]:
        return await self.db.fetchrows(
            "SELECT * FROM wins WHERE guild_id = ? ORDER BY created_at, id", (guild_id,)
        )

    async def restore_checkins(
        self,
        tx: Tx,
        guild_id: int,
        sharing: Iterable[Row],
        love_languages: Iterable[Row],
        checkins: Iterable[Row],
    ) -> None:
        await tx.insert_rows("checkin_sharing", sharing, guild_id=guild_id)
        await tx.insert_rows("love_languages", love_languages, guild_id=guild_id)
        await tx.insert_rows("checkins", checkins, guild_id=guild_id)

    async def restore_appreciations(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        return await tx.insert_rows("appreciations", rows, guild_id=guild_id)

    async def restore_wins(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        return await tx.insert_rows("wins", rows, guild_id=guild_id)
