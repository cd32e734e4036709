"""The scheduler engine on its own: a real schedule table, a fake messenger, a set clock.

No bot and no emulator: the engine takes a repository, a couple lookup, a clock and a messenger,
so exactly-once and catch-up are proven here on the engine alone.
"""

from __future__ import annotations

from datetime import time, timedelta

from bot.db.repositories.schedules import ScheduleRepository
from bot.scheduler import Scheduler
from tests.scheduler.fakes import ALICE, BOB, GUILD, START, World


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
