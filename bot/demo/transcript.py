"""What the week left behind, read out of the emulator into plain data the page is drawn from.

The shared channel with its threads, each partner's DMs with Closer, the ephemeral replies (with
whom each was for), the presses and forms each partner sent, and the facts of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from emulator.state import Channel, World
from emulator.state import Message as StoredMessage

COMMAND = 2  # interaction type: an application command


@dataclass(frozen=True)
class File:
    id: int
    filename: str
    content_type: str
    data: bytes

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


@dataclass(frozen=True)
class Message:
    id: int
    channel_id: int
    author_id: int
    author: str
    bot: bool
    at: datetime
    edited: datetime | None
    content: str
    embeds: tuple[dict[str, Any], ...]
    components: tuple[dict[str, Any], ...]
    files: tuple[File, ...]
    ephemeral: bool = False
    for_user: int | None = None  # whose interaction this answers (ephemeral: who sees it)
    command: str | None = None  # "/couple status" when it answers a slash command
    thread_id: int | None = None


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    kind: str  # "channel", "thread" or "dm"
    messages: tuple[Message, ...]
    parent_id: int | None = None
    owner_id: int | None = None  # a DM: the partner


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    zone: ZoneInfo
    index: int

    @property
    def city(self) -> str:
        return self.zone.key.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True)
class Action:
    """A press or a form a partner sent: shown in their own view only."""

    id: float  # orders it among messages (just after the newest id when it happened)
    user_id: int
    channel_id: int
    at: datetime
    kind: str
    title: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Moment:
    """A scripted act, for the day-by-day index."""

    at: datetime
    who: str
    description: str
    ok: bool


@dataclass(frozen=True)
class Facts:
    days: int
    seconds: float
    violations: tuple[str, ...]
    hosts: tuple[str, ...]  # where the run connected (loopback only)
    refused: tuple[str, ...]  # connections refused (anything not loopback)
    problems: tuple[str, ...]  # scripted steps the bot answered differently than expected


@dataclass
class Transcript:
    bot_name: str
    server: str
    people: tuple[Person, Person]
    channel: Place
    threads: dict[int, Place]
    dms: dict[int, Place]  # partner id -> their DMs with Closer
    actions: tuple[Action, ...]
    moments: tuple[Moment, ...]
    facts: Facts
    names: dict[int, str] = field(default_factory=dict)  # users and channels, for mentions
    files: dict[int, File] = field(default_factory=dict)  # every stored file, for image URLs

    def person(self, user_id: int) -> Person | None:
        return next((p for p in self.people if p.id == user_id), None)

    def all_messages(self) -> list[Message]:
        places = [self.channel, *self.threads.values(), *self.dms.values()]
        return [m for place in places for m in place.messages]


def read_message(world: World, stored: StoredMessage) -> Message:
    author = world.users[stored.author_id]
    interaction = world.interactions.get(stored.interaction_id or 0)
    command = None
    if interaction is not None and interaction.type == COMMAND:
        command = "/" + command_name(interaction.payload.get("data") or {})
    return Message(
        id=stored.id,
        channel_id=stored.channel_id,
        author_id=author.id,
        author=author.name,
        bot=author.bot,
        at=datetime.fromisoformat(stored.timestamp),
        edited=datetime.fromisoformat(stored.edited_timestamp) if stored.edited_timestamp else None,
        content=stored.content,
        embeds=tuple(stored.embeds),
        components=tuple(stored.components),
        files=tuple(File(a.id, a.filename, a.content_type, a.data) for a in stored.attachments),
        ephemeral=stored.ephemeral,
        for_user=interaction.user_id if interaction is not None else None,
        command=command,
        thread_id=stored.thread_id,
    )


def command_name(data: dict[str, Any]) -> str:
    """ "couple status" from an application command's data (subcommands and groups included)."""
    parts = [str(data.get("name", ""))]
    options = data.get("options") or []
    while options and options[0].get("type") in (1, 2):
        parts.append(str(options[0]["name"]))
        options = options[0].get("options") or []
    return " ".join(parts)


def read_place(world: World, channel: Channel, kind: str, *, owner_id: int | None = None) -> Place:
    messages = tuple(
        read_message(world, m) for m in world.channel_messages(channel.id, include_ephemeral=True)
    )
    name = channel.name or "Direct messages"
    return Place(channel.id, name, kind, messages, parent_id=channel.parent_id, owner_id=owner_id)
