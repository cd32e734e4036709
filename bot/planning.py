"""Planning one-off posts from a feature's own rows, and what the features that plan them share.

Calls, the visit countdown and yearly dates keep their posts as scheduler one-offs derived from
their rows: :func:`sync_once` brings a server's one-offs of a kind in step with what the rows want
now (:class:`Planned`), exactly once. :func:`friendly_instant` picks a moment of a day when both
partners are awake, :func:`shared_moment_after` / :func:`shared_moment_before` the nearest one
on one side of an instant; :func:`both_times` says an instant in both partners' local times; the
rest are the small wordings their posts share.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import discord

from bot.db.models import Couple, Partner, Schedule
from bot.scheduler import Messenger, Scheduler
from bot.timeutil import discord_timestamp, shared_awake_windows, wall_to_utc

log = logging.getLogger(__name__)

# From this many servers to plan at start on, one read of every server's rows beats one per server.
READ_ALL_FROM = 200
T = TypeVar("T")

# Handled one-offs are kept this long for the ledger in /couple status, then tidied away.
KEEP_HANDLED = timedelta(days=30)


@dataclass(frozen=True)
class Planned:
    """One post a feature wants: when, its label in the ledger, and what its delivery reads."""

    when: datetime
    label: str
    payload: dict[str, Any]


async def sync_once(
    scheduler: Scheduler,
    *,
    guild_id: int,
    kind: str,
    prefix: str,
    desired: dict[str, Planned],
    owner_id: int | None,
    schedules: Sequence[Schedule] | None = None,
) -> None:
    """Make the server's one-offs of ``kind`` under ``prefix`` match ``desired`` (key -> plan).

    A post already handled is never planned again (exactly once); a new post whose time has
    passed is not planned (a reminder after the fact is noise); posts no longer wanted are
    cancelled if still ahead; handled ones are tidied away after a month. ``schedules`` are the
    server's schedules when the caller has them already (only what changes is written).
    """
    now = scheduler.now()
    if schedules is None:
        schedules = await scheduler.repo.for_guild(guild_id, kind)
    existing = {s.key: s for s in schedules if s.kind == kind and s.key.startswith(prefix)}
    changed: list[tuple[str, datetime, str, dict[str, Any]]] = []
    for key, plan in desired.items():
        schedule = existing.get(key)
        if schedule is not None:
            if schedule.next_due is None:
                continue
            if schedule.once_at == plan.when and schedule.payload == plan.payload:
                continue
        elif plan.when < now:
            continue
        changed.append((key, plan.when, plan.label, plan.payload))
    # One batch for all of them: start-up re-plans every couple, so writes must not be one by one.
    await scheduler.once_many(kind, guild_id=guild_id, plans=changed, owner_id=owner_id)
    unwanted = [
        schedule.id
        for key, schedule in existing.items()
        if key not in desired
        and not schedule.recurring
        and (
            (schedule.next_due is not None and schedule.next_due > now)
            or (schedule.next_due is None and schedule.once_at and schedule.once_at < now - KEEP_HANDLED)
        )
    ]
    await scheduler.cancel_many(unwanted)
    await scheduler.marks.planned(guild_id, kind)  # a start need not plan them again (scheduler/marks.py)


async def rows_by_server(
    servers: Sequence[int],
    each: Callable[[int], Awaitable[Sequence[T]]],
    every: Callable[[], Awaitable[Sequence[T]]],
    server_of: Callable[[T], int],
) -> dict[int, list[T]]:
    """A feature's rows of these servers (those a start plans again), by server: a few servers'
    read one by one (``each``), many of them (a first start plans every server) in one read of
    ``every`` server's rows."""
    wanted = set(servers)
    found: dict[int, list[T]] = {guild_id: [] for guild_id in servers}
    if len(wanted) > READ_ALL_FROM:
        rows: Sequence[T] = await every()
    else:
        rows = [row for guild_id in servers for row in await each(guild_id)]
    for row in rows:
        if server_of(row) in wanted:
            found[server_of(row)].append(row)
    return found


async def post_in_channel(messenger: Messenger, couple: Couple, **kwargs: Any) -> discord.Message | None:
    """An announcement in the shared channel (best effort: the command itself already answered)."""
    try:
        return await messenger.to_channel(couple.channel_id, couple.guild_id, **kwargs)
    except discord.HTTPException as error:
        log.warning("Could not post in the shared channel of %s: %s", couple.guild_id, error)
        return None


