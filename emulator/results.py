"""Read-only views that tests use: messages, attachments, modals, autocomplete choices, interaction results.

All views are *live*: they read the emulator state on every access, so edits and deletions made by
the bot after a view was created are visible through it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from .rules import walk_components
from .state import EPHEMERAL, LOADING, Attachment, Channel, Interaction, Message, User

if TYPE_CHECKING:
    from .fake import Fake


def message_text(msg: Message) -> str:
    """Content plus every embed's title, description, field names/values, author and footer, and v2 text."""
    parts = [msg.content]
    for embed in msg.embeds:
        parts.append((embed.get("author") or {}).get("name") or "")
        parts.append(embed.get("title") or "")
        parts.append(embed.get("description") or "")
        for fld in embed.get("fields") or []:
            parts.append(fld.get("name") or "")
            parts.append(fld.get("value") or "")
        parts.append((embed.get("footer") or {}).get("text") or "")
    for comp in walk_components(msg.components):
        if comp.get("type") == 10:  # components v2 text display
            parts.append(comp.get("content") or "")
    return "\n".join(p for p in parts if p)


class Att:
    """An attachment; ``data`` is the stored bytes (what the CDN URL serves)."""

    def __init__(self, att: Attachment) -> None:
        self._att = att

    id = property(lambda self: self._att.id)
    filename = property(lambda self: self._att.filename)
    content_type = property(lambda self: self._att.content_type)
    size = property(lambda self: self._att.size)
    url = property(lambda self: self._att.url)
    data = property(lambda self: self._att.data)
    description = property(lambda self: self._att.description)

    @property
    def state(self) -> Attachment:
        return self._att

    def __repr__(self) -> str:
        return f"<Att {self.filename!r} {self.content_type} {self.size}B>"


class Msg:
    """A message as the emulator stores it (ephemeral ones included), always up to date."""

    def __init__(self, fake: Fake, message_id: int) -> None:
        self._fake = fake
        self.id = message_id

    @property
    def state(self) -> Message:
        return self._fake.world.messages[self.id]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        m = self.state
        flags = " ephemeral" if m.ephemeral else ""
        gone = " deleted" if m.deleted else ""
        return f"<Msg id={m.id}{flags}{gone} content={m.content[:40]!r} embeds={len(m.embeds)}>"

    channel_id = property(lambda self: self.state.channel_id)
    author_id = property(lambda self: self.state.author_id)
    content = property(lambda self: self.state.content)
    embeds = property(lambda self: self.state.embeds)
    components = property(lambda self: self.state.components)
    flags = property(lambda self: self.state.flags)
    deleted = property(lambda self: self.state.deleted)
    ephemeral = property(lambda self: bool(self.state.flags & EPHEMERAL))
    loading = property(lambda self: bool(self.state.flags & LOADING))
    edited = property(lambda self: self.state.edited_timestamp is not None)
    interaction_id = property(lambda self: self.state.interaction_id)
    reactions = property(lambda self: {k: list(v) for k, v in self.state.reactions.items() if v})

    @property
    def created_at(self) -> datetime:
        """When the message was sent, by the emulator's clock (``Fake.start(clock=...)``)."""
        return datetime.fromisoformat(self.state.timestamp)

    @property
    def edited_at(self) -> datetime | None:
        stamp = self.state.edited_timestamp
        return datetime.fromisoformat(stamp) if stamp else None

    @property
    def author(self) -> User:
        return self._fake.world.users[self.state.author_id]

    @property
    def channel(self) -> Channel:
        return self._fake.world.channels[self.state.channel_id]

    @property
    def attachments(self) -> list[Att]:
        return [Att(a) for a in self.state.attachments]

    @property
    def embed(self) -> dict[str, Any] | None:
        """The first embed, or None."""
        return self.state.embeds[0] if self.state.embeds else None

    @property
    def text(self) -> str:
        return message_text(self.state)

    @property
    def all_components(self) -> list[dict[str, Any]]:
        return list(walk_components(self.state.components))

    @property
    def buttons(self) -> list[str]:
        """Button labels (custom_id for label-less buttons), in order."""
        return [c.get("label") or c.get("custom_id") or "" for c in self.all_components if c.get("type") == 2]

    @property
    def selects(self) -> list[dict[str, Any]]:
        return [c for c in self.all_components if c.get("type") in (3, 5, 6, 7, 8)]

    def button(self, label_or_custom_id: str) -> dict[str, Any]:
        for comp in self.all_components:
            if comp.get("type") == 2 and label_or_custom_id in (comp.get("label"), comp.get("custom_id")):
                return comp
        raise KeyError(f"no button {label_or_custom_id!r} on message {self.id}; buttons: {self.buttons}")

    @property
    def thread(self) -> Channel | None:
        tid = self.state.thread_id
        chan = self._fake.world.channels.get(tid) if tid else None
        return None if chan is None or chan.deleted else chan

    @property
    def reference_id(self) -> int | None:
        ref = self.state.reference
        return int(ref["message_id"]) if ref else None

    @property
    def payload(self) -> dict[str, Any]:
        """The message as Discord's JSON (what the bot would GET)."""
        return self._fake.world.message_payload(self.state)


class Choice(NamedTuple):
    name: str
    value: Any


