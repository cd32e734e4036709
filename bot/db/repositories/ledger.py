"""The delivery ledger seen from the host: what it says about each partner's DMs (the doctor).
The only place with that SQL."""

from __future__ import annotations

from bot.db.connection import Database
from bot.db.models import Delivery
from bot.db.repositories.schedules import _delivery as delivery_row


class LedgerRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def last_dms(self, guild_id: int) -> dict[int, Delivery]:
        """Each partner's latest personal delivery that shows whether a DM reaches them: one that
        went through by DM (not into the shared channel) or one whose DM Discord refused ("DMs
        closed"). By the partner it was for."""
        rows = await self.db.fetchall(
            "SELECT d.*, s.label, s.kind, s.owner_id FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
            "JOIN couples c ON c.guild_id = d.guild_id WHERE d.guild_id = ? AND s.personal = 1 "
            "AND s.owner_id IS NOT NULL AND d.status IN ('sent', 'late', 'failed') AND (d.detail LIKE '%DMs closed%' "
            "OR (d.status <> 'failed' AND d.channel_id IS NOT NULL AND d.channel_id <> c.channel_id)) "
            "ORDER BY d.attempted_at DESC, d.scheduled_at DESC",
            (guild_id,),
        )
        latest: dict[int, Delivery] = {}
        for row in rows:
            latest.setdefault(row["owner_id"], delivery_row(row))
        return latest
