"""The test API for voice channels, voice states and guild scheduled events (a mixin of ``Fake``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .errors import FakeUsageError
from .gateway import GUILD_VOICE_STATES, GUILDS
from .rest_events import dispatch_event
from .scheduled_events import EXTERNAL, STAGE_INSTANCE, VOICE, ScheduledEvent, check_event
from .state import GUILD_STAGE_VOICE, GUILD_VOICE, Channel, Guild, User
from .voice import VoiceState

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .state import World


class GuildActions:
    """Voice channels, users joining/moving/leaving voice, and scheduled events changed by hand."""

    server: EmulatorServer
    world: World

    # ------------------------------------------------------------------ voice channels
    def create_voice_channel(self, guild: Guild, name: str, *, stage: bool = False) -> Channel:
        """A voice channel (a stage channel with ``stage``) in ``guild`` (CHANNEL_CREATE)."""
        chan = self.world.add_channel(guild, name.lstrip("#"), GUILD_STAGE_VOICE if stage else GUILD_VOICE)
        if self.world.bot_in(guild):
            self.server.gateway.dispatch("CHANNEL_CREATE", chan.payload(), intent=GUILDS)
        self.world.changed.notify()
        return chan

    # ------------------------------------------------------------------ voice states
    def join_voice(
        self, user: User, channel: Channel, *, self_mute: bool = False, self_deaf: bool = False
    ) -> VoiceState:
        """``user`` joins the voice channel ``channel`` (VOICE_STATE_UPDATE); a user already in voice
        in that guild moves instead."""
        guild = self._voice_guild(user, channel)
        state = guild.voice_states.get(user.id)
        if state is None:
            state = VoiceState(user.id, guild.id, channel.id, self_mute=self_mute, self_deaf=self_deaf)
            guild.voice_states[user.id] = state
        else:
            state.channel_id = channel.id
            state.self_mute, state.self_deaf = self_mute, self_deaf
        self._voice_update(guild, state)
        return state

    def move_voice(self, user: User, channel: Channel) -> VoiceState:
        """``user``, in voice in ``channel``'s guild, moves to ``channel`` (VOICE_STATE_UPDATE)."""
        guild = self._voice_guild(user, channel)
        state = guild.voice_states.get(user.id)
        if state is None:
            raise FakeUsageError(f"{user} is not in voice in {guild}")
        state.channel_id = channel.id
        self._voice_update(guild, state)
        return state

    def leave_voice(self, user: User, guild: Guild) -> None:
        """``user`` leaves voice in ``guild`` (VOICE_STATE_UPDATE with ``channel_id`` null)."""
        state = guild.voice_states.pop(user.id, None)
        if state is None:
            raise FakeUsageError(f"{user} is not in voice in {guild}")
        self._voice_update(guild, state, left=True)

    def voice_channel(self, user: User, guild: Guild) -> Channel | None:
        """The voice channel ``user`` is in, in ``guild`` (None: not in voice)."""
        state = guild.voice_states.get(user.id)
        return None if state is None else self.world.channels[state.channel_id]

    def _voice_guild(self, user: User, channel: Channel) -> Guild:
        guild = self.world.guild_of(channel)
        if guild is None or not channel.is_voice or channel.deleted:
            raise FakeUsageError(f"{channel} is not a voice or stage channel")
        if user.id not in guild.members:
            raise FakeUsageError(f"{user} is not a member of {guild}")
        return guild

    def _voice_update(self, guild: Guild, state: VoiceState, *, left: bool = False) -> None:
        self.world.changed.notify()
        if self.world.bot_in(guild):
            data = state.payload(guild, left=left)
            self.server.gateway.dispatch("VOICE_STATE_UPDATE", data, intent=GUILD_VOICE_STATES)

    # ------------------------------------------------------------------ scheduled events
    def scheduled_events(self, guild: Guild) -> list[ScheduledEvent]:
        """``guild``'s scheduled events (oldest first)."""
        return list(guild.scheduled_events.values())

    def scheduled_event(self, guild: Guild, event_id: int) -> ScheduledEvent:
        event = guild.scheduled_events.get(int(event_id))
        if event is None:
            raise KeyError(f"{guild} has no scheduled event {event_id}")
        return event

    def create_scheduled_event_by_hand(
        self,
        guild: Guild,
        user: User,
        name: str,
        start: datetime,
        *,
        end: datetime | None = None,
        channel: Channel | None = None,
        location: str | None = None,
        description: str | None = None,
    ) -> ScheduledEvent:
        """``user`` creates an event in Discord (GUILD_SCHEDULED_EVENT_CREATE): in ``channel`` (voice
        or stage), or somewhere else (``location`` and ``end``). Discord's rules apply."""
        entity_type = EXTERNAL
        if channel is not None:
            entity_type = STAGE_INSTANCE if channel.type == GUILD_STAGE_VOICE else VOICE
        form = {
            "name": name,
            "description": description,
            "privacy_level": 2,
            "scheduled_start_time": start.isoformat(),
            "scheduled_end_time": None if end is None else end.isoformat(),
            "entity_type": entity_type,
            "channel_id": None if channel is None else str(channel.id),
            "entity_metadata": None if location is None else {"location": location},
        }
        problems = check_event(form, guild, self.world.clock(), start_must_be_future=True)
        if problems:
            raise FakeUsageError("Discord would refuse this event: " + "; ".join(p.detail for p in problems))
        event = ScheduledEvent(
            id=self.world.ids.next(),
            guild_id=guild.id,
            name=name,
            scheduled_start_time=form["scheduled_start_time"],
            entity_type=entity_type,
            creator=user,
            description=description,
            scheduled_end_time=form["scheduled_end_time"],
            channel_id=None if channel is None else channel.id,
            location=location,
        )
        guild.scheduled_events[event.id] = event
        dispatch_event(self.server, "GUILD_SCHEDULED_EVENT_CREATE", event)
        return event

    def delete_scheduled_event_by_hand(self, guild: Guild, event_id: int) -> None:
        """Someone deletes the event in Discord (GUILD_SCHEDULED_EVENT_DELETE); the bot's requests
        about it get 404 (10070) afterwards."""
        event = guild.scheduled_events.pop(int(event_id), None)
        if event is None:
            raise KeyError(f"{guild} has no scheduled event {event_id}")
        dispatch_event(self.server, "GUILD_SCHEDULED_EVENT_DELETE", event)
