"""The database layer: pragmas, migrations and transactions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import Database, migrate
from bot.db.migrate import DatabaseTooNew, load_migrations
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.questions import QuestionRepository
from bot.db.repositories.schedules import ScheduleRepository

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path):
    database = await Database.open(tmp_path / "nested" / "closer.sqlite3")
    yield database
    await database.close()


async def test_the_database_folder_is_created_and_pragmas_are_set(db: Database) -> None:
    """WAL, foreign keys, FULL sync and a busy timeout are set on the one connection."""
    assert db.path.parent.is_dir()
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA synchronous") == 2  # FULL
    assert await db.fetchval("PRAGMA busy_timeout") == 5000


async def test_migrations_apply_in_order_and_only_once(db: Database) -> None:
    """Every numbered migration is applied; running again changes nothing."""
    latest = load_migrations()[-1].version
    assert await migrate(db) == latest
    assert await db.fetchval("PRAGMA user_version") == latest
    assert await migrate(db) == latest
    tables = {r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"couples", "partners", "schedules", "deliveries", "rituals"} <= tables


async def test_a_database_from_a_newer_closer_is_refused(db: Database) -> None:
    """Starting an older Closer on a newer database stops with a clear message."""
    await db.raw.execute("PRAGMA user_version = 999")
    with pytest.raises(DatabaseTooNew, match="newer"):
        await migrate(db)


async def test_a_failing_transaction_leaves_nothing_behind(db: Database) -> None:
    """A multi-statement write is all or nothing."""
    await migrate(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO couples (guild_id, channel_id, status, inviter_id, invitee_id, created_at) "
                "VALUES (1, 2, 'pending', 3, 4, 0)"
            )
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT COUNT(*) FROM couples") == 0


async def test_pairing_is_stored_and_survives_reopening(tmp_path: Path) -> None:
    """An invitation accepted is a paired couple after the database is closed and opened again."""
    path = tmp_path / "closer.sqlite3"
    db = await Database.open(path)
    await migrate(db)
    couples = CoupleRepository(db)
    await couples.invite(
        guild_id=10,
        channel_id=11,
        inviter_id=1,
        inviter_name="Alex",
        invitee_id=2,
        zone="Europe/Berlin",
        now=NOW,
    )
    assert await couples.accept(10, 2, "Sam", NOW)
    assert not await couples.accept(10, 2, "Sam", NOW)  # twice is a no-op
    await db.close()

    db = await Database.open(path)
    couple = await CoupleRepository(db).get(10)
    await db.close()
    assert couple is not None
    assert couple.paired
    assert [p.display_name for p in couple.partners] == ["Alex", "Sam"]
    assert couple.zone_of(couple.partners[1], NOW).key == "Europe/Berlin"  # until Sam sets theirs


async def test_what_start_up_looks_for_is_found_through_an_index(db: Database) -> None:
    """Start-up looks for interrupted claims and unposted reveals: rare rows among millions after
    a few years with thousands of couples, so neither query may read a whole table."""
    await migrate(db)
    statements: list[str] = []
    await db.raw.set_trace_callback(statements.append)
    await ScheduleRepository(db).stale_claims()
    await QuestionRepository(db).unposted_reveals()
    await db.raw.set_trace_callback(None)
    assert len(statements) == 2
    for sql in statements:
        plan = [row[3] for row in await db.fetchall(f"EXPLAIN QUERY PLAN {sql}")]
        # A partial index holds only the rows looked for: walking it is not reading the table.
        assert not any(step.startswith("SCAN") and "USING" not in step for step in plan), (sql, plan)
