"""``Fake``: the test API. Build a small Discord world, act as its users, and read what the bot did.

fake = await Fake.start()
alice = fake.create_user("alice")
guild = fake.create_guild("Home", members=[alice], text_channels=["general"])
bot_task = asyncio.create_task(bot.start(fake.token))
await fake.wait_for_ready()
r = await fake.slash(alice, "ping")
assert r.content == "pong"
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import secrets
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from .actions import UserActions
from .errors import FakeUsageError, Violation
from .fake_guild import GuildActions
from .faults import Fault
from .gateway import GUILDS
from .ops import Ops
from .patch import DiscordPatch
from .permissions import MEMBER, ROLE, Overwrite, bits
from .permissions import names as permission_names
from .ratelimit import RateLimitHit
from .results import Att, Msg
from .server import EmulatorServer, RequestRecord
from .shards import shard_of
from .snowflake import Snowflakes
from .state import EPHEMERAL, GUILD_TEXT, GUILD_VOICE, Attachment, Channel, Guild, Role, User, _emoji_payload


class Fake(UserActions, GuildActions):
    """A running emulator plus helpers to script users. Create with ``await Fake.start()``."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.world = server.world
        self.ops = Ops(server)
        self.response_timeout = 5.0
        self.defer_timeout = 10.0
        self.update_wait = 2.0  # after a deferred update (type 6), wait this long for the edit
        app_part = base64.urlsafe_b64encode(str(self.world.app_id).encode()).decode().rstrip("=")
        self.token = f"{app_part}.emulator.{secrets.token_urlsafe(27)}"
        self._patch: DiscordPatch | None = None

    # ================================================================== lifecycle
    @classmethod
    async def start(
        cls,
        *,
        monkeypatch: Any = None,
        patch: bool = True,
        rate_limits: bool = False,
        interaction_deadline: float = 3.0,
        allowed_privileged_intents: Iterable[str] | None = None,
        clock: Callable[[], datetime] | None = None,
        max_concurrency: int = 1,
        identify_limit: bool = False,
    ) -> Fake:
        """Start a server on 127.0.0.1 (free port) and point discord.py at it.

        ``allowed_privileged_intents``: subset of {"members", "presences", "message_content"} enabled
        "in the developer portal" (default: all). Asking for others at IDENTIFY closes with 4014.
        ``clock``: returns the aware "now" that messages are stamped with (``timestamp``,
        ``edited_timestamp``); default the wall clock. Pass the bot's controlled clock
        (``FakeClock.now``) so a simulated week reads like one. Ids and interaction deadlines
        keep following the wall clock.
        ``max_concurrency``: the session start limit ``GET /gateway/bot`` gives (Discord: 1 for most
        bots, 16 and more for very large ones); ``identify_limit``: enforce it (more IDENTIFYs of one
        rate-limit key within 5 s get op 9), off by default like the REST rate limits.
        """
        server = EmulatorServer(
            allowed_privileged_intents=None
            if allowed_privileged_intents is None
            else frozenset(allowed_privileged_intents)
        )
        server.interaction_deadline = interaction_deadline
        server.ratelimits.enabled = rate_limits
        if clock is not None:
            server.world.clock = clock
        server.gateway.identifies.max_concurrency = max_concurrency
        server.gateway.identifies.enabled = identify_limit
        await server.start()
        fake = cls(server)
        if patch:
            fake._patch = DiscordPatch(server.base_url, monkeypatch=monkeypatch).apply()
        return fake

    async def stop(self) -> None:
        """Close gateway connections, stop the server and restore discord.py's globals."""
        try:
            await self.server.stop()
        finally:
            if self._patch is not None:
                self._patch.restore()
                self._patch = None

    async def __aenter__(self) -> Fake:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def newest_id(self) -> int:
        """The newest snowflake handed out so far: whatever happens next has a larger id (a
        transcript can place an action among the messages it caused)."""
        return Snowflakes._last

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def port(self) -> int:
        return self.server.port

    # ================================================================== settings
    @property
    def interaction_deadline(self) -> float:
        """Seconds the bot has for its initial interaction response (Discord: 3)."""
        return self.server.interaction_deadline

    @interaction_deadline.setter
    def interaction_deadline(self, value: float) -> None:
        self.server.interaction_deadline = value

    @property
    def token_lifetime(self) -> float:
        """Seconds an interaction token works for follow-ups and @original edits (Discord: 900)."""
        return self.server.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, value: float) -> None:
        self.server.token_lifetime = value

    def rate_limits(
        self, enabled: bool = True, *, global_limit: int | None = None, global_window: float | None = None
    ) -> None:
        """Switch Discord-like rate limiting on or off (off by default); optionally change the global
        limit (Discord: 50 requests per 1 second window)."""
        limiter = self.server.ratelimits
        limiter.enabled = enabled
        if global_limit is not None:
            limiter.global_limit = global_limit
        if global_window is not None:
            limiter.global_per = global_window
        limiter.reset()

    def set_rate_limit(self, bucket: str, limit: int, per: float) -> None:
        """Change one bucket (names in ``ratelimit.DEFAULT_RULES``, e.g. "message-create": 5 per 5 s)."""
        limiter = self.server.ratelimits
        for i, rule in enumerate(limiter.rules):
            if rule.name == bucket:
                limiter.rules[i] = dataclasses.replace(rule, limit=limit, per=per)
                limiter.reset()
                return
        raise KeyError(f"no rate limit bucket {bucket!r}: {[r.name for r in limiter.rules]}")

    @property
    def rate_limit_hits(self) -> list[RateLimitHit]:
        """Every 429 the emulator sent because of rate limits."""
        return list(self.server.ratelimits.hits)

    @property
    def max_concurrency(self) -> int:
        """The session start limit's ``max_concurrency`` (IDENTIFYs per 5 s per rate-limit key)."""
        return self.server.gateway.identifies.max_concurrency

    @max_concurrency.setter
    def max_concurrency(self, value: int) -> None:
        self.server.gateway.identifies.max_concurrency = value

    def advance_clock(self, seconds: float) -> None:
        """Move the emulator's clock (interaction deadlines, token expiry) forward."""
        self.server.clock_offset += seconds

    def reject_token(self, token: str) -> None:
        """Treat ``token`` as invalid: REST answers 401 and IDENTIFY closes with 4004."""
        self.server.rejected_tokens.add(token)

    # ================================================================== building the world
    @property
    def bot_user(self) -> User:
        return self.world.bot

    @property
    def app_id(self) -> int:
        return self.world.app_id

    def create_user(self, name: str, *, bot: bool = False, dms_open: bool = True) -> User:
        user = self.world.add_user(name, bot=bot)
        user.dms_closed = not dms_open
        return user

    def create_guild(
        self,
        name: str,
        members: Iterable[User] = (),
        text_channels: Iterable[str] = ("general",),
        *,
        owner: User | None = None,
        with_bot: bool = True,
        guild_id: int | None = None,
        voice_channels: Iterable[str] = (),
    ) -> Guild:
        """A guild with these members, text channels and voice channels; the bot joins it unless
        ``with_bot=False``.

        ``guild_id``: a fixed id instead of a fresh snowflake (a reproducible world: a bot that
        derives choices from the server's id then makes the same ones every run)."""
        members = list(members)
        owner = owner or (members[0] if members else self.world.owner)
        guild = self.world.add_guild(name, owner, guild_id=guild_id)
        for user in [owner, *members]:
            self.world.add_member(guild, user)
        for channel_name in text_channels:
            self.world.add_channel(guild, channel_name.lstrip("#"), GUILD_TEXT)
        for channel_name in voice_channels:
            self.world.add_channel(guild, channel_name.lstrip("#"), GUILD_VOICE)
        if with_bot:
            self.add_bot(guild)
        return guild

    def create_guilds(
        self, count: int, *, name: str = "Server {n}", text_channels: Iterable[str] = ("general",)
    ) -> list[Guild]:
        """``count`` servers with the bot in them, cheaply (the app owner alone as member): a big
        bot's world. Create them before the bot connects: they then arrive in READY."""
        guilds = []
        for n in range(count):
            guild = self.world.add_guild(name.format(n=n), self.world.owner)
            self.world.add_member(guild, self.world.owner)
            for channel_name in text_channels:
                self.world.add_channel(guild, channel_name.lstrip("#"), GUILD_TEXT)
            self.add_bot(guild)
            guilds.append(guild)
        return guilds

    def shard_of(self, guild: Guild | int, num_shards: int | None = None) -> int:
        """The shard that receives ``guild``'s events (of ``num_shards``, default: the bot's shard count)."""
        count = num_shards if num_shards is not None else max(1, self.server.gateway.num_shards)
        return shard_of(guild if isinstance(guild, int) else guild.id, count)

    def create_channel(self, guild: Guild, name: str) -> Channel:
        chan = self.world.add_channel(guild, name.lstrip("#"), GUILD_TEXT)
        if self.world.bot_in(guild):
            self.server.gateway.dispatch("CHANNEL_CREATE", chan.payload(), intent=GUILDS)
        self.world.changed.notify()
        return chan

    def create_role(
        self, guild: Guild, name: str, *, permissions: int = 0, members: Iterable[User] = ()
    ) -> Role:
        role = Role(self.world.ids.next(), guild.id, name, permissions, position=len(guild.roles))
        guild.roles.append(role)
        for user in members:
            guild.members[user.id].role_ids.append(role.id)
        if self.world.bot_in(guild):
            data = {"guild_id": str(guild.id), "role": role.payload()}
            self.server.gateway.dispatch("GUILD_ROLE_CREATE", data, intent=GUILDS)
        return role

    def add_member(self, guild: Guild, user: User) -> None:
        """``user`` joins ``guild`` (GUILD_MEMBER_ADD, needs the members intent)."""
        self.ops.guild_member_add(guild, user)

    def remove_member(self, guild: Guild, user: User) -> None:
        """``user`` leaves ``guild`` (leaving voice first: VOICE_STATE_UPDATE; GUILD_MEMBER_REMOVE)."""
        if user.id in guild.voice_states:
            self.leave_voice(user, guild)
        self.ops.guild_member_remove(guild, user)

    def add_bot(self, guild: Guild) -> None:
        """The bot is invited to ``guild`` (GUILD_CREATE)."""
        self.world.add_member(guild, self.world.bot)
        self.world.bot_guilds.add(guild.id)
        self.world.changed.notify()
        gateway = self.server.gateway
        if gateway.sessions_for(guild.id):
            payload = gateway.guild_create_payload(guild, joined=True)
            gateway.dispatch("GUILD_CREATE", payload, intent=GUILDS)

    def outage(self, guild: Guild, *, over: bool = False) -> None:
        """A Discord outage makes ``guild`` unavailable (GUILD_DELETE with ``unavailable``; a new
        READY lists it but sends no GUILD_CREATE) until ``outage(guild, over=True)`` (GUILD_CREATE)."""
        gateway = self.server.gateway
        if over:
            self.world.outages.discard(guild.id)
            if self.world.bot_in(guild) and gateway.sessions_for(guild.id):
                gateway.dispatch("GUILD_CREATE", gateway.guild_create_payload(guild), intent=GUILDS)
        else:
            self.world.outages.add(guild.id)
            if self.world.bot_in(guild):
                gateway.dispatch("GUILD_DELETE", {"id": str(guild.id), "unavailable": True}, intent=GUILDS)
        self.world.changed.notify()

    def remove_bot(self, guild: Guild) -> None:
        """The bot is kicked from ``guild`` (GUILD_DELETE); its REST calls there get 403 afterwards."""
        self.world.bot_guilds.discard(guild.id)
        guild.members.pop(self.world.bot.id, None)
        self.world.changed.notify()
        self.server.gateway.dispatch("GUILD_DELETE", {"id": str(guild.id)}, intent=GUILDS)

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel or thread: CHANNEL_DELETE / THREAD_DELETE, then 404 (10003) for the bot."""
        if channel.is_dm:
            raise FakeUsageError("DM channels cannot be deleted")
        guild = self.world.guilds[channel.guild_id]  # type: ignore[index]
        for state in [v for v in guild.voice_states.values() if v.channel_id == channel.id]:
            self.leave_voice(self.world.users[state.user_id], guild)  # disconnected from it
        channel.deleted = True
        children = [c for c in self.world.channels.values() if c.parent_id == channel.id and not c.deleted]
        for child in children:
            child.deleted = True
        self.world.changed.notify()
        if not self.world.bot_in(guild):
            return
        if channel.is_thread:
            data = {
                "id": str(channel.id),
                "guild_id": str(guild.id),
                "parent_id": str(channel.parent_id),
                "type": channel.type,
            }
            self.server.gateway.dispatch("THREAD_DELETE", data, intent=GUILDS)
        else:
            self.server.gateway.dispatch("CHANNEL_DELETE", channel.payload(), intent=GUILDS)

    def create_thread(
        self, channel: Channel, name: str, user: User, *, message: Msg | None = None
    ) -> Channel:
        """A user starts a thread (from ``message`` if given)."""
        return self.ops.create_thread(channel, name, user, message=message.state if message else None)

    def close_dms(self, user: User) -> None:
        """``user`` does not accept DMs: the bot gets 403 (50007) when it messages them."""
        user.dms_closed = True

    def open_dms(self, user: User) -> None:
        user.dms_closed = False

    def deny_access(self, channel: Channel, code: int = 50001) -> None:
        """The bot loses access to ``channel``: 403 with ``code`` (50001 Missing Access or 50013)."""
        channel.denied_code = code

    def allow_access(self, channel: Channel) -> None:
        channel.denied_code = None

    # ------------------------------------------------------------------ permission overwrites
    def deny(self, channel: Channel, target: User | Role | Guild, *permissions: str | int) -> None:
        """A permission overwrite on ``channel`` denying ``permissions`` (names such as
        ``"send_messages"``, or bits) to a member, a role, or the guild (@everyone). Discord's
        CHANNEL_UPDATE follows; the bot's requests are then answered as Discord would (50001 without
        View Channel, 50013 without what a request needs)."""
        self._overwrite(channel, target, deny=bits(permissions))

    def allow(self, channel: Channel, target: User | Role | Guild, *permissions: str | int) -> None:
        """A permission overwrite on ``channel`` allowing ``permissions`` (see :meth:`deny`)."""
        self._overwrite(channel, target, allow=bits(permissions))

    def clear_overwrite(self, channel: Channel, target: User | Role | Guild) -> None:
        """Remove ``target``'s permission overwrite from ``channel``."""
        if channel.overwrites.pop(target.id, None) is not None:
            self._channel_updated(channel)

    def permissions(self, channel: Channel, user: User) -> list[str]:
        """What ``user`` may do in ``channel`` (names), computed as Discord does."""
        guild = self.world.guild_of(channel)
        if guild is None:
            raise FakeUsageError(f"{channel} is not a guild channel")
        return permission_names(guild.permissions_in(channel, user.id))

    def _overwrite(
        self, channel: Channel, target: User | Role | Guild, *, allow: int = 0, deny: int = 0
    ) -> None:
        if channel.is_dm or channel.is_thread:
            raise FakeUsageError("overwrites are set on a guild channel (threads use their parent's)")
        kind = MEMBER if isinstance(target, User) else ROLE
        if isinstance(target, Guild) and target.id != channel.guild_id:
            raise FakeUsageError(f"{target} is not the guild of {channel}")
        overwrite = channel.overwrites.setdefault(target.id, Overwrite(target.id, kind))
        overwrite.allow = (overwrite.allow & ~deny) | allow
        overwrite.deny = (overwrite.deny & ~allow) | deny
        self._channel_updated(channel)

    def _channel_updated(self, channel: Channel) -> None:
        self.world.changed.notify()
        guild = self.world.guild_of(channel)
        if guild is not None and self.world.bot_in(guild):
            self.server.gateway.dispatch("CHANNEL_UPDATE", channel.payload(), intent=GUILDS)

    def dm_channel(self, user: User) -> Channel:
        return self.world.dm_channel(user)

    # ================================================================== users acting (non-interaction)
    async def user_message(
        self,
        user: User,
        where: Channel | User,
        content: str = "",
        *,
        attachments: Iterable[Att | Attachment | tuple[Any, ...]] = (),
        embeds: list[dict[str, Any]] | None = None,
        reply_to: Msg | None = None,
    ) -> Msg:
        """``user`` posts a message (MESSAGE_CREATE). ``where`` may be a User: their DM with the bot.

        Attachments: ``fake.upload(...)`` results, or ``(filename, bytes[, content_type])`` tuples.
        """
        channel = self.world.dm_channel(user) if isinstance(where, User) else where
        if channel.deleted:
            raise FakeUsageError(f"{channel} was deleted")
        guild = self.world.guild_of(channel)
        if guild is not None and user.id not in guild.members:
            raise FakeUsageError(f"{user} is not a member of {guild}")
        stored: list[Attachment] = []
        for item in attachments:
            if isinstance(item, Att | Attachment):
                src = item.state if isinstance(item, Att) else item
                stored.append(
                    self.world.new_attachment(
                        src.filename, src.data, channel.id, content_type=src.content_type
                    )
                )
            else:
                filename, data, *rest = item
                stored.append(
                    self.world.new_attachment(
                        filename, data, channel.id, content_type=rest[0] if rest else None
                    )
                )
        payload: dict[str, Any] = {"content": content, "embeds": embeds or []}
        if reply_to is not None:
            payload["message_reference"] = {
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
            }
        msg = self.ops.create_message(channel, user, payload, stored, validate=False)
        return Msg(self, msg.id)

    def bot_message(
        self,
        where: Channel | User,
        content: str = "",
        *,
        components: Iterable[dict[str, Any]] = (),
        embeds: Iterable[dict[str, Any]] = (),
        ephemeral: bool = False,
    ) -> Msg:
        """Put a message "from the bot" in ``where`` (a channel, or a user's DM) without the bot
        sending it: for pressing a button somewhere the bot never showed it, as a forged or copied
        ``custom_id`` would be. Nothing is checked and no gateway event is sent."""
        channel = self.world.dm_channel(where) if isinstance(where, User) else where
        payload = {
            "content": content,
            "embeds": list(embeds),
            "components": list(components),
            "flags": EPHEMERAL if ephemeral else 0,
        }
        msg = self.ops.create_message(channel, self.world.bot, payload, [], validate=False)
        return Msg(self, msg.id)

    async def react(self, user: User, message: Msg, emoji: str) -> None:
        """``user`` adds a reaction (MESSAGE_REACTION_ADD)."""
        users = message.state.reactions.setdefault(emoji, [])
        if user.id not in users:
            users.append(user.id)
            self.world.changed.notify()
            self.ops.dispatch_reaction("MESSAGE_REACTION_ADD", message.state, user, _emoji_payload(emoji))

    # ================================================================== reading state
    def messages(self, where: Channel | User, *, include_ephemeral: bool = False) -> list[Msg]:
        """Messages in a channel/thread (or a user's DM with the bot), oldest first, deleted ones left out."""
        channel = self.world.dm_channel(where) if isinstance(where, User) else where
        return [
            Msg(self, m.id)
            for m in self.world.channel_messages(channel.id, include_ephemeral=include_ephemeral)
        ]

    def dms(self, user: User) -> list[Msg]:
        """What the bot sent to ``user`` by DM, oldest first."""
        return [m for m in self.messages(user) if m.author_id == self.world.bot.id]

    def message(self, message_id: int) -> Msg:
        if message_id not in self.world.messages:
            raise KeyError(f"no message {message_id}")
        return Msg(self, message_id)

    def threads(self, channel: Channel) -> list[Channel]:
        return [
            c
            for c in self.world.channels.values()
            if c.parent_id == channel.id and c.is_thread and not c.deleted
        ]

    def attachment_bytes(self, attachment: Att | Attachment | Any) -> bytes:
        """Bytes of an attachment (an ``Att``, a state Attachment, or a ``discord.Attachment``)."""
        if isinstance(attachment, Att):
            return attachment.data
        if isinstance(attachment, Attachment):
            return attachment.data
        att = self.world.attachments.get(int(attachment.id))
        if att is None:
            raise KeyError(f"no attachment {attachment.id}")
        return att.data

    def expire_attachments(self) -> None:
        """Every attachment URL handed out so far stops working (404), like Discord's signed URLs.

        Fetching the message again gives fresh URLs.
        """
        self.world.attachment_generation += 1

    def commands(self, guild: Guild | None = None) -> list[dict[str, Any]]:
        """Commands the bot registered (global, or for ``guild``), as Discord returns them."""
        return [c.payload() for c in self.world.commands_for(guild.id if guild else None)]

    async def wait_for_message(
        self,
        where: Channel | User,
        predicate: Callable[[Msg], bool] | None = None,
        timeout: float = 5.0,
        *,
        from_bot: bool = True,
    ) -> Msg:
        """The first message (existing or future) in ``where`` matching ``predicate``.

        By default only the bot's messages count (``from_bot=False`` for anyone's).
        """

        def find() -> Msg | None:
            for msg in self.messages(where):
                if from_bot and msg.author_id != self.world.bot.id:
                    continue
                if predicate is None or predicate(msg):
                    return msg
            return None

        try:
            return await self.world.changed.wait_for(find, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no matching message in {where} within {timeout}s; messages: {self.messages(where)}"
            ) from None

    @property
    def violations(self) -> list[Violation]:
        return list(self.server.violations)

    def assert_no_violations(self, *, allow: Iterable[str] = ()) -> None:
        """Fail if Discord would have rejected any request (rules whose name starts with ``allow`` are ok)."""
        allowed = tuple(allow)
        bad = [v for v in self.server.violations if not (allowed and v.rule.startswith(allowed))]
        if bad:
            raise AssertionError("Discord would have rejected:\n" + "\n".join(f"  {v}" for v in bad))

    def clear_violations(self) -> None:
        self.server.violations.clear()

    @property
    def requests(self) -> list[RequestRecord]:
        """Every REST request the bot made, in order."""
        return list(self.server.requests)

    def count_requests(self, method: str, path_glob: str) -> int:
        fault = Fault(method, path_glob, times=None)
        return sum(1 for r in self.server.requests if fault.matches(r.method, r.path))

    # ================================================================== faults
    def fail(
        self,
        method: str,
        path: str,
        status: int = 500,
        *,
        times: int | None = 1,
        code: int = 0,
        message: str | None = None,
        retry_after: float = 0.1,
        after: bool = False,
    ) -> Fault:
        """The next ``times`` requests matching ``method`` ("*" for any) and ``path`` (a glob such as
        "/channels/*/messages" or a template "/channels/{channel_id}/messages") get ``status``.
        ``status=429`` sends a proper rate-limit response with ``retry_after``. ``after=True``: the
        request is carried out first and only its answer is the error (the client never learns that
        it worked, as when Discord times out after creating the message)."""
        return self.server.faults.add(
            Fault(
                method,
                path,
                status=status,
                times=times,
                code=code,
                message=message,
                retry_after=retry_after,
                after=after,
            )
        )

    def delay(self, method: str, path: str, seconds: float, *, times: int | None = None) -> Fault:
        """Matching requests are answered ``seconds`` late."""
        return self.server.faults.add(Fault(method, path, status=None, times=times, delay=seconds))

    def clear_faults(self) -> None:
        self.server.faults.clear()

    async def drop_gateway(self, *, resumable: bool = True, shard: int | None = None) -> None:
        """Close the bot's gateway connection (every shard's, or ``shard``'s). It must RESUME (or
        re-IDENTIFY if not ``resumable``)."""
        await self.server.gateway.drop(resumable=resumable, shard=shard)

    def send_reconnect(self, shard: int | None = None) -> None:
        """Send op 7 RECONNECT (to every shard, or to ``shard``): the client should reconnect and resume."""
        self.server.gateway.send_reconnect(shard)

    # ================================================================== gateway status
    @property
    def gateway_connected(self) -> bool:
        return self.server.gateway.connected

    @property
    def identify_count(self) -> int:
        return self.server.gateway.identify_count

    @property
    def shards(self) -> list[tuple[int, int]]:
        """``(shard_id, num_shards)`` of the bot's connected sessions, in order."""
        return sorted(key for key, s in self.server.gateway.live.items() if s.attached)

    @property
    def identify_refused(self) -> int:
        """IDENTIFYs answered with op 9 because they came too soon (``identify_limit``)."""
        return self.server.gateway.identifies.refused

    @property
    def resume_count(self) -> int:
        return self.server.gateway.resume_count

    @property
    def intents(self) -> int:
        """The intents the bot identified with (0 before it connects)."""
        return self.server.gateway.intents

    async def wait_for_ready(
        self,
        task: asyncio.Task[Any] | None = None,
        timeout: float = 10.0,
        *,
        shards: Iterable[int] | None = None,
    ) -> None:
        """Wait until the bot is connected (every shard it identified with, or ``shards`` when this
        process runs only some) and has processed READY and every GUILD_CREATE.

        Pass the task running ``bot.start(...)`` so that a failed login is raised here at once
        instead of after ``timeout``.
        """
        wanted = set(shards) if shards is not None else None
        waiter = asyncio.ensure_future(self.server.gateway.wait_connected(timeout, wanted))
        try:
            if task is not None:
                await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
                if task.done() and not waiter.done():
                    task.result()  # re-raises the bot's startup error
                    raise AssertionError("the bot stopped before it connected to the gateway")
            await waiter
            await self.server.gateway.sync(timeout)
        except TimeoutError:
            raise AssertionError(
                f"the bot did not connect to the emulator's gateway within {timeout}s"
            ) from None
        finally:
            waiter.cancel()

    async def wait_for_resume(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until the bot has resumed (or re-identified) after a drop."""
        start_identify = self.identify_count

        def back() -> bool:
            reconnected = self.resume_count >= count or self.identify_count > start_identify
            return reconnected and self.gateway_connected

        try:
            await self.world.changed.wait_for(back, timeout)
        except TimeoutError:
            raise AssertionError(f"the bot did not resume or re-identify within {timeout}s") from None
        await self.server.gateway.sync(timeout)

    async def sync(self, timeout: float = 5.0) -> None:
        """Wait until the bot has processed every gateway event sent so far."""
        await self.server.gateway.sync(timeout)

    async def idle(self, quiet: float = 0.05, timeout: float = 5.0) -> None:
        """Wait until the bot has made no REST request for ``quiet`` seconds (and none is in flight)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            since = time.monotonic() - self.server.last_activity
            if self.server.in_flight == 0 and since >= quiet:
                return
            await asyncio.sleep(max(quiet - since, 0.01))
        raise AssertionError(f"the bot was still busy after {timeout}s")
