"""Discord's sharding rules in the emulator: the recommendation, 4010 / 4011, who gets which event,
and the identify rate limit (``emulator/shards.py``)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from emulator.fake import Fake
from emulator.shards import shard_of

from .minibot import MiniBot, running

BIG = 2600  # past Discord's 2,500 servers per session


class ShardedMiniBot(MiniBot, commands.AutoShardedBot):
    """The emulator tests' tiny bot, sharded the way discord.py shards (recommended count)."""

    def __init__(self, **options: Any) -> None:
        super().__init__()
        self.shard_events: list[tuple[str, int]] = []

    async def on_shard_ready(self, shard_id: int) -> None:
        self.shard_events.append(("ready", shard_id))


async def gateway_bot(fake: Fake) -> dict[str, Any]:
    headers = {"Authorization": "Bot " + fake.token}
    async with (
        aiohttp.ClientSession() as http,
        http.get(fake.base_url + "/api/v10/gateway/bot", headers=headers) as resp,
    ):
        return await resp.json()


class RawSession:
    """A bare websocket that IDENTIFYs, for looking at exactly what one session receives."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.frames: list[dict[str, Any]] = []

    async def frame(self, timeout: float = 2.0) -> dict[str, Any] | None:
        """The next frame (None once the server closed the connection)."""
        msg = await asyncio.wait_for(self.ws.receive(), timeout)
        if msg.type is not aiohttp.WSMsgType.TEXT:
            return None
        frame = json.loads(msg.data)
        self.frames.append(frame)
        return frame

    async def events_until_quiet(self, quiet: float = 0.2) -> list[str]:
        names = []
        while True:
            try:
                frame = await self.frame(quiet)
            except TimeoutError:
                return names
            if frame is None:
                return names
            if frame.get("t"):
                names.append(frame["t"])


@pytest.fixture
async def raw(fake: Fake) -> AsyncIterator[Any]:
    http = aiohttp.ClientSession()
    opened: list[aiohttp.ClientWebSocketResponse] = []

    async def identify(shard: Any = None, *, omit: bool = False) -> RawSession:
        ws = await http.ws_connect(fake.base_url + "/gateway")
        opened.append(ws)
        session = RawSession(ws)
        hello = await session.frame()
        assert hello is not None
        assert hello["op"] == 10
        data: dict[str, Any] = {"token": fake.token, "intents": 1 | 1 << 9 | 1 << 12, "properties": {}}
        if not omit:
            data["shard"] = shard
        await ws.send_str(json.dumps({"op": 2, "d": data}))
        return session

    try:
        yield identify
    finally:
        for ws in opened:
            await ws.close()
        await http.close()


async def test_gateway_bot_recommends_a_shard_per_thousand_servers(fake: Fake) -> None:
    fake.create_guilds(BIG)
    data = await gateway_bot(fake)
    assert data["shards"] == 3
    limit = data["session_start_limit"]
    assert limit["max_concurrency"] == 1
    assert limit["total"] == 1000
    assert limit["remaining"] == 1000


async def test_a_session_holding_2500_servers_or_more_is_closed_4011(fake: Fake, raw: Any) -> None:
    fake.create_guilds(BIG)
    for shard in (None, [0, 1]):
        session = await raw(shard, omit=shard is None)
        assert await session.frame() is None
        assert session.ws.close_code == 4011
    assert fake.identify_count == 0


async def test_an_invalid_shard_is_closed_4010(fake: Fake, raw: Any) -> None:
    for shard in ([3, 3], [-1, 2], [0, 0], [1], "0,1", [0.5, 2], [True, 2]):
        session = await raw(shard)
        assert await session.frame() is None, shard
        assert session.ws.close_code == 4010, shard


async def test_each_shard_gets_only_its_servers_and_dms_go_to_shard_0(fake: Fake, raw: Any) -> None:
    alice = fake.create_user("alice")
    guilds = fake.create_guilds(40)
    sessions = [await raw([k, 2]) for k in range(2)]
    for k, session in enumerate(sessions):
        ready = await session.frame()
        assert ready is not None
        assert ready["t"] == "READY"
        assert ready["d"]["shard"] == [k, 2]
        mine = sorted(g.id for g in guilds if shard_of(g.id, 2) == k)
        assert [int(g["id"]) for g in ready["d"]["guilds"]] == mine
        assert await session.events_until_quiet() == ["GUILD_CREATE"] * len(mine)
    on_1 = next(g for g in guilds if shard_of(g.id, 2) == 1)
    fake.create_channel(on_1, "new")
    await fake.user_message(alice, alice, "a DM for the bot")
    assert await sessions[0].events_until_quiet() == ["MESSAGE_CREATE"]
    assert await sessions[1].events_until_quiet() == ["CHANNEL_CREATE"]


async def test_identifies_beyond_max_concurrency_get_invalid_session(fake: Fake, raw: Any) -> None:
    fake.server.gateway.identifies.enabled = True
    fake.create_guilds(10)
    first = await raw([0, 2])
    assert (await first.frame() or {}).get("t") == "READY"
    too_soon = await raw([1, 2])  # key 1 % 1 == 0: within 5 s of shard 0's IDENTIFY
    frame = await too_soon.frame()
    assert frame is not None
    assert frame["op"] == 9
    assert frame["d"] is False
    assert fake.identify_refused == 1
    fake.advance_clock(5.0)
    later = await raw([1, 2])
    assert (await later.frame() or {}).get("t") == "READY"


async def test_max_concurrency_lets_each_key_identify_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = await Fake.start(monkeypatch=monkeypatch, max_concurrency=16, identify_limit=True)
    try:
        fake.create_guilds(BIG)
        assert (await gateway_bot(fake))["session_start_limit"]["max_concurrency"] == 16
        mini = ShardedMiniBot()
        async with running(mini, fake):
            assert fake.shards == [(0, 3), (1, 3), (2, 3)]
        assert fake.identify_refused == 0
    finally:
        await fake.stop()


async def test_discord_py_shards_as_recommended_and_each_shard_serves_its_servers(fake: Fake) -> None:
    alice = fake.create_user("alice")
    guilds = fake.create_guilds(BIG)
    last = next(g for g in guilds if shard_of(g.id, 3) == 2)
    fake.add_member(last, alice)
    mini = ShardedMiniBot()
    async with running(mini, fake):
        await asyncio.wait_for(mini.wait_until_ready(), 5)
        assert fake.shards == [(0, 3), (1, 3), (2, 3)]
        assert mini.shard_count == 3
        assert len(mini.guilds) == BIG
        assert sorted(mini.shard_events) == [("ready", 0), ("ready", 1), ("ready", 2)]
        guild = mini.get_guild(last.id)
        assert guild is not None
        assert guild.shard_id == 2
        # A command in a server on the last shard, and one in a DM (shard 0).
        answered = await fake.slash(alice, "ping", channel=last.channel("general"))
        assert answered.content == "pong"
        assert [interactions(fake, k) for k in range(3)] == [0, 0, 1]
        in_dm = await fake.slash(alice, "ping", dm=True)
        assert in_dm.content == "pong"
        assert [interactions(fake, k) for k in range(3)] == [1, 0, 1]


def interactions(fake: Fake, shard_id: int) -> int:
    """How many INTERACTION_CREATEs the session of ``shard_id`` (of 3) was sent."""
    frames = fake.server.gateway.live[(shard_id, 3)].buffer
    return sum(1 for frame in frames if frame["t"] == "INTERACTION_CREATE")


async def test_a_plain_discord_py_client_is_refused_at_2600_servers(fake: Fake) -> None:
    fake.create_guilds(BIG)
    mini = MiniBot()
    with pytest.raises(discord.ConnectionClosed) as closed:
        await asyncio.wait_for(mini.start(fake.token), 10)
    await mini.close()
    assert closed.value.code == 4011


async def test_one_shard_drops_and_resumes_alone(fake: Fake) -> None:
    fake.create_guilds(BIG)
    mini = ShardedMiniBot()
    async with running(mini, fake):
        await fake.drop_gateway(shard=1)
        await fake.wait_for_resume()
        assert fake.shards == [(0, 3), (1, 3), (2, 3)]
        assert fake.server.gateway.resume_count == 1


async def test_a_server_in_an_outage_comes_in_ready_without_guild_create_until_it_ends(
    fake: Fake, raw: Any
) -> None:
    down, *_ = fake.create_guilds(3)
    fake.outage(down)
    session = await raw()
    ready = await session.frame()
    assert ready is not None
    assert str(down.id) in {g["id"] for g in ready["d"]["guilds"]}
    assert await session.events_until_quiet() == ["GUILD_CREATE"] * 2
    fake.outage(down, over=True)
    assert await session.events_until_quiet() == ["GUILD_CREATE"]
    assert session.frames[-1]["d"]["unavailable"] is False