async def tell_in_channel(
    messenger: Messenger, couple: Couple, partner: Partner, text: str, **kwargs: Any
) -> discord.Message | None:
    """``text`` in the shared channel for ``partner``, mentioning (and pinging) only them."""
    return await post_in_channel(
        messenger,
        couple,
        content=f"{partner.mention} {text}",
        allowed_mentions=discord.AllowedMentions(users=[discord.Object(partner.user_id)]),
        **kwargs,
    )


def mentions(couple: Couple) -> str:
    return " ".join(p.mention for p in couple.partners)


def ts(instant: datetime, style: str = "F") -> str:
    return discord_timestamp(instant, style)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def countdown_phrase(days: int) -> str:
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def sleeping_partners(instant: datetime, couple: Couple) -> list[Partner]:
    """The partners for whom ``instant`` falls inside their quiet hours."""
    return [
        p
        for p in couple.partners
        if p.quiet.contains(instant.astimezone(couple.zone_of(p, instant)).time().replace(tzinfo=None))
    ]


def awake_partners(instant: datetime, couple: Couple) -> list[Partner]:
    """The partners for whom ``instant`` falls outside their quiet hours."""
    sleeping = {p.user_id for p in sleeping_partners(instant, couple)}
    return [p for p in couple.partners if p.user_id not in sleeping]


def shared_moment_after(
    instant: datetime, couple: Couple, within: timedelta = timedelta(days=1)
) -> datetime | None:
    """``instant`` when both partners are awake then, else the first moment after it (within
    ``within``) when they are: None when there is none."""
    for window in shared_awake_windows(
        couple.people(instant), instant, hours=int(within / timedelta(hours=1))
    ):
        if window.end - window.start >= timedelta(minutes=15) or window.start == instant:
            return window.start
    return None


def shared_moment_before(
    instant: datetime,
    couple: Couple,
    within: timedelta = timedelta(hours=18),
    *,
    margin: timedelta = timedelta(minutes=30),
) -> datetime | None:
    """``instant`` when both partners are awake then, else a moment before it (within ``within``)
    when they are, ``margin`` before that shared stretch ends: None when there is none."""
    start = instant - within
    hours = int(within / timedelta(hours=1)) + 1
    windows = [
        w for w in shared_awake_windows(couple.people(start), start, hours=hours) if w.start <= instant
    ]
    for window in reversed(windows):
        if window.start <= instant < window.end:
            return instant
        if window.end - window.start >= timedelta(minutes=15):
            return max(window.start, window.end - margin)
    return None


def zone_city(zone: ZoneInfo | str) -> str:
    """ "Europe/Berlin" -> "Berlin", "America/Los_Angeles" -> "Los Angeles"."""
    key = zone.key if isinstance(zone, ZoneInfo) else zone
    return key.rsplit("/", 1)[-1].replace("_", " ")


def both_times(couple: Couple, instant: datetime, *, weekday: bool = False, viewer: int | None = None) -> str:
    """ "18:00 for alice, 09:00 for bob": ``instant`` in each partner's local time (with the
    weekday when asked, and "you" for the ``viewer``, named first)."""
    partners = sorted(couple.partners, key=lambda p: p.user_id != viewer)
    parts = []
    for partner in partners:
        local = instant.astimezone(couple.zone_of(partner, instant))
        when = f"{local:%a %H:%M}" if weekday else f"{local:%H:%M}"
        who = "you" if partner.user_id == viewer else partner.display_name
        parts.append(f"{when} for {who}")
    return ", ".join(parts)


def friendly_instant(day: date, zone: ZoneInfo, couple: Couple, preferred: time = time(10, 0)) -> datetime:
    """When to post something about ``day`` (a local date in ``zone``): ``preferred`` that day, or
    the nearest moment that same day when both partners are awake."""
    candidate = wall_to_utc(day, preferred, zone)
    if not sleeping_partners(candidate, couple):
        return candidate
    day_start = wall_to_utc(day, time(0), zone)
    day_end = wall_to_utc(day + timedelta(days=1), time(0), zone)
    hours = int((day_end - day_start).total_seconds() // 3600) + 1
    best: datetime | None = None
    for window in shared_awake_windows(couple.people(candidate), day_start, hours=hours):
        start, end = max(window.start, day_start), min(window.end, day_end)
        if end - start < timedelta(minutes=15):
            continue
        for point in (start, max(start, end - timedelta(hours=1))):
            if best is None or abs(point - candidate) < abs(best - candidate):
                best = point
    return best or candidate
