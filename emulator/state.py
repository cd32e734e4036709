"""The emulator's world: users, guilds, channels, messages, commands and interactions.

Everything here is plain data plus helpers that render Discord JSON payloads. The REST handlers
(``rest_*.py``), the gateway (``gateway.py``) and the test API (``fake.py``) all read and change
this one :class:`World`.
"""

from __future__ import annotations

import asyncio
import contextlib
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .permissions import Overwrite, base_permissions, channel_permissions
from .snowflake import Snowflakes, iso_now

if TYPE_CHECKING:
    from .scheduled_events import ScheduledEvent
    from .voice import VoiceState

# Channel types
GUILD_TEXT = 0
DM = 1
GUILD_VOICE = 2
GUILD_CATEGORY = 4
GUILD_STAGE_VOICE = 13
VOICE_TYPES = (GUILD_VOICE, GUILD_STAGE_VOICE)
PUBLIC_THREAD = 11
PRIVATE_THREAD = 12
THREAD_TYPES = (10, 11, 12)

# Message flags
EPHEMERAL = 1 << 6
LOADING = 1 << 7
HAS_THREAD = 1 << 5
IS_COMPONENTS_V2 = 1 << 15

# Permissions: defaults of a new guild (emulator/permissions.py computes them per channel)
EVERYONE_PERMISSIONS = 0x0000_0006_3AC3_FEC1  # view, send, embed, attach, history, reactions, threads...
# The bot's role: the defaults plus what a standard invite grants (threads included).
BOT_PERMISSIONS = 0x0000_0006_7FFF_FEC1 | 309_237_763_136

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024

_MENTION_RE = re.compile(r"<@!?(\d+)>")


def _sid(value: int | None) -> str | None:
    return None if value is None else str(value)


@dataclass(eq=False)
class User:
    """A Discord user (a person, or the bot itself)."""

    id: int
    name: str
    bot: bool = False
    dms_closed: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    @property
    def display_name(self) -> str:
        return self.name

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": None if self.bot else self.name,
            "avatar": None,
            "bot": self.bot,
            "system": False,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
        }

    def __repr__(self) -> str:
        return f"<User {self.name!r} id={self.id}>"


@dataclass(eq=False)
class Role:
    id: int
    guild_id: int
    name: str
    permissions: int
    position: int = 0
    managed: bool = False

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "managed": self.managed,
            "mentionable": False,
            "icon": None,
            "unicode_emoji": None,
            "flags": 0,
        }


@dataclass(eq=False)
class Member:
    user: User
    guild_id: int
    joined_at: str = field(default_factory=iso_now)
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None

    def payload(self, *, with_user: bool = True, permissions: int | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "roles": [str(r) for r in self.role_ids],
            "joined_at": self.joined_at,
            "nick": self.nick,
            "avatar": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass(eq=False)
class Channel:
    """A guild text channel, a thread or a DM channel."""

    id: int
    type: int
    name: str | None = None
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    recipient_id: int | None = None  # DMs: the user (not the bot)
    owner_id: int | None = None  # threads
    archived: bool = False
    deleted: bool = False
    denied_code: int | None = None  # 50001 / 50013 when the bot may not use this channel
    # Permission overwrites by role or member id (@everyone's is the guild id); threads use their parent's.
    overwrites: dict[int, Overwrite] = field(default_factory=dict)
    last_message_id: int | None = None
    world: World | None = field(default=None, repr=False)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def is_dm(self) -> bool:
        return self.type == DM

    @property
    def is_voice(self) -> bool:
        """A voice or stage channel."""
        return self.type in VOICE_TYPES

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "last_message_id": _sid(self.last_message_id),
            "flags": 0,
        }
        if self.type == DM:
            assert self.world is not None
            data["recipients"] = [self.world.users[self.recipient_id].payload()] if self.recipient_id else []
            return data
        data.update(
            {
                "guild_id": str(self.guild_id),
                "name": self.name,
                "position": self.position,
                "parent_id": _sid(self.parent_id),
                "permission_overwrites": [o.payload() for o in self.overwrites.values()],
                "nsfw": False,
                "rate_limit_per_user": 0,
                "topic": None,
            }
        )
        if self.is_voice:
            data.update({"bitrate": 64000, "user_limit": 0, "rtc_region": None, "video_quality_mode": 1})
            del data["topic"]
        if self.is_thread:
            assert self.world is not None
            count = len(self.world.channel_messages(self.id))
            data.update(
                {
                    "owner_id": _sid(self.owner_id),
                    "message_count": count,
                    "total_message_sent": count,
                    "member_count": 1,
                    "thread_metadata": {
                        "archived": self.archived,
                        "auto_archive_duration": 1440,
                        "archive_timestamp": iso_now(),
                        "locked": False,
                        "create_timestamp": iso_now(),
                    },
                }
            )
            del data["permission_overwrites"], data["topic"]
        return data

    def __repr__(self) -> str:
        return f"<Channel {self.name or 'DM'!r} id={self.id} type={self.type}>"


