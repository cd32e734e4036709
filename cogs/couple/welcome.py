"""The welcome after pairing: one post in the shared channel to both partners, once per couple.

It says what comes when, in both local times (each feature gives its lines through
``Place.WELCOME``), when the two of them are both awake, and offers the three settings couples
change most as buttons. It goes out when the second partner's time zone is known, or, when they
never set one, an hour after pairing (at a moment both are awake) with a line saying which zone
is used for them. It is a scheduler one-off (kind :data:`KIND_WELCOME`), so it is posted exactly
once, also across restarts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import discord

from bot.db.models import Couple
from bot.planning import awake_partners, mentions, shared_moment_after, zone_city
from bot.registry import Place, Registry
from bot.scheduler import Kind, Occurrence, Scheduler, Sent
from bot.timeutil import shared_awake_windows
from bot.ui.embeds import clip, embed

KIND_WELCOME = "couple_welcome"
# Without the second partner's zone, the welcome waits this long for it after pairing.
WAIT_FOR_ZONE = timedelta(hours=1)
# A welcome Closer could not post in time (it was offline) is still worth posting this long after.
WELCOME_DEADLINE = timedelta(days=3)

# The view under the welcome: guild_id -> its three buttons.
WelcomeView = Callable[[int], discord.ui.View]


def awake_line(couple: Couple, now: datetime) -> str:
    """When both are awake in the coming day, in each partner's local time."""
    windows = [w for w in shared_awake_windows(couple.people(now), now, hours=24) if w.minutes >= 60]
    if not windows:
        return (
            "Your quiet hours cover each other's days right now, so posts in this channel come when "
            "the first of you wakes. `/couple quiet` changes your quiet hours."
        )
    window = max(windows, key=lambda w: w.minutes)
    spans = []
    for partner in couple.partners:
        zone = couple.zone_of(partner, now)
        start, end = window.start.astimezone(zone), window.end.astimezone(zone)
        spans.append(f"{start:%H:%M}-{end:%H:%M} for {partner.display_name}")
    return (
        f"You're both awake {' and '.join(spans)}. Closer keeps its posts in this channel inside those "
        "hours; personal messages wait for each of you to wake."
    )


def zone_lines(couple: Couple, now: datetime) -> list[str]:
    """Each partner's zone, and the zone used for one who never set theirs."""
    lines = []
    for partner in couple.partners:
        zone = couple.zone_of(partner, now)
        if partner.home_zone is None:
            lines.append(
                f"{partner.display_name} hasn't set a time zone, so Closer uses {couple.first.display_name}'s "
                f"({zone_city(zone)}) for them until they do: `/couple timezone`."
            )
        else:
            lines.append(
                f"{partner.display_name}: {zone_city(zone)}, it's {now.astimezone(zone):%H:%M} there now."
            )
    return lines


def welcome_embed(couple: Couple, now: datetime, sections: Sequence[tuple[str, str]]) -> discord.Embed:
    names = " and ".join(p.display_name for p in couple.partners)
    card = embed(
        f"Welcome to Closer, {names} 💞",
        "Here's what comes when, each in your own time. Nothing needs an answer right away.",
    )
    for name, value in sections[:20]:
        card.add_field(name=clip(name, 256), value=clip(value or "-", 1024), inline=False)
    card.add_field(name="🕰️ When you're both awake", value=clip(awake_line(couple, now), 1024), inline=False)
    card.add_field(
        name="🌍 Your time zones", value=clip("\n".join(zone_lines(couple, now)), 1024), inline=False
    )
    card.set_footer(
        text="The three settings couples change most are below. /couple status shows all of this any time."
    )
    return card


class Welcome:
    """Plans and posts the welcome (``view(guild_id)``: its buttons)."""

    def __init__(self, scheduler: Scheduler, registry: Registry, view: WelcomeView) -> None:
        self.scheduler = scheduler
        self.registry = registry
        self.view = view
        self._locks: dict[int, asyncio.Lock] = {}

    def kinds(self) -> tuple[Kind, ...]:
        return (Kind(KIND_WELCOME, self.deliver, self.deadline),)

    @staticmethod
    def deadline(occurrence: Occurrence) -> datetime:
        return occurrence.fire_at + WELCOME_DEADLINE

    async def paired(self, couple: Couple) -> None:
        """Just paired: the welcome waits a little for the second partner's zone."""
        now = self.scheduler.now()
        later = now + WAIT_FOR_ZONE
        await self._plan(couple, shared_moment_after(later, couple) or later, now_too=False)

    async def zone_known(self, couple: Couple) -> None:
        """The second partner set their zone: the welcome goes now (unless it went already)."""
        await self._plan(couple, self.scheduler.now(), now_too=True)

    async def _plan(self, couple: Couple, when: datetime, *, now_too: bool) -> None:
        lock = self._locks.setdefault(couple.guild_id, asyncio.Lock())
        async with lock:
            existing = await self.scheduler.repo.find(KIND_WELCOME, couple.guild_id)
            if existing is not None and existing.next_due is None:
                return  # posted (or given up on) already: once per couple
            if existing is not None and not now_too:
                return  # already planned
            schedule = await self.scheduler.once(
                KIND_WELCOME,
                guild_id=couple.guild_id,
                key="",
                when=when,
                label="Welcome to Closer",
                owner_id=couple.first.user_id,
            )
        if now_too:
            await self.scheduler.process(schedule.id)

    async def deliver(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        if couple is None or not couple.paired:
            return None
        now = occurrence.now
        sections = await self.registry.sections(Place.WELCOME, couple, now)
        awake = awake_partners(now, couple)
        return await occurrence.send_channel(
            content=mentions(couple),
            embed=welcome_embed(couple, now, sections),
            view=self.view(couple.guild_id),
            allowed_mentions=discord.AllowedMentions(users=[discord.Object(p.user_id) for p in awake]),
        )
