"""Start-up reads that must stay cheap with thousands of couples: their query plans use the
indexes (a plan that scans grows with every couple and every day, as the open-days lookup did)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.db import Database, migrate
from bot.db.repositories.questions import UNCLOSED_DAYS


async def plan(tmp_path: Path, sql: str, params: dict[str, object]) -> list[str]:
    db = await Database.open(tmp_path / "plan.sqlite3")
    try:
        await migrate(db)
    finally:
        await db.close()
    with sqlite3.connect(tmp_path / "plan.sqlite3") as conn:
        return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


async def test_the_open_days_lookup_finds_each_closing_by_its_identity(tmp_path: Path) -> None:
    """Each open day looks its closing up by (kind, server, key), not among every closing."""
    steps = await plan(tmp_path, UNCLOSED_DAYS, {"guild": None, "kind": "question_close"})
    assert "SEARCH s USING INDEX schedules_identity (kind=? AND <expr>=? AND key=?)" in steps, steps
