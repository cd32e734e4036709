"""Channel messages through discord.py: limits, attachments, history, edits, DMs, threads, reactions."""

from __future__ import annotations

import io
from typing import Any

import aiohttp
import discord
import pytest

from emulator.fake import Fake

from .minibot import MiniBot, World


def _text_channel(bot: MiniBot, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


async def _send_raw(bot: MiniBot, channel_id: int, payload: dict[str, Any]) -> Any:
    """Send a payload discord.py would refuse to build locally (to exercise the server's checks)."""
    params = discord.http.MultipartParameters(payload=payload, multipart=None, files=None)
    return await bot.http.send_message(channel_id, params=params)


async def test_send_edit_delete_and_history(fake: Fake, world: World, bot: MiniBot) -> None:
    channel = _text_channel(bot, world.home.channel("general").id)
    first = await channel.send("one")
    second = await channel.send("two", embed=discord.Embed(title="T", description="D"))
    await first.edit(content="one (edited)")
    third = await channel.send("three")
    await third.delete()
    msgs = fake.messages(world.home.channel("general"))
    assert [m.content for m in msgs] == ["one (edited)", "two"]
    assert msgs[0].edited
    assert msgs[1].text == "two\nT\nD"
    history = [m.content async for m in channel.history(limit=10)]
    assert history == ["two", "one (edited)"]  # newest first, as Discord
    older = [m.content async for m in channel.history(limit=10, before=second)]
    assert older == ["one (edited)"]
    fetched = await channel.fetch_message(second.id)
    assert fetched.embeds[0].title == "T"
    with pytest.raises(discord.NotFound) as info:
        await channel.fetch_message(third.id)
    assert info.value.code == 10008


async def test_content_over_2000_is_rejected(fake: Fake, world: World, bot: MiniBot) -> None:
    channel = _text_channel(bot, world.home.channel("general").id)
    await channel.send("x" * 2000)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x" * 2001)
    assert info.value.status == 400
    assert info.value.code == 50035
    assert "content" in info.value.text
    [v] = fake.violations
    assert (v.rule, v.path, v.route) == (
        "message.content.length",
        "content",
        "POST /channels/{channel_id}/messages",
    )


async def test_empty_message_is_rejected(fake: Fake, world: World, bot: MiniBot) -> None:
    with pytest.raises(discord.HTTPException) as info:
        await _send_raw(bot, world.home.channel("general").id, {"content": ""})
    assert info.value.code == 50006
    assert [v.rule for v in fake.violations] == ["message.empty"]


def _embed(**overrides: Any) -> dict[str, Any]:
    return {"title": "t", "description": "d", **overrides}


EMBED_CASES = [
    ("message.embeds.count", [_embed() for _ in range(11)]),
    ("embed.title", [_embed(title="x" * 257)]),
    ("embed.description", [_embed(description="x" * 4097)]),
    ("embed.fields.count", [_embed(fields=[{"name": "n", "value": "v"}] * 26)]),
    ("embed.field.name", [_embed(fields=[{"name": "x" * 257, "value": "v"}])]),
    ("embed.field.name", [_embed(fields=[{"name": "", "value": "v"}])]),
    ("embed.field.value", [_embed(fields=[{"name": "n", "value": "x" * 1025}])]),
    ("embed.field.value", [_embed(fields=[{"name": "n", "value": ""}])]),
    ("embed.footer", [_embed(footer={"text": "x" * 2049})]),
    ("embed.author", [_embed(author={"name": "x" * 257})]),
    ("embed.total", [_embed(description="x" * 4000), _embed(description="x" * 2000)]),
    ("embed.url", [_embed(url="ftp://example")]),
]


@pytest.mark.parametrize(
    ("rule", "embeds"), EMBED_CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(EMBED_CASES)]
)
async def test_embed_limits(
    fake: Fake, world: World, bot: MiniBot, rule: str, embeds: list[dict[str, Any]]
) -> None:
    with pytest.raises(discord.HTTPException) as info:
        await _send_raw(bot, world.home.channel("general").id, {"embeds": embeds})
    assert info.value.status == 400
    assert rule in [v.rule for v in fake.violations]
    assert fake.messages(world.home.channel("general")) == []


async def test_embed_limits_accept_the_maximum(fake: Fake, world: World, bot: MiniBot) -> None:
    embed = {
        "title": "x" * 256,
        "description": "x" * 2900,  # 256 + 2900 + 25 * 110 + 20 = 5926 <= 6000
        "fields": [{"name": "n" * 10, "value": "v" * 100}] * 25,
        "footer": {"text": "f" * 10},
        "author": {"name": "a" * 10},
    }
    await _send_raw(bot, world.home.channel("general").id, {"embeds": [embed]})
    fake.assert_no_violations()


def _button(label: str, custom_id: str | None = None, **extra: Any) -> dict[str, Any]:
    button = {"type": 2, "style": 1, "label": label, **extra}
    if custom_id is not None:
        button["custom_id"] = custom_id
    return button


