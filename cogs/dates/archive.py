"""The special dates' part of the export (``dates``): anniversaries, birthdays and other yearly
dates. Their reminders are planned again by the service on ``Hook.SPACE_RESTORED``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from bot.archive import (
    ArchivePart,
    Counts,
    Exported,
    ExportRequest,
    Importing,
    Instant,
    Model,
    Rows,
    Section,
    Short,
    Snowflake,
    ZoneName,
    entries,
)
from bot.archive.values import instant, sid, unix, zone
from bot.db.connection import Tx
from bot.db.repositories.dates import DateRepository


class DateDoc(Model):
    kind: Literal["anniversary", "birthday", "other"]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    year: int | None = Field(ge=1, le=9999)
    label: Short
    zone: ZoneName
    created_by: Snowflake
    created_at: Instant


def plan(dates: list[DateDoc], importing: Importing) -> Rows:
    return {
        "special_dates": tuple(
            {
                "kind": x.kind,
                "month": x.month,
                "day": x.day,
                "year": x.year,
                "label": x.label,
                "zone": zone(x.zone),
                "created_by": importing.uid(x.created_by),
                "created_at": unix(x.created_at),
            }
            for x in dates
        )
    }


SECTION = Section(
    key="dates",
    position=100,
    schema=entries(DateDoc, 5_000),
    plan=plan,
)


class DatesArchive(ArchivePart[DateRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        return Exported(
            [
                {
                    "kind": d["kind"],
                    "month": d["month"],
                    "day": d["day"],
                    "year": d["year"],
                    "label": d["label"],
                    "zone": d["zone"],
                    "created_by": sid(d["created_by"]),
                    "created_at": instant(d["created_at"]),
                }
                for d in await self.repo.export_rows(request.couple_key)
            ]
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("dates", await self.repo.restore_rows(tx, guild_id, rows["special_dates"]))]
