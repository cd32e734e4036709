"""Fixtures of the scheduler's own tests: ``world``, an engine's surroundings without Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.db import Database, migrate
from bot.db.repositories.couples import CoupleRepository
from tests.scheduler.fakes import ALICE, BOB, CHANNEL, GUILD, START, FakeMessenger, World


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    db = await Database.open(tmp_path / "closer.sqlite3")
    await migrate(db)
    couples = CoupleRepository(db)
    await couples.invite(
        guild_id=GUILD,
        channel_id=CHANNEL,
        inviter_id=ALICE,
        inviter_name="alice",
        invitee_id=BOB,
        zone="Europe/Berlin",
        now=START,
    )
    await couples.accept(GUILD, BOB, "bob", START)
    try:
        yield World(db, FakeClock(START), FakeMessenger())
    finally:
        await db.close()