@dataclass(eq=False)
class Guild:
    id: int
    name: str
    owner_id: int
    members: dict[int, Member] = field(default_factory=dict)
    channel_ids: list[int] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    # Scheduled events by id (emulator/scheduled_events.py) and who is in voice, by user id (voice.py).
    scheduled_events: dict[int, ScheduledEvent] = field(default_factory=dict)
    voice_states: dict[int, VoiceState] = field(default_factory=dict)
    world: World | None = field(default=None, repr=False)

    @property
    def channels(self) -> list[Channel]:
        """The guild's live (not deleted) channels and threads, in creation order."""
        assert self.world is not None
        chans = [self.world.channels[c] for c in self.channel_ids]
        return [c for c in chans if not c.deleted]

    @property
    def text_channels(self) -> list[Channel]:
        return [c for c in self.channels if c.type == GUILD_TEXT]

    @property
    def voice_channels(self) -> list[Channel]:
        """Voice and stage channels."""
        return [c for c in self.channels if c.is_voice]

    def channel(self, name: str) -> Channel:
        """A channel of this guild by name (``"general"`` or ``"#general"``)."""
        name = name.lstrip("#")
        for chan in self.channels:
            if chan.name == name:
                return chan
        raise KeyError(f"guild {self.name!r} has no channel {name!r}: {[c.name for c in self.channels]}")

    def member_permissions(self, user_id: int) -> int:
        """A member's guild-wide permissions (the owner's: all; ADMINISTRATOR: all)."""
        member = self.members.get(user_id)
        roles = {role.id: role.permissions for role in self.roles}
        return base_permissions(self.id, self.owner_id, roles, user_id, member.role_ids if member else ())

    def permissions_in(self, channel: Channel, user_id: int) -> int:
        """A member's permissions in ``channel`` (a thread: its parent's overwrites), computed as
        Discord does: roles, then the @everyone, role and member overwrites, then implicit rules."""
        source = channel
        if channel.is_thread and channel.parent_id is not None and self.world is not None:
            source = self.world.channels.get(channel.parent_id, channel)
        member = self.members.get(user_id)
        return channel_permissions(
            self.member_permissions(user_id),
            self.id,
            user_id,
            member.role_ids if member else (),
            source.overwrites,
            thread=channel.is_thread,
        )

    def __repr__(self) -> str:
        return f"<Guild {self.name!r} id={self.id}>"


@dataclass(eq=False)
class Attachment:
    """A stored file: message attachments and files uploaded by a test (slash-command options)."""

    id: int
    filename: str
    data: bytes
    content_type: str
    channel_id: int  # or the application id for uploads used as command options
    description: str | None = None
    ephemeral: bool = False
    world: World | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def url(self) -> str:
        assert self.world is not None
        kind = "ephemeral-attachments" if self.ephemeral else "attachments"
        return (
            f"{self.world.base_url}/{kind}/{self.channel_id}/{self.id}/{self.filename}"
            f"?ex={self.world.attachment_generation:08x}&is=0&hm=emulator"
        )

    def payload(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


@dataclass(eq=False)
class Message:
    id: int
    channel_id: int
    author_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    type: int = 0
    guild_id: int | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_id: int | None = None  # the interaction whose response/follow-up this is
    interaction_metadata: dict[str, Any] | None = None
    reference: dict[str, Any] | None = None
    thread_id: int | None = None
    tts: bool = False
    pinned: bool = False
    sticker_ids: list[str] = field(default_factory=list)
    poll: dict[str, Any] | None = None
    reactions: dict[str, list[int]] = field(default_factory=dict)  # emoji -> user ids
    timestamp: str = field(default_factory=iso_now)
    edited_timestamp: str | None = None
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)


