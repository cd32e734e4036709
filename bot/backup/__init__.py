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

from bot.backup.lock import DataLock, RestoreRefused
from bot.backup.making import (
    DB_NAME,
    FORMAT,
    KEEP_DAILY,
    KEEP_WEEKLY,
    MANIFEST,
    PREFIX,
    VERSION,
    BackupFailed,
    Made,
    backup_name,
    backup_time,
    backups,
    create_backup,
    integrity,
    rotate,
    to_keep,
)
from bot.backup.restoring import Checked, Restored, check_backup, restore, restore_command

__all__ = [
    "DB_NAME",
    "FORMAT",
    "KEEP_DAILY",
    "KEEP_WEEKLY",
    "MANIFEST",
    "PREFIX",
    "VERSION",
    "BackupFailed",
    "Checked",
    "DataLock",
    "Made",
    "RestoreRefused",
    "Restored",
    "backup_name",
    "backup_time",
    "backups",
    "check_backup",
    "create_backup",
    "integrity",
    "restore",
    "restore_command",
    "rotate",
    "to_keep",
]
