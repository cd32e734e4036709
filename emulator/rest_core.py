"""REST: gateway info, users, application, DM channels, guilds, channels and application commands."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import errors, rules
from .gateway import GUILDS
from .ops import Ops
from .server import API_PREFIX, json_response, no_content, read_payload
from .shards import SESSION_START_TOTAL, recommended_shards
from .state import Command

if TYPE_CHECKING:
    from .server import EmulatorServer


def setup(app: web.Application, server: EmulatorServer) -> None:
    routes = CoreRoutes(server)
    r = app.router
    p = API_PREFIX
    r.add_get(p + "/gateway", routes.get_gateway)
    r.add_get(p + "/gateway/bot", routes.get_gateway_bot)
    r.add_get(p + "/users/@me", routes.get_me)
    r.add_get(p + "/users/{user_id}", routes.get_user)
    r.add_post(p + "/users/@me/channels", routes.create_dm)
    r.add_get(p + "/oauth2/applications/@me", routes.get_application)
    r.add_get(p + "/applications/@me", routes.get_application)
    r.add_get(p + "/guilds/{guild_id}", routes.get_guild)
    r.add_get(p + "/guilds/{guild_id}/channels", routes.get_guild_channels)
    r.add_get(p + "/guilds/{guild_id}/roles", routes.get_roles)
    r.add_get(p + "/guilds/{guild_id}/members", routes.list_members)
    r.add_get(p + "/guilds/{guild_id}/members/{user_id}", routes.get_member)
    r.add_get(p + "/channels/{channel_id}", routes.get_channel)
    r.add_patch(p + "/channels/{channel_id}", routes.edit_channel)
    # application commands, global and per guild
    for base in ("/applications/{application_id}", "/applications/{application_id}/guilds/{guild_id}"):
        r.add_get(p + base + "/commands", routes.list_commands)
        r.add_put(p + base + "/commands", routes.overwrite_commands)
        r.add_post(p + base + "/commands", routes.create_command)
        r.add_get(p + base + "/commands/{command_id}", routes.get_command)
        r.add_patch(p + base + "/commands/{command_id}", routes.edit_command)
        r.add_delete(p + base + "/commands/{command_id}", routes.delete_command)


class CoreRoutes:
    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.world = server.world
        self.ops = Ops(server)

    # ------------------------------------------------------------------ gateway, users, application
    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.server.gateway_url})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        gateway = self.server.gateway
        return json_response(
            {
                "url": self.server.gateway_url,
                "shards": recommended_shards(len(self.world.bot_guilds)),
                "session_start_limit": {
                    "total": SESSION_START_TOTAL,
                    "remaining": max(0, SESSION_START_TOTAL - gateway.identify_count),
                    "reset_after": 14_400_000,
                    "max_concurrency": gateway.identifies.max_concurrency,
                },
            }
        )

    async def get_me(self, request: web.Request) -> web.Response:
        return json_response(
            {**self.world.bot.payload(), "verified": True, "mfa_enabled": False, "email": None}
        )

    async def get_user(self, request: web.Request) -> web.Response:
        user = self._user(request.match_info["user_id"])
        return json_response(user.payload())

    def _user(self, raw: str) -> Any:
        try:
            user = self.world.users.get(int(raw))
        except ValueError:
            user = None
        if user is None:
            raise errors.unknown_user()
        return user

    async def get_application(self, request: web.Request) -> web.Response:
        world = self.world
        return json_response(
            {
                "id": str(world.app_id),
                "name": world.bot.name,
                "icon": None,
                "description": "A bot running against the Discord emulator.",
                "summary": "",
                "type": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "verify_key": "0" * 64,
                "owner": world.owner.payload(),
                "team": None,
                "flags": self.server.application_flags,
                "bot": world.bot.payload(),
                "approximate_guild_count": len(world.bot_guilds),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
                "tags": [],
                "integration_types_config": {"0": {}},
            }
        )

    async def create_dm(self, request: web.Request) -> web.Response:
        payload, _ = await read_payload(request)
        raw = str(payload.get("recipient_id", ""))
        if not raw.isdigit() or int(raw) not in self.world.users:
            raise errors.invalid_form(
                [rules.Problem("user.unknown", "Unknown user", ("recipient_id",), "USER_UNKNOWN")]
            )
        user = self.world.users[int(raw)]
        if user.id == self.world.bot.id:
            raise errors.APIError(400, 50007, "Cannot send messages to this user", rule="dm.self")
        return json_response(self.world.dm_channel(user).payload())

    # ------------------------------------------------------------------ guilds
    def _guild(self, raw: str) -> Any:
        try:
            guild = self.world.guilds.get(int(raw))
        except ValueError:
            guild = None
        if guild is None:
            raise errors.unknown_guild()
        if not self.world.bot_in(guild):
            raise errors.missing_access()
        return guild

    async def get_guild(self, request: web.Request) -> web.Response:
        guild = self._guild(request.match_info["guild_id"])
        data = self.server.gateway.guild_create_payload(guild)
        for key in (
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
            "guild_scheduled_events",
            "joined_at",
            "large",
            "member_count",
        ):
            data.pop(key, None)
        if request.query.get("with_counts") in ("true", "1"):
            data["approximate_member_count"] = len(guild.members)
            data["approximate_presence_count"] = 0
        return json_response(data)

    async def get_guild_channels(self, request: web.Request) -> web.Response:
        guild = self._guild(request.match_info["guild_id"])
        return json_response([c.payload() for c in guild.channels if not c.is_thread])

    async def get_roles(self, request: web.Request) -> web.Response:
        guild = self._guild(request.match_info["guild_id"])
        return json_response([r.payload() for r in guild.roles])

    async def get_member(self, request: web.Request) -> web.Response:
        guild = self._guild(request.match_info["guild_id"])
        raw = request.match_info["user_id"]
        member = guild.members.get(int(raw)) if raw.isdigit() else None
        if member is None:
            raise errors.unknown_member()
        return json_response(member.payload())

    async def list_members(self, request: web.Request) -> web.Response:
        guild = self._guild(request.match_info["guild_id"])
        if "members" not in self.server.allowed_privileged_intents:
            raise errors.APIError(403, 50001, "Missing Access", rule="members.intent_disabled")
        limit = int(request.query.get("limit", "1"))
        if not 1 <= limit <= 1000:
            raise errors.invalid_form(
                [rules.Problem("members.limit", "Must be between 1 and 1000.", ("limit",), "NUMBER_TYPE_MAX")]
            )
        after = int(request.query.get("after", "0"))
        members = sorted(guild.members.values(), key=lambda m: m.user.id)
        return json_response([m.payload() for m in members if m.user.id > after][:limit])

    # ------------------------------------------------------------------ channels
    async def get_channel(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        return json_response(chan.payload())

    async def edit_channel(self, request: web.Request) -> web.Response:
        chan = self.ops.channel_for_bot(request.match_info["channel_id"])
        payload, _ = await read_payload(request)
        if "name" in payload:
            name = payload["name"]
            if not isinstance(name, str) or not 1 <= len(name) <= 100:
                raise errors.invalid_form(
                    [rules.Problem("channel.name", "Must be between 1 and 100 in length.", ("name",))]
                )
            chan.name = name
        if "archived" in payload and chan.is_thread:
            chan.archived = bool(payload["archived"])
        self.world.changed.notify()
        if chan.guild_id is not None:
            event = "THREAD_UPDATE" if chan.is_thread else "CHANNEL_UPDATE"
            self.server.gateway.dispatch(event, chan.payload(), intent=GUILDS)
        return json_response(chan.payload())

    # ------------------------------------------------------------------ application commands
    def _scope(self, request: web.Request) -> int | None:
        if request.match_info["application_id"] != str(self.world.app_id):
            raise errors.APIError(403, 50001, "Missing Access", rule="command.wrong_application")
        raw = request.match_info.get("guild_id")
        if raw is None:
            return None
        guild = self._guild(raw)
        return guild.id

    def _command(self, request: web.Request, scope: int | None) -> Command:
        raw = request.match_info["command_id"]
        cmd = self.world.commands.get(int(raw)) if raw.isdigit() else None
        if cmd is None or cmd.guild_id != scope:
            raise errors.unknown_command()
        return cmd

    async def list_commands(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        return json_response([c.payload() for c in self.world.commands_for(scope)])

    async def get_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        return json_response(self._command(request, scope).payload())

    def _validate_set(self, commands: list[dict[str, Any]]) -> None:
        problems = []
        for i, cmd in enumerate(commands):
            problems += rules.check_command(cmd, (i,))
        problems += rules.check_command_set(commands)
        if problems:
            raise errors.invalid_form(problems)

    def _upsert(self, scope: int | None, data: dict[str, Any]) -> Command:
        clean = {k: v for k, v in data.items() if k not in ("id", "application_id", "version", "guild_id")}
        clean.setdefault("type", 1)
        for cmd in self.world.commands_for(scope):
            if cmd.name == clean["name"] and cmd.type == clean["type"]:
                cmd.data = clean
                cmd.version = self.world.ids.next()
                return cmd
        cmd = Command(self.world.ids.next(), self.world.app_id, scope, clean, self.world.ids.next())
        self.world.commands[cmd.id] = cmd
        return cmd

    async def overwrite_commands(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        payload, _ = await read_payload(request)
        commands = payload.get("__list__")
        if not isinstance(commands, list):
            raise errors.invalid_form([rules.Problem("command.body", "Expected a list of commands.", ())])
        self._validate_set(commands)
        kept = [self._upsert(scope, data) for data in commands]
        keep_ids = {c.id for c in kept}
        for cmd in self.world.commands_for(scope):
            if cmd.id not in keep_ids:
                del self.world.commands[cmd.id]
        self.world.changed.notify()
        return json_response([c.payload() for c in kept])

    async def create_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        payload, _ = await read_payload(request)
        others = [
            c.data
            for c in self.world.commands_for(scope)
            if not (c.name == payload.get("name") and c.type == payload.get("type", 1))
        ]
        problems = rules.check_command(payload) + rules.check_command_set([*others, payload])
        if problems:
            raise errors.invalid_form(problems)
        existed = any(
            c.name == payload.get("name") and c.type == payload.get("type", 1)
            for c in self.world.commands_for(scope)
        )
        cmd = self._upsert(scope, payload)
        self.world.changed.notify()
        return json_response(cmd.payload(), 200 if existed else 201)

    async def edit_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        cmd = self._command(request, scope)
        payload, _ = await read_payload(request)
        merged = {**cmd.data, **payload}
        problems = rules.check_command(merged)
        if problems:
            raise errors.invalid_form(problems)
        cmd.data = {
            k: v for k, v in merged.items() if k not in ("id", "application_id", "version", "guild_id")
        }
        cmd.version = self.world.ids.next()
        self.world.changed.notify()
        return json_response(cmd.payload())

    async def delete_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        cmd = self._command(request, scope)
        del self.world.commands[cmd.id]
        self.world.changed.notify()
        return no_content()
