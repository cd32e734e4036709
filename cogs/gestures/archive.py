"""Gestures' part of the export (``gestures``, added in format version 2): counts per sender, kind
and day. The requester's own, and their partner's that reached them. An import writes one row
per gesture counted, each as already told (nothing is sent again)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Annotated, Literal

from pydantic import Field

from bot.archive import (
    ArchivePart,
    Counts,
    Day,
    Exported,
    ExportRefused,
    ExportRequest,
    Importing,
    Model,
    Rows,
    Section,
    Snowflake,
    entries,
)
from bot.archive.values import day, sid, unique
from bot.db.connection import Tx
from bot.db.repositories.gestures import GestureRepository
from bot.timeutil import to_unix

Kind = Literal["thinking", "hug", "miss", "call", "proud"]
MOST_A_DAY = 1000  # a count an import believes (the limit today is 20 a day)


class GestureCountDoc(Model):
    user_id: Snowflake  # who sent them
    kind: Kind
    day: Day  # the sender's local day
    count: Annotated[int, Field(ge=1, le=MOST_A_DAY)]


def plan(counts: list[GestureCountDoc], importing: Importing) -> Rows:
    unique(((c.user_id, c.kind, c.day) for c in counts), "That export counts one day's gestures twice.")
    rows = []
    for c in counts:
        sender = importing.user(c.user_id)
        others = importing.partners - {sender}
        if not others:
            raise ExportRefused("That export has gestures but only one partner.")
        stamp = to_unix(datetime.combine(date.fromisoformat(day(c.day)), time(12), tzinfo=UTC))
        row = {
            "from_user": sender,
            "to_user": next(iter(others)),
            "kind": c.kind,
            "day": c.day,
            "sent_at": stamp,
            "told_at": stamp,
        }
        rows.extend([row] * c.count)
    return {"gestures": tuple(rows)}


SECTION = Section(
    key="gestures",
    position=35,
    schema=entries(GestureCountDoc),
    plan=plan,
    added_in=2,
    before=[],
)


class GesturesArchive(ArchivePart[GestureRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        return Exported(
            [
                {"user_id": sid(r["from_user"]), "kind": r["kind"], "day": r["day"], "count": r["count"]}
                for r in await self.repo.export_counts(request.couple_key, request.user_id)
            ]
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("gestures", await self.repo.restore_rows(tx, guild_id, rows["gestures"]))]
