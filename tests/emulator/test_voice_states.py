"""Voice states: users joining, moving between and leaving voice channels reach a plain discord.py
client as VOICE_STATE_UPDATE (only with the GUILD_VOICE_STATES intent), and GUILD_CREATE carries
who is in voice."""

from __future__ import annotations

import asyncio

import discord
import pytest

from emulator.errors import FakeUsageError
from emulator.fake import Fake

from .minibot import MiniBot, World, running


class VoiceBot(MiniBot):
    def __init__(self, *, intents: discord.Intents | None = None) -> None:
        super().__init__(intents=intents)
        self.voice_events: list[tuple[str, int | None, int | None]] = []

    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        self.voice_events.append(
            (
                member.name,
                before.channel.id if before.channel else None,
                after.channel.id if after.channel else None,
            )
        )


async def test_join_move_leave(fake: Fake, world: World) -> None:
    lounge = fake.create_voice_channel(world.home, "Lounge")
    quiet = fake.create_voice_channel(world.home, "Quiet")
    bot = VoiceBot()
    async with running(bot, fake):
        guild = bot.get_guild(world.home.id)
        assert guild is not None
        assert isinstance(guild.get_channel(lounge.id), discord.VoiceChannel)

        fake.join_voice(world.alice, lounge, self_mute=True)
        await fake.sync()
        alice = guild.get_member(world.alice.id)  # cached through her voice state (no members intent)
        assert alice is not None
        assert alice.voice is not None
        assert alice.voice.channel is not None
        assert alice.voice.channel.id == lounge.id
        assert alice.voice.self_mute
        assert [m.id for m in guild.get_channel(lounge.id).members] == [world.alice.id]  # type: ignore[union-attr]

        fake.move_voice(world.alice, quiet)
        await fake.sync()
        assert alice.voice.channel.id == quiet.id
        assert fake.voice_channel(world.alice, world.home) is quiet

        fake.leave_voice(world.alice, world.home)
        await fake.sync()
        assert fake.voice_channel(world.alice, world.home) is None
        assert bot.voice_events == [
            ("alice", None, lounge.id),
            ("alice", lounge.id, quiet.id),
            ("alice", quiet.id, None),
        ]
    fake.assert_no_violations()


async def test_guild_create_carries_voice_states(fake: Fake, world: World) -> None:
    lounge = fake.create_voice_channel(world.home, "Lounge")
    fake.join_voice(world.bob, lounge, self_deaf=True)
    bot = VoiceBot()
    async with running(bot, fake):
        guild = bot.get_guild(world.home.id)
        assert guild is not None
        bob = guild.get_member(world.bob.id)
        assert bob is not None
        assert bob.voice is not None
        assert bob.voice.channel is not None
        assert bob.voice.channel.id == lounge.id
        assert bob.voice.self_deaf


async def test_without_the_intent_nothing_arrives(fake: Fake, world: World) -> None:
    lounge = fake.create_voice_channel(world.home, "Lounge")
    fake.join_voice(world.bob, lounge)
    intents = discord.Intents.default()
    intents.voice_states = False
    bot = VoiceBot(intents=intents)
    async with running(bot, fake):
        guild = bot.get_guild(world.home.id)
        assert guild is not None
        assert guild.get_member(world.bob.id) is None  # neither voice states nor their members
        fake.join_voice(world.alice, lounge)
        fake.leave_voice(world.bob, world.home)
        await fake.sync()
        await asyncio.sleep(0.05)
        assert bot.voice_events == []
        assert guild.get_member(world.alice.id) is None


async def test_leaving_the_guild_or_a_deleted_channel_ends_the_voice_state(fake: Fake, world: World) -> None:
    lounge = fake.create_voice_channel(world.home, "Lounge")
    quiet = fake.create_voice_channel(world.home, "Quiet")
    fake.join_voice(world.alice, lounge)
    fake.join_voice(world.bob, quiet)
    bot = VoiceBot()
    async with running(bot, fake):
        fake.remove_member(world.home, world.alice)
        fake.delete_channel(quiet)
        await fake.sync()
        assert bot.voice_events == [("alice", lounge.id, None), ("bob", quiet.id, None)]
    assert world.home.voice_states == {}


async def test_voice_state_payload_is_complete(fake: Fake, world: World) -> None:
    lounge = fake.create_voice_channel(world.home, "Lounge")
    state = fake.join_voice(world.alice, lounge)
    data = state.payload(world.home)
    expected = {
        "guild_id",
        "channel_id",
        "user_id",
        "member",
        "session_id",
        "deaf",
        "mute",
        "self_deaf",
        "self_mute",
        "self_stream",
        "self_video",
        "suppress",
        "request_to_speak_timestamp",
    }
    assert expected <= set(data)
    assert data["channel_id"] == str(lounge.id)
    assert state.payload(world.home, left=True)["channel_id"] is None


def test_usage_errors(fake: Fake, world: World) -> None:
    lounge = fake.create_voice_channel(world.home, "Lounge")
    stranger = fake.create_user("stranger")
    with pytest.raises(FakeUsageError):
        fake.join_voice(world.alice, world.home.channel("general"))  # a text channel
    with pytest.raises(FakeUsageError):
        fake.join_voice(stranger, lounge)  # not a member
    with pytest.raises(FakeUsageError):
        fake.move_voice(world.alice, lounge)  # not in voice
    with pytest.raises(FakeUsageError):
        fake.leave_voice(world.alice, world.home)
    home = fake.create_guild("Voice", members=[world.alice], voice_channels=["Talk"])
    assert [c.name for c in home.voice_channels] == ["Talk"]
