"""Each call's guild scheduled event (the server's Events list), kept in step by the planner.

A call keeps one event, for its next occurrence: made when the call is set, moved by a skip or an
accepted move, deleted by a cancel, and made for the next occurrence once one has started (the
event under way is Discord's to end). The event's id is stored before anything else happens to it,
and the server's cached events are looked at before one is made, so a restart never makes two.

- An event that went missing while Closer wasn't watching is made again, once for that occurrence.
- An event deleted in Discord while Closer runs (a partner removed it) is left alone for that
  occurrence: Closer notes it and makes the next occurrence's.
- Without the Manage Events permission (read from Discord's cache, so nothing is even tried) the
  calls work with messages only and ``/call next`` says why there is no event; a refusal Discord
  gives anyway is not tried again for hours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.clock import Clock
from bot.db.repositories.call_rooms import CallEvent, CallRoomRepository
from bot.db.repositories.calls import Call
from cogs.calls.nights import EVENT_LOCATION, EVENT_NAME, EventShape, event_shape
from cogs.calls.rules import CallTime

log = logging.getLogger(__name__)

# After Discord refused an event anyway (a permission the cache didn't show), wait this long.
REFUSED_PAUSE = timedelta(hours=6)

NEEDS_MANAGE_EVENTS = "Closer can't add this to the server's Events: it needs the Manage Events permission."


class CallEvents:
    """Scheduled events of calls through ``client`` (``room_of(guild_id)``: the linked voice room)."""

    def __init__(
        self,
        client: discord.Client,
        repo: CallRoomRepository,
        clock: Clock,
        room_of: Callable[[int], int | None],
    ) -> None:
        self.client = client
        self.repo = repo
        self.clock = clock
        self.room_of = room_of
        self._refused: dict[int, tuple[datetime, str]] = {}  # guild -> (until, why)

    # -- what may be done ------------------------------------------------------------------------------

    def _room(self, guild: discord.Guild) -> discord.VoiceChannel | None:
        room_id = self.room_of(guild.id)
        channel = guild.get_channel(room_id) if room_id else None
        return channel if isinstance(channel, discord.VoiceChannel) else None

    def why_not(self, guild_id: int) -> str | None:
        """Why Closer can't keep events in this server now (None: it can)."""
        guild = self.client.get_guild(guild_id)
        if guild is None:
            return None
        refused = self._refused.get(guild_id)
        if refused is not None and refused[0] > self.clock.now():
            return refused[1]
        me = guild.me
        if me is None:
            return None
        room = self._room(guild)
        perms = room.permissions_for(me) if room is not None else me.guild_permissions
        if not (perms.manage_events or perms.create_events):
            return NEEDS_MANAGE_EVENTS
        if room is not None and not (perms.view_channel and perms.connect):
            return (
                f"Closer can't add this to the server's Events in 🔊 {room.name}: it needs View Channel "
                "and Connect there."
            )
        return None

    def _refuse(self, guild_id: int, error: discord.HTTPException) -> None:
        log.info("Discord refused a call event in %s: %s", guild_id, error)
        self._refused[guild_id] = (self.clock.now() + REFUSED_PAUSE, NEEDS_MANAGE_EVENTS)

    # -- keeping the event in step -------------------------------------------------------------------

    async def sync(self, call: Call, item: CallTime | None, shared_channel: int | None) -> None:
        """Make the call's event match its next occurrence ``item`` (None: no event wanted)."""
        guild = self.client.get_guild(call.guild_id)
        if guild is None:
            return
        row = await self.repo.event(call.id)
        if item is None or not call.active:
            await self.remove(call, row)
            return
        same = row is not None and row.occurrence_at == item.original
        if same and row is not None and row.removed:
            return  # a partner removed it: not fought over for this occurrence
        if self.why_not(guild.id) is not None:
            return
        now = self.clock.now()
        if item.start <= now:
            return  # under way: Discord's to end
        room = self._room(guild)
        channel = guild.get_channel(shared_channel) if shared_channel else None
        shape = event_shape(call, item, room.id if room else None, channel.name if channel else None)
        existing = self._cached(guild, row)
        if existing is not None and not same and existing.start_time <= now:
            existing = None  # the last occurrence's, under way: the next one gets its own
        if existing is not None:
            assert row is not None
            if same and row.shape == shape.key():
                return
            remade = row.remade if same else False
            await self._edit(call, guild, existing, item, shape, remade)
            return
        remade = False
        if same and row is not None and row.event_id is not None:
            if row.remade:  # gone again after being made once more: left alone
                await self.repo.keep_event(call.id, call.guild_id, item.original, None, state="removed")
                return
            remade = True
        await self._create(call, guild, item, shape, remade)

    def _cached(self, guild: discord.Guild, row: CallEvent | None) -> discord.ScheduledEvent | None:
        if row is None or row.event_id is None or row.removed:
            return None
        return guild.get_scheduled_event(row.event_id)

    def _twin(self, guild: discord.Guild, shape: EventShape) -> discord.ScheduledEvent | None:
        """An event Closer made for this start but didn't get to store (a crash in between)."""
        me = self.client.user
        for event in guild.scheduled_events:
            if (
                me
                and event.creator_id == me.id
                and event.name == EVENT_NAME
                and event.start_time == shape.start
            ):
                return event
        return None

    def _voice(self, guild: discord.Guild, shape: EventShape) -> discord.VoiceChannel | None:
        room = guild.get_channel(shape.channel_id) if shape.channel_id else None
        return room if isinstance(room, discord.VoiceChannel) else None

    def _fields(self, guild: discord.Guild, shape: EventShape) -> dict[str, Any]:
        """What an event of ``shape`` says: in the linked voice channel, or a video call elsewhere."""
        room = self._voice(guild, shape)
        where: dict[str, Any] = (
            {"entity_type": discord.EntityType.voice, "channel": room}
            if room is not None
            else {"entity_type": discord.EntityType.external, "location": EVENT_LOCATION}
        )
        return {
            "name": EVENT_NAME,
            "description": shape.description,
            "start_time": shape.start,
            "end_time": shape.end,
            **where,
        }

    async def _create(
        self, call: Call, guild: discord.Guild, item: CallTime, shape: EventShape, remade: bool
    ) -> None:
        twin = self._twin(guild, shape)
        if twin is not None:
            await self.repo.keep_event(call.id, call.guild_id, item.original, twin.id, remade=remade)
            await self._edit(call, guild, twin, item, shape, remade)
            return
        try:
            event = await guild.create_scheduled_event(
                **self._fields(guild, shape), privacy_level=discord.PrivacyLevel.guild_only
            )
        except discord.Forbidden as error:
            self._refuse(guild.id, error)
            return
        except discord.HTTPException:
            log.warning("Could not make the event of call %s", call.id, exc_info=True)
            return
        await self.repo.keep_event(
            call.id, call.guild_id, item.original, event.id, remade=remade, shape=shape.key()
        )

    async def _edit(
        self,
        call: Call,
        guild: discord.Guild,
        event: discord.ScheduledEvent,
        item: CallTime,
        shape: EventShape,
        remade: bool,
    ) -> None:
        try:
            await event.edit(**self._fields(guild, shape))
        except discord.NotFound:
            # Gone without Closer seeing it: made again, once for an occurrence.
            if remade:
                await self.repo.keep_event(call.id, call.guild_id, item.original, None, state="removed")
            else:
                await self._create(call, guild, item, shape, True)
            return
        except discord.Forbidden as error:
            self._refuse(guild.id, error)
            return
        except discord.HTTPException:
            log.warning("Could not move the event of call %s", call.id, exc_info=True)
            return
        await self.repo.keep_event(
            call.id, call.guild_id, item.original, event.id, remade=remade, shape=shape.key()
        )

    async def remove(self, call: Call, row: CallEvent | None = None) -> None:
        """No event for this call any more (cancelled, or nothing coming): one not yet begun is deleted."""
        row = row or await self.repo.event(call.id)
        if row is None:
            return
        await self.repo.forget_event(call.id)  # first: Discord's delete then isn't taken for a partner's
        guild = self.client.get_guild(call.guild_id)
        event = self._cached(guild, row) if guild is not None else None
        if event is None or event.start_time <= self.clock.now():
            return
        try:
            await event.delete()
        except discord.HTTPException:
            log.info("Could not delete the event of call %s", call.id, exc_info=True)

    async def deleted(self, event: discord.ScheduledEvent) -> None:
        """``on_scheduled_event_delete``: one of Closer's deleted in Discord is left alone for its occurrence."""
        me = self.client.user
        if me is None or event.creator_id != me.id:
            return
        if await self.repo.event_removed(event.id) is not None:
            log.info("The event of a call in %s was deleted in Discord; left alone", event.guild_id)

    def missing(self, row: CallEvent) -> bool:
        """A stored event the server doesn't have (checked at start against Discord's cache)."""
        guild = self.client.get_guild(row.guild_id)
        return (
            guild is not None and row.event_id is not None and guild.get_scheduled_event(row.event_id) is None
        )

    def note(self, guild_id: int, row: CallEvent | None, item: CallTime) -> str | None:
        """What ``/call next`` says when the next call has no event (None: it has one)."""
        if (
            row is not None
            and row.occurrence_at == item.original
            and row.event_id is not None
            and not row.removed
        ):
            return None
        why = self.why_not(guild_id)
        if why is not None:
            return why
        if row is not None and row.occurrence_at == item.original and row.removed:
            return "It isn't in the server's Events: it was removed there, so Closer leaves it out this time."
        return None