def _row(*components: dict[str, Any]) -> dict[str, Any]:
    return {"type": 1, "components": list(components)}


def _select(custom_id: str, n: int) -> dict[str, Any]:
    return {
        "type": 3,
        "custom_id": custom_id,
        "options": [{"label": f"o{i}", "value": f"{i}"} for i in range(n)],
    }


COMPONENT_CASES = [
    ("components.rows", [_row(_button("b", f"b{i}")) for i in range(6)]),
    ("components.row.size", [_row(*[_button("b", f"b{i}") for i in range(6)])]),
    ("components.select.alone", [_row(_select("s", 2), _button("b", "b"))]),
    ("components.custom_id.duplicate", [_row(_button("a", "same"), _button("b", "same"))]),
    ("components.custom_id", [_row(_button("a", "x" * 101))]),
    ("components.button.label", [_row(_button("x" * 81, "a"))]),
    ("components.link.url", [_row({"type": 2, "style": 5, "label": "go", "custom_id": "c"})]),
    ("components.select.options", [_row(_select("s", 26))]),
    ("components.select.options", [_row(_select("s", 0))]),
]


@pytest.mark.parametrize(
    ("rule", "components"), COMPONENT_CASES, ids=[f"{r}-{i}" for i, (r, _) in enumerate(COMPONENT_CASES)]
)
async def test_component_limits(
    fake: Fake, world: World, bot: MiniBot, rule: str, components: list[dict[str, Any]]
) -> None:
    with pytest.raises(discord.HTTPException) as info:
        await _send_raw(bot, world.home.channel("general").id, {"content": "c", "components": components})
    assert info.value.status == 400
    assert rule in [v.rule for v in fake.violations]


async def test_file_upload_round_trip_and_cdn(fake: Fake, world: World, bot: MiniBot) -> None:
    channel = _text_channel(bot, world.home.channel("general").id)
    sent = await channel.send("pic", file=discord.File(io.BytesIO(b"\x89PNG data"), filename="us.png"))
    [att] = sent.attachments
    assert att.filename == "us.png"
    assert att.content_type == "image/png"
    assert att.url.startswith(f"http://127.0.0.1:{fake.port}/attachments/")
    assert await att.read() == b"\x89PNG data"
    [stored] = fake.messages(world.home.channel("general"))[0].attachments
    assert stored.data == b"\x89PNG data"
    assert fake.attachment_bytes(att) == b"\x89PNG data"
    async with aiohttp.ClientSession() as session, session.get(att.url) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "image/png"


async def test_expired_attachment_urls(fake: Fake, world: World, bot: MiniBot) -> None:
    channel = _text_channel(bot, world.home.channel("general").id)
    sent = await channel.send(file=discord.File(io.BytesIO(b"abc"), filename="a.txt"))
    fake.expire_attachments()
    with pytest.raises(discord.NotFound):
        await sent.attachments[0].read()
    refreshed = await channel.fetch_message(sent.id)  # a fresh fetch gives fresh signed URLs
    assert await refreshed.attachments[0].read() == b"abc"


async def test_edit_keeps_or_replaces_attachments(fake: Fake, world: World, bot: MiniBot) -> None:
    channel = _text_channel(bot, world.home.channel("general").id)
    sent = await channel.send(
        files=[discord.File(io.BytesIO(b"1"), "one.txt"), discord.File(io.BytesIO(b"2"), "two.txt")]
    )
    edited = await sent.edit(content="now with text")
    assert [a.filename for a in edited.attachments] == ["one.txt", "two.txt"]
    edited = await sent.edit(attachments=[edited.attachments[1], discord.File(io.BytesIO(b"3"), "three.txt")])
    assert [a.filename for a in edited.attachments] == ["two.txt", "three.txt"]
    assert [a.data for a in fake.message(sent.id).attachments] == [b"2", b"3"]


async def test_user_message_with_attachment_reaches_the_bot(fake: Fake, world: World, bot: MiniBot) -> None:
    await fake.user_message(world.alice, world.home.channel("us"), "look", attachments=[("cat.jpg", b"meow")])
    await fake.sync()
    [msg] = bot.seen_messages
    assert msg.content == "look"
    assert msg.author.id == world.alice.id
    assert await msg.attachments[0].read() == b"meow"
    assert msg.attachments[0].content_type == "image/jpeg"


async def test_dm_and_closed_dms(fake: Fake, world: World, bot: MiniBot) -> None:
    user = await bot.fetch_user(world.bob.id)
    await user.send("hi bob")
    assert [m.content for m in fake.dms(world.bob)] == ["hi bob"]
    fake.close_dms(world.bob)
    with pytest.raises(discord.Forbidden) as info:
        await user.send("again")
    assert info.value.code == 50007
    assert [v.rule for v in fake.violations] == ["dm.closed"]
    fake.open_dms(world.bob)
    fake.remove_member(world.home, world.bob)  # no mutual guild left: Discord refuses DMs too
    with pytest.raises(discord.Forbidden) as info:
        await user.send("still there?")
    assert info.value.code == 50007
    assert fake.violations[-1].rule == "dm.no_mutual_guild"


