"""A couple's whole space out of the database and back in: the core rows (the couple, its
partners, its choices of time) and every registered part's, composed.

:meth:`SpaceArchive.gather` reads what one partner may see (each part by its own rules) as the
document's JSON data; :meth:`SpaceArchive.restore` writes a planned space into a server in one
transaction. Neither arms a schedule: the import then emits ``Hook.SPACE_RESTORED`` and every
feature re-arms its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.archive.couple import SCHEDULES, couple_doc, schedule_docs, schedule_rows
from bot.archive.document import ArchiveFormat, ImportPlan
from bot.archive.parts import ArchivePart, Counts, ExportRequest, FileSource
from bot.archive.values import FORMAT, VERSION, instant_of, sid
from bot.db.connection import Database
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.schedules import ScheduleRepository


@dataclass(frozen=True)
class Gathered:
    """A space as the export document's JSON data (not validated yet), and the files it names."""

    data: dict[str, Any]
    files: tuple[FileSource, ...]


class SpaceArchive:
    """The export's reads and the import's writes of a whole space, over the given parts."""

    def __init__(
        self,
        db: Database,
        couples: CoupleRepository,
        schedules: ScheduleRepository,
        parts: Callable[[], Sequence[ArchivePart[Any]]],
    ) -> None:
        self.db = db
        self.couples = couples
        self.schedules = schedules
        self._parts = parts

    def parts(self) -> list[ArchivePart[Any]]:
        return sorted(self._parts(), key=lambda p: (p.section.position, p.section.key))

    def format(self) -> ArchiveFormat:
        return ArchiveFormat.of(p.section for p in self._parts())

    async def gather(
        self, couple_key: int, user_id: int, *, server_id: int, now: datetime
    ) -> Gathered | None:
        """What ``user_id`` may see of the space stored under ``couple_key`` (a server id, or a
        kept space's key), or None when there is no such space."""
        core = await self.couples.export_rows(couple_key)
        if core is None:
            return None
        couple, partners = core
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": instant_of(now),
            "exported_by": sid(user_id),
            "couple": couple_doc(server_id, couple, partners),
        }
        request = ExportRequest(couple_key, user_id)
        files: list[FileSource] = []
        for part in self.parts():
            exported = await part.export(request)
            data[part.section.key] = exported.value
            files += exported.files
        choices = self.format().choices
        if choices:
            rows = await self.schedules.choices(couple_key, [c.kind for c in choices])
            data[SCHEDULES] = schedule_docs(rows)
        return Gathered(data, tuple(files))

    async def restore(
        self, guild_id: int, plan: ImportPlan, paths: Mapping[str, str], now: datetime
    ) -> list[tuple[str, int]]:
        """Write an imported space into ``guild_id`` in one transaction (the server must have no
        couple: :class:`~bot.db.repositories.couples.SpaceTaken`). ``paths`` maps each file the
        document names to its stored path. Returns what each part wrote, counted."""
        counts: list[tuple[str, int]] = []
        choices = self.format().choices
        async with self.db.transaction() as tx:
            await self.couples.restore_rows(tx, guild_id, plan.couple, plan.partners)
            for part in self.parts():
                rows = plan.parts.get(part.section.key)
                if rows is not None:
                    written: Counts = await part.restore(tx, guild_id, rows, paths)
                    counts += written
            await self.schedules.restore_choices(
                tx, schedule_rows(plan.schedules, choices, plan.partners, guild_id, now)
            )
        return counts
