"""Restoring a backup (``python -m bot restore FILE``) and checking one opens (the doctor)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from bot.backup.lock import DataLock, RestoreRefused
from bot.backup.making import DB_NAME, MANIFEST, PHOTO_NAME, STAMP, integrity

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class Restored:
    backup: Path
    created_at: str
    schema_version: int
    couples: int
    photos: int | None  # None: a database copy alone (taken before an upgrade); photos left as they are
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
        elif PHOTO_NAME.match(name) and ".." not in PurePosixPath(name).parts:
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
    if _is_database(backup):
        return _restore_copy(backup, database, latest_version=latest_version, now=now)
    with DataLock(database):
        try:
            archive = zipfile.ZipFile(backup)
        except (zipfile.BadZipFile, OSError) as error:
            raise RestoreRefused(f"{backup} isn't a Closer backup ({error}).") from None
        stamp = now.astimezone(UTC).strftime(STAMP)
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
                try:
                    version, couples = _checked_database(archive, db_info, restored_db, latest_version)
                except RestoreRefused as error:
                    raise RestoreRefused(f"{error}; nothing was changed.") from None
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


def _checked_database(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, latest_version: int
) -> tuple[int, int]:
    """Extract a backup's database to ``target`` and check it: (schema version, couples)."""
    _extract(archive, info, target)
    return _checked_file(target, latest_version)


def _checked_file(target: Path, latest_version: int) -> tuple[int, int]:
    problems = integrity(target)
    if problems != "ok":
        raise RestoreRefused(f"The database in that backup is damaged ({problems})")
    conn = sqlite3.connect(target)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        couples = _count(conn, "SELECT COUNT(*) FROM couples WHERE guild_id > 0")
    finally:
        conn.close()
    if version > latest_version:
        raise RestoreRefused(
            f"That backup is from a newer Closer (schema {version}, this one knows {latest_version}). "
            "Update Closer first"
        )
    return version, couples


@dataclass(frozen=True, slots=True)
class Checked:
    """A backup that opens and whose database passes its integrity check."""

    path: Path
    schema_version: int
    couples: int
    photos: int


def check_backup(backup: Path, *, latest_version: int) -> Checked:
    """Open a backup as a restore would (in a temporary folder, changing nothing); RestoreRefused
    says why it would not restore."""
    try:
        archive = zipfile.ZipFile(backup)
    except (zipfile.BadZipFile, OSError) as error:
        raise RestoreRefused(f"it doesn't open as a zip ({error})") from None
    # Beside the backup (a database can be larger than /tmp), or in /tmp when that folder is read-only.
    folder = backup.parent if os.access(backup.parent, os.W_OK) else None
    with archive, tempfile.TemporaryDirectory(prefix=".closer-check-", dir=folder) as work:
        try:
            db_info, photos = _members(archive)
            version, couples = _checked_database(archive, db_info, Path(work) / DB_NAME, latest_version)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
            raise RestoreRefused(f"it can't be read ({error})") from None
    return Checked(backup, version, couples, len(photos))


def _is_database(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(16) == b"SQLite format 3\x00"


def _restore_copy(backup: Path, database: Path, *, latest_version: int, now: datetime) -> Restored:
    """Put a copy of the database alone in place (the one taken before an upgrade): the photos
    stay as they are."""
    with DataLock(database):
        stamp = now.astimezone(UTC).strftime(STAMP)
        work = database.parent / f".restore-{stamp}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        try:
            restored = work / DB_NAME
            shutil.copyfile(backup, restored)
            try:
                version, couples = _checked_file(restored, latest_version)
            except RestoreRefused as error:
                raise RestoreRefused(f"{error}; nothing was changed.") from None
            previous = _set_aside(database, None, stamp)
            os.replace(restored, database)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    made = backup.name.rsplit("-v", 1)[-1].split("-", 1)[-1] if ".before-upgrade-v" in backup.name else ""
    return Restored(backup, made or "unknown", version, couples, None, previous)


def _count(conn: sqlite3.Connection, sql: str) -> int:
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0


def _set_aside(database: Path, photos: Path | None, stamp: str) -> tuple[Path, ...]:
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
    if photos is not None and photos.exists():
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
    couples = f"{done.couples} {'couple' if done.couples == 1 else 'couples'}"
    if done.photos is None:
        print(
            f"Restored the database copy of {done.created_at} ({done.backup.name}): {couples}, schema "
            f"version {done.schema_version}; the photos were left as they are."
        )
    else:
        print(
            f"Restored the backup of {done.created_at} ({done.backup.name}): {couples}, {done.photos} "
            f"photo files, schema version {done.schema_version}."
        )
    for path in done.previous:
        print(f"What was there before is kept as {path} (delete it once you're happy).")
    print("Start Closer again with: python -m bot")
    return 0
