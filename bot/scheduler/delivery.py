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
from collections.abc import Awaitable, Callable
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

    @property
    def late(self) -> bool:
        return self.now - self.fire_at > LATE_AFTER

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

    async def send_dm(self, user_id: int, *, nonce_suffix: str = "", **kwargs: Any) -> Sent:
        """DM a partner; with DMs closed, post in the shared channel mentioning them instead."""
        kwargs["content"] = self._content(kwargs.get("content"))
        try:
            await self.gate.wait()
            message = await self.messenger.to_user(user_id, nonce=self.nonce(nonce_suffix), **kwargs)
            return Sent(message.id, message.channel.id, message=message)
        except (discord.Forbidden, discord.NotFound) as error:
            reason = describe(error)
        couple = self.couple
        if couple is None:
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
