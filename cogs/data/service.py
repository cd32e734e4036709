"""Deleting data and keeping it: ``/data delete`` (mine, the space, entries kept for me), the 30
days a space is kept after Closer was removed from its server (a re-invite brings it back), the
daily purge of what was kept that long, and the daily backup. No Discord interaction here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from pathlib import Path

from bot.backup import BackupFailed, create_backup
from bot.clock import Clock
from bot.db.models import Couple
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.data import DataRepository, Removal
from bot.db.repositories.ledger import LedgerRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.photos import PhotoStore, format_size
from bot.registry import Hook, Registry
from bot.scheduler import DeliveryFailed, Kind, Occurrence, Scheduler, Sent
from bot.settings import Settings
from cogs.data.embeds import amount, listing

log = logging.getLogger(__name__)

KIND_PURGE = "data_purge"
KIND_BACKUP = "data_backup"
BACKUP_AT = time(3, 0)  # UTC, every day
PURGE_AT = time(4, 0)  # UTC, every day
RETENTION = timedelta(days=30)  # what is kept after Closer was removed, or a partner unpaired
# One-off schedules (reminders, notes) and their ledger rows are kept this long after they ran.
FINISHED_KEPT = timedelta(days=90)
# The delivery ledger keeps everything of the last two weeks; older rows go, but what is still
# read (bot/db/repositories/ledger.py: each schedule's newest row, a server's newest few, the asks
# since a partner's last check-in).
LEDGER_KEPT = timedelta(days=14)


def sweep(folder: Path, keep: set[str], root: Path) -> int:
    """Delete the files under a server's photo folder that no memory refers to; returns how many."""
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file() and path.relative_to(root).as_posix() not in keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        elif path.is_dir():
            with contextlib.suppress(OSError):
                path.rmdir()
    with contextlib.suppress(OSError):
        folder.rmdir()
    return removed


class DataService:
    """Deletion, retention, the purge and the backup (no interaction handling)."""

    def __init__(
        self,
        repo: DataRepository,
        couples: CoupleRepository,
        schedules: ScheduleRepository,
        scheduler: Scheduler,
        photos: PhotoStore,
        registry: Registry,
        clock: Clock,
        settings: Settings,
    ) -> None:
        self.repo = repo
        self.couples = couples
        self.schedules = schedules
        self.scheduler = scheduler
        self.photos = photos
        self.registry = registry
        self.clock = clock
        self.settings = settings
        self.ledger = LedgerRepository(repo.db)

    def kinds(self) -> list[Kind]:
        return [Kind(KIND_PURGE, self.deliver_purge), Kind(KIND_BACKUP, self.deliver_backup)]

    async def ensure_daily_jobs(self) -> None:
        """Host-wide daily jobs, created once (one lookup each at start)."""
        for kind, at, label in (
            (KIND_BACKUP, BACKUP_AT, "Daily backup"),
            (KIND_PURGE, PURGE_AT, "Purge of data kept 30 days"),
        ):
            if await self.schedules.find(kind, None) is None:
                await self.scheduler.recurring(kind, guild_id=None, at=at, zone="UTC", label=label)

    # -- /data delete ----------------------------------------------------------------------------

    async def delete_kept(self, guild_id: int, user_id: int) -> Removal:
        """The entries kept for ``user_id`` here, now."""
        removal = await self.repo.delete_kept(guild_id, user_id)
        await self.photos.delete(removal.photo_paths)
        return removal

    async def delete_mine(self, couple: Couple, user_id: int) -> tuple[Removal, datetime]:
        """A partner's own entries, and unpair: the rest is kept for the other partner until the
        returned moment."""
        now = self.clock.now()
        removal = await self.repo.delete_mine(couple.guild_id, user_id, now)
        await self._cancel(removal.schedule_ids)
        await self.photos.delete(removal.photo_paths)
        return removal, now + RETENTION

    async def delete_space(self, guild_id: int, user_id: int) -> Removal:
        """Everything of a server's space (and entries kept here for ``user_id``)."""
        removal = await self.repo.delete_space(guild_id, user_id)
        await self._cancel(removal.schedule_ids)
        await self.photos.delete(removal.photo_paths)
        await self._sweep(guild_id)
        return removal

    async def _cancel(self, schedule_ids: Iterable[int]) -> None:
        for schedule_id in schedule_ids:
            await self.scheduler.cancel(schedule_id)

    async def _sweep(self, guild_id: int) -> None:
        """Remove what is left in a server's photo folder that no memory (kept ones included) uses."""
        keep = await self.repo.referenced_paths(f"{int(guild_id)}/")
        root = self.photos.root
        await asyncio.to_thread(sweep, root / str(int(guild_id)), keep, root)

    # -- Closer removed from a server, and invited back --------------------------------------------

    async def removed_from(self, guild_id: int) -> None:
        """Keep the space's data 30 days (the purge deletes it then; a re-invite restores it)."""
        if await self.couples.get(guild_id) is not None:
            await self.couples.mark_removed(guild_id, self.clock.now())
            log.info("Closer was removed from %s; its data is kept for 30 days", guild_id)

    async def welcome_back(self, guild_id: int) -> Couple | None:
        """Closer is back in a server it was removed from: its space runs again. The couple, when
        it is paired (to be told), or None."""
        if guild_id not in await self.repo.removed_guilds():
            return None
        await self.couples.mark_removed(guild_id, None)
        couple = await self.couples.get(guild_id)
        if couple is None:
            return None
        log.info("Closer is back in %s; its space is restored", guild_id)
        await self.scheduler.refresh_guild(guild_id, personal_only=False)
        if not couple.paired:
            return None
        await self.registry.emit(Hook.ZONES_CHANGED, couple)
        return couple

    # -- host-wide daily jobs: the purge and the backup ---------------------------------------------

    async def deliver_purge(self, occurrence: Occurrence) -> Sent | None:
        now = self.clock.now()
        pruned = await self.scheduler.prune(now - FINISHED_KEPT)
        if pruned:
            occurrence.notes.append(f"forgot {pruned:,} finished one-off schedules")
        compacted = await self.ledger.compact(now - LEDGER_KEPT)
        if compacted:
            occurrence.notes.append(f"forgot {compacted:,} delivery records older than two weeks")
        removal = await self.purge(now)
        if not removal.guild_ids:
            occurrence.notes.append("nothing kept for 30 days")
            return None
        return Sent(detail=f"deleted {listing(removal.tally)} kept for 30 days")

    async def purge(self, now: datetime) -> Removal:
        """Delete what was kept for 30 days (servers Closer was removed from, kept entries)."""
        removal = await self.repo.purge_removed(now - RETENTION)
        await self._cancel(removal.schedule_ids)
        await self.photos.delete(removal.photo_paths)
        for key in removal.guild_ids:
            if key > 0:
                await self._sweep(key)
        if removal.guild_ids:
            log.info("Purged %d spaces kept for 30 days", len(removal.guild_ids))
        return removal

    async def deliver_backup(self, occurrence: Occurrence) -> Sent | None:
        settings = self.settings
        try:
            made = await asyncio.to_thread(
                create_backup,
                settings.database_path,
                settings.photos_dir,
                settings.backups_dir,
                self.clock.now(),
            )
        except (BackupFailed, OSError, sqlite3.Error) as error:
            log.error("The daily backup failed: %s", error)
            raise DeliveryFailed(f"backup failed: {error}") from error
        detail = f"{made.path.name} ({format_size(made.size)}, {amount(made.photos, 'photos')})"
        if made.removed:
            detail += f"; {len(made.removed)} older removed"
        log.info("Backup %s", detail)
        return Sent(detail=detail)
