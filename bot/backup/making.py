"""Making backups: a consistent copy of the live database and the photos in one zip, checked,
rotated (7 daily, 4 weekly); and the copy of the database taken before an upgrade migrates it."""

from __future__ import annotations

import contextlib
import json
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.db.files import copy_database, fsync, integrity

FORMAT = "closer-backup"
VERSION = 1
DB_NAME = "closer.sqlite3"
MANIFEST = "backup.json"
PREFIX = "closer-backup-"
KEEP_DAILY = 7
KEEP_WEEKLY = 4

_NAME = re.compile(r"^closer-backup-(\d{4}-\d{2}-\d{2}T\d{6}Z)\.zip$")
STAMP = "%Y-%m-%dT%H%M%SZ"
PHOTO_NAME = re.compile(
    r"^photos/(?:[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}/)*[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}$"
)


class BackupFailed(Exception):
    """A backup could not be made (the reason is the message)."""


@dataclass(frozen=True, slots=True)
class Made:
    path: Path
    size: int
    photos: int
    removed: tuple[Path, ...]  # older backups the rotation deleted


def backup_name(at: datetime) -> str:
    return f"{PREFIX}{at.astimezone(UTC).strftime(STAMP)}.zip"


def backup_time(path: Path) -> datetime | None:
    match = _NAME.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)


def _photo_files(photos: Path) -> list[tuple[Path, str]]:
    """(file, name in the zip) of every kept photo; unfinished writes (``.name.part``) are skipped."""
    if not photos.is_dir():
        return []
    found = []
    for path in sorted(photos.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            name = "photos/" + path.relative_to(photos).as_posix()
            if PHOTO_NAME.match(name):
                found.append((path, name))
    return found


def create_backup(database: Path, photos: Path, directory: Path, now: datetime) -> Made:
    """Back up the database and the photos into ``directory`` now, then rotate old backups."""
    directory.mkdir(parents=True, exist_ok=True)
    name = backup_name(now)
    target = directory / name
    partial = directory / f".{name}.part"
    copy = directory / f".{name}.sqlite3"
    try:
        version = copy_database(database, copy)
        problems = integrity(copy)
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
        fsync(partial)
        os.replace(partial, target)
        fsync(directory)
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
