"""One long-lived SQLite connection (WAL) shared by the whole bot.

Reads go straight to the connection. Writes go through :meth:`Database.transaction`, which
serialises writers with a lock and wraps them in ``BEGIN IMMEDIATE`` ... ``COMMIT``, so a
multi-statement write is all or nothing and never interleaves with another coroutine's.

Inside :meth:`Database.batched` (the start-up planning, which writes for thousands of servers)
each write is a ``SAVEPOINT`` of a longer transaction, committed every few milliseconds or as
soon as another writer waits: all or nothing still holds for each write, and thousands of
``COMMIT``s (each a disk sync) become a few.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
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


async def _fetchone(conn: aiosqlite.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    """The first row, in one trip to the database thread (a cursor costs three: execute, fetch,
    close; the start-up planning makes hundreds of thousands of reads)."""
    run = getattr(conn, "_execute", None)
    if run is None:  # another aiosqlite: its public, slower way
        async with conn.execute(sql, params) as cursor:
            return await cursor.fetchone()
    row: sqlite3.Row | None = await run(lambda: conn._conn.execute(sql, params).fetchone())
    return row


async def _fetchall(conn: aiosqlite.Connection, sql: str, params: Params) -> list[sqlite3.Row]:
    return list(await conn.execute_fetchall(sql, params))


class Tx:
    """Statements inside one write transaction."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> aiosqlite.Cursor:
        return await self._conn.execute(sql, params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return await _fetchone(self._conn, sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await _fetchall(self._conn, sql, params)

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


class _SavepointTx(Tx):
    """A write of a batch: a savepoint of its transaction, opened in the same trip to the database
    thread as the write's first statement and left open (the batch's COMMIT releases them all),
    so a one-statement write costs one trip (aiosqlite's ``_execute``: without it, no batches)."""

    def __init__(self, conn: aiosqlite.Connection, name: str) -> None:
        super().__init__(conn)
        self.name = name
        self.opened = False

    async def _run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        conn = self._conn
        first, self.opened = not self.opened, True

        def both() -> Any:
            if first:
                conn._conn.execute(f"SAVEPOINT {self.name}")
            return work(conn._conn)

        return await conn._execute(both)

    async def execute(self, sql: str, params: Params = ()) -> aiosqlite.Cursor:
        return aiosqlite.Cursor(self._conn, await self._run(lambda c: c.execute(sql, params)))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._run(lambda c: c.executemany(sql, rows))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = await self._run(lambda c: c.execute(sql, params).fetchone())
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._run(lambda c: c.execute(sql, params).fetchall()))

    async def undo(self) -> None:
        if self.opened:
            await self._conn.execute(f"ROLLBACK TO {self.name}")
            await self._conn.execute(f"RELEASE {self.name}")


class _Batch:
    """The open transaction writes of a :meth:`Database.batched` task share."""

    def __init__(self, db: Database, hold: float) -> None:
        self.db = db
        self.hold = hold
        # Only the task that opened the batch writes in it: a task that merely inherited its
        # context (a job it armed, a delivery) must commit its own writes (a claim before a send).
        self.task = asyncio.current_task()
        self.open_since: float | None = None  # the loop time its transaction began
        self.writing = False  # inside one write (a savepoint)
        self.writes = 0

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Tx]:
        conn = self.db._conn
        if self.open_since is None:
            await self.db._write_lock.acquire()
            await conn.execute("BEGIN IMMEDIATE")
            self.open_since = asyncio.get_running_loop().time()
        self.writing = True
        self.writes += 1
        tx = _SavepointTx(conn, f"write{self.writes}")
        try:
            yield tx
        except BaseException:
            await asyncio.shield(tx.undo())
            raise
        finally:
            self.writing = False
        if self.db._waiting or asyncio.get_running_loop().time() - self.open_since > self.hold:
            await self.commit()

    async def commit(self) -> None:
        """Commit and let other writers in (the next write opens a new transaction)."""
        if self.open_since is None or self.writing:
            return
        self.open_since = None
        try:
            await asyncio.shield(self.db._conn.execute("COMMIT"))
        finally:
            self.db._write_lock.release()


_BATCH: ContextVar[_Batch | None] = ContextVar("closer_write_batch", default=None)
_BATCHES = hasattr(aiosqlite.Connection, "_execute")  # else every write is its own transaction


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._waiting = 0  # writers waiting for the lock (a batch then commits at once)
        self._batches: set[_Batch] = set()

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
        return await _fetchone(self._conn, sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await _fetchall(self._conn, sql, params)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def fetchrows(self, sql: str, params: Params = ()) -> tuple[dict[str, Any], ...]:
        """Rows as plain mappings of column name to stored value (what an export reads)."""
        return tuple(dict(r) for r in await self.fetchall(sql, params))

    @asynccontextmanager
    async def batched(self, hold: float = 0.05) -> AsyncIterator[None]:
        """This task's writes (and its subtasks') share transactions of up to ``hold`` seconds,
        each write a savepoint; another writer waits at most for the write in progress."""
        batch = _Batch(self, hold)
        token = _BATCH.set(batch)
        self._batches.add(batch)
        try:
            yield
        finally:
            _BATCH.reset(token)
            self._batches.discard(batch)
            await batch.commit()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        batch = _BATCH.get()
        if batch is not None and batch.db is self and batch.task is asyncio.current_task() and _BATCHES:
            async with batch.write() as tx:
                yield tx
            return
        if self._write_lock.locked():
            self._waiting += 1
            try:
                for idle in [b for b in self._batches if not b.writing]:
                    await idle.commit()  # a batch between two writes gives the lock up now
                await self._write_lock.acquire()
            finally:
                self._waiting -= 1
        else:
            await self._write_lock.acquire()
        try:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self._conn)
            except BaseException:
                await asyncio.shield(self._conn.execute("ROLLBACK"))
                raise
            else:
                await asyncio.shield(self._conn.execute("COMMIT"))
        finally:
            self._write_lock.release()

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
