"""The DM budget and what travels together, on the engine alone (a fake messenger, a set clock)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord
import pytest

from bot.scheduler import Attachment, Kind, Occurrence, Scheduler, Sent
from bot.scheduler.outbox import next_allowed
from bot.timeutil import QuietHours
from tests.scheduler.fakes import ALICE, GUILD, World

BERLIN = ZoneInfo("Europe/Berlin")
NIGHT = QuietHours(time(23, 0), time(8, 0))


def at(hour: int, minute: int = 0, day: int = 24) -> datetime:
    """An instant given in Berlin wall time (November: UTC+1)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("sent", "asked", "allowed"),
    [
        ([], at(20), at(20)),
        ([at(19, 55)], at(20), at(20, 5)),  # never two within ten minutes
        ([at(9), at(13), at(18)], at(20), at(8, day=25)),  # three today: tomorrow, after quiet hours
        ([], at(23, 30), at(8, day=25)),  # quiet hours: their end
        ([at(7, 55, day=25)], at(23, 30), at(8, 5, day=25)),  # both: the later of the two
    ],
    ids=["free", "gap", "three-a-day", "quiet", "quiet-then-gap"],
)
def test_a_dm_may_go_at_the_first_moment_every_rule_allows(
    sent: list[datetime], asked: datetime, allowed: datetime
) -> None:
    """The budget's rules in the partner's own day: gap, daily count, quiet hours."""
    assert next_allowed(sent, asked, BERLIN, NIGHT) == allowed


def ping(label: str):
    async def deliver(occurrence: Occurrence) -> Sent | None:
        return await occurrence.send_dm(ALICE, content=label)

    return deliver


async def ask_alice(world: World, engine: Scheduler, kind: str, at_time: time) -> int:
    schedule = await engine.recurring(
        kind, guild_id=GUILD, at=at_time, key=kind, owner_id=ALICE, personal=True, label=kind.title()
    )
    return schedule.id


def dms(world: World) -> list[str]:
    return [kwargs.get("content") or "" for route, target, kwargs in world.messenger.sent if target == ALICE]


async def test_a_fourth_dm_in_a_day_waits_for_the_next_morning(world: World) -> None:
    """Three DMs went out today; a fourth due at 21:00 arrives at 08:00 the next day, not late-noted."""
    world.clock.set(at(8))
    engine = world.engine()
    for n, hour in enumerate((9, 13, 18, 21)):
        engine.register(
            Kind(f"p{n}", ping(f"ping {n}"), deadline=lambda o: o.scheduled_at + timedelta(days=2))
        )
        await ask_alice(world, engine, f"p{n}", time(hour, 0))
    for hour in (9, 13, 18, 21):
        world.clock.set(at(hour))
        await engine.run_due()
    assert dms(world) == ["ping 0", "ping 1", "ping 2"]
    world.clock.set(at(8, day=25))
    await engine.run_due()
    assert dms(world)[3:] == ["ping 3"]  # no "Posted late" note: it was held on purpose


async def test_a_held_dm_that_would_mean_nothing_tomorrow_is_dropped_and_recorded(world: World) -> None:
    """With the default deadline (the end of its day), a fourth DM is not carried into tomorrow."""
    world.clock.set(at(8))
    engine = world.engine()
    for n, hour in enumerate((9, 13, 18, 21)):
        engine.register(Kind(f"p{n}", ping(f"ping {n}")))
        last = await ask_alice(world, engine, f"p{n}", time(hour, 0))
    for hour in (9, 13, 18, 21):
        world.clock.set(at(hour))
        await engine.run_due()
    world.clock.set(at(8, day=25))
    await engine.run_due()
    assert dms(world) == ["ping 0", "ping 1", "ping 2"]
    (delivery,) = await engine.repo.deliveries(last)
    assert delivery.status == "skipped"


async def test_what_is_due_within_the_hour_travels_in_the_same_dm(world: World) -> None:
    """An ask at 20:00 carries the 20:30 nudge: one DM, both recorded sent with its message."""
    world.clock.set(at(8))
    engine = world.engine()
    carried: list[Sent] = []

    async def nudge_attach(occurrence: Occurrence) -> Attachment | None:
        async def done(sent: Sent) -> None:
            carried.append(sent)

        return Attachment(embeds=[discord.Embed(title="Today's question")], done=done)

    engine.register(Kind("ask", ping("How are you doing?")))
    engine.register(Kind("nudge", ping("A gentle nudge"), attach=nudge_attach))
    await ask_alice(world, engine, "ask", time(20, 0))
    nudge = await ask_alice(world, engine, "nudge", time(20, 30))
    world.clock.set(at(20))
    await engine.run_due()
    world.clock.set(at(20, 30))
    await engine.run_due()
    ((_route, _target, kwargs),) = world.messenger.sent
    assert kwargs["content"] == "How are you doing?"
    assert [e.title for e in kwargs["embeds"]] == ["Today's question"]
    (delivery,) = await engine.repo.deliveries(nudge)
    assert delivery.status == "sent"
    assert delivery.message_id == carried[0].message_id


async def test_a_companion_with_nothing_to_add_goes_its_own_way(world: World) -> None:
    """When the nudge has nothing to add (None), it is not claimed, and is sent at its own time."""
    world.clock.set(at(8))
    engine = world.engine()

    async def nothing(occurrence: Occurrence) -> Attachment | None:
        return None

    engine.register(Kind("ask", ping("How are you doing?")))
    engine.register(Kind("nudge", ping("A gentle nudge"), attach=nothing))
    await ask_alice(world, engine, "ask", time(20, 0))
    await ask_alice(world, engine, "nudge", time(20, 30))
    world.clock.set(at(20))
    await engine.run_due()
    world.clock.set(at(20, 30))
    await engine.run_due()
    assert dms(world) == ["How are you doing?", "A gentle nudge"]


async def test_two_dms_due_the_same_minute_never_both_pass_the_budget(world: World) -> None:
    """Fired together (as APScheduler does), the second waits its ten minutes instead of racing."""
    import asyncio

    world.clock.set(at(8))
    engine = world.engine()
    engine.register(Kind("a", ping("first")))
    engine.register(Kind("b", ping("second")))
    first = await ask_alice(world, engine, "a", time(20, 0))
    second = await ask_alice(world, engine, "b", time(20, 0))
    world.clock.set(at(20))
    await asyncio.gather(engine.process(first), engine.process(second))
    assert len(dms(world)) == 1
    world.clock.set(at(20, 10))
    await engine.run_due()
    assert sorted(dms(world)) == ["first", "second"]
