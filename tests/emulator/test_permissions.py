"""Channel permission overwrites: computed as Discord computes them, sent in GUILD_CREATE and
CHANNEL_UPDATE (so discord.py's ``permissions_for`` agrees), and enforced on the bot's requests
(50001 without View Channel, 50013 without what the request needs)."""

from __future__ import annotations

import io

import discord
import pytest

from emulator.fake import Fake
from emulator.permissions import (
    ALL_PERMISSIONS,
    MEMBER,
    ROLE,
    Overwrite,
    base_permissions,
    bits,
    channel_permissions,
    names,
)
from emulator.state import EVERYONE_PERMISSIONS

from .minibot import MiniBot, World, running

GUILD, OWNER, ALICE, MODS, FRIENDS = 1, 2, 3, 4, 5
SEND, VIEW, EMBED, ATTACH = (
    bits(n) for n in ("send_messages", "view_channel", "embed_links", "attach_files")
)


def _channel(bot: MiniBot, channel_id: int) -> discord.TextChannel:
    channel = bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


# -- the computation (pure) ------------------------------------------------------------------------


def test_base_permissions_follow_roles_owner_and_administrator() -> None:
    roles = {GUILD: VIEW | SEND, MODS: EMBED, FRIENDS: bits("administrator")}
    assert base_permissions(GUILD, OWNER, roles, ALICE, []) == VIEW | SEND  # @everyone only
    assert base_permissions(GUILD, OWNER, roles, ALICE, [MODS]) == VIEW | SEND | EMBED
    assert base_permissions(GUILD, OWNER, roles, OWNER, []) == ALL_PERMISSIONS
    assert base_permissions(GUILD, OWNER, roles, ALICE, [FRIENDS]) == ALL_PERMISSIONS


def test_overwrites_apply_everyone_then_roles_then_the_member() -> None:
    base = VIEW | SEND | EMBED | ATTACH
    everyone = Overwrite(GUILD, ROLE, deny=SEND)
    # @everyone's deny applies...
    assert channel_permissions(base, GUILD, ALICE, [], {GUILD: everyone}) == VIEW
    # ...a role's allow wins over @everyone's deny (and Embed Links comes back with sending)...
    mods = Overwrite(MODS, ROLE, allow=SEND)
    assert channel_permissions(base, GUILD, ALICE, [MODS], {GUILD: everyone, MODS: mods}) == base
    # ...roles together: an allow of one role beats a deny of another...
    friends = Overwrite(FRIENDS, ROLE, deny=SEND)
    both = {GUILD: everyone, MODS: mods, FRIENDS: friends}
    assert channel_permissions(base, GUILD, ALICE, [MODS, FRIENDS], both) == base
    # ...and the member's own overwrite has the last word.
    own = Overwrite(ALICE, MEMBER, deny=EMBED)
    assert channel_permissions(base, GUILD, ALICE, [MODS], {MODS: mods, ALICE: own}) == base & ~EMBED


def test_implicit_rules() -> None:
    base = VIEW | SEND | EMBED | ATTACH | bits("read_message_history")
    # Without View Channel nothing is left; without Send Messages, no embeds or files either.
    assert channel_permissions(base, GUILD, ALICE, [], {GUILD: Overwrite(GUILD, ROLE, deny=VIEW)}) == 0
    no_send = channel_permissions(base, GUILD, ALICE, [], {GUILD: Overwrite(GUILD, ROLE, deny=SEND)})
    assert names(no_send) == ["view_channel", "read_message_history"]
    # In a thread, Send Messages in Threads is what counts.
    in_thread = channel_permissions(
        base | bits("send_messages_in_threads"), GUILD, ALICE, [], {}, thread=True
    )
    assert in_thread & EMBED
    assert not channel_permissions(base, GUILD, ALICE, [], {}, thread=True) & EMBED
    # Administrators ignore overwrites.
    admin = bits("administrator")
    assert (
        channel_permissions(admin, GUILD, ALICE, [], {GUILD: Overwrite(GUILD, ROLE, deny=VIEW)})
        == ALL_PERMISSIONS
    )


def test_bits_takes_names_and_refuses_unknown_ones() -> None:
    assert bits(["send_messages", "Embed Links", 1 << 15]) == SEND | EMBED | ATTACH
    with pytest.raises(ValueError, match="unknown permission"):
        bits("send_mesages")


# -- the world, the gateway and discord.py --------------------------------------------------------


