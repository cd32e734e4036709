"""The start date's part of the export (``together``, added in format version 2): when the couple
got together (``/couple since``), who set it and when. A version-1 file reads as not set. The
milestones are planned again by the couple feature on ``Hook.SPACE_RESTORED`` (past ones are
never posted)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.archive import (
    ArchivePart,
    Counts,
    Day,
    Exported,
    ExportRequest,
    Importing,
    Instant,
    Model,
    Rows,
    Section,
    Snowflake,
)
from bot.archive.values import ExportRefused, day, instant, sid, unix
from bot.db.connection import Tx
from bot.db.repositories.together import TogetherRepository


class TogetherDoc(Model):
    since: Day | None  # the day the couple got together; null: not set
    set_by: Snowflake | None = None
    set_at: Instant | None = None


def plan(together: TogetherDoc, importing: Importing) -> Rows:
    if together.since is None:
        return {"together": ()}
    if together.set_by is None or together.set_at is None:
        raise ExportRefused("That export has a start date without who set it and when.")
    row = {
        "since": day(together.since),
        "set_by": importing.user(together.set_by),
        "set_at": unix(together.set_at),
    }
    return {"together": (row,)}


SECTION = Section(
    key="together",
    position=95,
    schema=TogetherDoc,
    plan=plan,
    added_in=2,
    before={"since": None, "set_by": None, "set_at": None},
)


class TogetherArchive(ArchivePart[TogetherRepository]):
    section = SECTION

    async def export(self, request: ExportRequest) -> Exported:
        row = await self.repo.export_row(request.couple_key)
        if row is None:
            return Exported({"since": None, "set_by": None, "set_at": None})
        return Exported(
            {"since": row["since"], "set_by": sid(row["set_by"]), "set_at": instant(row["set_at"])}
        )

    async def restore(self, tx: Tx, guild_id: int, rows: Rows, paths: Mapping[str, str]) -> Counts:
        return [("together", await self.repo.restore_rows(tx, guild_id, rows["together"]))]
