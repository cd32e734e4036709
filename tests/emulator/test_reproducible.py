"""A reproducible world: message timestamps follow the clock the emulator is given
(``Fake.start(clock=...)``), and a guild can have a fixed id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import discord
import pytest

from bot.clock import FakeClock
from emulator.fake import Fake
from emulator.state import now_utc

from .minibot import MiniBot, running

MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
async def timed(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Fake, FakeClock]]:
    clock = FakeClock(MONDAY_MORNING)
    fake = await Fake.start(monkeypatch=monkeypatch, clock=clock.now)
    try:
        yield fake, clock
    finally:
        await fake.stop()


async def test_sent_and_edited_messages_follow_the_clock(timed: tuple[Fake, FakeClock]) -> None:
    """Sent at 09:00, edited at 09:30 by the controlled clock: the stored message, what discord.py
    reads back and a user's message all say so."""
    fake, clock = timed
    alice = fake.create_user("alice")
    home = fake.create_guild("Home", members=[alice], text_channels=["general"])
    bot = MiniBot()
    async with running(bot, fake):
        channel = bot.get_channel(home.channel("general").id)
        assert isinstance(channel, discord.TextChannel)
        message = await channel.send("good morning")
        clock.advance(timedelta(minutes=30))
        await message.edit(content="good morning, again")
        fetched = await channel.fetch_message(message.id)
    [stored] = fake.messages(home.channel("general"))
    assert stored.created_at == MONDAY_MORNING
    assert stored.edited_at == MONDAY_MORNING + timedelta(minutes=30)
    assert fetched.edited_at == MONDAY_MORNING + timedelta(minutes=30)
    before = fake.newest_id
    reply = await fake.user_message(alice, home.channel("general"), "morning!")
    assert reply.created_at == MONDAY_MORNING + timedelta(minutes=30)
    assert reply.id > before  # what happens next has a larger id
    fake.assert_no_violations()


async def test_without_a_clock_messages_carry_the_wall_clock(fake: Fake) -> None:
    alice = fake.create_user("alice")
    home = fake.create_guild("Home", members=[alice], text_channels=["general"])
    message = await fake.user_message(alice, home.channel("general"), "hello")
    assert abs((message.created_at - now_utc()).total_seconds()) < 5
    assert message.edited_at is None


async def test_a_guild_can_have_a_fixed_id(fake: Fake) -> None:
    """A reproducible world: the guild gets the id asked for; a taken id is refused."""
    alice = fake.create_user("alice")
    home = fake.create_guild("Home", members=[alice], guild_id=1_234_567_890_123_456_789)
    assert home.id == 1_234_567_890_123_456_789
    assert fake.world.guilds[home.id] is home
    with pytest.raises(ValueError, match="taken"):
        fake.create_guild("Again", members=[alice], guild_id=home.id)
