"""Guild scheduled events: created, edited, listed and deleted through discord.py's own API, each of
Discord's rules answered with a 400 (50035) or 403 (50013), gateway events, and GUILD_CREATE."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
import pytest

from emulator.fake import Fake
from emulator.permissions import bits

from .minibot import MiniBot, World, running

HOUR = timedelta(hours=1)


def _later(hours: float = 1) -> datetime:
    return discord.utils.utcnow() + timedelta(hours=hours)


def _guild(bot: MiniBot, world: World) -> discord.Guild:
    guild = bot.get_guild(world.home.id)
    assert guild is not None
    return guild


def _record(bot: MiniBot, *names: str) -> list[tuple[str, Any]]:
    seen: list[tuple[str, Any]] = []
    for name in names:

        async def listener(*args: Any, _name: str = name) -> None:
            seen.append((_name, args[-1]))

        bot.add_listener(listener, f"on_{name}")
    return seen


async def _external(guild: discord.Guild, **overrides: Any) -> discord.ScheduledEvent:
    start = overrides.pop("start_time", _later())
    kwargs: dict[str, Any] = {
        "name": "Movie night",
        "start_time": start,
        "end_time": start + 2 * HOUR,
        "entity_type": discord.EntityType.external,
        "location": "Cinema",
        "privacy_level": discord.PrivacyLevel.guild_only,
        **overrides,
    }
    return await guild.create_scheduled_event(**kwargs)


async def test_create_edit_list_delete_with_gateway_events(fake: Fake, world: World, bot: MiniBot) -> None:
    guild = _guild(bot, world)
    seen = _record(bot, "scheduled_event_create", "scheduled_event_update", "scheduled_event_delete")
    event = await _external(guild, description="Popcorn")
    assert (event.name, event.location, event.description) == ("Movie night", "Cinema", "Popcorn")
    assert event.status is discord.EventStatus.scheduled
    assert event.creator_id == fake.bot_user.id
    [stored] = fake.scheduled_events(world.home)
    assert stored.id == event.id
    assert stored.location == "Cinema"

    edited = await event.edit(name="Film night", location="Open air")
    assert (edited.name, edited.location) == ("Film night", "Open air")
    started = await edited.start()
    assert started.status is discord.EventStatus.active
    ended = await started.end()
    assert ended.status is discord.EventStatus.completed

    listed = await guild.fetch_scheduled_events()
    assert [(e.id, e.name, e.user_count) for e in listed] == [(event.id, "Film night", 0)]
    fetched = await guild.fetch_scheduled_event(event.id)
    assert fetched.status is discord.EventStatus.completed

    await fetched.delete()
    assert fake.scheduled_events(world.home) == []
    with pytest.raises(discord.NotFound) as err:
        await guild.fetch_scheduled_event(event.id)
    assert err.value.code == 10070
    await fake.sync()
    assert [name for name, _ in seen] == ["scheduled_event_create"] + ["scheduled_event_update"] * 3 + [
        "scheduled_event_delete"
    ]
    assert list(guild.scheduled_events) == []
    fake.assert_no_violations(allow=["event.unknown"])


async def test_voice_event_and_cancel(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.create_voice_channel(world.home, "Lounge")
    stage = fake.create_voice_channel(world.home, "Stage", stage=True)
    await fake.sync()
    guild = _guild(bot, world)
    lounge = discord.utils.get(guild.voice_channels, name="Lounge")
    assert lounge is not None
    event = await guild.create_scheduled_event(name="Hangout", start_time=_later(), channel=lounge)
    assert event.entity_type is discord.EntityType.voice
    assert event.channel_id == lounge.id
    assert event.location is None
    # a stage event needs a stage moderator: Manage Channels, Mute Members and Move Members
    with pytest.raises(discord.Forbidden):
        await guild.create_scheduled_event(
            name="Talk", start_time=_later(), channel=guild.get_channel(stage.id)
        )
    moderator = bits(["manage_channels", "mute_members", "move_members"])
    fake.create_role(world.home, "Stage mod", permissions=moderator, members=[fake.bot_user])
    on_stage = await guild.create_scheduled_event(
        name="Talk", start_time=_later(), channel=guild.get_channel(stage.id)
    )
    assert on_stage.entity_type is discord.EntityType.stage_instance
    canceled = await event.cancel()
    assert canceled.status is discord.EventStatus.canceled
    # a canceled (or completed) event cannot change any more
    with pytest.raises(discord.HTTPException) as err:
        await canceled.edit(name="Again")
    assert err.value.code == 180000
    # an event can move from a channel to somewhere else (location and end time then required)
    moved = await on_stage.edit(
        entity_type=discord.EntityType.external,
        channel=None,
        location="Park",
        end_time=_later(3),
    )
    assert (moved.entity_type, moved.channel_id, moved.location) == (
        discord.EntityType.external,
        None,
        "Park",
    )
    assert [v.rule for v in fake.violations] == ["event.missing_permissions", "event.finished"]


async def _rejected(fake: Fake, call: Any) -> discord.HTTPException:
    fake.clear_violations()
    with pytest.raises(discord.HTTPException) as err:
        await call
    assert err.value.status == 400
    assert err.value.code == 50035
    return err.value


@pytest.mark.parametrize(
    ("change", "rule", "field"),
    [
        ({"name": ""}, "event.name", "name"),
        ({"name": "x" * 101}, "event.name", "name"),
        ({"description": "x" * 1001}, "event.description", "description"),
        ({"privacy_level": 1}, "event.privacy_level", "privacy_level"),
        ({"entity_type": 7}, "event.entity_type", "entity_type"),
        ({"scheduled_start_time": "next tuesday"}, "event.start_time", "scheduled_start_time"),
        ({"scheduled_start_time": "2001-01-01T00:00:00+00:00"}, "event.start_time", "scheduled_start_time"),
        ({"scheduled_end_time": "START-1h"}, "event.end_time", "scheduled_end_time"),
        ({"scheduled_end_time": None}, "event.end_time", "scheduled_end_time"),
        ({"entity_metadata": None}, "event.location", "entity_metadata.location"),
        ({"entity_metadata": {"location": "x" * 101}}, "event.location", "entity_metadata.location"),
        ({"channel_id": "CHANNEL"}, "event.channel", "channel_id"),
        ({"entity_type": 2, "entity_metadata": None}, "event.channel", "channel_id"),
        ({"entity_type": 2, "channel_id": "CHANNEL", "entity_metadata": None}, "event.channel", "channel_id"),
        ({"entity_type": 2, "channel_id": "VOICE"}, "event.location", "entity_metadata.location"),
        ({"entity_type": 1, "channel_id": "VOICE", "entity_metadata": None}, "event.channel", "channel_id"),
    ],
)
async def test_each_rule_is_a_400(
    fake: Fake, world: World, bot: MiniBot, change: dict[str, Any], rule: str, field: str
) -> None:
    voice = fake.create_voice_channel(world.home, "Lounge")
    start = _later()
    body: dict[str, Any] = {
        "name": "Event",
        "privacy_level": 2,
        "scheduled_start_time": start.isoformat(),
        "scheduled_end_time": (start + HOUR).isoformat(),
        "entity_type": 3,
        "entity_metadata": {"location": "Park"},
    }
    for key, value in change.items():
        replace = {
            "CHANNEL": str(world.home.channel("general").id),
            "VOICE": str(voice.id),
            "START-1h": (start - HOUR).isoformat(),
        }
        body[key] = replace.get(value, value) if isinstance(value, str) else value
    err = await _rejected(fake, bot.http.create_guild_scheduled_event(world.home.id, **body))
    assert field.split(".")[0] in str(err.text) or field in str(err.text)
    assert [(v.rule, v.path, v.status, v.code) for v in fake.violations] == [(rule, field, 400, 50035)]
    assert fake.scheduled_events(world.home) == []


async def test_status_transitions(fake: Fake, world: World, bot: MiniBot) -> None:
    guild = _guild(bot, world)
    event = await _external(guild)
    # SCHEDULED cannot jump to COMPLETED, nor ACTIVE go back or be canceled
    await _rejected(fake, bot.http.edit_scheduled_event(guild.id, event.id, status=3))
    await event.start()
    for status in (1, 4):
        await _rejected(fake, bot.http.edit_scheduled_event(guild.id, event.id, status=status))
    assert [v.rule for v in fake.violations] == ["event.status"]
    # a new start time must be in the future while the event is scheduled
    other = await _external(guild, name="Later")
    past = discord.utils.utcnow() - HOUR
    await _rejected(fake, other.edit(start_time=past, end_time=past + 2 * HOUR))
    assert [v.rule for v in fake.violations] == ["event.start_time"]


async def test_start_time_follows_the_world_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    now = datetime(2030, 6, 1, 12, tzinfo=UTC)
    fake = await Fake.start(monkeypatch=monkeypatch, clock=lambda: now)
    try:
        home = fake.create_guild("Home", members=[fake.create_user("alice")])
        mini = MiniBot()
        async with running(mini, fake):
            guild = mini.get_guild(home.id)
            assert guild is not None
            # in the wall clock's future but the world's past: refused
            await _rejected(fake, _external(guild, start_time=now - HOUR))
            event = await _external(guild, start_time=now + HOUR)
            assert event.start_time == now + HOUR
    finally:
        await fake.stop()


async def test_missing_manage_events_is_403(fake: Fake, world: World, bot: MiniBot) -> None:
    guild = _guild(bot, world)
    event = await _external(guild)
    for role in world.home.roles:  # @everyone and the bot's role
        role.permissions &= ~bits("manage_events")
    bot_role = next(r for r in world.home.roles if r.managed)
    for call in (
        _external(guild),
        event.edit(name="x"),
        event.delete(),
    ):
        with pytest.raises(discord.Forbidden) as err:
            await call
        assert err.value.code == 50013
    assert {v.rule for v in fake.violations} == {"event.missing_permissions"}
    # Create Events is enough to create, and to manage the bot's own events
    bot_role.permissions |= bits("create_events")
    mine = await _external(guild, name="Mine")
    await mine.edit(name="Still mine")
    by_alice = fake.create_scheduled_event_by_hand(
        world.home, world.alice, "Alice's", _later(), end=_later(2), location="Home"
    )
    with pytest.raises(discord.Forbidden):
        await bot.http.edit_scheduled_event(guild.id, by_alice.id, name="theirs")


async def test_voice_event_needs_connect_in_the_channel(fake: Fake, world: World, bot: MiniBot) -> None:
    lounge = fake.create_voice_channel(world.home, "Lounge")
    fake.deny(lounge, fake.bot_user, "connect")
    await fake.sync()
    guild = _guild(bot, world)
    with pytest.raises(discord.Forbidden) as err:
        await guild.create_scheduled_event(
            name="Hangout", start_time=_later(), channel=guild.get_channel(lounge.id)
        )
    assert err.value.code == 50013
    [violation] = fake.violations
    assert "connect" in violation.detail
    assert "Lounge" in violation.detail


async def test_guild_create_carries_events_and_deleting_by_hand(fake: Fake, world: World) -> None:
    lounge = fake.create_voice_channel(world.home, "Lounge")
    first = fake.create_scheduled_event_by_hand(world.home, world.alice, "Hangout", _later(), channel=lounge)
    mini = MiniBot()
    seen = _record(mini, "scheduled_event_delete")
    async with running(mini, fake):
        guild = mini.get_guild(world.home.id)
        assert guild is not None
        [event] = guild.scheduled_events
        assert (event.id, event.name, event.channel_id) == (first.id, "Hangout", lounge.id)
        assert event.creator_id == world.alice.id
        fake.delete_scheduled_event_by_hand(world.home, first.id)
        await fake.sync()
        assert list(guild.scheduled_events) == []
        assert [e.id for _, e in seen] == [first.id]
        with pytest.raises(discord.NotFound):
            await event.edit(name="gone")


async def test_events_need_the_intent_and_go_to_the_guilds_shard(fake: Fake, world: World) -> None:
    intents = discord.Intents.default()
    intents.guild_scheduled_events = False
    mini = MiniBot(intents=intents)
    seen = _record(mini, "scheduled_event_create")
    async with running(mini, fake):
        fake.create_scheduled_event_by_hand(
            world.home, world.alice, "Quiet", _later(), end=_later(2), location="x"
        )
        await fake.sync()
        await asyncio.sleep(0.05)
        assert seen == []
    other = fake.create_guild("Other", members=[world.bob])
    fake.max_concurrency = 2
    sharded = ShardedClient()
    async with running(sharded, fake):  # type: ignore[arg-type]
        for guild in (world.home, other):
            fake.create_scheduled_event_by_hand(
                guild, world.bob, "Both", _later(), end=_later(2), location="y"
            )
        await fake.sync()
    assert sorted(sharded.got) == sorted((fake.shard_of(g, 2), g.id) for g in (world.home, other))


class ShardedClient(discord.AutoShardedClient):
    """Two shards; records which shard saw each GUILD_SCHEDULED_EVENT_CREATE."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), shard_count=2, guild_ready_timeout=0.05)
        self.got: list[tuple[int | None, int]] = []

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None  # no 5 s pause between shards in tests

    async def on_scheduled_event_create(self, event: discord.ScheduledEvent) -> None:
        self.got.append((event.guild.shard_id if event.guild else None, event.guild_id))