async def test_overwrites_reach_discord_py_and_agree_with_it(fake: Fake, world: World, bot: MiniBot) -> None:
    """fake.deny sends CHANNEL_UPDATE with the overwrite; discord.py computes what the emulator does."""
    us = world.home.channel("us")
    fake.deny(us, world.home, "embed_links")  # @everyone
    fake.deny(us, fake.bot_user, "attach_files")  # the bot as a member
    await fake.sync()
    channel = _channel(bot, us.id)
    me = channel.guild.me
    assert channel.overwrites_for(channel.guild.default_role).embed_links is False
    assert channel.overwrites_for(me).attach_files is False
    have = channel.permissions_for(me)
    # @everyone's deny takes Embed Links from everyone (the bot's role grants it guild-wide, but no
    # role overwrite allows it here); the member overwrite takes Attach Files from the bot.
    assert not have.attach_files
    assert not have.embed_links
    assert have.send_messages
    text = {"view_channel", "send_messages", "embed_links", "attach_files", "read_message_history",
            "add_reactions", "create_public_threads", "send_messages_in_threads", "mention_everyone"}  # fmt: skip
    computed = set(fake.permissions(us, fake.bot_user)) & text
    # discord.py calls View Channel "read_messages" and drops voice bits in a text channel.
    theirs = {"view_channel" if name == "read_messages" else name for name, value in have if value}
    assert computed == theirs & text
    assert "embed_links" not in fake.permissions(us, world.bob)
    assert "attach_files" in fake.permissions(us, world.bob)


async def test_overwrites_arrive_in_guild_create(fake: Fake) -> None:
    alice = fake.create_user("alice")
    home = fake.create_guild("Home", members=[alice], text_channels=["us"])
    fake.deny(home.channel("us"), home, "send_messages")
    bot = MiniBot()
    async with running(bot, fake):
        channel = _channel(bot, home.channel("us").id)
        assert channel.overwrites_for(channel.guild.default_role).send_messages is False
        assert channel.permissions_for(channel.guild.me).send_messages is False


# -- what the bot's requests get ------------------------------------------------------------------


def _fresh(send: dict) -> dict:
    """The keyword arguments of a send (a file can be sent only once: a new one each time)."""
    if send.get("file") == "photo":
        return {"file": discord.File(io.BytesIO(b"\x89PNG"), "photo.png")}
    return send


@pytest.mark.parametrize(
    ("denied", "send", "code"),
    [
        ("view_channel", {"content": "hi"}, 50001),
        ("send_messages", {"content": "hi"}, 50013),
        ("embed_links", {"embed": discord.Embed(title="hi")}, 50013),
        ("attach_files", {"file": "photo"}, 50013),
    ],
)
async def test_a_post_without_the_permission_it_needs_is_refused(
    fake: Fake, world: World, bot: MiniBot, denied: str, send: dict, code: int
) -> None:
    us = world.home.channel("us")
    fake.deny(us, fake.bot_user, denied)
    await fake.sync()
    with pytest.raises(discord.Forbidden) as refused:
        await _channel(bot, us.id).send(**_fresh(send))
    assert refused.value.code == code
    assert refused.value.status == 403
    expected = "channel.missing_access" if code == 50001 else "channel.missing_permissions"
    assert [v.rule for v in fake.violations] == [expected]
    assert fake.messages(us) == []
    # Granting it back (an allow on the bot's own role) lets the same post through.
    fake.clear_overwrite(us, fake.bot_user)
    await fake.sync()
    await _channel(bot, us.id).send(**_fresh(send))
    assert len(fake.messages(us)) == 1


async def test_a_role_allow_beats_an_everyone_deny(fake: Fake, world: World, bot: MiniBot) -> None:
    us = world.home.channel("us")
    [bot_role] = [r for r in world.home.roles if r.managed]
    fake.deny(us, world.home, "view_channel", "send_messages")
    await fake.sync()
    with pytest.raises(discord.Forbidden) as refused:
        await _channel(bot, us.id).send("hidden?")
    assert refused.value.code == 50001
    fake.allow(us, bot_role, "view_channel", "send_messages")
    await fake.sync()
    await _channel(bot, us.id).send("back")
    assert [m.content for m in fake.messages(us)] == ["back"]
    fake.clear_violations()


async def test_threads_and_history_follow_permissions(fake: Fake, world: World, bot: MiniBot) -> None:
    general = world.home.channel("general")
    channel = _channel(bot, general.id)
    starter = await channel.send("plans")
    fake.deny(general, fake.bot_user, "create_public_threads", "read_message_history")
    await fake.sync()
    with pytest.raises(discord.Forbidden) as refused:
        await starter.create_thread(name="Trip")
    assert refused.value.code == 50013
    assert [m async for m in channel.history(limit=10)] == []  # Discord returns no message
    with pytest.raises(discord.Forbidden):
        await channel.fetch_message(starter.id)
    fake.clear_overwrite(general, fake.bot_user)
    await fake.sync()
    await starter.create_thread(name="Trip")
    assert [m.id async for m in channel.history(limit=10)] == [starter.id]
    fake.clear_violations()


async def test_defaults_are_unchanged(fake: Fake, world: World) -> None:
    """Without overwrites a member (not the owner) has @everyone's permissions and the bot its role's."""
    us = world.home.channel("us")
    assert bits(fake.permissions(us, world.bob)) == EVERYONE_PERMISSIONS
    assert {"view_channel", "send_messages", "embed_links", "attach_files"} <= set(
        fake.permissions(us, fake.bot_user)
    )
