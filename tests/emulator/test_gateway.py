"""Gateway behaviour: READY/GUILD_CREATE, intents, resume, re-identify, guild and channel events."""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp
import discord
import pytest

from emulator.fake import Fake

from .minibot import MiniBot, World, running


async def test_ready_guilds_and_channels(fake: Fake, world: World, bot: MiniBot) -> None:
    await asyncio.wait_for(bot.wait_until_ready(), 2)
    [guild] = bot.guilds
    assert guild.id == world.home.id
    assert [c.name for c in guild.text_channels] == ["general", "us"]
    assert bot.user is not None
    assert bot.user.id == fake.bot_user.id
    assert bot.application_id == fake.app_id
    # no GUILD_MEMBERS intent: only the bot's own member is sent, as on Discord
    assert [m.id for m in guild.members] == [fake.bot_user.id]
    assert guild.member_count == 3
    assert fake.gateway_connected
    assert fake.identify_count == 1


async def test_members_intent_sends_all_members(fake: Fake, world: World) -> None:
    intents = discord.Intents.default()
    intents.members = True
    mini = MiniBot(intents=intents)
    async with running(mini, fake):
        [guild] = mini.guilds
        assert sorted(m.name for m in guild.members) == ["Emulated Bot", "alice", "bob"]
        assert guild.chunked


async def test_privileged_intent_not_enabled_closes_4014(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = await Fake.start(monkeypatch=monkeypatch, allowed_privileged_intents=[])
    try:
        mini = MiniBot()  # asks for message_content
        with pytest.raises(discord.PrivilegedIntentsRequired):
            await asyncio.wait_for(mini.start(fake.token), 5)
        await mini.close()
    finally:
        await fake.stop()


async def test_rejected_token_is_login_failure(fake: Fake, world: World) -> None:
    fake.reject_token("bad")
    mini = MiniBot()
    with pytest.raises(discord.LoginFailure):
        await mini.start("bad")
    await mini.close()


async def test_identify_with_rejected_token_closes_4004(fake: Fake) -> None:
    fake.reject_token("bad")
    async with aiohttp.ClientSession() as session, session.ws_connect(fake.base_url + "/gateway") as ws:
        hello = json.loads((await ws.receive()).data)
        assert hello["op"] == 10
        await ws.send_str(json.dumps({"op": 2, "d": {"token": "bad", "intents": 1, "properties": {}}}))
        msg = await ws.receive()
        assert msg.type is aiohttp.WSMsgType.CLOSE
        assert ws.close_code == 4004


async def test_gateway_bot_endpoint(fake: Fake) -> None:
    headers = {"Authorization": "Bot " + fake.token}
    async with (
        aiohttp.ClientSession() as session,
        session.get(fake.base_url + "/api/v10/gateway/bot", headers=headers) as resp,
    ):
        assert resp.headers["Content-Type"] == "application/json"
        data = await resp.json()
    assert data["url"] == f"ws://127.0.0.1:{fake.port}/gateway"
    assert data["shards"] == 1


async def test_dropped_connection_resumes_and_replays(fake: Fake, world: World, bot: MiniBot) -> None:
    general = world.home.channel("general")
    await fake.drop_gateway()
    # posted while the bot is disconnected: delivered on RESUME
    await fake.user_message(world.alice, general, "while you were away")
    await fake.wait_for_resume()
    assert fake.resume_count == 1
    assert fake.identify_count == 1
    assert "resumed" in bot.events
    assert [m.content for m in bot.seen_messages] == ["while you were away"]
    r = await fake.slash(world.alice, "ping")
    assert r.content == "pong"


async def test_unresumable_drop_reidentifies(fake: Fake, world: World, bot: MiniBot) -> None:
    await fake.drop_gateway(resumable=False)
    await fake.wait_for_resume()
    assert fake.identify_count == 2
    assert fake.resume_count == 0
    assert [g.id for g in bot.guilds] == [world.home.id]
    r = await fake.slash(world.alice, "ping")
    assert r.content == "pong"


async def test_reconnect_opcode(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.send_reconnect()
    await fake.wait_for_resume()
    assert fake.resume_count == 1


async def test_bot_added_and_removed(fake: Fake, world: World, bot: MiniBot) -> None:
    await asyncio.wait_for(bot.wait_until_ready(), 2)
    other = fake.create_guild("Other", members=[world.alice], with_bot=False)
    await fake.sync()
    assert bot.get_guild(other.id) is None
    fake.add_bot(other)
    await fake.sync()
    assert bot.get_guild(other.id) is not None
    fake.remove_bot(other)
    await fake.sync()
    assert bot.get_guild(other.id) is None
    assert bot.events == ["join:Other", "remove:Other"]
    with pytest.raises(discord.Forbidden):
        await bot.http.send_message(other.channel("general").id, params=_params("hi"))


async def test_channel_delete(fake: Fake, world: World, bot: MiniBot) -> None:
    us = world.home.channel("us")
    channel = bot.get_channel(us.id)
    assert isinstance(channel, discord.TextChannel)
    fake.delete_channel(us)
    await fake.sync()
    assert bot.get_channel(us.id) is None
    with pytest.raises(discord.NotFound) as info:
        await channel.send("anyone?")
    assert info.value.code == 10003


async def test_message_content_intent(fake: Fake, world: World) -> None:
    mini = MiniBot(intents=discord.Intents.default())  # no message_content
    general = world.home.channel("general")
    async with running(mini, fake):
        await fake.user_message(world.alice, general, "secret plans")
        await fake.user_message(world.alice, general, f"{fake.bot_user.mention} hello")
        await fake.user_message(world.alice, world.alice, "a DM")  # DMs always carry content
        await fake.sync()
    assert [m.content for m in mini.seen_messages] == ["", f"{fake.bot_user.mention} hello", "a DM"]


async def test_events_before_connect_are_not_lost(fake: Fake, world: World) -> None:
    mini = MiniBot()
    task = asyncio.create_task(mini.start(fake.token))
    try:
        await fake.wait_for_ready(task)
        await fake.user_message(world.bob, world.home.channel("us"), "hi bot")
        await fake.sync()
        assert [m.content for m in mini.seen_messages] == ["hi bot"]
    finally:
        await mini.close()
        with contextlib.suppress(Exception):
            await task


def _params(content: str) -> discord.http.MultipartParameters:
    return discord.http.MultipartParameters(payload={"content": content}, multipart=None, files=None)
