"""Delivering one occurrence: what a handler gets (:class:`Occurrence`), what it returns
(:class:`Sent`), and the small :class:`Messenger` protocol through which it reaches Discord.

The engine hands a handler an :class:`Occurrence`; its ``send_channel`` and ``send_dm`` add the
late note and a per-occurrence nonce, wait for a paced slot, and fall back to the other route
(DM or shared channel) when Discord refuses one. Nothing here knows the bot.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import aiohttp
import discord

from bot.db.models import Couple, Schedule
from bot.scheduler.rules import end_of_local_day, schedule_zone
from bot.timeutil import discord_timestamp

log = logging.getLogger(__name__)

# A delivery this much after its time is "late" and carries a note.
LATE_AFTER = timedelta(minutes=2)

RETRYABLE: tuple[type[BaseException], ...] = (
    discord.DiscordServerError,
    asyncio.TimeoutError,
    aiohttp.ClientError,
    ConnectionError,
)


def retryable(error: BaseException) -> bool:
    """A failure worth trying again: Discord down or slow, or still rate limiting after retries."""
    if isinstance(error, RETRYABLE):
        return True
    return isinstance(error, discord.HTTPException) and error.status == 429


def describe(error: BaseException) -> str:
    """A short reason for the ledger (and the host's log): never shown to partners as is."""
    if isinstance(error, discord.HTTPException):
        known = {
            50001: "missing access",
            50007: "DMs closed",
            50013: "missing permissions",
            10003: "channel deleted",
            10013: "unknown user",
        }
        reason = known.get(error.code) or (error.text or f"HTTP {error.status}")
        return reason[:200]
    return (str(error) or type(error).__name__)[:200]


# Set while the scheduler handles what came due by itself (armed jobs, catch-up): those sends wait
# on the gate. A delivery a user's action triggers right now (a reveal, a note of appreciation)
# goes out at once instead of queueing behind a busy minute's fan-out.
PACED: contextvars.ContextVar[bool] = contextvars.ContextVar("closer_paced", default=False)


class RateGate:
    """Hands out evenly spaced send slots (a token bucket without bursts)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0

    async def wait(self) -> None:
        if not PACED.get():
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class DeliveryFailed(Exception):
    """A delivery that cannot succeed (every route refused); the reason goes in the ledger."""


@dataclass(frozen=True, slots=True)
class Sent:
    """What a handler posted (None ids when it posted nothing visible)."""

    message_id: int | None = None
    channel_id: int | None = None
    detail: str | None = None
    message: discord.Message | None = field(default=None, compare=False, repr=False)


class Messenger(Protocol):
    """How an occurrence reaches Discord: a message in a server channel, or a DM.

    Both raise discord.py's HTTP exceptions (``Forbidden``, ``NotFound``, 5xx) as Discord does.
    """

    async def to_channel(self, channel_id: int, guild_id: int, **kwargs: Any) -> discord.Message: ...

    async def to_user(self, user_id: int, **kwargs: Any) -> discord.Message: ...


class Deferred(Exception):
    """This DM may not go now; try the occurrence again at ``until``."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"deferred until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class Attachment:
    """What one kind adds to a DM another kind is sending to the same partner."""

    embeds: Sequence[discord.Embed] = ()
    items: Sequence[discord.ui.Item[Any]] = ()
    # Run once the DM that carried it went out (record that the nudge was given, ...).
    done: Callable[[Sent], Awaitable[None]] | None = None


AttachFn = Callable[["Occurrence"], Awaitable["Attachment | None"]]


@dataclass
class Bundle:
    """Occurrences claimed to travel with a DM, and what each adds to it."""

    parts: list[tuple[Occurrence, Attachment]] = field(default_factory=list)

    def apply(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """The send arguments with every part's embeds and components added."""
        if not self.parts:
            return kwargs
        merged = dict(kwargs)
        embeds = list(merged.pop("embeds", None) or ([merged.pop("embed")] if merged.get("embed") else []))
        merged.pop("embed", None)
        view = merged.get("view") or discord.ui.View(timeout=None)
        for _, attachment in self.parts:
            embeds.extend(attachment.embeds)
            for item in attachment.items:
                view.add_item(item)
        merged["embeds"] = embeds[:10]
        if view.children:
            merged["view"] = view
        return merged


class Outbox(Protocol):
    """The DM budget and bundling a scheduler applies to every DM (bot/scheduler/outbox.py)."""

    async def check(self, couple: Couple | None, user_id: int) -> None:
        """Raise :class:`Deferred` when a DM to ``user_id`` may not go now."""

    async def gather(self, occurrence: Occurrence, user_id: int) -> Bundle: ...

    async def sent(self, occurrence: Occurrence, user_id: int, sent: Sent, bundle: Bundle) -> None: ...

    async def release(self, bundle: Bundle) -> None: ...

    def lock(self, couple: Couple | None, user_id: int) -> AbstractAsyncContextManager[None]:
        """Held from the budget check to the DM's record: two DMs due the same minute don't both pass."""


DeliverFn = Callable[["Occurrence"], Awaitable[Sent | None]]
DeadlineFn = Callable[["Occurrence"], datetime]


@dataclass(frozen=True)
class Kind:
    """A kind of scheduled post and how to deliver it.

    ``deliver`` returns what it sent, or None when there was nothing to post that time (recorded
    as skipped). ``deadline`` is the last instant a late delivery is still worth making; by
    default the end of the local day it was due (at least an hour after it was due).
    """

    name: str
    deliver: DeliverFn
    deadline: DeadlineFn | None = None
    # What an occurrence of this kind adds to a DM another kind sends the same partner shortly
    # before it is due (bot/scheduler/outbox.py); None: it always goes on its own.
    attach: AttachFn | None = None


@dataclass
class Occurrence:
    """One occurrence of a schedule being delivered, with the send helpers handlers use."""

    messenger: Messenger
    gate: RateGate
    schedule: Schedule
    couple: Couple | None
    scheduled_at: datetime  # the occurrence's key
    fire_at: datetime
    now: datetime
    notes: list[str] = field(default_factory=list)
    # The DM budget and bundling (None: DMs go straight out, as in unit tests of a handler).
    outbox: Outbox | None = None
    # Held back on purpose (the DM budget), not by Closer being offline: no "posted late" note.
    deferred: bool = False

    @property
    def late(self) -> bool:
        return not self.deferred and self.now - self.fire_at > LATE_AFTER

    def sibling(self, schedule: Schedule, scheduled_at: datetime, fire_at: datetime) -> Occurrence:
        """Another schedule's occurrence, delivered through the same messenger, gate and outbox."""
        return Occurrence(
            self.messenger,
            self.gate,
            schedule,
            self.couple,
            scheduled_at,
            fire_at,
            self.now,
            outbox=self.outbox,
        )

    @property
    def zone(self) -> ZoneInfo:
        return schedule_zone(self.schedule, self.couple, self.scheduled_at)

    @property
    def payload(self) -> dict[str, Any]:
        return self.schedule.payload

    def late_note(self) -> str:
        return (
            f"⏰ Posted late: this was due {discord_timestamp(self.fire_at, 'f')}, while Closer was offline."
        )

    def nonce(self, suffix: str = "") -> str:
        """A per-occurrence message nonce (Discord: at most 25 characters)."""
        return f"c{self.schedule.id:x}.{int(self.scheduled_at.timestamp()):x}{suffix}"[:25]

    def _content(self, content: str | None) -> str | None:
        if not self.late:
            return content
        return f"{content}\n-# {self.late_note()}" if content else f"-# {self.late_note()}"

    async def send_channel(self, *, nonce_suffix: str = "", **kwargs: Any) -> Sent:
        """Post in the couple's shared channel; if it is gone or closed to Closer, DM both."""
        couple = self.couple
        if couple is None:
            raise DeliveryFailed("no couple in this server")
        kwargs["content"] = self._content(kwargs.get("content"))
        try:
            await self.gate.wait()
            message = await self.messenger.to_channel(
                couple.channel_id, couple.guild_id, nonce=self.nonce(nonce_suffix), **kwargs
            )
            return Sent(message.id, message.channel.id, message=message)
        except (discord.Forbidden, discord.NotFound) as error:
            reason = describe(error)
            log.warning("Shared channel of %s unavailable (%s); falling back to DMs", couple.guild_id, reason)
        reached: list[Sent] = []
        prefix = f"I couldn't post in your shared channel <#{couple.channel_id}> ({reason}), so here it is:"
        for partner in couple.partners:
            dm_kwargs = dict(kwargs)
            dm_kwargs["content"] = f"{prefix}\n{kwargs['content']}" if kwargs.get("content") else prefix
            try:
                await self.gate.wait()
                message = await self.messenger.to_user(
                    partner.user_id, nonce=self.nonce(f"{nonce_suffix}d{partner.position}"), **dm_kwargs
                )
                reached.append(Sent(message.id, message.channel.id))
            except (discord.Forbidden, discord.NotFound):
                continue
        if not reached:
            raise DeliveryFailed(f"shared channel unavailable ({reason}) and both partners' DMs are closed")
        return Sent(
            reached[0].message_id, reached[0].channel_id, f"shared channel unavailable ({reason}); sent by DM"
        )

    async def send_dm(
        self, user_id: int, *, nonce_suffix: str = "", fallback: bool = True, **kwargs: Any
    ) -> Sent:
        """DM a partner, within their DM budget (it may raise ``Deferred``) and with what is due to
        travel with it; with DMs closed, post in the shared channel mentioning them instead (or,
        with ``fallback=False``, raise ``DeliveryFailed``)."""
        outbox = self.outbox
        if outbox is None:
            return await self._send_dm(user_id, nonce_suffix, fallback, kwargs)
        async with outbox.lock(self.couple, user_id):
            await outbox.check(self.couple, user_id)
            bundle = await outbox.gather(self, user_id)
            try:
                sent = await self._send_dm(user_id, nonce_suffix, fallback, bundle.apply(kwargs))
            except BaseException:
                await outbox.release(bundle)
                raise
            await outbox.sent(self, user_id, sent, bundle)
        return sent

    async def _send_dm(self, user_id: int, nonce_suffix: str, fallback: bool, kwargs: dict[str, Any]) -> Sent:
        kwargs["content"] = self._content(kwargs.get("content"))
        try:
            await self.gate.wait()
            message = await self.messenger.to_user(user_id, nonce=self.nonce(nonce_suffix), **kwargs)
            return Sent(message.id, message.channel.id, message=message)
        except (discord.Forbidden, discord.NotFound) as error:
            reason = describe(error)
        couple = self.couple
        if couple is None or not fallback:
            raise DeliveryFailed(f"DM refused ({reason})")
        kwargs["content"] = f"<@{user_id}> {kwargs['content']}" if kwargs.get("content") else f"<@{user_id}>"
        kwargs["allowed_mentions"] = discord.AllowedMentions(users=[discord.Object(user_id)])
        try:
            await self.gate.wait()
            message = await self.messenger.to_channel(
                couple.channel_id, couple.guild_id, nonce=self.nonce(f"{nonce_suffix}c"), **kwargs
            )
        except (discord.Forbidden, discord.NotFound) as error:
            raise DeliveryFailed(
                f"DM refused ({reason}) and shared channel unavailable ({describe(error)})"
            ) from error
        return Sent(
            message.id, message.channel.id, f"{reason}; posted in the shared channel", message=message
        )


def default_deadline(occurrence: Occurrence) -> datetime:
    """The end of the local day the occurrence fired on, and at least an hour after."""
    return end_of_local_day(occurrence.fire_at, occurrence.zone)
