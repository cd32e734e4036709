"""REST: guild scheduled events (list, create, get, modify, delete) and their gateway events.

The rules checked are listed in :mod:`emulator.scheduled_events`. Permissions, as Discord checks
them: creating needs Manage Events or Create Events, modifying and deleting need Manage Events (or
Create Events for an event the bot created); for a VOICE event these are computed in its channel
(overwrites count) and View Channel and Connect are needed there too; a STAGE_INSTANCE event also
needs Manage Channels, Mute Members and Move Members in its channel. Lacking any: 403, code 50013.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors
from .gateway import GUILD_SCHEDULED_EVENTS
from .permissions import CONNECT, CREATE_EVENTS, MANAGE_EVENTS, VIEW_CHANNEL, bits, names
from .scheduled_events import (
    EXTERNAL,
    FINISHED,
    GUILD_ONLY,
    SCHEDULED,
    STAGE_INSTANCE,
    VOICE,
    ScheduledEvent,
    check_event,
    check_status,
)
from .server import API_PREFIX, json_response, no_content, read_payload

if TYPE_CHECKING:
    from .server import EmulatorServer
    from .state import Guild

STAGE_MODERATOR = bits(["manage_channels", "mute_members", "move_members"])
# What a PATCH may change (discord.py's edit_scheduled_event sends only these).
EDITABLE = (
    "name",
    "description",
    "privacy_level",
    "scheduled_start_time",
    "scheduled_end_time",
    "entity_type",
    "channel_id",
    "entity_metadata",
    "image",
)


def setup(app: web.Application, server: EmulatorServer) -> None:
    routes = EventRoutes(server)
    base = API_PREFIX + "/guilds/{guild_id}/scheduled-events"
    app.router.add_get(base, routes.list_events)
    app.router.add_post(base, routes.create_event)
    app.router.add_get(base + "/{event_id}", routes.get_event)
    app.router.add_patch(base + "/{event_id}", routes.edit_event)
    app.router.add_delete(base + "/{event_id}", routes.delete_event)


def unknown_event() -> errors.APIError:
    return errors.APIError(404, 10070, "Unknown Guild Scheduled Event", rule="event.unknown")


def dispatch_event(server: EmulatorServer, name: str, event: ScheduledEvent) -> None:
    """GUILD_SCHEDULED_EVENT_CREATE/UPDATE/DELETE to the guild's shard (GUILD_SCHEDULED_EVENTS intent)."""
    server.world.changed.notify()
    if event.guild_id in server.world.bot_guilds:
        server.gateway.dispatch(name, event.payload(), intent=GUILD_SCHEDULED_EVENTS)


