"""The gateway: HELLO / IDENTIFY / READY / RESUME / heartbeats and event dispatch over JSON text frames."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .shards import MAX_GUILDS_PER_SHARD, NO_SHARD, IdentifyLimiter, owns, parse_shard
from .snowflake import iso_now
from .state import Guild

if TYPE_CHECKING:
    from .server import EmulatorServer

log = logging.getLogger(__name__)

# Intents
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_VOICE_STATES = 1 << 7
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
MESSAGE_CONTENT = 1 << 15
GUILD_SCHEDULED_EVENTS = 1 << 16
PRIVILEGED = {"members": GUILD_MEMBERS, "presences": GUILD_PRESENCES, "message_content": MESSAGE_CONTENT}

HEARTBEAT_INTERVAL_MS = 41_250


@dataclass(eq=False)
class Session:
    id: str
    token: str
    intents: int
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    queue: asyncio.Queue[dict[str, Any] | None] | None = None
    ws: web.WebSocketResponse | None = None
    resumable: bool = True
    acked_seq: int = 0  # the last sequence number the client reported in a heartbeat
    shard: tuple[int, int] = NO_SHARD  # (shard_id, num_shards) from IDENTIFY

    def has(self, intent: int) -> bool:
        return bool(self.intents & intent)

    @property
    def attached(self) -> bool:
        return self.ws is not None and not self.ws.closed


# Events about a server carry its id under "id", every other one under "guild_id".
_GUILD_EVENTS = frozenset({"GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE"})


def guild_of(event: str, data: dict[str, Any]) -> int | None:
    """The server an event belongs to (None: a DM or an event outside any server)."""
    raw = data.get("id") if event in _GUILD_EVENTS else data.get("guild_id")
    return int(raw) if raw else None


class Gateway:
    """One application's gateway. Each shard (``[shard_id, num_shards]``, ``[0, 1]`` without
    sharding) has one live session, its latest IDENTIFY; an event goes to the live sessions
    whose shard owns its server (see :mod:`emulator.shards`)."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.sessions: dict[str, Session] = {}
        self.live: dict[tuple[int, int], Session] = {}
        self.latest: Session | None = None  # the most recent IDENTIFY
        self.connections: set[web.WebSocketResponse] = set()
        self.identify_count = 0
        self.resume_count = 0
        self.invalid_sessions = 0
        self.identifies = IdentifyLimiter(server.clock)
        self._heartbeat_seen = asyncio.Event()
        self._writers: set[asyncio.Task[None]] = set()

    # ------------------------------------------------------------------ status
    @property
    def current(self) -> Session | None:
        """The latest session (the only one without sharding)."""
        return self.latest

    @property
    def num_shards(self) -> int:
        """The shard count of the latest IDENTIFY (1 without sharding, 0 before any)."""
        return self.latest.shard[1] if self.latest else 0

    def connected_shards(self) -> set[int]:
        """Shard ids (of the latest shard count) whose session is connected now."""
        count = self.num_shards
        return {key[0] for key, s in self.live.items() if key[1] == count and s.attached}

    @property
    def connected(self) -> bool:
        """Every shard of the latest shard count has a connected session."""
        count = self.num_shards
        return count > 0 and self.connected_shards() == set(range(count))

    @property
    def intents(self) -> int:
        return self.latest.intents if self.latest else 0

    async def wait_connected(self, timeout: float, shards: set[int] | None = None) -> None:
        """Until every shard (or the shards ``shards`` when a process runs only some) is connected."""

        def ready() -> bool:
            if shards is None:
                return self.connected
            return self.num_shards > 0 and shards <= self.connected_shards()

        await self.server.world.changed.wait_for(ready, timeout)

    def sessions_for(self, guild_id: int | None) -> list[Session]:
        """The live sessions that receive the events of ``guild_id`` (None: DMs)."""
        return [s for key, s in self.live.items() if owns(key, guild_id)]

    async def sync(self, timeout: float = 5.0) -> None:
        """Wait until the client has processed every event dispatched so far, on every connected shard.

        The server sends a heartbeat request (op 1); discord.py answers with a heartbeat carrying its
        last sequence number, which it only does after it parsed everything before it.
        """
        sessions = [s for s in self.live.values() if s.attached and s.queue is not None]
        if not sessions:
            raise TimeoutError("the bot is not connected to the gateway")
        targets = {id(s): s.seq for s in sessions}
        for session in sessions:
            if session.acked_seq < session.seq and session.queue is not None:
                session.queue.put_nowait({"op": 1, "d": session.seq})
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while any(s.acked_seq < targets[id(s)] for s in sessions):
            remaining = deadline - loop.time()
            if remaining <= 0:
                behind = [s.shard[0] for s in sessions if s.acked_seq < targets[id(s)]]
                raise TimeoutError(f"gateway client did not catch up (shards {behind})")
            self._heartbeat_seen.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._heartbeat_seen.wait(), remaining)

    # ------------------------------------------------------------------ dispatch
    def dispatch(
        self, event: str, data: dict[str, Any], *, intent: int | None = None, guild_id: int | None = None
    ) -> bool:
        """Send an event to the sessions of its server's shard (DMs: shard 0) whose intents allow it.
        ``guild_id`` defaults to the one in ``data``. Returns True if sent/buffered to any."""
        target = guild_id if guild_id is not None else guild_of(event, data)
        sent = False
        for session in self.sessions_for(target):
            if intent is not None and not session.has(intent):
                continue
            self._emit(session, event, data)
            sent = True
        return sent

    def _emit(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.buffer.append(frame)
        if len(session.buffer) > 5000:
            del session.buffer[:1000]
        if session.queue is not None:
            session.queue.put_nowait(frame)

    def dispatch_message(
        self, event: str, payload: dict[str, Any], *, dm: bool, visible_content: bool
    ) -> None:
        """MESSAGE_CREATE / MESSAGE_UPDATE, with content stripped as Discord does without MESSAGE_CONTENT."""
        intent = DIRECT_MESSAGES if dm else GUILD_MESSAGES
        for session in self.sessions_for(None if dm else guild_of(event, payload)):
            if not session.has(intent):
                continue
            data = payload
            if not (visible_content or session.has(MESSAGE_CONTENT)):
                data = {**payload, "content": "", "embeds": [], "attachments": [], "components": []}
                data.pop("poll", None)
            self._emit(session, event, data)

    # ------------------------------------------------------------------ control
    def _attached(self, shard: int | None) -> list[Session]:
        found = [s for s in self.live.values() if s.attached and (shard is None or s.shard[0] == shard)]
        if not found:
            raise RuntimeError("the bot is not connected to the gateway")
        return found

    async def drop(self, *, resumable: bool = True, code: int = 4000, shard: int | None = None) -> None:
        """Close the connection of every shard (or of ``shard``) from the server side, like a
        network blip or a Discord restart."""
        for session in self._attached(shard):
            session.resumable = resumable
            ws = session.ws
            assert ws is not None
            self._detach(session)
            await ws.close(code=code, message=b"emulator dropped the connection")

    def send_reconnect(self, shard: int | None = None) -> None:
        """op 7: ask the client to reconnect (and resume), on every shard (or on ``shard``)."""
        for session in self._attached(shard):
            assert session.queue is not None
            session.queue.put_nowait({"op": 7, "d": None})

    def _detach(self, session: Session) -> None:
        if session.queue is not None:
            session.queue.put_nowait(None)
        session.queue = None
        session.ws = None
        self.server.world.changed.notify()

    async def close_all(self) -> None:
        for ws in list(self.connections):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"emulator shutting down")
        for task in list(self._writers):
            task.cancel()
        for task in list(self._writers):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    # ------------------------------------------------------------------ connection handling
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        self.connections.add(ws)
        await ws.send_str(
            json.dumps({"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        )
        session: Session | None = None
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    if msg.type is WSMsgType.BINARY:
                        await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                try:
                    frame = json.loads(msg.data)
                except ValueError:
                    await ws.close(code=4002, message=b"Error while decoding payload.")
                    break
                session = await self._on_frame(ws, frame, session)
        finally:
            self.connections.discard(ws)
            if session is not None and session.ws is ws:
                self._detach(session)
        return ws

    async def _on_frame(
        self, ws: web.WebSocketResponse, frame: dict[str, Any], session: Session | None
    ) -> Session | None:
        op = frame.get("op")
        data = frame.get("d")
        if op == 1:
            if session is not None and isinstance(data, int):
                session.acked_seq = max(session.acked_seq, data)
            self._heartbeat_seen.set()
            await self._send_now(ws, session, {"op": 11, "d": None})
        elif op == 2:
            if session is not None:
                await ws.close(code=4005, message=b"Already authenticated.")
                return session
            return await self._identify(ws, data or {})
        elif op == 6:
            if session is not None:
                await ws.close(code=4005, message=b"Already authenticated.")
                return session
            return await self._resume(ws, data or {})
        elif op == 8 and session is not None:
            self._request_members(session, data or {})
        elif op in (3, 4):
            pass  # presence / voice state updates are accepted and ignored
        elif session is None:
            await ws.close(code=4003, message=b"Not authenticated.")
        else:
            await ws.close(code=4001, message=b"Unknown opcode.")
        return session

    async def _send_now(
        self, ws: web.WebSocketResponse, session: Session | None, frame: dict[str, Any]
    ) -> None:
        # Keep the frame order: while a session is attached, everything goes through its writer queue.
        if session is not None and session.queue is not None and session.ws is ws:
            session.queue.put_nowait(frame)
            return
        if not ws.closed:
            await ws.send_str(json.dumps(frame))

    def _attach(self, ws: web.WebSocketResponse, session: Session) -> None:
        session.ws = ws
        session.queue = asyncio.Queue()
        task = asyncio.create_task(self._writer(ws, session.queue), name="emulator-gateway-writer")
        self._writers.add(task)
        task.add_done_callback(self._writers.discard)

    async def _writer(self, ws: web.WebSocketResponse, queue: asyncio.Queue[dict[str, Any] | None]) -> None:
        while True:
            frame = await queue.get()
            if frame is None or ws.closed:
                return
            try:
                await ws.send_str(json.dumps(frame))
            except (ConnectionError, RuntimeError):
                return

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        server = self.server
        token = data.get("token") or ""
        if not server.token_ok(token):
            await ws.close(code=4004, message=b"Authentication failed.")
            return None
        intents = int(data.get("intents") or 0)
        for name, bit in PRIVILEGED.items():
            if intents & bit and name not in server.allowed_privileged_intents:
                await ws.close(code=4014, message=b"Disallowed intent(s).")
                return None
        shard = parse_shard(data.get("shard"))
        if shard is None:
            await ws.close(code=4010, message=b"Invalid shard.")
            return None
        world = server.world
        guilds = sorted(gid for gid in world.bot_guilds if owns(shard, gid))
        if len(guilds) >= MAX_GUILDS_PER_SHARD:
            await ws.close(code=4011, message=b"Sharding required.")
            return None
        if not self.identifies.allow(shard[0]):
            # Over the session start limit's max_concurrency: Discord answers op 9 Invalid Session.
            self.invalid_sessions += 1
            await ws.send_str(json.dumps({"op": 9, "s": None, "t": None, "d": False}))
            return None
        session = Session(secrets.token_hex(16), token, intents, shard=shard)
        self.sessions[session.id] = session
        # The shard's new session replaces its old one; sessions of another shard count whose
        # process is gone (not connected) stop receiving events too.
        for key, old in list(self.live.items()):
            if key[1] != shard[1] and not old.attached:
                del self.live[key]
        self.live[shard] = session
        self.latest = session
        self.identify_count += 1
        self._attach(ws, session)
        ready = {
            "v": 10,
            "user": {**world.bot.payload(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(gid), "unavailable": True} for gid in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": server.gateway_url,
            "application": {"id": str(world.app_id), "flags": server.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["emulator"],
            "user_settings": {},
            "auth": {},
            "_trace": ['["emulator",{"micros":0}]'],
        }
        if data.get("shard") is not None:
            ready["shard"] = list(shard)
        self._emit(session, "READY", ready)
        for gid in guilds:
            if gid in world.outages:
                continue  # unavailable: it comes with a GUILD_CREATE once the outage ends
            self._emit(session, "GUILD_CREATE", self.guild_create_payload(world.guilds[gid], session))
        world.changed.notify()
        return session

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(data.get("session_id") or "")
        seq = data.get("seq")
        if (
            session is None
            or not session.resumable
            or session.token != data.get("token")
            or not self.server.token_ok(session.token)
            or not isinstance(seq, int)
            or (session.buffer and seq < session.buffer[0]["s"] - 1)
            or self.live.get(session.shard) is not session
        ):
            self.invalid_sessions += 1
            await ws.send_str(json.dumps({"op": 9, "s": None, "t": None, "d": False}))
            await ws.close(code=4009, message=b"Session timed out.")
            return None
        if session.ws is not None:
            old = session.ws
            self._detach(session)
            await old.close(code=4000)
        self.resume_count += 1
        self._attach(ws, session)
        assert session.queue is not None
        for frame in session.buffer:
            if frame["s"] > seq:
                session.queue.put_nowait(frame)
        self._emit(session, "RESUMED", {"_trace": ['["emulator",{"micros":0}]']})
        self.server.world.changed.notify()
        return session

    def _request_members(self, session: Session, data: dict[str, Any]) -> None:
        world = self.server.world
        gid = int(data.get("guild_id") or 0)
        guild = world.guilds.get(gid)
        if guild is None or gid not in world.bot_guilds or not owns(session.shard, gid):
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.user.id in wanted]
        elif data.get("query"):
            members = [m for m in members if m.user.name.lower().startswith(str(data["query"]).lower())]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(gid),
            "members": [m.payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        self._emit(session, "GUILD_MEMBERS_CHUNK", chunk)

    # ------------------------------------------------------------------ payloads
    def guild_create_payload(
        self, guild: Guild, session: Session | None = None, *, joined: bool = False
    ) -> dict[str, Any]:
        """GUILD_CREATE data. ``joined``: the bot just joined (Discord then omits ``unavailable``, which
        is how discord.py tells ``on_guild_join`` from ``on_guild_available``)."""
        world = self.server.world
        session = session or self.latest
        intents = session.intents if session else 0
        # Without GUILD_VOICE_STATES no voice states; without GUILD_MEMBERS only the bot's own
        # member and (with voice states) the members in voice, as Discord does.
        voice = list(guild.voice_states.values()) if intents & GUILD_VOICE_STATES else []
        if intents & GUILD_MEMBERS:
            members = list(guild.members.values())
        else:
            wanted = {world.bot.id} | {v.user_id for v in voice}
            members = [m for m in guild.members.values() if m.user.id in wanted]
        channels = [c for c in guild.channels if not c.is_thread]
        threads = [c for c in guild.channels if c.is_thread and not c.archived]
        bot_member = guild.members.get(world.bot.id)
        data = {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "system_channel_id": str(channels[0].id) if channels else None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "features": [],
            "roles": [r.payload() for r in guild.roles],
            "emojis": [],
            "stickers": [],
            "member_count": len(guild.members),
            "members": [m.payload() for m in members],
            "channels": [c.payload() for c in channels],
            "threads": [t.payload() for t in threads],
            "presences": [],
            "voice_states": [v.payload(guild, with_guild=False) for v in voice],
            "stage_instances": [],
            "guild_scheduled_events": [e.payload() for e in guild.scheduled_events.values()],
            "soundboard_sounds": [],
            "joined_at": bot_member.joined_at if bot_member else iso_now(),
            "large": False,
            "unavailable": False,
            "lazy": True,
            "max_members": 500000,
            "max_video_channel_users": 25,
            "application_id": None,
        }
        if joined:
            del data["unavailable"]
        return data