@dataclass(eq=False)
class Command:
    id: int
    application_id: int
    guild_id: int | None
    data: dict[str, Any]
    version: int

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def type(self) -> int:
        return self.data.get("type", 1)

    def payload(self) -> dict[str, Any]:
        data = {
            "name_localizations": None,
            "description_localizations": None,
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            "integration_types": [0],
            "contexts": None,
            **self.data,
            "id": str(self.id),
            "application_id": str(self.application_id),
            "version": str(self.version),
            "type": self.type,
            "description": self.data.get("description", ""),
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        return data


@dataclass(eq=False)
class Interaction:
    id: int
    token: str
    type: int  # 2 command, 3 component, 4 autocomplete, 5 modal submit
    payload: dict[str, Any]
    user_id: int
    channel_id: int
    guild_id: int | None
    dispatched_at: float  # emulator clock
    source_message_id: int | None = None  # component/modal-from-component interactions
    response_type: int | None = None
    responded_at: float | None = None
    response_data: dict[str, Any] | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # violations caused by responses to this interaction
    edits: int = 0  # PATCHes of @original
    violations_before: int = 0  # len(violations) at dispatch, to report what went wrong

    @property
    def acknowledged(self) -> bool:
        return self.response_type is not None


class Notifier:
    """Wakes waiters whenever the world changes."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float, poll: float | None = None) -> Any:
        """Wait until ``predicate()`` is truthy (checked on every change, and every ``poll`` seconds)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError
            event = self._event
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives as the event fires, and a cancelled waiter would then wait on.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining if poll is None else min(remaining, poll)):
                    await event.wait()


