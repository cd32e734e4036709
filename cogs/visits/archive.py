"""The visits' part of the export (``visits``): every countdown set, the current one uncleared.
Its posts are planned again by the service on ``Hook.SPACE_RESTORED``."""

from __future__ import annotations

from collections.abc import Mapping

from bot.archive import (
    ArchivePart,
    Clock,
    Counts,
    Day,
    Exported,
    ExportRefused,
    ExportRequest,
    Importing,
    Instant,
    Model,
    Rows,
    Section,
    Snowflake,
    ZoneName,
    entries,
)
from bot.archive.values import day, instant, sid, unix, zone
from bot.db.connection import Tx
from bot.db.repositories.visits import VisitRepository


class VisitDoc(Model):
    date: Day
    time: Clock | None
    zone: ZoneName
    starts_at: Instant
    set_by: Snowflake
    set_at: Instant
    cleared_at: Instant | None


def plan(visits: list[VisitDoc], importing: Importing) -> Rows:
    if sum(1 for v in visits if v.cleared_at is None) > 1:
        raise ExportRefused("That export has two current visits.")
    return {
        "visits": tuple(
            {
                "visit_date": day(v.date),
                "visit_time": v.time,
                "zone": zone(v.zone),
                "starts_at": unix(v.starts_at),
                "set_by": importing.uid(v.set_by),
                "set_at": unix(v.set_at),
                "cleared_at": unix(v.cleared_at),
            }
            for v in visits
        )
    }


SECTION = Section(
    key="visits",
    position=90,
    schema=entries(VisitDoc),
    plan=plan,
)


class VisitsArchive(ArchivePart[VisitRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        return Exported(
            [
                {
                    "date": v["visit_date"],
                    "time": v["visit_time"],
                    "zone": v["zone"],
                    "starts_at": instant(v["starts_at"]),
                    "set_by": sid(v["set_by"]),
                    "set_at": instant(v["set_at"]),
                    "cleared_at": instant(v["cleared_at"]),
                }
                for v in await self.repo.export_rows(request.couple_key)
            ]
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("visits", await self.repo.restore_rows(tx, guild_id, rows["visits"]))]