class EventRoutes:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.world = server.world

    # ------------------------------------------------------------------ lookups
    def _guild(self, request: web.Request) -> Guild:
        raw = request.match_info["guild_id"]
        guild = self.world.guilds.get(int(raw)) if raw.isdigit() else None
        if guild is None:
            raise errors.unknown_guild()
        if not self.world.bot_in(guild):
            raise errors.missing_access()
        return guild

    def _event(self, request: web.Request, guild: Guild) -> ScheduledEvent:
        raw = request.match_info["event_id"]
        event = guild.scheduled_events.get(int(raw)) if raw.isdigit() else None
        if event is None:
            raise unknown_event()
        return event

    def _require(self, guild: Guild, form: dict[str, Any], *, creator_id: int | None) -> None:
        """403 50013 unless the bot may create (``creator_id`` None) or manage this event."""
        bot_id = self.world.bot.id
        entity_type = form.get("entity_type")
        channel = None
        if entity_type in (VOICE, STAGE_INSTANCE) and form.get("channel_id") is not None:
            channel = self.world.channels.get(int(form["channel_id"]))
        have = guild.permissions_in(channel, bot_id) if channel else guild.member_permissions(bot_id)
        may_manage = have & MANAGE_EVENTS or (have & CREATE_EVENTS and creator_id in (None, bot_id))
        needed = 0
        if entity_type == VOICE:
            needed = VIEW_CHANNEL | CONNECT
        elif entity_type == STAGE_INSTANCE:
            needed = STAGE_MODERATOR
        lacking = ([] if may_manage else ["manage_events"]) + names(needed & ~have)
        if lacking:
            where = f"in {channel.name!r}" if channel else "in the guild"
            raise errors.APIError(
                403,
                50013,
                "Missing Permissions",
                rule="event.missing_permissions",
                detail=f"the bot lacks {', '.join(lacking)} {where}",
            )

    def _validate(self, guild: Guild, form: dict[str, Any], *, start_must_be_future: bool) -> None:
        problems = check_event(form, guild, self.world.clock(), start_must_be_future=start_must_be_future)
        if problems:
            raise errors.invalid_form(problems)

    @staticmethod
    def _with_counts(request: web.Request) -> bool:
        return request.query.get("with_user_count", "").lower() in ("1", "true")

    # ------------------------------------------------------------------ routes
    async def list_events(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        counts = self._with_counts(request)
        return json_response([e.payload(with_user_count=counts) for e in guild.scheduled_events.values()])

    async def get_event(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        event = self._event(request, guild)
        return json_response(event.payload(with_user_count=self._with_counts(request)))

    async def create_event(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        form, _ = await read_payload(request)
        self._validate(guild, form, start_must_be_future=True)
        self._require(guild, form, creator_id=None)
        event = ScheduledEvent(
            id=self.world.ids.next(),
            guild_id=guild.id,
            name=form["name"],
            scheduled_start_time=form["scheduled_start_time"],
            entity_type=form["entity_type"],
            creator=self.world.bot,
            description=form.get("description"),
            scheduled_end_time=form.get("scheduled_end_time"),
            privacy_level=form.get("privacy_level") or GUILD_ONLY,
            image=form.get("image"),
        )
        _apply_place(event, form)
        guild.scheduled_events[event.id] = event
        dispatch_event(self.server, "GUILD_SCHEDULED_EVENT_CREATE", event)
        return json_response(event.payload())

    async def edit_event(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        event = self._event(request, guild)
        payload, _ = await read_payload(request)
        if event.status in FINISHED:
            raise errors.APIError(400, 180000, "Cannot update a finished event", rule="event.finished")
        changes = {k: v for k, v in payload.items() if k in EDITABLE}
        form = {**event.form(), **changes}
        if (
            changes.get("entity_type") in (VOICE, STAGE_INSTANCE)
            and changes["entity_type"] != event.entity_type
            and "entity_metadata" not in changes
        ):
            form["entity_metadata"] = None  # a voice/stage event has no location
        future = "scheduled_start_time" in changes and event.status == SCHEDULED
        problems = check_event(form, guild, self.world.clock(), start_must_be_future=future)
        problems += check_status(event, payload.get("status"))
        if problems:
            raise errors.invalid_form(problems)
        creator = event.creator.id if event.creator else None
        self._require(guild, event.form(), creator_id=creator)  # where it is now...
        self._require(guild, form, creator_id=creator)  # ...and where it moves to
        event.name = form["name"]
        event.description = form.get("description")
        event.scheduled_start_time = form["scheduled_start_time"]
        event.scheduled_end_time = form.get("scheduled_end_time")
        event.entity_type = form["entity_type"]
        event.privacy_level = form.get("privacy_level") or GUILD_ONLY
        if "image" in changes:
            event.image = changes["image"]
        if payload.get("status") is not None:
            event.status = payload["status"]
        _apply_place(event, form)
        dispatch_event(self.server, "GUILD_SCHEDULED_EVENT_UPDATE", event)
        return json_response(event.payload())

    async def delete_event(self, request: web.Request) -> web.Response:
        guild = self._guild(request)
        event = self._event(request, guild)
        self._require(guild, event.form(), creator_id=event.creator.id if event.creator else None)
        del guild.scheduled_events[event.id]
        dispatch_event(self.server, "GUILD_SCHEDULED_EVENT_DELETE", event)
        return no_content()


def _apply_place(event: ScheduledEvent, form: dict[str, Any]) -> None:
    """The channel (voice/stage) or location (external) of a validated form."""
    if form["entity_type"] == EXTERNAL:
        event.channel_id = None
        event.location = form["entity_metadata"]["location"]
    else:
        event.channel_id = int(form["channel_id"])
        event.location = None