class World:
    """All emulator state for one application (one bot)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.ids = Snowflakes()
        self.users: dict[int, User] = {}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self._channel_messages: dict[int, list[int]] = {}
        self.attachments: dict[int, Attachment] = {}
        self.commands: dict[int, Command] = {}
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.bot_guilds: set[int] = set()
        self.outages: set[int] = set()  # servers Discord cannot serve now (READY lists them, no GUILD_CREATE)
        self.attachment_generation = 1
        self.changed = Notifier()
        # What "now" is for message timestamps (``Fake.start(clock=...)``): the wall clock by
        # default; a controlled clock makes messages carry the time the bot believes it is.
        self.clock: Callable[[], datetime] = now_utc
        self.app_id = self.ids.next()
        self.bot = User(self.app_id, "Emulated Bot", bot=True)
        self.users[self.bot.id] = self.bot
        self.owner = self.add_user("app-owner")

    def iso_now(self) -> str:
        """Discord-style ISO 8601 timestamp for the world's "now" (see ``clock``)."""
        return self.clock().astimezone(UTC).isoformat()

    # ----------------------------------------------------------------- users & guilds
    def add_user(self, name: str, *, bot: bool = False) -> User:
        user = User(self.ids.next(), name, bot=bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, owner: User, *, guild_id: int | None = None) -> Guild:
        if guild_id is not None and (
            guild_id in self.guilds or guild_id in self.channels or guild_id in self.users
        ):
            raise ValueError(f"id {guild_id} is taken")
        gid = self.ids.next() if guild_id is None else guild_id
        guild = Guild(gid, name, owner.id, world=self)
        guild.roles.append(Role(gid, gid, "@everyone", EVERYONE_PERMISSIONS))
        bot_role = Role(self.ids.next(), gid, self.bot.name, BOT_PERMISSIONS, position=1, managed=True)
        guild.roles.append(bot_role)
        self.guilds[gid] = guild
        return guild

    def add_member(self, guild: Guild, user: User) -> Member:
        member = guild.members.get(user.id)
        if member is None:
            member = Member(user, guild.id)
            if user.id == self.bot.id:
                member.role_ids = [r.id for r in guild.roles if r.managed]
            guild.members[user.id] = member
        return member

    def add_channel(
        self, guild: Guild | None, name: str | None, type_: int = GUILD_TEXT, **extra: Any
    ) -> Channel:
        chan = Channel(self.ids.next(), type_, name, guild.id if guild else None, world=self, **extra)
        if guild is not None:
            chan.position = len(guild.channel_ids)
            guild.channel_ids.append(chan.id)
        self.channels[chan.id] = chan
        self._channel_messages[chan.id] = []
        return chan

    def rekey_channel(self, channel: Channel, new_id: int) -> None:
        """Give a freshly created (still empty) channel another id."""
        old_id = channel.id
        del self.channels[old_id]
        self._channel_messages.pop(old_id, None)
        channel.id = new_id
        self.channels[new_id] = channel
        self._channel_messages.setdefault(new_id, [])
        guild = self.guilds.get(channel.guild_id) if channel.guild_id else None
        if guild is not None:
            guild.channel_ids[guild.channel_ids.index(old_id)] = new_id

    def dm_channel(self, user: User) -> Channel:
        cid = self.dm_channels.get(user.id)
        if cid is None:
            chan = self.add_channel(None, None, DM, recipient_id=user.id)
            self.dm_channels[user.id] = chan.id
            return chan
        return self.channels[cid]

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def bot_in(self, guild: Guild) -> bool:
        return guild.id in self.bot_guilds

    # ----------------------------------------------------------------- messages
    def channel_messages(self, channel_id: int, *, include_ephemeral: bool = False) -> list[Message]:
        msgs = (self.messages[m] for m in self._channel_messages.get(channel_id, []))
        return [m for m in msgs if not m.deleted and (include_ephemeral or not m.ephemeral)]

    def add_message(self, message: Message) -> Message:
        self.messages[message.id] = message
        self._channel_messages.setdefault(message.channel_id, []).append(message.id)
        chan = self.channels.get(message.channel_id)
        if chan is not None and not message.ephemeral:
            chan.last_message_id = message.id
        self.changed.notify()
        return message

    def new_attachment(
        self,
        filename: str,
        data: bytes,
        channel_id: int,
        *,
        content_type: str | None = None,
        description: str | None = None,
        ephemeral: bool = False,
    ) -> Attachment:
        if not content_type or content_type == "application/octet-stream":
            content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        att = Attachment(
            self.ids.next(),
            filename,
            bytes(data),
            content_type,
            channel_id,
            description=description,
            ephemeral=ephemeral,
            world=self,
        )
        self.attachments[att.id] = att
        return att

    def mentioned_ids(self, content: str) -> list[int]:
        return [int(m) for m in _MENTION_RE.findall(content or "")]

    def message_payload(self, msg: Message) -> dict[str, Any]:
        author = self.users[msg.author_id]
        mentions = []
        guild = self.guilds.get(msg.guild_id) if msg.guild_id else None
        for uid in dict.fromkeys(self.mentioned_ids(msg.content)):
            user = self.users.get(uid)
            if user is None:
                continue
            entry = user.payload()
            if guild is not None and uid in guild.members:
                entry["member"] = guild.members[uid].payload(with_user=False)
            mentions.append(entry)
        data: dict[str, Any] = {
            "id": str(msg.id),
            "channel_id": str(msg.channel_id),
            "type": msg.type,
            "author": author.payload(),
            "content": msg.content,
            "timestamp": msg.timestamp,
            "edited_timestamp": msg.edited_timestamp,
            "tts": msg.tts,
            "mention_everyone": False,
            "mentions": mentions,
            "mention_roles": [],
            "attachments": [a.payload() for a in msg.attachments],
            "embeds": msg.embeds,
            "components": msg.components,
            "reactions": [
                {
                    "emoji": _emoji_payload(emoji),
                    "count": len(users),
                    "count_details": {"burst": 0, "normal": len(users)},
                    "me": self.bot.id in users,
                    "me_burst": False,
                    "burst_colors": [],
                }
                for emoji, users in msg.reactions.items()
                if users
            ],
            "pinned": msg.pinned,
            "flags": msg.flags,
            "sticker_items": [],
        }
        if guild is not None:
            data["guild_id"] = str(guild.id)
            member = guild.members.get(msg.author_id)
            if member is not None and msg.webhook_id is None:
                data["member"] = member.payload(with_user=False)
        if msg.webhook_id is not None:
            data["webhook_id"] = str(msg.webhook_id)
        if msg.application_id is not None:
            data["application_id"] = str(msg.application_id)
        if msg.interaction_metadata is not None:
            data["interaction_metadata"] = msg.interaction_metadata
        if msg.reference is not None:
            data["message_reference"] = msg.reference
            ref = self.messages.get(int(msg.reference["message_id"]))
            if ref is not None and msg.type == 19:
                data["referenced_message"] = None if ref.deleted else self.message_payload(ref)
        if msg.thread_id is not None:
            thread = self.channels.get(msg.thread_id)
            if thread is not None and not thread.deleted:
                data["thread"] = thread.payload()
        if msg.poll is not None:
            data["poll"] = msg.poll
        return data

    # ----------------------------------------------------------------- commands
    def commands_for(self, guild_id: int | None) -> list[Command]:
        return [c for c in self.commands.values() if c.guild_id == guild_id]


def _emoji_payload(emoji: str) -> dict[str, Any]:
    # "name:id" for custom emoji, otherwise a unicode emoji
    if ":" in emoji:
        name, _, eid = emoji.rpartition(":")
        animated = name.startswith("a:")
        return {"id": eid, "name": name[2:] if animated else name, "animated": animated}
    return {"id": None, "name": emoji}


def now_utc() -> datetime:
    return datetime.now(UTC)
