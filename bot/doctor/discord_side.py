"""The doctor's checks with Discord, over REST only: a gateway session would compete with the
running bot's (Discord allows one per shard), and reading is all the doctor needs.

- the token (Discord accepts it; which application it is),
- the intents Closer asks for (none privileged; or, if one is, that the application may use it),
- every couple's shared channel: the server's roles, Closer's roles there and the channel's
  permission overwrites give what Closer may do there (:func:`bot.permissions.channel_permissions`),
- the clock, against the ``Date`` header of Discord's answers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp
import discord

from bot.db.models import Couple
from bot.doctor.report import Finding, bad, good
from bot.permissions import NEEDED_PERMISSIONS, channel_permissions, lacking

# The privileged intents and the application flags that let a bot use them (full or limited).
PRIVILEGED = {
    "members": ("Server Members Intent", (1 << 14) | (1 << 15)),
    "presences": ("Presence Intent", (1 << 12) | (1 << 13)),
    "message_content": ("Message Content Intent", (1 << 18) | (1 << 19)),
}
CLOCK_SKEW_MAX = 30.0  # seconds: scheduled posts would go out noticeably early or late
CONCURRENT = 8  # couples checked at once (discord.py keeps within Discord's rate limits)
TOKEN_FIX = (
    "Copy the token again: Developer Portal → your application → Bot → Reset Token, put it in .env "
    "as DISCORD_TOKEN=..., then restart Closer."
)


@dataclass(frozen=True, slots=True)
class Login:
    """Who the token logs in as."""

    http: discord.http.HTTPClient
    bot_id: int
    bot_name: str
    application: str
    application_id: int
    flags: int


async def login(token: str) -> tuple[Login | None, Finding]:
    """Check the token (GET /users/@me, then the application); the client when it is good."""
    if not token:
        return None, bad("Token", "DISCORD_TOKEN is not set", TOKEN_FIX)
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    try:
        me = await http.static_login(token)
        app = await http.application_info()
    except discord.LoginFailure:
        await http.close()
        return None, bad("Token", "Discord rejected DISCORD_TOKEN", TOKEN_FIX)
    except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as error:
        await http.close()
        return None, bad(
            "Discord",
            f"couldn't reach Discord ({_reason(error)})",
            "Check this machine's internet connection (and any firewall or proxy), then run the doctor again.",
        )
    name = str(me.get("username") or "?")
    found = Login(
        http, int(me["id"]), name, str(app.get("name") or name), int(app["id"]), int(app.get("flags") or 0)
    )
    return found, good(
        "Token",
        f'valid: Closer runs as the bot "{name}" of the application "{found.application}" (id {found.application_id})',
    )


def check_intents(chosen: discord.Intents, flags: int | None) -> Finding:
    """The intents Closer asks for; none should be privileged (if one is, the application must allow it)."""
    names = [f'"{name.replace("_", " ").title()}"' for name, on in chosen if on]
    used = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names) or "no"
    wanted = [(label, bits) for name, (label, bits) in PRIVILEGED.items() if getattr(chosen, name)]
    if not wanted:
        return good(
            "Intents",
            f"Closer asks Discord only for the {used} intent{'s' if len(names) > 1 else ''}; none is privileged, "
            "so nothing needs switching on in the Developer Portal",
        )
    missing = [label for label, bits in wanted if flags is not None and not flags & bits]
    if missing:
        return bad(
            "Intents",
            f"Closer asks for {', '.join(label for label, _ in wanted)}, which the application may not use",
            f"Developer Portal → your application → Bot → Privileged Gateway Intents: turn on {', '.join(missing)}.",
        )
    return good("Intents", f"Closer asks for the {used} intents; the application may use the privileged ones")


async def check_channels(session: Login, couples: Sequence[Couple]) -> tuple[list[Finding], dict[int, str]]:
    """Each couple's shared channel: what Closer lacks there and how to grant it. Also the servers'
    names (by id) for the other findings."""
    gate = asyncio.Semaphore(CONCURRENT)

    async def one(couple: Couple) -> tuple[Finding, str | None]:
        async with gate:
            return await _channel(session, couple)

    results = await asyncio.gather(*(one(c) for c in couples))
    names = {c.guild_id: name for c, (_, name) in zip(couples, results, strict=True) if name}
    return [finding for finding, _ in results], names


async def _channel(session: Login, couple: Couple) -> tuple[Finding, str | None]:
    http, gid = session.http, couple.guild_id
    try:
        guild = await http.get_guild(gid, with_counts=False)
    except (discord.Forbidden, discord.NotFound):
        return (
            bad(
                f"Server {gid}",
                "Closer is no longer in this server (a couple's space there is kept 30 days, then deleted)",
                "If that's a mistake, invite Closer back to that server with the invite link (README, Create "
                "the Discord application) within 30 days: everything comes back as it was.",
            ),
            None,
        )
    except discord.HTTPException as error:
        return bad(
            f"Server {gid}", f"couldn't check it ({_reason(error)})", "Run the doctor again later."
        ), None
    title = f'"{guild.get("name") or gid}"'
    try:
        member = await http.get_member(gid, session.bot_id)
        channels = await http.get_all_guild_channels(gid)
    except discord.HTTPException as error:
        return bad(title, f"couldn't check it ({_reason(error)})", "Run the doctor again later."), title
    channel = next((c for c in channels if int(c["id"]) == couple.channel_id), None)
    if channel is None:
        return (
            bad(
                title,
                "the couple's shared channel was deleted; Closer sends its posts to both partners by DM instead",
                "To give them a new shared channel: /data export, then /data delete space, then /data import "
                "with the new channel (README, Your data).",
            ),
            title,
        )
    where = f"{title} #{channel.get('name')}"
    overwrites: list[dict[str, Any]] = list(channel.get("permission_overwrites", []))  # type: ignore[call-overload]
    roles = {int(r["id"]): int(r["permissions"]) for r in guild.get("roles", [])}
    common: dict[str, Any] = {
        "guild_id": gid,
        "owner_id": int(guild.get("owner_id") or 0),
        "roles": roles,
        "member_id": session.bot_id,
        "member_roles": [int(r) for r in member.get("roles", [])],
    }
    have = channel_permissions(**common, overwrites=overwrites)
    missing = lacking(have)
    if not missing:
        return good(where, "Closer has every permission it needs there"), title
    # Not granted server-wide (a role), or taken away in this channel (an overwrite)?
    server_wide = set(lacking(channel_permissions(**common, overwrites=[])))
    role_names = [
        str(r["name"])
        for r in guild.get("roles", [])
        if r.get("managed") and int(r["id"]) in common["member_roles"]
    ]
    role = f'the "{role_names[0]}" role' if role_names else "Closer's role"
    steps = []
    if server_wide & set(missing):
        steps.append(
            f"Server Settings → Roles → {role}: turn on {', '.join(m for m in missing if m in server_wide)}"
        )
    if set(missing) - server_wide:
        # A role's allow overrides @everyone's deny, but the bot's own member entry overrides both.
        lost = NEEDED_PERMISSIONS.value & ~have.value
        own = any(
            int(o["id"]) == session.bot_id and int(o.get("type", 0)) == 1 and int(o["deny"]) & lost
            for o in overwrites
        )
        entry = f'the member "{session.bot_name}"' if own else role
        steps.append(
            f"right-click #{channel.get('name')} → Edit Channel → Permissions → {entry}: allow "
            f"{', '.join(m for m in missing if m not in server_wide)}"
        )
    return bad(
        where, f"Closer lacks {', '.join(missing)} there", "In Discord: " + "; and ".join(steps) + "."
    ), title


async def check_clock(now: datetime | None = None) -> Finding:
    """This machine's clock against the ``Date`` header of a Discord answer (one second resolution)."""
    url = f"{discord.http.Route.BASE}/gateway"
    try:
        async with aiohttp.ClientSession() as client:
            sent = time.time()
            async with client.get(url, timeout=aiohttp.ClientTimeout(total=15)) as response:
                header = response.headers.get("Date")
            received = time.time()
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        return bad(
            "Clock", f"couldn't ask Discord for the time ({_reason(error)})", "Run the doctor again later."
        )
    if not header:
        return bad("Clock", "Discord's answer carried no time", "Run the doctor again later.")
    theirs = parsedate_to_datetime(header).astimezone(UTC).timestamp()
    ours = (now.timestamp() if now else (sent + received) / 2) + 0.5  # the header drops the fraction
    skew = ours - theirs
    if abs(skew) <= 1.5:
        return good("Clock", "this machine's clock agrees with Discord's (within a second or two)")
    ahead = "ahead of" if skew > 0 else "behind"
    if abs(skew) <= CLOCK_SKEW_MAX:
        return good("Clock", f"this machine's clock is {abs(skew):.0f} s {ahead} Discord's (close enough)")
    return bad(
        "Clock",
        f"this machine's clock is {abs(skew):.0f} s {ahead} Discord's: posts would go out at the wrong minute",
        "Turn on time synchronisation: sudo timedatectl set-ntp true (or install chrony), then check with timedatectl.",
    )


def _reason(error: BaseException) -> str:
    if isinstance(error, discord.HTTPException):
        return f"{error.status} {error.text or error.response.reason}".strip()
    return str(error) or type(error).__name__
