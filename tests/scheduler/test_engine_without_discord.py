"""The scheduler engine on its own: a real schedule table, a fake messenger, a set clock.

No bot and no emulator: the engine takes a repository, a couple lookup, a clock and a messenger,
so exactly-once and catch-up are proven here on the engine alone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.clock import FakeClock
from bot.db import Database, migrate
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.scheduler import Kind, Occurrence, Scheduler, Sent

GUILD, CHANNEL, ALICE, BOB = 10, 20, 1, 2
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 13:00 in Berlin


@dataclass
class FakeMessenger:
    """Records what would reach Discord; can refuse the shared channel like a deleted one."""

    sent: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    channel_gone: bool = False
    nonces: set[str] = field(default_factory=set)

    def _message(self, channel_id: int) -> Any:
        return SimpleNamespace(id=1000 + len(self.sent), channel=SimpleNamespace(id=channel_id))

    async def to_channel(self, channel_id: int, guild_id: int, **kwargs: Any) -> Any:
        if self.channel_gone:
            raise discord.NotFound(
                SimpleNamespace(status=404, reason="Not Found"), {"code": 10003, "message": "x"}
            )
        return self._record("channel", channel_id, kwargs)

    async def to_user(self, user_id: int, **kwargs: Any) -> Any:
        return self._record("dm", user_id, kwargs)

    def _record(self, route: str, target: int, kwargs: dict[str, Any]) -> Any:
        nonce = kwargs.get("nonce")
        if nonce in self.nonces:  # Discord drops a repeated nonce: nothing new is posted
            return self._message(target)
        self.nonces.add(nonce)
        self.sent.append((route, target, kwargs))
        return self._message(target)


@dataclass
class World:
    db: Database
    clock: FakeClock
    messenger: FakeMessenger

    def engine(self) -> Scheduler:
        """A new engine on the same table, as after a restart of the process."""
        engine = Scheduler(
            ScheduleRepository(self.db),
            CoupleRepository(self.db),
            self.clock,
            self.messenger,
            autostart=False,
        )
        engine.register(Kind("hello", hello))
        return engine


async def hello(occurrence: Occurrence) -> Sent | None:
    return await occurrence.send_channel(content="Hello, you two")


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


async def daily_hello(engine: Scheduler) -> int:
    schedule = await engine.recurring(
        "hello", guild_id=GUILD, at=time(14, 0), zone="Europe/Berlin", label="Hello", owner_id=ALICE
    )
    return schedule.id


async def test_an_occurrence_is_sent_once_however_often_it_is_handled(world: World) -> None:
    """Handling the due occurrence again, in this engine or a restarted one, sends nothing more."""
    engine = world.engine()
    await daily_hello(engine)
    world.clock.set(START + timedelta(hours=1))  # 14:00 in Berlin
    await engine.run_due()
    await engine.run_due()
    await world.engine().run_due()
    assert [route for route, _, _ in world.messenger.sent] == ["channel"]


async def test_nothing_is_sent_before_its_time(world: World) -> None:
    """One second before 14:00 Berlin the table holds the occurrence, and nothing goes out."""
    engine = world.engine()
    await daily_hello(engine)
    world.clock.set(START + timedelta(hours=1, seconds=-1))
    assert await engine.run_due() == 0
    assert world.messenger.sent == []


async def test_after_days_offline_only_the_latest_is_sent_late_and_the_rest_recorded_missed(
    world: World,
) -> None:
    """Three days down: one late post with a note, two occurrences recorded as missed."""
    schedule_id = await daily_hello(world.engine())
    world.clock.set(START + timedelta(days=2, hours=1, minutes=30))  # Thursday 14:30 Berlin
    await world.engine().run_due()
    assert len(world.messenger.sent) == 1
    assert "Posted late" in world.messenger.sent[0][2]["content"]
    statuses = [d.status for d in await ScheduleRepository(world.db).deliveries(schedule_id)]
    assert sorted(statuses) == ["late", "missed", "missed"]


async def test_an_occurrence_past_its_deadline_is_missed_not_posted(world: World) -> None:
    """Back the next morning: yesterday's post is recorded missed, nothing floods the channel."""
    schedule_id = await daily_hello(world.engine())
    world.clock.set(START + timedelta(hours=19))  # 07:00 the next day in Berlin
    await world.engine().run_due()
    assert world.messenger.sent == []
    statuses = [d.status for d in await ScheduleRepository(world.db).deliveries(schedule_id)]
    assert statuses == ["missed"]


async def test_a_gone_channel_falls_back_to_both_partners_dms(world: World) -> None:
    """The shared channel refuses: both partners get it by DM, and the ledger says why."""
    schedule_id = await daily_hello(world.engine())
    world.messenger.channel_gone = True
    world.clock.set(START + timedelta(hours=1))
    await world.engine().run_due()
    assert sorted((route, target) for route, target, _ in world.messenger.sent) == [
        ("dm", ALICE),
        ("dm", BOB),
    ]
    (delivery,) = await ScheduleRepository(world.db).deliveries(schedule_id)
    assert delivery.status == "sent"
    assert "sent by DM" in (delivery.detail or "")
