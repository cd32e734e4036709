"""CDN-style file URLs: attachments (with expiring signed URLs) and placeholder avatars."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from .server import EmulatorServer

# A 1x1 transparent PNG, served for every avatar / icon asset.
PLACEHOLDER_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def setup(app: web.Application, server: EmulatorServer) -> None:
    async def attachment(request: web.Request) -> web.Response:
        raw = request.match_info["attachment_id"]
        att = server.world.attachments.get(int(raw)) if raw.isdigit() else None
        expiry = request.query.get("ex", "")
        fresh = expiry == f"{server.world.attachment_generation:08x}"
        if att is None or att.filename != request.match_info["filename"] or not fresh:
            return web.Response(status=404, text="Not Found", content_type="text/plain")
        return web.Response(body=att.data, headers={"Content-Type": att.content_type})

    async def placeholder(request: web.Request) -> web.Response:
        return web.Response(body=PLACEHOLDER_PNG, headers={"Content-Type": "image/png"})

    for kind in ("attachments", "ephemeral-attachments"):
        app.router.add_get(f"/{kind}/{{channel_id}}/{{attachment_id}}/{{filename}}", attachment)
    for kind in (
        "avatars",
        "icons",
        "banners",
        "embed/avatars",
        "emojis",
        "app-icons",
        "guilds",
        "avatar-decoration-presets",
    ):
        app.router.add_get(f"/{kind}/{{tail:.*}}", placeholder)
