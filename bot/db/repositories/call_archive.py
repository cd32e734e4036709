"""The calls' side of the data export: every call with its skips and moves, replies, proposals
and call nights (with the nights held in the linked room, ``call_presence``), and writing an
import's calls back.

A part of :class:`~bot.db.repositories.calls.CallRepository`, kept apart to keep each file
short; the only other place with the call tables' SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.db.connection import Database, Row, Tx, without

# A call's rows in other tables, by the key its entry in the export holds them under.
CHILDREN = (("changes", "call_changes"), ("rsvps", "call_rsvps"), ("proposals", "call_proposals"))


@dataclass(frozen=True, slots=True)
class CallExport:
    """A couple's calls and their rows, as stored (each child row names its ``call_id``)."""

    calls: tuple[Row, ...]
    changes: tuple[Row, ...]
    rsvps: tuple[Row, ...]
    proposals: tuple[Row, ...]
    nights: tuple[Row, ...]
    presence: tuple[Row, ...] = ()  # the nights both were in the linked room (V15)


class CallArchive:
    """The export's reads and the import's writes of the call tables."""

    db: Database

    async def export_rows(self, guild_id: int) -> CallExport:
        g = {"guild": guild_id}
        in_calls = "call_id IN (SELECT id FROM calls WHERE guild_id = :guild)"
        fetch = self.db.fetchrows
        return CallExport(
            calls=await fetch("SELECT * FROM calls WHERE guild_id = :guild ORDER BY id", g),
            changes=await fetch(
                f"SELECT * FROM call_changes WHERE {in_calls} ORDER BY call_id, occurrence_at", g
            ),
            rsvps=await fetch(
                f"SELECT * FROM call_rsvps WHERE {in_calls} ORDER BY call_id, occurrence_at, user_id", g
            ),
            proposals=await fetch(f"SELECT * FROM call_proposals WHERE {in_calls} ORDER BY call_id, id", g),
            nights=await fetch(
                f"SELECT * FROM call_nights WHERE {in_calls} ORDER BY call_id, occurrence_at", g
            ),
            presence=await fetch(
                f"SELECT * FROM call_presence WHERE {in_calls} ORDER BY call_id, occurrence_at", g
            ),
        )

    async def restore_rows(self, tx: Tx, guild_id: int, calls: Iterable[Row]) -> int:
        """Write an import's calls, each with its rows (``changes``, ``rsvps``, ``proposals``,
        ``nights``, each ``held`` or not with its ``together_seconds``); returns how many calls.
        Their schedules are the feature's to arm.

        A night held in the room comes back held since the call's start, its time together
        counted and nobody in the room now; when the last of them left isn't in the export, so it
        stays unknown (no memory prompt is planned again for it)."""
        count = 0
        for row in calls:
            keys = [key for key, _ in CHILDREN] + ["nights"]
            call_id = await tx.insert("calls", {**without(row, *keys), "guild_id": guild_id})
            count += 1
            for key, table in CHILDREN:
                await tx.insert_rows(table, row[key], call_id=call_id)
            nights = row["nights"]
            await tx.insert_rows(
                "call_nights",
                (without(n, "held", "together_seconds") for n in nights),
                call_id=call_id,
                guild_id=guild_id,
            )
            await tx.insert_rows(
                "call_presence",
                (
                    {
                        "occurrence_at": n["occurrence_at"],
                        "started_at": n["started_at"],
                        "held_at": n["started_at"],
                        "together_seconds": n["together_seconds"],
                    }
                    for n in nights
                    if n["held"]
                ),
                call_id=call_id,
                guild_id=guild_id,
            )
        return count