@dataclass
class ModalField:
    custom_id: str
    label: str | None
    type: int
    required: bool
    style: int | None
    min_length: int | None
    max_length: int | None
    value: str | None
    placeholder: str | None
    raw: dict[str, Any]


class Modal:
    """A modal the bot opened (callback type 9)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    title = property(lambda self: self.data.get("title"))
    custom_id = property(lambda self: self.data.get("custom_id"))
    components = property(lambda self: self.data.get("components") or [])

    @property
    def fields(self) -> list[ModalField]:
        out = []
        for top in self.components:
            if top.get("type") == 18:
                inner, label = [top.get("component") or {}], top.get("label")
            elif top.get("type") == 1:
                inner, label = top.get("components") or [], None
            else:
                inner, label = [top], None
            for comp in inner:
                if comp.get("type") not in (3, 4, 5, 6, 7, 8, 19, 21, 22, 23):
                    continue
                out.append(
                    ModalField(
                        custom_id=comp.get("custom_id", ""),
                        label=label or comp.get("label"),
                        type=comp["type"],
                        required=comp.get("required", True),
                        style=comp.get("style"),
                        min_length=comp.get("min_length"),
                        max_length=comp.get("max_length"),
                        value=comp.get("value"),
                        placeholder=comp.get("placeholder"),
                        raw=comp,
                    )
                )
        return out

    @property
    def labels(self) -> list[str]:
        return [f.label or f.custom_id for f in self.fields]

    def __repr__(self) -> str:
        return f"<Modal {self.title!r} fields={self.labels}>"


class InteractionResult:
    """What happened after a user's interaction: the bot's response, as Discord would show it."""

    def __init__(self, fake: Fake, interaction: Interaction) -> None:
        self._fake = fake
        self.interaction = interaction

    def __repr__(self) -> str:
        return f"<InteractionResult type={self.type} ephemeral={self.ephemeral} text={self.text[:60]!r}>"

    @property
    def id(self) -> int:
        return self.interaction.id

    @property
    def user(self) -> User:
        return self._fake.world.users[self.interaction.user_id]

    @property
    def type(self) -> int | None:
        """The initial callback type: 4 message, 5 deferred, 6 deferred update, 7 update, 8 choices, 9 modal."""
        return self.interaction.response_type

    @property
    def latency(self) -> float | None:
        """Seconds from INTERACTION_CREATE to the initial response."""
        i = self.interaction
        return None if i.responded_at is None else i.responded_at - i.dispatched_at

    @property
    def message(self) -> Msg | None:
        """The response message (for 6/7: the message the component is on), reflecting later edits."""
        mid = self.interaction.original_message_id
        if mid is None or self._fake.world.messages[mid].deleted:
            return None
        return Msg(self._fake, mid)

    @property
    def followups(self) -> list[Msg]:
        return [
            Msg(self._fake, m)
            for m in self.interaction.followup_ids
            if not self._fake.world.messages[m].deleted
        ]

    @property
    def messages(self) -> list[Msg]:
        """The response message followed by the follow-ups."""
        first = [self.message] if self.message is not None else []
        return first + self.followups

    @property
    def ephemeral(self) -> bool:
        msg = self.message
        if msg is not None and self.type in (4, 5, 6, 7):
            return msg.ephemeral
        return bool((self.interaction.response_data or {}).get("flags", 0) & EPHEMERAL)

    content = property(lambda self: self.message.content if self.message else "")
    embeds = property(lambda self: self.message.embeds if self.message else [])
    embed = property(lambda self: self.message.embed if self.message else None)
    components = property(lambda self: self.message.components if self.message else [])
    attachments = property(lambda self: self.message.attachments if self.message else [])
    buttons = property(lambda self: self.message.buttons if self.message else [])

    @property
    def text(self) -> str:
        """The response message's text (content + embed text); see ``all_text`` for follow-ups too."""
        return self.message.text if self.message else ""

    @property
    def all_text(self) -> str:
        return "\n".join(m.text for m in self.messages)

    @property
    def modal(self) -> Modal | None:
        if self.type != 9:
            return None
        return Modal(self.interaction.response_data or {})

    @property
    def choices(self) -> list[Choice]:
        if self.type != 8:
            return []
        return [
            Choice(c["name"], c["value"]) for c in (self.interaction.response_data or {}).get("choices", [])
        ]

    async def wait_for_followup(self, count: int = 1, timeout: float = 5.0) -> list[Msg]:
        """Wait until at least ``count`` follow-ups exist."""
        try:
            await self._fake.world.changed.wait_for(lambda: len(self.followups) >= count, timeout)
        except TimeoutError:
            raise AssertionError(
                f"expected {count} follow-up(s) within {timeout}s, got {len(self.followups)}"
            ) from None
        return self.followups

    async def wait_for_edit(self, timeout: float = 5.0) -> Msg:
        """Wait until the response message is edited (after now)."""
        start = self.interaction.edits
        msg_id = self.interaction.original_message_id
        start_ts = self._fake.world.messages[msg_id].edited_timestamp if msg_id else None

        def edited() -> bool:
            mid = self.interaction.original_message_id
            if mid is None:
                return False
            return (
                self.interaction.edits > start or self._fake.world.messages[mid].edited_timestamp != start_ts
            )

        try:
            await self._fake.world.changed.wait_for(edited, timeout)
        except TimeoutError:
            raise AssertionError(f"the response was not edited within {timeout}s") from None
        assert self.message is not None
        return self.message
