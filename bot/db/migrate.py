"""Numbered SQL migrations (``migrations/V{n}__name.sql``), version in ``PRAGMA user_version``."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources

from bot.db.connection import Database

log = logging.getLogger(__name__)

_NAME = re.compile(r"^V(\d+)__([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


class DatabaseTooNew(RuntimeError):
    pass


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
