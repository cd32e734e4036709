"""The couple's voice room (``/call room``): Closer notices when both partners are in it during a
call night (from half an hour before the call to a few hours after it should end).

- Both in the room: the night is held (``call_presence``), the time together starts counting, and
  the reminders still to come for that call don't post.
- One of them leaves: the time together is counted. Both have left: the call is planned again, so
  the memory prompt comes a few minutes after (:mod:`cogs.calls.planner`).

A voice update costs nothing for servers without a linked room: the set of linked room channels
is kept in memory and looked at before anything else.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

import discord

from bot.clock import Clock
from bot.db.models import Couple
from bot.db.repositories.call_rooms import CallRoomRepository, Presence
from bot.db.repositories.calls import Call, CallRepository
from bot.db.repositories.couples import CoupleRepository
from bot.errors import UserError
from cogs.calls.nights import night_at

log = logging.getLogger(__name__)

# Leaving the room ends the nights held this recently (a call night is over well within it).
RECENT = timedelta(days=1)


class CallRoom:
    """Linked rooms (cached: channel id -> guild id) and the nights both spent in them."""

    def __init__(
        self,
        client: discord.Client,
        repo: CallRoomRepository,
        calls: CallRepository,
        couples: CoupleRepository,
        clock: Clock,
    ) -> None:
        self.client = client
        self.repo = repo
        self.calls = calls
        self.couples = couples
        self.clock = clock
        self.channels: dict[int, int] = {}  # linked room -> its server
        self.by_guild: dict[int, int] = {}  # server -> its linked room
        self.replan: Callable[[Call, Couple], Awaitable[None]] | None = None  # set by the planner

    async def load(self) -> None:
        self.channels = await self.repo.rooms()
        self.by_guild = {guild: channel for channel, guild in self.channels.items()}

    def room_of(self, guild_id: int) -> int | None:
        return self.by_guild.get(guild_id)

    async def link(self, couple: Couple, channel: discord.abc.GuildChannel | None, by: int) -> None:
        """Link ``channel`` as the couple's room (None: unlink). Only a voice channel will do."""
        if channel is not None and not isinstance(channel, discord.VoiceChannel):
            kind = "a stage channel" if isinstance(channel, discord.StageChannel) else "not a voice channel"
            raise UserError(
                f"#{channel.name} is {kind}. For `channel`, pick the voice channel you two call in "
                "(or leave `channel` empty to unlink your room)."
            )
        await self.repo.set_room(couple.guild_id, channel.id if channel else None, by, self.clock.now())
        old = self.by_guild.pop(couple.guild_id, None)
        if old is not None:
            self.channels.pop(old, None)
        if channel is not None:
            self.by_guild[couple.guild_id] = channel.id
            self.channels[channel.id] = couple.guild_id

    async def restored(self, couple: Couple) -> None:
        """An import wrote the space: its room, if the file named one, is linked again, unless it
        isn't a voice channel of this server (a couple that moved left it behind in the old one,
        which keeps its own)."""
        guild_id = couple.guild_id
        old = self.by_guild.pop(guild_id, None)
        if old is not None and self.channels.get(old) == guild_id:
            self.channels.pop(old)
        channel_id = await self.repo.room(guild_id)
        if channel_id is None:
            return
        guild = self.client.get_guild(guild_id)
        if isinstance(guild.get_channel(channel_id) if guild else None, discord.VoiceChannel):
            self.by_guild[guild_id] = channel_id
            self.channels[channel_id] = guild_id
        else:
            await self.repo.set_room(guild_id, None, couple.first.user_id, self.clock.now())

    # -- voice updates ---------------------------------------------------------------------------------

    async def voice_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """``on_voice_state_update``: only a linked room's comings and goings are looked at."""
        for state in (before, after):
            channel = state.channel
            if channel is not None and channel.id in self.channels:
                try:
                    await self.look(self.channels[channel.id], channel.id)
                except Exception:
                    log.exception("Could not follow the room of %s", self.channels[channel.id])
                return

    async def catch_up(self) -> None:
        """At start: what happened in the rooms while Closer was away (from the voice states
        Discord sent with each server): only rooms with someone in them, or left with both in."""
        guilds = {night.guild_id for night in await self.repo.all_together()}
        for channel_id, guild_id in list(self.channels.items()):
            guild = self.client.get_guild(guild_id)
            channel = guild.get_channel(channel_id) if guild else None
            if guild_id in guilds or (isinstance(channel, discord.VoiceChannel) and channel.voice_states):
                try:
                    await self.look(guild_id, channel_id)
                except Exception:
                    log.exception("Could not follow the room of %s", guild_id)

    async def look(self, guild_id: int, channel_id: int) -> None:
        """Who of the couple is in the room now, and what that means for tonight's call."""
        couple = await self.couples.get(guild_id)
        guild = self.client.get_guild(guild_id)
        channel = guild.get_channel(channel_id) if guild else None
        if couple is None or not isinstance(channel, discord.VoiceChannel):
            return
        inside = set(channel.voice_states)
        both = all(p.user_id in inside for p in couple.partners) and len(couple.partners) == 2
        now = self.clock.now()
        if both:
            await self._joined(couple, now)
            return
        for night in await self.repo.together_now(guild_id):
            await self.repo.parted(night.call_id, night.occurrence_at, now)
        if not any(p.user_id in inside for p in couple.partners):
            for call_id in await self.repo.all_left(guild_id, now - RECENT, now):
                await self._replan(call_id, couple)

    async def _joined(self, couple: Couple, now: datetime) -> None:
        found = None
        for call in await self.calls.active(couple.guild_id):
            item = night_at(call, await self.calls.changes(call.id), now)
            if item is not None and (found is None or abs(item.start - now) < abs(found[1].start - now)):
                found = (call, item)
        if found is None:
            return  # not a call night: just the two of them in the room
        call, item = found
        await self.repo.joined(call.id, item.original, couple.guild_id, item.start, now)
        await self._replan(call.id, couple)

    async def _replan(self, call_id: int, couple: Couple) -> None:
        call = await self.calls.get(call_id, couple.guild_id)
        if call is not None and self.replan is not None:
            await self.replan(call, couple)

    # -- what planning and the posts read ------------------------------------------------------------

    async def night(self, call: Call, original: datetime) -> Presence | None:
        """The room on this occurrence's night (None without a linked room, or nobody came together)."""
        if call.guild_id not in self.by_guild:
            return None
        return await self.repo.presence(call.id, original)

    async def both_in(self, call: Call, original: datetime) -> bool:
        """Both partners are in the room for this occurrence now (its reminders stop)."""
        night = await self.night(call, original)
        return night is not None and night.together
