"""Batched writes (``Database.batched``): the start-up planning's thousands of small writes share
transactions, without making another writer wait or a claim lose its durability."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.db import Database

HOLD = 30.0  # long enough that only what the test does ends a batch's transaction


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "closer.sqlite3")
    await database.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, who TEXT)")
    yield database
    await database.close()


def committed(db: Database) -> list[tuple[int, str]]:
    """What another connection sees: only committed rows."""
    with sqlite3.connect(db.path) as other:
        return sorted(other.execute("SELECT n, who FROM t").fetchall())


async def test_a_batch_shares_one_transaction_and_commits_at_its_end(db: Database) -> None:
    async with db.batched(hold=HOLD):
        for n in range(50):
            await db.execute("INSERT INTO t VALUES (?, 'batch')", (n,))
        assert committed(db) == []
        assert await db.fetchval("SELECT COUNT(*) FROM t") == 50  # its own connection sees them
    assert len(committed(db)) == 50


async def test_a_failed_write_in_a_batch_is_undone_alone(db: Database) -> None:
    async with db.batched(hold=HOLD):
        await db.execute("INSERT INTO t VALUES (1, 'kept')")
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t VALUES (2, 'undone')")
                await tx.execute("INSERT INTO t VALUES (1, 'clash')")
        await db.execute("INSERT INTO t VALUES (3, 'kept')")
    assert committed(db) == [(1, "kept"), (3, "kept")]


async def test_another_writer_does_not_wait_for_the_batch(db: Database) -> None:
    """A write from another task while the batch is between two writes: the batch commits at
    once and lets it in, instead of after ``hold``."""
    release = asyncio.Event()

    async def planning() -> None:
        async with db.batched(hold=HOLD):
            await db.execute("INSERT INTO t VALUES (1, 'batch')")
            await release.wait()
            await db.execute("INSERT INTO t VALUES (3, 'batch')")

    task = asyncio.create_task(planning())
    await asyncio.sleep(0.05)
    await asyncio.wait_for(db.execute("INSERT INTO t VALUES (2, 'other')"), 2)
    assert committed(db) == [(1, "batch"), (2, "other")]
    release.set()
    await task
    assert committed(db) == [(1, "batch"), (2, "other"), (3, "batch")]


async def test_a_task_started_in_a_batch_commits_its_own_writes(db: Database) -> None:
    """A job armed during the start-up planning inherits its context; its claim must be durable
    before it sends, so it does not join the batch."""
    async with db.batched(hold=HOLD):
        await db.execute("INSERT INTO t VALUES (1, 'batch')")
        claim = asyncio.create_task(db.execute("INSERT INTO t VALUES (2, 'claim')"))
        await asyncio.wait_for(claim, 2)
        assert (2, "claim") in committed(db)
