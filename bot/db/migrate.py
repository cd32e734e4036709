"""Numbered SQL migrations (``migrations/V{n}__name.sql``), version in ``PRAGMA user_version``."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from bot.clock import SystemClock
from bot.db.connection import Database
from bot.db.files import copy_before_upgrade

log = logging.getLogger(__name__)

_NAME = re.compile(r"^V(\d+)__([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


class DatabaseTooNew(RuntimeError):
    pass


class NotBackedUp(RuntimeError):
    """Migrations are pending but the database could not be copied first: nothing was changed."""


def load_migrations() -> list[Migration]:
    found: list[Migration] = []
    for entry in resources.files("bot.db.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"Migrations must be numbered 1..n without gaps, found {versions}")
    return found


async def migrate(db: Database) -> int:
    """Apply every migration newer than the database, each in its own transaction."""
    migrations = load_migrations()
    current = await db.fetchval("PRAGMA user_version")
    latest = migrations[-1].version if migrations else 0
    if current > latest:
        raise DatabaseTooNew(
            f"The database is at schema version {current}, newer than this Closer ({latest}). "
            "Update Closer before starting it on this database."
        )
    if current > 0 and current < latest and str(db.path) != ":memory:":
        await _copy_first(db, current, latest)
    conn = db.raw
    for migration in migrations:
        if migration.version <= current:
            continue
        log.info("Applying migration V%d %s", migration.version, migration.name)
        script = f"BEGIN IMMEDIATE;\n{migration.sql}\n;PRAGMA user_version = {migration.version};\nCOMMIT;"
        try:
            await conn.executescript(script)
        except Exception:
            if conn.in_transaction:
                await conn.execute("ROLLBACK")
            raise
        current = migration.version
    return int(current)


async def _copy_first(db: Database, current: int, latest: int) -> None:
    """Before an upgrade changes the database, copy it beside itself (SQLite's online backup)."""
    try:
        copy = await asyncio.to_thread(copy_before_upgrade, db.path, current, SystemClock().now())
    except (OSError, sqlite3.Error, ValueError) as error:
        raise NotBackedUp(
            f"Closer did not upgrade the database from schema version {current} to {latest}: it could "
            f"not copy it first ({error}). Nothing was changed. Free some space beside {db.path} and "
            "start Closer again."
        ) from error
    log.info(
        "Upgrading the database from schema version %d to %d; a copy of it as it was is kept as %s "
        "(python -m bot restore that file goes back)",
        current,
        latest,
        copy,
    )
