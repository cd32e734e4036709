"""Backups of the database and the photos, their rotation, and ``python -m bot restore FILE``.

A backup is one zip in the backups directory (``data/backups/`` unless BACKUP_DIR says
otherwise), ``closer-backup-2026-11-24T030000Z.zip``, holding:

- ``closer.sqlite3``: a consistent copy of the database made with SQLite's online backup API
  while Closer keeps running (checked with ``PRAGMA integrity_check`` before it is kept),
- ``photos/...``: every photo file of the memory books,
- ``backup.json``: when it was made, the schema version, what it holds.

The functions here are blocking (file I/O): the bot runs them with ``asyncio.to_thread``.
Rotation keeps the newest backup of each of the last 7 days that have one and of each of the
last 4 weeks (a backup may count for both). A restore refuses while Closer runs (it holds a
lock file next to the database), checks the backup first, and keeps the current database and
photos beside the restored ones instead of deleting them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sqlite3
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from bot.settings import Settings

FORMAT = "closer-backup"
VERSION = 1
DB_NAME = "closer.sqlite3"
MANIFEST = "backup.json"
PREFIX = "closer-backup-"
KEEP_DAILY = 7
KEEP_WEEKLY = 4

_NAME = re.compile(r"^closer-backup-(\d{4}-\d{2}-\d{2}T\d{6}Z)\.zip$")
_STAMP = "%Y-%m-%dT%H%M%SZ"
_PHOTO = re.compile(r"^photos/(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}/)*[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$")


class BackupFailed(Exception):
    """A backup could not be made (the reason is the message)."""


class RestoreRefused(Exception):
    """A restore that must not happen (the reason, for the host, is the message)."""


# -------------------------------------------------------------------------------------------------
# The lock a running Closer holds
# -------------------------------------------------------------------------------------------------


class DataLock:
    """An exclusive lock on ``<database>.lock``, held by a running Closer for its whole life.

    The operating system releases it when the process ends, even after kill -9, so it never goes
    stale. ``python -m bot restore`` takes it too: it refuses while Closer runs, and Closer
    cannot start while a restore is writing.
    """

    def __init__(self, database: Path, *, shared: bool = False) -> None:
        self.path = database.with_name(database.name + ".lock")
        self.shared = shared  # several Closer processes that split the shards hold it together
        self._handle: IO[str] | None = None

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it (exclusively, if this one is shared)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            _lock(handle, self.shared)
        except OSError:
            handle.close()
            return False
        if not self.shared:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            with contextlib.suppress(OSError):
                _unlock(handle)
            handle.close()

    def __enter__(self) -> DataLock:
        if not self.acquire():
            raise RestoreRefused(
                f"Closer is running on {self.path.with_suffix('')} (it holds {self.path.name}). "
                "Stop it first, then restore."
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[str], shared: bool) -> None:  # Windows has no shared lock: one process
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[str], shared: bool) -> None:
        fcntl.flock(handle.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# -------------------------------------------------------------------------------------------------
# Making a backup
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Made:
    path: Path
    size: int
    photos: int
    removed: tuple[Path, ...]  # older backups the rotation deleted


def backup_name(at: datetime) -> str:
    return f"{PREFIX}{at.astimezone(UTC).strftime(_STAMP)}.zip"


def backup_time(path: Path) -> datetime | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)


def _integrity(path: Path) -> str:
    """``"ok"``, or what ``PRAGMA integrity_check`` (or opening the file) found wrong."""
    try:
        conn = sqlite3.connect(path)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    return "; ".join(str(r[0]) for r in rows)[:500]


def _copy_database(database: Path, target: Path) -> int:
    """A consistent copy of a live database (SQLite's online backup API); its schema version."""
    source = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            version = int(copy.execute("PRAGMA user_version").fetchone()[0])
        finally:
            copy.close()
    finally:
        source.close()
    return version


def _photo_files(photos: Path) -> list[tuple[Path, str]]:
    """(file, name in the zip) of every kept photo; unfinished writes (``.name.part``) are skipped."""
    if not photos.is_dir():
        return []
    found = []
    for path in sorted(photos.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            name = "photos/" + path.relative_to(photos).as_posix()
            if _PHOTO.match(name):
                found.append((path, name))
    return found


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def create_backup(database: Path, photos: Path, directory: Path, now: datetime) -> Made:
    """Back up the database and the photos into ``directory`` now, then rotate old backups."""
    directory.mkdir(parents=True, exist_ok=True)
    name = backup_name(now)
    target = directory / name
    partial = directory / f".{name}.part"
    copy = directory / f".{name}.sqlite3"
    try:
        version = _copy_database(database, copy)
        problems = _integrity(copy)
        if problems != "ok":
            raise BackupFailed(f"the copy of the database failed its integrity check: {problems}")
        files = _photo_files(photos)
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "schema_version": version,
            "database": DB_NAME,
            "photos": len(files),
        }
        with zipfile.ZipFile(partial, "w", allowZip64=True) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2), compress_type=zipfile.ZIP_DEFLATED)
            archive.write(copy, DB_NAME, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
            for path, arcname in files:
                with contextlib.suppress(FileNotFoundError):  # deleted while we were copying
                    archive.write(path, arcname, compress_type=zipfile.ZIP_STORED)
        _fsync(partial)
        os.replace(partial, target)
        _fsync(directory)
    finally:
        for leftover in (partial, copy, copy.with_name(copy.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    removed = rotate(directory)
    return Made(target, target.stat().st_size, len(files), tuple(removed))


# -------------------------------------------------------------------------------------------------
# Rotation
# -------------------------------------------------------------------------------------------------


def to_keep(times: Iterable[datetime], daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY) -> set[datetime]:
    """The backups to keep: the newest of each of the last ``daily`` days that have one, and the
    newest of each of the last ``weekly`` ISO weeks that have one (one backup may count for both)."""
    newest_first = sorted(set(times), reverse=True)
    keep: set[datetime] = set()
    for count, bucket in ((daily, lambda t: t.date()), (weekly, lambda t: t.isocalendar()[:2])):
        seen: list[object] = []
        for at in newest_first:
            key = bucket(at.astimezone(UTC))
            if key in seen:
                continue
            if len(seen) == count:
                break
            seen.append(key)
            keep.add(at)
    return keep


def backups(directory: Path) -> list[tuple[datetime, Path]]:
    """The backups in ``directory``, oldest first."""
    if not directory.is_dir():
        return []
    found = [(at, path) for path in directory.iterdir() if (at := backup_time(path)) is not None]
    return sorted(found)


def rotate(directory: Path, daily: int = KEEP_DAILY, weekly: int = KEEP_WEEKLY) -> list[Path]:
    """Delete the backups :func:`to_keep` does not keep; returns what was deleted."""
    found = backups(directory)
    keep = to_keep((at for at, _ in found), daily, weekly)
    removed = []
    for at, path in found:
        if at not in keep:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            removed.append(path)
    return removed


# -------------------------------------------------------------------------------------------------
# Restoring one
# -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restored:
    backup: Path
    created_at: str
    schema_version: int
    couples: int
    photos: int
    previous: tuple[Path, ...]  # the database and photos that were in place, kept aside


def _members(archive: zipfile.ZipFile) -> tuple[zipfile.ZipInfo, list[zipfile.ZipInfo]]:
    """The database and the photos of a backup; refuses anything else (no path tricks)."""
    database = None
    photos = []
    for info in archive.infolist():
        name = info.filename
        if info.is_dir() or name == MANIFEST:
            continue
        if name == DB_NAME:
            database = info
        elif _PHOTO.match(name) and ".." not in PurePosixPath(name).parts:
            photos.append(info)
        else:
            raise RestoreRefused(f"{name!r} in that file isn't part of a Closer backup.")
    if database is None:
        raise RestoreRefused(f"That file has no {DB_NAME}: it isn't a Closer backup.")
    return database, photos


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(info) as source, target.open("wb") as sink:
        shutil.copyfileobj(source, sink, 1024 * 1024)


def restore(backup: Path, database: Path, photos: Path, *, latest_version: int, now: datetime) -> Restored:
    """Put a backup in place of the database and the photos (Closer must be stopped)."""
    if not backup.is_file():
        raise RestoreRefused(f"{backup} doesn't exist.")
    with DataLock(database):
        try:
            archive = zipfile.ZipFile(backup)
        except (zipfile.BadZipFile, OSError) as error:
            raise RestoreRefused(f"{backup} isn't a Closer backup ({error}).") from None
        stamp = now.astimezone(UTC).strftime(_STAMP)
        work = database.parent / f".restore-{stamp}"
        with archive:
            db_info, photo_infos = _members(archive)
            try:
                manifest = json.loads(archive.read(MANIFEST)) if MANIFEST in archive.namelist() else {}
            except ValueError:
                manifest = {}
            shutil.rmtree(work, ignore_errors=True)
            try:
                restored_db = work / DB_NAME
                _extract(archive, db_info, restored_db)
                problems = _integrity(restored_db)
                if problems != "ok":
                    raise RestoreRefused(
                        f"The database in that backup is damaged ({problems}); nothing was changed."
                    )
                conn = sqlite3.connect(restored_db)
                try:
                    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                    couples = _count(conn, "SELECT COUNT(*) FROM couples WHERE guild_id > 0")
                finally:
                    conn.close()
                if version > latest_version:
                    raise RestoreRefused(
                        f"That backup is from a newer Closer (schema {version}, this one knows {latest_version}). "
                        "Update Closer first; nothing was changed."
                    )
                restored_photos = work / "photos"
                restored_photos.mkdir()
                for info in photo_infos:
                    _extract(archive, info, work / info.filename)
                previous = _set_aside(database, photos, stamp)
                os.replace(restored_db, database)
                os.replace(restored_photos, photos)
            finally:
                shutil.rmtree(work, ignore_errors=True)
    return Restored(
        backup,
        str(manifest.get("created_at") or "unknown"),
        version,
        couples,
        len(photo_infos),
        previous,
    )


def _count(conn: sqlite3.Connection, sql: str) -> int:
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0


def _set_aside(database: Path, photos: Path, stamp: str) -> tuple[Path, ...]:
    """Move the current database (with its WAL files) and photos out of the way, renamed."""
    moved = []
    aside = database.with_name(f"{database.name}.before-restore-{stamp}")
    if database.exists():
        os.replace(database, aside)
        moved.append(aside)
    for suffix in ("-wal", "-shm", "-journal"):
        sidecar = database.with_name(database.name + suffix)
        if sidecar.exists():
            # Renamed with the database, so SQLite pairs them again if the old one is opened.
            os.replace(sidecar, aside.with_name(aside.name + suffix))
    if photos.exists():
        photos_aside = photos.with_name(f"{photos.name}.before-restore-{stamp}")
        os.replace(photos, photos_aside)
        moved.append(photos_aside)
    return tuple(moved)


def restore_command(settings: Settings, backup: Path, now: datetime | None = None) -> int:
    """``python -m bot restore FILE``: restore, and say plainly what happened (exit code)."""
    from bot.clock import SystemClock
    from bot.db.migrate import load_migrations

    latest = max((m.version for m in load_migrations()), default=0)
    try:
        done = restore(
            backup,
            settings.database_path,
            settings.photos_dir,
            latest_version=latest,
            now=now or SystemClock().now(),
        )
    except RestoreRefused as error:
        print(f"Not restored: {error}", file=sys.stderr)
        return 1
    print(
        f"Restored the backup of {done.created_at} ({done.backup.name}): {done.couples} "
        f"{'couple' if done.couples == 1 else 'couples'}, {done.photos} photo files, schema version "
        f"{done.schema_version}."
    )
    for path in done.previous:
        print(f"What was there before is kept as {path} (delete it once you're happy).")
    print("Start Closer again with: python -m bot")
    return 0
