"""The scheduler engine, end to end: exactly once across restarts, catch-up, faults, fallbacks.

Driven through a custom ritual (the simplest scheduled post) and the real bot on the emulator.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.client import CloserBot
from bot.clock import FakeClock
from bot.db.models import Delivery
from emulator import Fake
from tests.support import START, Closer, People, available_extensions, pair

T = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)  # 14:00 in Berlin, Alice's zone


async def add_custom(
    fake: Fake, people: People, at: str = "14:00", day: str = "daily", message: str = "Hug o'clock"
) -> int:
    reply = await fake.slash(people.alice, "ritual add", template="custom", time=at, day=day, message=message)
    assert "Added ritual #" in reply.text, reply.text
    return int(reply.text.split("#", 1)[1].split(":", 1)[0])


def posts(fake: Fake, people: People, text: str = "Hug o'clock") -> list:
    return [m for m in fake.messages(people.channel) if text in m.text]


async def ledger(closer: Closer, people: People) -> list[Delivery]:
    """The ledger of the custom rituals (other features' own posts left out)."""
    assert closer.bot is not None
    recent = await closer.bot.schedules.recent(people.guild.id, limit=200)
    return [d for d in reversed(recent) if d.kind == "ritual" and d.label.startswith("Your ritual")]


async def test_a_ritual_posts_at_its_time_exactly_once(couple: People, fake: Fake, closer: Closer) -> None:
    """Nothing before its time; one post at it; handling it again posts nothing more."""
    await add_custom(fake, couple)
    await closer.at(T - timedelta(seconds=1))
    assert posts(fake, couple) == []
    await closer.at(T)
    await closer.run_due()
    await closer.run_due()
    assert len(posts(fake, couple)) == 1
    assert [d.status for d in await ledger(closer, couple)] == ["sent"]


async def test_a_restart_around_an_occurrence_posts_it_once(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Restarting just before and just after an occurrence never posts it twice."""
    await add_custom(fake, couple)
    closer.clock.set(T - timedelta(seconds=5))
    await closer.restart()
    await closer.at(T)
    await closer.restart()
    await closer.run_due()
    await closer.at(T + timedelta(seconds=30))
    assert len(posts(fake, couple)) == 1


async def test_a_send_interrupted_by_a_crash_is_not_posted_twice(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A claim left by a crash mid-send is re-sent with the same nonce: Discord keeps one message."""
    schedule_id = await add_custom(fake, couple)
    await closer.at(T)
    assert len(posts(fake, couple)) == 1
    bot = closer.bot
    assert bot is not None
    schedule = next(s for s in await bot.schedules.for_guild(couple.guild.id) if s.kind == "ritual")
    # Simulate the crash: the message went out, but the ledger still says "claimed" and the
    # schedule still points at this occurrence.
    await bot.db.execute(
        "UPDATE deliveries SET status = 'claimed', message_id = NULL WHERE schedule_id = ?", (schedule.id,)
    )
    await bot.schedules.set_next(schedule.id, T, T)
    closer.clock.set(T + timedelta(seconds=40))
    await closer.restart()
    await closer.run_due()
    assert len(posts(fake, couple)) == 1
    assert schedule_id
    statuses = [d.status for d in await ledger(closer, couple)]
    assert statuses == ["sent"]


async def test_down_across_an_occurrence_delivers_it_late_once_with_a_note(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Offline at the time, back two hours later the same day: one late post that says so."""
    await add_custom(fake, couple)
    await closer.stop()
    closer.clock.set(T + timedelta(hours=2))
    await closer.start()
    await closer.run_due()
    await closer.run_due()
    late = posts(fake, couple)
    assert len(late) == 1
    assert "Posted late" in late[0].text
    assert [d.status for d in await ledger(closer, couple)] == ["late"]


async def test_down_for_three_days_delivers_one_and_records_the_rest_as_missed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Three days offline: at most one delivery, the earlier ones recorded as missed, and shown in status."""
    await add_custom(fake, couple)
    await closer.stop()
    closer.clock.set(T + timedelta(days=2, hours=3))  # Thursday 17:00 Berlin
    await closer.start()
    await closer.run_due()
    assert len(posts(fake, couple)) == 1
    assert [d.status for d in await ledger(closer, couple)] == ["missed", "missed", "late"]
    status = await fake.slash(couple.alice, "couple status")
    assert "missed" in status.text
    assert "late" in status.text


async def test_occurrences_past_their_grace_are_only_recorded(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Back the next day, after yesterday's occurrence's day ended and before today's: nothing posted."""
    await add_custom(fake, couple)
    await closer.stop()
    closer.clock.set(T + timedelta(hours=20))  # Wednesday 10:00 Berlin, before today's 14:00
    await closer.start()
    await closer.run_due()
    assert posts(fake, couple) == []
    assert [d.status for d in await ledger(closer, couple)] == ["missed"]


async def test_the_scheduler_catches_up_by_itself_at_start(
    fake: Fake, people: People, tmp_path: Path
) -> None:
    """In production, overdue jobs fire as soon as the bot starts (no test calls run_due)."""
    now = datetime.now(UTC)  # APScheduler runs on real time here
    closer = Closer(fake, FakeClock(now), tmp_path / "closer.sqlite3")
    bot = await closer.start()
    await pair(fake, people.alice, people.bob, people.channel, alice_zone="UTC", bob_zone=None)
    ritual_id = await add_custom(fake, people, at="03:00", message="Overdue hug")
    await bot.scheduler.once(
        "ritual",
        guild_id=people.guild.id,
        when=now - timedelta(minutes=30),
        label="Overdue",
        key="overdue",
        payload={"ritual": ritual_id, "template": "custom"},
    )
    await closer.stop()

    live = CloserBot(
        closer.settings(),
        clock=closer.clock,
        scheduler_autostart=True,
        guild_ready_timeout=0.05,
        extensions=available_extensions(),
    )
    task = asyncio.create_task(live.start(fake.token))
    try:
        await fake.wait_for_ready(task)
        message = await fake.wait_for_message(people.channel, lambda m: "Overdue hug" in m.text)
    finally:
        await live.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
    assert "Posted late" in message.text
    fake.assert_no_violations()


# -- faults ---------------------------------------------------------------------------------------


async def test_a_server_error_on_send_is_retried(couple: People, fake: Fake, closer: Closer) -> None:
    """A 503 then success: the post arrives once and the ledger says sent."""
    await add_custom(fake, couple)
    assert closer.bot is not None
    closer.bot.scheduler.retry_delays = (0.01, 0.01)
    fake.fail("POST", f"/channels/{couple.channel.id}/messages", status=503, times=2)
    await closer.at(T)
    assert len(posts(fake, couple)) == 1
    assert [d.status for d in await ledger(closer, couple)] == ["sent"]


async def test_a_long_outage_is_retried_later_not_lost(couple: People, fake: Fake, closer: Closer) -> None:
    """When Discord keeps failing, the occurrence waits and is delivered on a later try."""
    await add_custom(fake, couple)
    assert closer.bot is not None
    closer.bot.scheduler.retry_delays = (0.01,)
    fake.fail("POST", f"/channels/{couple.channel.id}/messages", status=503, times=10)
    await closer.at(T)
    assert posts(fake, couple) == []
    assert [d.status for d in await ledger(closer, couple)] == ["retry"]
    fake.clear_faults()
    await closer.at(T + timedelta(minutes=5))
    assert len(posts(fake, couple)) == 1
    assert [d.status for d in await ledger(closer, couple)] == ["late"]


@pytest.mark.allow_violations("channel.unknown")
async def test_a_deleted_channel_falls_back_to_dms_and_is_recorded(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The shared channel is gone: both partners get it by DM, and the ledger says why."""
    await add_custom(fake, couple)
    fake.delete_channel(couple.channel)
    await closer.at(T)
    for person in (couple.alice, couple.bob):
        dm = await fake.wait_for_message(person, lambda m: "Hug o'clock" in m.text)
        assert "couldn't post in your shared channel" in dm.text
    (delivery,) = await ledger(closer, couple)
    assert delivery.status == "sent"
    assert delivery.detail is not None
    assert "channel deleted" in delivery.detail


@pytest.mark.allow_violations("channel.missing_access", "dm.closed")
async def test_nowhere_to_post_is_recorded_as_failed(couple: People, fake: Fake, closer: Closer) -> None:
    """No access to the channel and both DMs closed: recorded as failed with the reason."""
    await add_custom(fake, couple)
    fake.deny_access(couple.channel)
    fake.close_dms(couple.alice)
    fake.close_dms(couple.bob)
    await closer.at(T)
    (delivery,) = await ledger(closer, couple)
    assert delivery.status == "failed"
    assert delivery.detail is not None
    assert "missing access" in delivery.detail


async def test_after_a_gateway_reconnect_what_came_due_is_delivered(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The gateway drops while something comes due; after the resume it is delivered once."""
    await add_custom(fake, couple)
    closer.clock.set(T)
    await fake.drop_gateway()
    await fake.wait_for_resume()
    message = await fake.wait_for_message(couple.channel, lambda m: "Hug o'clock" in m.text)
    assert message is not None
    await closer.run_due()
    assert len(posts(fake, couple)) == 1


async def test_status_lists_whats_coming(couple: People, fake: Fake, closer: Closer) -> None:
    """/couple status shows the next scheduled posts in both partners' local times.

    (Changed with issue 14: they were Discord timestamps with the ritual's id in the label.)"""
    await add_custom(fake, couple)
    status = await fake.slash(couple.bob, "couple status")
    assert "Coming up" in status.text
    assert "• Your ritual “Hug o'clock”: Tue 05:00 your time (Tue 14:00 for alice)" in status.text
    assert START < T


async def test_finished_one_offs_are_forgotten_after_their_retention(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A delivered one-off is kept (with its ledger row) until pruned; recurring ones never are."""
    rid = await add_custom(fake, couple)
    assert closer.bot is not None
    bot = closer.bot
    once = await bot.scheduler.once(
        "ritual",
        guild_id=couple.guild.id,
        when=T,
        label="Once",
        key="once",
        payload={"ritual": rid, "template": "custom"},
    )
    await bot.scheduler.prune(T - timedelta(minutes=1))  # the welcome after pairing, long done
    await closer.at(T)
    assert (await bot.schedules.get(once.id)) is not None
    assert await bot.scheduler.prune(T) == 0  # not finished before T
    assert await bot.scheduler.prune(T + timedelta(days=1)) == 1
    assert await bot.schedules.get(once.id) is None
    assert [
        s
        for s in await bot.schedules.for_guild(couple.guild.id)
        if s.kind == "ritual" and s.key == f"{rid}:all"
    ]


async def test_only_the_coming_window_is_held_in_memory(couple: People, fake: Fake, closer: Closer) -> None:
    """A job is held for what fires in the next hours; the rest is armed when its time nears."""
    rid = await add_custom(fake, couple, at="14:00", day="friday")  # Friday 27th, 13:00 UTC
    assert closer.bot is not None
    scheduler = closer.bot.scheduler
    (schedule,) = [s for s in await closer.bot.schedules.for_guild(couple.guild.id) if s.key == f"{rid}:all"]
    assert scheduler.aps.get_job(f"schedule:{schedule.id}") is None
    await closer.restart()
    scheduler = closer.bot.scheduler
    assert scheduler.aps.get_job(f"schedule:{schedule.id}") is None
    closer.clock.set(datetime(2026, 11, 27, 11, 30, tzinfo=UTC))
    await scheduler.refill()  # 90 minutes ahead: not yet
    assert scheduler.aps.get_job(f"schedule:{schedule.id}") is None
    closer.clock.set(datetime(2026, 11, 27, 12, 30, tzinfo=UTC))
    await scheduler.refill()
    job = scheduler.aps.get_job(f"schedule:{schedule.id}")
    assert job is not None
    assert job.trigger.run_date == datetime(2026, 11, 27, 13, 0, tzinfo=UTC)


async def test_many_one_offs_at_once_match_one_by_one_and_respect_the_ledger(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """``once_many`` (start-up re-planning) plans exactly what ``once`` would, quiet hours
    included, arms what is near, and never re-arms an occurrence the ledger says was handled."""
    rid = await add_custom(fake, couple)
    assert closer.bot is not None
    bot = closer.bot
    payload = {"ritual": rid, "template": "custom"}
    night = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 03:00 in Berlin: inside Alice's quiet hours
    single = await bot.scheduler.once(
        "ritual",
        guild_id=couple.guild.id,
        when=night,
        label="One",
        key="one",
        owner_id=couple.alice.id,
        personal=True,
        payload=payload,
    )
    await bot.scheduler.once_many(
        "ritual",
        guild_id=couple.guild.id,
        plans=[("many-night", night, "Night", payload), ("many-soon", T, "Soon", payload)],
        owner_id=couple.alice.id,
        personal=True,
    )
    by_key = {s.key: s for s in await bot.schedules.for_guild(couple.guild.id) if s.kind == "ritual"}
    assert (by_key["many-night"].next_due, by_key["many-night"].fire_at) == (
        single.next_due,
        single.fire_at,
    )
    assert by_key["many-night"].fire_at is not None
    assert by_key["many-night"].fire_at > night  # moved to the end of her quiet hours
    assert by_key["many-soon"].fire_at == T
    assert bot.scheduler.aps.get_job(f"schedule:{by_key['many-soon'].id}") is not None
    await closer.at(T)
    assert len(posts(fake, couple)) == 2  # the daily ritual and the one-off at 14:00
    # Planned again after it was delivered (as at the next start): not armed again, not re-sent.
    await bot.scheduler.once_many(
        "ritual", guild_id=couple.guild.id, plans=[("many-soon", T, "Soon", payload)]
    )
    again = await bot.schedules.get(by_key["many-soon"].id)
    assert again is not None
    assert again.next_due is None
    await closer.run_due()
    assert len(posts(fake, couple)) == 2
