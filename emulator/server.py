"""The aiohttp application: REST under /api/v10, the gateway at /gateway, CDN-style file URLs.

``EmulatorServer`` owns the world and all the cross-cutting machinery: request log, violation log,
auth, fault injection, rate limits and the emulator clock. Route handlers live in ``rest_*.py``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .errors import APIError, Violation
from .faults import Fault, Faults
from .gateway import Gateway
from .ratelimit import RateLimiter
from .state import World

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
NO_AUTH_PREFIXES = ("/webhooks/", "/interactions/")
JSON_HEADERS = {"Content-Type": "application/json"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class RequestRecord:
    """One REST request the bot made."""

    method: str
    path: str  # "/channels/123/messages" (without /api/v10)
    route: str  # "POST /channels/{channel_id}/messages"
    status: int = 0
    time: float = field(default_factory=time.monotonic)
    json: Any = None
    query: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with ``Content-Type: application/json`` exactly (discord.py compares the header verbatim)."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, headers={**JSON_HEADERS, **(headers or {})}
    )


def no_content() -> web.Response:
    return web.Response(status=204)


@dataclass
class UploadedFile:
    index: int
    filename: str
    data: bytes
    content_type: str
    description: str | None = None


async def read_payload(request: web.Request) -> tuple[dict[str, Any], list[UploadedFile]]:
    """JSON body, or multipart with ``payload_json`` and ``files[n]`` parts."""
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        payload: dict[str, Any] = {}
        files: list[UploadedFile] = []
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            name = part.name or ""
            if name == "payload_json":
                payload = json.loads(await part.text())  # type: ignore[union-attr]
            elif name.startswith("file"):  # files[n] (discord.py), file, file1...
                raw = await part.read(decode=False)  # type: ignore[union-attr]
                digits = "".join(ch for ch in name if ch.isdigit())
                index = int(digits) if digits else len(files)
                files.append(
                    UploadedFile(
                        index,
                        part.filename or f"file{index}",  # type: ignore[union-attr]
                        bytes(raw),
                        part.headers.get("Content-Type", "application/octet-stream"),
                    )
                )
        return payload, files
    if not request.body_exists:
        return {}, []
    text = await request.text()
    if not text:
        return {}, []
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise APIError(400, 50109, "The request body contains invalid JSON.") from exc
    return (data if isinstance(data, dict) else {"__list__": data}), []


class EmulatorServer:
    """A Discord-compatible server for one application, on 127.0.0.1 and a free port."""

    def __init__(self, *, allowed_privileged_intents: frozenset[str] | None = None) -> None:
        self.port = 0
        self.world = World("http://127.0.0.1:0")
        self.gateway = Gateway(self)
        self.ratelimits = RateLimiter()
        self.faults = Faults()
        self.violations: list[Violation] = []
        self.requests: list[RequestRecord] = []
        self.rejected_tokens: set[str] = set()
        self.allowed_privileged_intents = (
            frozenset({"members", "presences", "message_content"})
            if allowed_privileged_intents is None
            else frozenset(allowed_privileged_intents)
        )
        self.interaction_deadline = 3.0
        self.token_lifetime = 15 * 60.0
        self.clock_offset = 0.0
        self.in_flight = 0
        self.last_activity = time.monotonic()
        self._runner: web.AppRunner | None = None

    # ------------------------------------------------------------------ addresses & clock
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def clock(self) -> float:
        """Monotonic emulator time (``advance_clock`` moves it forward)."""
        return time.monotonic() + self.clock_offset

    @property
    def application_flags(self) -> int:
        flags = 1 << 23  # APPLICATION_COMMAND_BADGE
        bits = {"presences": 1 << 13, "members": 1 << 15, "message_content": 1 << 19}
        for name, bit in bits.items():
            if name in self.allowed_privileged_intents:
                flags |= bit
        return flags

    def token_ok(self, token: str) -> bool:
        return bool(token) and token not in self.rejected_tokens

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        from . import cdn, rest_core, rest_events, rest_interactions, rest_messages

        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        rest_core.setup(app, self)
        rest_messages.setup(app, self)
        rest_interactions.setup(app, self)
        rest_events.setup(app, self)
        cdn.setup(app, self)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._unknown_route)

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        self.world.base_url = self.base_url
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ bookkeeping
    def record_violations(self, violations: list[Violation]) -> None:
        for v in violations:
            log.warning("Discord would reject this: %s", v)
        self.violations.extend(violations)
        self.world.changed.notify()

    async def _unknown_route(self, request: web.Request) -> web.Response:
        route = f"{request.method} {request.path[len(API_PREFIX) :]}"
        self.record_violations(
            [
                Violation(
                    "emulator.unsupported_route", f"The emulator does not implement {route}", route, 404, 0
                )
            ]
        )
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    @staticmethod
    def _fault_response(fault: Fault, headers: dict[str, str]) -> web.Response:
        if fault.status == 429:
            body = {
                "message": "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": False,
            }
            headers.update(
                {"X-RateLimit-Scope": "shared", "Retry-After": str(max(1, int(fault.retry_after)))}
            )
            return json_response(body, 429)
        message = fault.message or {
            500: "500: Internal Server Error",
            503: "Service Unavailable",
        }.get(fault.status or 500, f"{fault.status}: injected fault")
        return json_response({"message": message, "code": fault.code}, fault.status or 500)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        resource = request.match_info.route.resource
        template = resource.canonical[len(API_PREFIX) :] if resource is not None else path
        if template == "/{tail}":
            template = path
        route = f"{request.method} {template}"
        record = RequestRecord(request.method, path, route, query=dict(request.query))
        self.in_flight += 1
        self.last_activity = time.monotonic()
        headers: dict[str, str] = {"Via": "1.1 google"}
        try:
            response = await self._handle(request, handler, path, route, record, headers)
        finally:
            self.in_flight -= 1
            self.last_activity = time.monotonic()
        response.headers.update(headers)
        record.status = response.status
        self.requests.append(record)
        self.world.changed.notify()
        return response

    async def _handle(
        self,
        request: web.Request,
        handler: Handler,
        path: str,
        route: str,
        record: RequestRecord,
        headers: dict[str, str],
    ) -> web.StreamResponse:
        if request.content_type == "application/json" and request.body_exists:
            try:
                record.json = json.loads(await request.text() or "null")
            except ValueError:
                record.json = None
        if not path.startswith(NO_AUTH_PREFIXES):
            auth = request.headers.get("Authorization", "")
            token = auth[4:] if auth.startswith("Bot ") else ""
            if not self.token_ok(token):
                return json_response({"message": "401: Unauthorized", "code": 0}, 401)
        lost: Fault | None = None  # a fault that answers with an error after the work is done
        for fault in self.faults.take(request.method, path):
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.after and fault.status is not None:
                lost = lost or fault
                continue
            if fault.status is not None:
                return self._fault_response(fault, headers)
        rl_headers, limited = self.ratelimits.check(
            request.method, path, route, exempt_global=path.startswith("/interactions/")
        )
        headers.update(rl_headers)
        if limited is not None:
            return json_response(limited, 429)
        try:
            response = await handler(request)
            if lost is not None and response.status < 400:
                return self._fault_response(lost, headers)
            return response
        except APIError as err:
            self.record_violations(err.violations(route))
            headers.update(err.headers)
            return json_response(err.body(), err.status)
