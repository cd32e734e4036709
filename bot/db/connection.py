"""One long-lived SQLite connection (WAL) shared by the whole bot.

Reads go straight to the connection. Writes go through :meth:`Database.transaction`, which
serialises writers with a lock and wraps them in ``BEGIN IMMEDIATE`` ... ``COMMIT``, so a
multi-statement write is all or nothing and never interleaves with another coroutine's.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | Mapping[str, Any]
Row = Mapping[str, Any]  # a row as column name -> stored value (the export's reads, the import's writes)


def without(row: Row, *drop: str) -> dict[str, Any]:
    """A row's columns but ``drop`` (nested rows an import writes on their own)."""
    return {k: v for k, v in row.items() if k not in drop}


PRAGMAS = (
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    # FULL: a confirmed write survives a power cut, not just a killed process. Writes here
    # are small and rare, so the extra fsync costs little.
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 5000",
)


class Tx:
    """Statements inside one write transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> aiosqlite.Cursor:
        return await self._conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def insert(self, table: str, row: Row) -> int:
        """INSERT one row given as column -> value; returns its id. The table and the columns are
        named by a repository's code, never by a file's content."""
        columns = list(row)
        cursor = await self._conn.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
            dict(row),
        )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    async def insert_rows(self, table: str, rows: Iterable[Row], **common: Any) -> int:
        """:meth:`insert` each of ``rows`` with the ``common`` columns (``guild_id=...``); how many."""
        count = 0
        for row in rows:
            await self.insert(table, {**row, **common})
            count += 1
        return count


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            await conn.execute(pragma)
        return cls(conn, path)

    async def close(self) -> None:
        await self._conn.close()

    @property
    def raw(self) -> aiosqlite.Connection:
        """The connection itself, for the migrator and the backup job only."""
        return self._conn

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._conn.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._conn.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def fetchrows(self, sql: str, params: Params = ()) -> tuple[dict[str, Any], ...]:
        """Rows as plain mappings of column name to stored value (what an export reads)."""
        return tuple(dict(r) for r in await self.fetchall(sql, params))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn)
            except BaseException:
                await asyncio.shield(self._conn.execute("ROLLBACK"))
                raise
            else:
                await asyncio.shield(self._conn.execute("COMMIT"))

    async def execute(self, sql: str, params: Params = ()) -> int:
        """One write in its own transaction; returns the last row id."""
        async with self.transaction() as tx:
            cursor = await tx.execute(sql, params)
            return cursor.lastrowid or 0

    async def execute_count(self, sql: str, params: Params = ()) -> int:
        """One write in its own transaction; returns how many rows it changed."""
        async with self.transaction() as tx:
            cursor = await tx.execute(sql, params)
            return cursor.rowcount