async def test_missing_access(fake: Fake, world: World, bot: MiniBot) -> None:
    us = world.home.channel("us")
    fake.deny_access(us)
    with pytest.raises(discord.Forbidden) as info:
        await _text_channel(bot, us.id).send("hello?")
    assert info.value.code == 50001
    fake.allow_access(us)
    await _text_channel(bot, us.id).send("hello!")


async def test_threads(fake: Fake, world: World, bot: MiniBot) -> None:
    general = world.home.channel("general")
    channel = _text_channel(bot, general.id)
    starter = await channel.send("let's plan the trip")
    thread = await starter.create_thread(name="Trip")
    await thread.send("day 1: museum")
    await fake.sync()
    [stored] = fake.threads(general)
    assert stored.name == "Trip"
    assert stored.id == starter.id
    assert fake.message(starter.id).thread == stored
    assert [m.content for m in fake.messages(stored)] == ["day 1: museum"]
    assert bot.get_channel(stored.id) is not None  # THREAD_CREATE reached the cache
    standalone = await channel.create_thread(name="Ideas", type=discord.ChannelType.public_thread)
    assert {t.name for t in fake.threads(general)} == {"Trip", "Ideas"}
    assert standalone.parent_id == general.id


async def test_reactions_and_replies(fake: Fake, world: World, bot: MiniBot) -> None:
    posted = await fake.user_message(world.alice, world.home.channel("general"), "good morning")
    await fake.sync()
    [msg] = bot.seen_messages
    await msg.add_reaction("❤️")
    reply = await msg.reply("morning!")
    assert fake.message(posted.id).reactions == {"❤️": [fake.bot_user.id]}
    assert fake.message(reply.id).reference_id == posted.id
    await msg.remove_reaction("❤️", bot.user)  # type: ignore[arg-type]
    assert fake.message(posted.id).reactions == {}


async def test_wait_for_message(fake: Fake, world: World, bot: MiniBot) -> None:
    us = world.home.channel("us")
    channel = _text_channel(bot, us.id)
    await channel.send("first")
    got = await fake.wait_for_message(us, lambda m: "first" in m.content)
    assert got.content == "first"
    with pytest.raises(AssertionError, match="no matching message"):
        await fake.wait_for_message(us, lambda m: "never" in m.content, timeout=0.05)


async def test_member_lookups(fake: Fake, world: World, bot: MiniBot) -> None:
    guild = bot.get_guild(world.home.id)
    assert guild is not None
    member = await guild.fetch_member(world.alice.id)
    assert member.name == "alice"
    members = await bot.http.get_members(guild.id, 1000, None)  # fetch_members needs the members intent
    assert sorted(m["user"]["username"] for m in members) == ["Emulated Bot", "alice", "bob"]
    with pytest.raises(discord.NotFound):
        await guild.fetch_member(fake.create_user("stranger").id)


async def test_requests_are_logged(fake: Fake, world: World, bot: MiniBot) -> None:
    channel = _text_channel(bot, world.home.channel("general").id)
    before = fake.count_requests("POST", "/channels/*/messages")
    await channel.send("a")
    await channel.send("b")
    assert fake.count_requests("POST", "/channels/{channel_id}/messages") == before + 2
    last = fake.requests[-1]
    assert (last.method, last.route, last.status) == ("POST", "POST /channels/{channel_id}/messages", 200)
    assert last.json["content"] == "b"


async def test_user_reactions_reach_the_bot(fake: Fake, world: World, bot: MiniBot) -> None:
    seen: list[tuple[int, str]] = []

    async def on_raw_reaction_add(payload: discord.RawReactionActionEvent) -> None:
        seen.append((payload.user_id, str(payload.emoji)))

    bot.add_listener(on_raw_reaction_add)
    sent = await _text_channel(bot, world.home.channel("general").id).send("miss you")
    await fake.react(world.alice, fake.message(sent.id), "🥰")
    await fake.sync()
    assert seen == [(world.alice.id, "🥰")]


async def test_enforced_nonce_returns_the_earlier_message(fake: Fake, world: World, bot: MiniBot) -> None:
    """With enforce_nonce, the same nonce within minutes gives back the first message, as Discord."""
    channel = _text_channel(bot, world.home.channel("general").id)
    first = await channel.send("once", nonce="occurrence-1")
    again = await channel.send("once", nonce="occurrence-1")
    other = await channel.send("twice", nonce="occurrence-2")
    assert again.id == first.id
    assert other.id != first.id
    assert [m.content for m in fake.messages(world.home.channel("general"))] == ["once", "twice"]
    fake.advance_clock(600)
    later = await channel.send("once", nonce="occurrence-1")
    assert later.id != first.id
