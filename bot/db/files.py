"""Whole-file operations on the SQLite database: a consistent copy while it is in use (SQLite's
online backup API), the integrity check, and the copy taken before an upgrade migrates it.

Blocking (file I/O): async callers run them with ``asyncio.to_thread``.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

# The copies taken before an upgrade, beside the database: the newest few are kept.
UPGRADE_KEEP = 3
_UPGRADE = re.compile(r"\.before-upgrade-v(\d+)-(\d{4}-\d{2}-\d{2}T\d{6}Z)$")
_STAMP = "%Y-%m-%dT%H%M%SZ"


def integrity(path: Path, *, read_only: bool = False) -> str:
    """``"ok"``, or what ``PRAGMA integrity_check`` (or opening the file) found wrong. ``read_only``:
    without ever writing (a database Closer may be using meanwhile)."""
    try:
        conn = (
            sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
            if read_only
            else sqlite3.connect(path)
        )
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    return "; ".join(str(r[0]) for r in rows)[:500]


def copy_database(database: Path, target: Path) -> int:
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


def fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def upgrade_copies(database: Path) -> list[Path]:
    """The copies taken before upgrades of ``database``, oldest first."""
    found = []
    for path in database.parent.glob(f"{database.name}.before-upgrade-v*"):
        match = _UPGRADE.search(path.name)
        if match and path.name == database.name + match.group(0):
            found.append((match.group(2), path))
    return [path for _, path in sorted(found)]


def copy_before_upgrade(database: Path, version: int, now: datetime) -> Path:
    """Copy ``database`` (at schema ``version``) beside it before migrations change it:
    ``closer.sqlite3.before-upgrade-v11-2026-11-24T030000Z``, checked, written whole or not at all.
    ``python -m bot restore`` that file takes Closer's data back to before the upgrade. Copies
    beyond the newest :data:`UPGRADE_KEEP` are deleted. Raises ``sqlite3.Error`` or ``OSError``
    (a full disk) or ``ValueError`` (a copy that fails its check)."""
    target = database.with_name(
        f"{database.name}.before-upgrade-v{version}-{now.astimezone(UTC).strftime(_STAMP)}"
    )
    partial = target.with_name(f".{target.name}.part")
    try:
        copy_database(database, partial)
        problems = integrity(partial)
        if problems != "ok":
            raise ValueError(f"the copy failed its integrity check: {problems}")
        fsync(partial)
        os.replace(partial, target)
        fsync(target.parent)
    finally:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    for stale in upgrade_copies(database)[:-UPGRADE_KEEP]:
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    return target
