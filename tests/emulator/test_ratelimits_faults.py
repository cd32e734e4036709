"""Rate limits (headers, 429s and discord.py's retries) and injected faults."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import discord
import pytest

from emulator.fake import Fake

from .minibot import MiniBot, World


def _channel(bot: MiniBot, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def _raw_post(fake: Fake, path: str, payload: dict[str, object]) -> tuple[int, dict[str, str], object]:
    headers = {"Authorization": "Bot " + fake.token}
    async with (
        aiohttp.ClientSession() as session,
        session.post(fake.base_url + "/api/v10" + path, json=payload, headers=headers) as resp,
    ):
        return resp.status, dict(resp.headers), await resp.json()


async def test_no_rate_limit_headers_when_off(fake: Fake, world: World) -> None:
    status, headers, _ = await _raw_post(
        fake, f"/channels/{world.home.channel('general').id}/messages", {"content": "x"}
    )
    assert status == 200
    assert "X-RateLimit-Limit" not in headers
    assert headers["Via"] == "1.1 google"


async def test_bucket_headers_and_429_body(fake: Fake, world: World) -> None:
    fake.rate_limits(True)
    path = f"/channels/{world.home.channel('general').id}/messages"
    seen = [await _raw_post(fake, path, {"content": str(i)}) for i in range(6)]
    statuses = [s for s, _, _ in seen]
    assert statuses == [200] * 5 + [429]
    _, headers, _ = seen[0]
    assert headers["X-RateLimit-Limit"] == "5"
    assert headers["X-RateLimit-Remaining"] == "4"
    assert float(headers["X-RateLimit-Reset-After"]) <= 5.0
    assert headers["X-RateLimit-Bucket"]
    _, headers, body = seen[5]
    assert headers["X-RateLimit-Scope"] == "user"
    assert headers["Via"] == "1.1 google"
    assert headers["Content-Type"] == "application/json"
    assert body["message"] == "You are being rate limited."  # type: ignore[index]
    assert body["global"] is False  # type: ignore[index]
    assert 0 < body["retry_after"] <= 5  # type: ignore[index]
    other = f"/channels/{world.home.channel('us').id}/messages"  # buckets are per channel
    assert (await _raw_post(fake, other, {"content": "x"}))[0] == 200
    assert len(fake.rate_limit_hits) == 1


async def test_discord_py_waits_for_the_bucket(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.rate_limits(True)
    fake.set_rate_limit("message-create", limit=2, per=0.3)
    channel = _channel(bot, world.home.channel("general").id)
    start = time.monotonic()
    await asyncio.gather(*(channel.send(f"m{i}") for i in range(6)))
    elapsed = time.monotonic() - start
    assert len(fake.messages(world.home.channel("general"))) == 6
    assert elapsed >= 0.55  # 3 windows of 0.3 s
    assert fake.rate_limit_hits == []  # discord.py followed the headers and never hit a 429


async def test_global_limit_429_is_retried(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.rate_limits(True, global_limit=3, global_window=0.2)
    channels = [fake.create_channel(world.home, f"c{i}") for i in range(6)]
    await fake.sync()
    results = await asyncio.gather(*(bot.fetch_channel(c.id) for c in channels))
    assert [r.id for r in results] == [c.id for c in channels]
    assert any(hit.is_global for hit in fake.rate_limit_hits)


async def test_interaction_callbacks_are_exempt_from_the_global_limit(
    fake: Fake, world: World, bot: MiniBot
) -> None:
    fake.rate_limits(True, global_limit=1)
    for _ in range(3):
        r = await fake.slash(world.alice, "ping")
        assert r.content == "pong"
    assert not [h for h in fake.rate_limit_hits if "/interactions/" in h.route]


async def test_injected_429_is_retried(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.fail("POST", "/channels/*/messages", status=429, retry_after=0.05)
    await _channel(bot, world.home.channel("general").id).send("eventually")
    assert fake.count_requests("POST", "/channels/*/messages") == 2
    assert [m.content for m in fake.messages(world.home.channel("general"))] == ["eventually"]


async def test_500_is_retried_by_discord_py(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.fail("POST", "/channels/{channel_id}/messages", status=500, times=1)
    await _channel(bot, world.home.channel("general").id).send("after a hiccup")
    assert [r.status for r in fake.requests if r.method == "POST"] == [500, 200]
    fake.assert_no_violations()


async def test_503_raises_server_error(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.fail("*", "/channels/*/messages", status=503, times=1)
    with pytest.raises(discord.DiscordServerError):
        await _channel(bot, world.home.channel("general").id).send("down")
    await _channel(bot, world.home.channel("general").id).send("up again")


async def test_slow_route(fake: Fake, world: World, bot: MiniBot) -> None:
    fake.delay("POST", "/channels/*/messages", 0.2, times=1)
    start = time.monotonic()
    await _channel(bot, world.home.channel("general").id).send("slow")
    assert time.monotonic() - start >= 0.2


async def test_slow_interaction_callback_can_miss_the_deadline(
    fake: Fake, world: World, bot: MiniBot
) -> None:
    fake.interaction_deadline = 0.1
    fake.delay("POST", "/interactions/*/callback", 0.2, times=1)
    with pytest.raises(AssertionError, match="rejected"):
        await fake.slash(world.alice, "ping")
    assert [v.rule for v in fake.violations] == ["interaction.deadline"]


async def test_unsupported_route_is_reported(fake: Fake, world: World, bot: MiniBot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.http.get_all_custom_emojis(world.home.id)
    assert [v.rule for v in fake.violations] == ["emulator.unsupported_route"]


async def test_a_lost_response_carries_the_request_out(fake: Fake, world: World, bot: MiniBot) -> None:
    """``after=True``: the message is created, the client only sees the 503."""
    fake.fail("POST", "/channels/*/messages", status=503, after=True)
    channel = _channel(bot, world.home.channel("general").id)
    with pytest.raises(discord.DiscordServerError):
        await channel.send("went through", nonce="n-1")
    again = await channel.send("went through", nonce="n-1")  # the retry, with the same nonce
    assert [m.content for m in fake.messages(world.home.channel("general"))] == ["went through"]
    assert again.id == fake.messages(world.home.channel("general"))[0].id
