"""The doctor's checks on this machine: the database, the last backup, disk space.

They read only: the database is opened read-only (Closer may be running: SQLite lets readers in
beside its writer), a backup is opened in a temporary folder, and the lock Closer holds while it
runs is never taken.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from bot.backup import RestoreRefused, backups, check_backup
from bot.db.files import integrity
from bot.doctor.report import Finding, bad, good
from bot.photos import format_size

# The daily backup runs at 03:00 UTC: older than this, a day was missed.
BACKUP_FRESH = timedelta(hours=26)
# A write-ahead log this large means something keeps SQLite from folding it back into the database.
WAL_LARGE = 256 * 1024 * 1024
# Room to keep: a backup needs about the database's size again (photos too when they live there).
DISK_MIN = 500 * 1024 * 1024


def human(size: int) -> str:
    """A size as people read it (GB for disks, MB or KB for files)."""
    return f"{size / 1024**3:.1f} GB" if size >= 1024**3 else format_size(size)


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _age(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return "less than an hour"
    if hours < 48:
        return f"{hours:.0f} {'hour' if round(hours) == 1 else 'hours'}"
    return f"{hours / 24:.0f} days"


def pragmas(database: Path) -> tuple[int, int]:
    """(schema version, bytes free inside the file for reuse), read-only."""
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
        return version, free * int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def check_database(database: Path, latest: int) -> tuple[Finding, bool]:
    """The database's integrity, schema version, size and WAL; and whether couples can be read."""
    what = "Database"
    if not database.is_file():
        return (
            bad(
                what,
                f"there is no database at {database}",
                "Start Closer once (python -m bot): it creates it. If Closer has run before, "
                "DATABASE_PATH in .env must name the same file.",
            ),
            False,
        )
    try:
        problems = integrity(database, read_only=True)
        version, free = pragmas(database)
    except sqlite3.Error as error:
        return bad(what, f"{database} can't be opened ({error})", _RESTORE), False
    if problems != "ok":
        return bad(what, f"{database} fails its integrity check ({problems})", _RESTORE), False
    size, wal = _size(database), _size(database.with_name(database.name + "-wal"))
    sizes = f"{human(size)}, write-ahead log {human(wal)}"
    if free > size // 10 and free > 1024 * 1024:
        sizes += f"; {human(free)} of it free for reuse (README, Your data)"
    if version > latest:
        return (
            bad(
                what,
                f"its schema is version {version}, newer than this Closer's ({latest})",
                "Update Closer (git pull, then pip install -e .) before starting it on this database.",
            ),
            False,
        )
    if version < latest:
        return (
            bad(
                what,
                f"its schema is version {version}; this Closer brings {latest}",
                "Restart Closer to upgrade it (it backs the database up first, then migrates).",
            ),
            False,
        )
    if wal > WAL_LARGE:
        return (
            bad(
                what,
                f"passes its integrity check, but its write-ahead log is {human(wal)}",
                "Restart Closer: the log is folded back into the database when nothing holds it open.",
            ),
            True,
        )
    return good(
        what, f"{database} passes its integrity check; schema version {version} (current); {sizes}"
    ), True


_RESTORE = (
    "Stop Closer and restore the last good backup: python -m bot restore data/backups/<file>.zip "
    "(see README, Your data)."
)


def check_backup_folder(folder: Path, now: datetime, latest: int) -> Finding:
    """The newest backup: how old it is, and that it opens and its database is sound."""
    what = "Backup"
    found = backups(folder)
    if not found:
        return bad(
            what,
            f"there is no backup in {folder}",
            "Closer makes one every day at 03:00 UTC while it runs. If it ran past 03:00 UTC, its log "
            "says why (journalctl -u closer); BACKUP_DIR in .env says where they go.",
        )
    made, path = found[-1]
    try:
        checked = check_backup(path, latest_version=latest)
    except RestoreRefused as error:
        return bad(
            what,
            f"the newest one, {path.name}, is damaged: {error}",
            "Copy a good backup back from where you keep copies; the next daily backup (03:00 UTC) "
            "replaces it. Check the disk if it happens again.",
        )
    age = now - made
    if age > BACKUP_FRESH:
        return bad(
            what,
            f"the newest one, {path.name}, is {_age(age)} old",
            "Closer makes one every day at 03:00 UTC while it runs: is it running? Its log says why a "
            "backup failed (journalctl -u closer).",
        )
    photos = f"{checked.photos} photo files" if checked.photos != 1 else "1 photo file"
    return good(what, f"{path.name}, made {_age(age)} ago; it opens and its database is sound ({photos})")


def check_disk(database: Path, folders: list[Path]) -> Finding:
    """Free space where the data and the backups live."""
    need = max(DISK_MIN, 2 * (_size(database) + _size(database.with_name(database.name + "-wal"))))
    seen: dict[int, Path] = {}
    for folder in folders:
        place = _existing(folder)
        seen.setdefault(place.stat().st_dev, place)
    short = []
    frees = []
    for place in seen.values():
        free = shutil.disk_usage(place).free
        frees.append(f"{human(free)} free in {place}")
        if free < need:
            short.append(f"{human(free)} free in {place}")
    if short:
        return bad(
            "Disk",
            f"only {', '.join(short)}; Closer wants at least {human(need)} for the database to grow and "
            "a backup to be written",
            "Free some space there (old backups you copied elsewhere, other files), or move the data to a larger disk.",
        )
    return good("Disk", "; ".join(frees))


def _existing(folder: Path) -> Path:
    """The folder, or its nearest parent that exists (backups may not have been made yet)."""
    folder = folder.resolve()
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder
