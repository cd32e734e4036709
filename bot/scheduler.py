"""The scheduler engine: every recurring or one-off post goes through here.

- The database is the source of truth. Each schedule row holds its next occurrence (``next_due``,
  the occurrence's key) and when to handle it (``fire_at``: after the owner's quiet hours for
  personal pings). APScheduler only holds one in-memory date job per schedule, id
  ``schedule:{id}``, rebuilt from the table at start; a job re-reads its row when it fires.
- Exactly once: an occurrence is claimed in the ``deliveries`` ledger under a unique key
  (schedule, scheduled instant) before anything is sent; messages carry a nonce derived from the
  key, which Discord enforces, so a retry after a crash mid-send cannot post twice either.
- Catch-up: occurrences that passed while the bot was down are handled at start (and after a
  gateway reconnect): the latest one is delivered late, with a note, if its kind's deadline has
  not passed; the others are recorded as missed, never flooded into the channel.
- Failures: a 5xx or a timeout is retried with backoff, then the occurrence is retried later
  while its deadline allows; a permanent failure (channel gone, missing access, DMs closed)
  falls back to the other route (DM or shared channel) and is recorded with the reason.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import aiohttp
import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.db.models import Couple, Partner, Schedule
from bot.db.repositories.schedules import ScheduleRepository
from bot.timeutil import ALL_DAYS, WallRule, discord_timestamp, wall_to_utc

if TYPE_CHECKING:
    from bot.client import CloserBot

log = logging.getLogger(__name__)

# A delivery this much after its time is "late" and carries a note.
LATE_AFTER = timedelta(minutes=2)
# Discord enforces a message nonce for "the past few minutes": a claim younger than this that
# never completed is re-sent with the same nonce, so Discord drops it if the first went through.
NONCE_WINDOW = timedelta(minutes=2)
# Never walk more than this many past occurrences of one schedule in a single catch-up.
CATCH_UP_LIMIT = 1000
# APScheduler holds jobs only for what fires within this window; a refill job arms the next
# stretch every REFILL_EVERY. Memory and start-up time then do not grow with the number of
# couples (the table stays the source of truth). The window is three refills long, so a refill
# that runs late still finds everything armed; it is short because start-up arms all of it (at
# 10,000 couples an evening hour holds thousands of jobs, each costing APScheduler ~30 µs).
ARM_WINDOW = timedelta(hours=1)
REFILL_EVERY = timedelta(minutes=20)
# Scheduled posts are paced below Discord's global limit of 50 requests per second, so a
# thousand posts due on the same minute flow out steadily instead of meeting 429s in a herd.
POSTS_PER_SECOND = 48.0
# How many fired jobs are handled at once. Each delivery reads and writes the database before it
# posts; with thousands due on one minute and no bound, every one of them queues its reads on the
# single database thread before the first post can go out. A few dozen keep the posts flowing
# from the first second (enough to fill the pace even with Discord's real latency).
CONCURRENT_DELIVERIES = 32

RETRYABLE: tuple[type[BaseException], ...] = (
    discord.DiscordServerError,
    asyncio.TimeoutError,
    aiohttp.ClientError,
    ConnectionError,
)


def retryable(error: BaseException) -> bool:
    """A failure worth trying again: Discord down or slow, or still rate limiting after retries."""
    if isinstance(error, RETRYABLE):
        return True
    return isinstance(error, discord.HTTPException) and error.status == 429


# Set while the scheduler handles what came due by itself (armed jobs, catch-up): those sends wait
# on the gate. A delivery a user's action triggers right now (a reveal, a note of appreciation)
# goes out at once instead of queueing behind a busy minute's fan-out.
PACED: contextvars.ContextVar[bool] = contextvars.ContextVar("closer_paced", default=False)


class RateGate:
    """Hands out evenly spaced send slots (a token bucket without bursts)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second
        self._next = 0.0

    async def wait(self) -> None:
        if not PACED.get():
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)


class DeliveryFailed(Exception):
    """A delivery that cannot succeed (every route refused); the reason goes in the ledger."""


@dataclass(frozen=True, slots=True)
class Sent:
    """What a handler posted (None ids when it posted nothing visible)."""

    message_id: int | None = None
    channel_id: int | None = None
    detail: str | None = None
    message: discord.Message | None = field(default=None, compare=False, repr=False)


DeliverFn = Callable[["Occurrence"], Awaitable[Sent | None]]
DeadlineFn = Callable[["Occurrence"], datetime]


@dataclass(frozen=True)
class Kind:
    """A kind of scheduled post and how to deliver it.

    ``deliver`` returns what it sent, or None when there was nothing to post that time (recorded
    as skipped). ``deadline`` is the last instant a late delivery is still worth making; by
    default the end of the local day it was due (at least an hour after it was due).
    """

    name: str
    deliver: DeliverFn
    deadline: DeadlineFn | None = None


def describe(error: BaseException) -> str:
    if isinstance(error, discord.HTTPException):
        known = {
            50001: "missing access",
            50007: "DMs closed",
            50013: "missing permissions",
            10003: "channel deleted",
            10013: "unknown user",
        }
        reason = known.get(error.code) or (error.text or f"HTTP {error.status}")
        return reason[:200]
    return (str(error) or type(error).__name__)[:200]


# ---------------------------------------------------------------------------------------------
# Pure occurrence maths
# ---------------------------------------------------------------------------------------------


def _owner(schedule: Schedule, couple: Couple | None) -> Partner | None:
    if couple is None or schedule.owner_id is None:
        return None
    return couple.partner(schedule.owner_id)


def schedule_zone(schedule: Schedule, couple: Couple | None, at: datetime) -> ZoneInfo:
    """The zone a schedule's wall time is read in at ``at``."""
    owner = _owner(schedule, couple)
    if schedule.personal and owner is not None and couple is not None:
        return couple.zone_of(owner, at)
    if schedule.zone:
        return ZoneInfo(schedule.zone)
    if couple is not None:
        return couple.zone_of(couple.first, at)
    return ZoneInfo("UTC")


def next_occurrence(schedule: Schedule, couple: Couple | None, after: datetime) -> datetime | None:
    """The first occurrence strictly after ``after`` (None when a one-off is past)."""
    if schedule.local_time is None:
        return schedule.once_at if schedule.once_at and schedule.once_at > after else None
    days = schedule.weekdays or ALL_DAYS
    zone = schedule_zone(schedule, couple, after)
    candidate = WallRule(schedule.local_time, zone, days).next_after(after)
    owner = _owner(schedule, couple)
    if schedule.personal and owner is not None and couple is not None and owner.traveling(after):
        trip_end = owner.travel_until
        assert trip_end is not None
        if candidate >= trip_end:
            # The trip is over by then: the occurrence follows the home zone from the trip's end.
            home = schedule_zone(schedule, couple, trip_end)
            candidate = WallRule(schedule.local_time, home, days).next_after(
                max(after, trip_end - timedelta(seconds=1))
            )
    return candidate


def fire_time(schedule: Schedule, couple: Couple | None, nominal: datetime) -> datetime:
    """When to handle an occurrence: personal pings wait for the end of the owner's quiet hours."""
    owner = _owner(schedule, couple)
    if schedule.personal and owner is not None and couple is not None:
        return owner.quiet.release(nominal, couple.zone_of(owner, nominal))
    return nominal


def _definition(schedule: Schedule) -> tuple:
    """What decides a schedule's occurrences (not its progress)."""
    return (
        schedule.local_time,
        schedule.weekdays,
        schedule.zone,
        schedule.once_at,
        schedule.personal,
        schedule.owner_id,
        schedule.paused,
    )


def default_deadline(occurrence: Occurrence) -> datetime:
    """The end of the local day the occurrence fired on, and at least an hour after."""
    zone = occurrence.zone
    local_day = occurrence.fire_at.astimezone(zone).date()
    end_of_day = wall_to_utc(local_day + timedelta(days=1), time(0, 0), zone)
    return max(end_of_day, occurrence.fire_at + timedelta(hours=1))


# ---------------------------------------------------------------------------------------------
# An occurrence being delivered, with the send helpers handlers use
# ---------------------------------------------------------------------------------------------


@dataclass
class Occurrence:
    engine: Scheduler
    schedule: Schedule
    couple: Couple | None
    scheduled_at: datetime  # the occurrence's key
    fire_at: datetime
    now: datetime
    notes: list[str] = field(default_factory=list)

    @property
    def bot(self) -> CloserBot:
        return self.engine.bot

    @property
    def late(self) -> bool:
        return self.now - self.fire_at > LATE_AFTER

    @property
    def zone(self) -> ZoneInfo:
        return schedule_zone(self.schedule, self.couple, self.scheduled_at)

    @property
    def payload(self) -> dict[str, Any]:
        return self.schedule.payload

    def late_note(self) -> str:
        return (
            f"⏰ Posted late: this was due {discord_timestamp(self.fire_at, 'f')}, while Closer was offline."
        )

    def nonce(self, suffix: str = "") -> str:
        """A per-occurrence message nonce (Discord: at most 25 characters)."""
        return f"c{self.schedule.id:x}.{int(self.scheduled_at.timestamp()):x}{suffix}"[:25]

    def _content(self, content: str | None) -> str | None:
        if not self.late:
            return content
        return f"{content}\n-# {self.late_note()}" if content else f"-# {self.late_note()}"

    async def send_channel(self, *, nonce_suffix: str = "", **kwargs: Any) -> Sent:
        """Post in the couple's shared channel; if it is gone or closed to Closer, DM both."""
        couple = self.couple
        if couple is None:
            raise DeliveryFailed("no couple in this server")
        kwargs["content"] = self._content(kwargs.get("content"))
        channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
        try:
            await self.engine.gate.wait()
            message = await channel.send(nonce=self.nonce(nonce_suffix), **kwargs)
            return Sent(message.id, message.channel.id, message=message)
        except (discord.Forbidden, discord.NotFound) as error:
            reason = describe(error)
            log.warning("Shared channel of %s unavailable (%s); falling back to DMs", couple.guild_id, reason)
        reached: list[Sent] = []
        prefix = f"I couldn't post in your shared channel <#{couple.channel_id}> ({reason}), so here it is:"
        for partner in couple.partners:
            dm_kwargs = dict(kwargs)
            dm_kwargs["content"] = f"{prefix}\n{kwargs['content']}" if kwargs.get("content") else prefix
            try:
                await self.engine.gate.wait()
                dm = await self.bot.create_dm(discord.Object(partner.user_id))
                message = await dm.send(nonce=self.nonce(f"{nonce_suffix}d{partner.position}"), **dm_kwargs)
                reached.append(Sent(message.id, message.channel.id))
            except (discord.Forbidden, discord.NotFound):
                continue
        if not reached:
            raise DeliveryFailed(f"shared channel unavailable ({reason}) and both partners' DMs are closed")
        return Sent(
            reached[0].message_id, reached[0].channel_id, f"shared channel unavailable ({reason}); sent by DM"
        )

    async def send_dm(self, user_id: int, *, nonce_suffix: str = "", **kwargs: Any) -> Sent:
        """DM a partner; with DMs closed, post in the shared channel mentioning them instead."""
        kwargs["content"] = self._content(kwargs.get("content"))
        try:
            await self.engine.gate.wait()
            dm = await self.bot.create_dm(discord.Object(user_id))
            message = await dm.send(nonce=self.nonce(nonce_suffix), **kwargs)
            return Sent(message.id, message.channel.id, message=message)
        except (discord.Forbidden, discord.NotFound) as error:
            reason = describe(error)
        couple = self.couple
        if couple is None:
            raise DeliveryFailed(f"DM refused ({reason})")
        kwargs["content"] = f"<@{user_id}> {kwargs['content']}" if kwargs.get("content") else f"<@{user_id}>"
        kwargs["allowed_mentions"] = discord.AllowedMentions(users=[discord.Object(user_id)])
        channel = self.bot.get_partial_messageable(couple.channel_id, guild_id=couple.guild_id)
        try:
            await self.engine.gate.wait()
            message = await channel.send(nonce=self.nonce(f"{nonce_suffix}c"), **kwargs)
        except (discord.Forbidden, discord.NotFound) as error:
            raise DeliveryFailed(
                f"DM refused ({reason}) and shared channel unavailable ({describe(error)})"
            ) from error
        return Sent(
            message.id, message.channel.id, f"{reason}; posted in the shared channel", message=message
        )


# ---------------------------------------------------------------------------------------------
# The engine
# ---------------------------------------------------------------------------------------------


def _once_next(
    schedule: Schedule, couple: Couple | None, handled: bool
) -> tuple[datetime | None, datetime | None]:
    """A one-off's (next due, fire time): none once its occurrence was handled."""
    when = schedule.once_at
    if when is None or handled:
        return None, None
    return when, fire_time(schedule, couple, when)


class Scheduler:
    """Owns APScheduler; cogs use :meth:`recurring`, :meth:`once`, :meth:`refresh`, :meth:`cancel`."""

    def __init__(
        self,
        bot: CloserBot,
        repo: ScheduleRepository,
        *,
        autostart: bool = True,
        retry_delays: Iterable[float] = (1.0, 4.0),
        retry_later: timedelta = timedelta(minutes=5),
        window: timedelta = ARM_WINDOW,
        posts_per_second: float = POSTS_PER_SECOND,
    ) -> None:
        self.bot = bot
        self.repo = repo
        self.autostart = autostart
        self.retry_delays = tuple(retry_delays)
        self.retry_later = retry_later
        self.kinds: dict[str, Kind] = {}
        self.aps = AsyncIOScheduler(
            timezone=UTC,
            # Never skip a late job (APScheduler's default grace is 1 s), run a backlog once.
            job_defaults={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
        )
        self._locks: dict[int, asyncio.Lock] = {}
        self._started = False
        self.window = window
        self.gate = RateGate(posts_per_second)
        self._slots = asyncio.Semaphore(CONCURRENT_DELIVERIES)
        # Jobs are armed for schedules firing up to here; None until start() armed the table.
        self._horizon: datetime | None = None

    def now(self) -> datetime:
        return self.bot.clock.now()

    def register(self, kind: Kind) -> None:
        self.kinds[kind.name] = kind

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Settle interrupted claims, arm the jobs of the coming window, start APScheduler.

        Overdue schedules are in the window too: APScheduler runs them at once (catch-up).
        """
        await self._settle_stale_claims()
        self._horizon = self.now() + self.window
        for schedule_id, fire_at in await self.repo.armed(until=self._horizon):
            self._arm(schedule_id, datetime.fromtimestamp(fire_at, UTC))
        self.aps.add_job(
            self.refill,
            IntervalTrigger(seconds=REFILL_EVERY.total_seconds(), timezone=UTC),
            id="scheduler:refill",
            replace_existing=True,
        )
        self.aps.start(paused=not self.autostart)
        self._started = True
        log.info("Scheduler started with %d jobs", len(self.aps.get_jobs()))

    async def refill(self) -> None:
        """Arm the schedules that entered the window since the last refill."""
        since = self._horizon or self.now()
        self._horizon = self.now() + self.window
        for schedule_id, fire_at in await self.repo.armed(since=since, until=self._horizon):
            self._arm(schedule_id, datetime.fromtimestamp(fire_at, UTC))

    def shutdown(self) -> None:
        if self._started:
            self.aps.shutdown(wait=False)
            self._started = False

    async def _settle_stale_claims(self) -> None:
        now = self.now()
        for schedule_id, key, claimed_at in await self.repo.stale_claims():
            if now - claimed_at <= NONCE_WINDOW:
                # Safe to send again: the nonce makes Discord drop it if the first attempt landed.
                await self.repo.record(schedule_id, key, "retry", now, detail="interrupted by a restart")
            else:
                await self.repo.record(
                    schedule_id,
                    key,
                    "failed",
                    now,
                    detail="Closer stopped while sending this; it may not have been posted",
                )

    # -- defining schedules ----------------------------------------------------------------------

    async def recurring(
        self,
        kind: str,
        *,
        guild_id: int | None,
        at: time,
        label: str,
        key: str = "",
        weekdays: Iterable[int] = ALL_DAYS,
        zone: str | None = None,
        owner_id: int | None = None,
        personal: bool = False,
        payload: dict[str, Any] | None = None,
    ) -> Schedule:
        """Create or redefine a recurring schedule: wall time ``at`` on ``weekdays``.

        Personal schedules follow the owner's zone (and trips) and wait out their quiet hours;
        the others keep ``zone`` (the setter's zone when it was set).
        """
        if not personal and zone is None and guild_id is not None:
            raise ValueError("a shared schedule needs the zone of whoever set it")
        schedule_id = await self.repo.upsert(
            kind=kind,
            guild_id=guild_id,
            key=key,
            label=label,
            owner_id=owner_id,
            personal=personal,
            local_time=at,
            weekdays=frozenset(weekdays),
            zone=zone,
            once_at=None,
            payload=payload or {},
            now=self.now(),
        )
        return await self._rearm_from_now(schedule_id)

    async def once(
        self,
        kind: str,
        *,
        guild_id: int | None,
        when: datetime,
        label: str,
        key: str,
        owner_id: int | None = None,
        personal: bool = False,
        payload: dict[str, Any] | None = None,
    ) -> Schedule:
        """Create or redefine a one-off at instant ``when`` (it may be in the past: it fires now)."""
        await self.once_many(
            kind,
            guild_id=guild_id,
            plans=[(key, when, label, payload or {})],
            owner_id=owner_id,
            personal=personal,
        )
        schedule = await self.repo.find(kind, guild_id, key)
        assert schedule is not None
        return schedule

    async def once_many(
        self,
        kind: str,
        *,
        guild_id: int | None,
        plans: Sequence[tuple[str, datetime, str, dict[str, Any]]],
        owner_id: int | None = None,
        personal: bool = False,
    ) -> None:
        """:meth:`once` for many one-offs of one kind in one server (``(key, when, label, payload)``
        each): two write transactions in all, however many there are (start-up re-planning)."""
        if not plans:
            return
        schedules = await self.repo.upsert_once_many(
            kind=kind,
            guild_id=guild_id,
            owner_id=owner_id,
            personal=personal,
            plans=plans,
            now=self.now(),
        )
        couple = await self.bot.couples.get(guild_id) if guild_id is not None else None
        handled = await self.repo.handled_at((s.id, s.once_at) for s in schedules if s.once_at)
        nexts = [(s.id, *_once_next(s, couple, s.id in handled)) for s in schedules]
        await self.repo.set_next_many(nexts)
        for schedule_id, _, fire in nexts:
            self._arm(schedule_id, fire)

    async def _arm_once(self, schedule: Schedule, couple: Couple | None) -> None:
        """Arm a one-off at its instant, unless that occurrence was already handled."""
        when = schedule.once_at
        handled = when is not None and schedule.id in await self.repo.handled_at([(schedule.id, when)])
        nominal, fire = _once_next(schedule, couple, handled)
        await self.repo.set_next(schedule.id, nominal, fire)
        self._arm(schedule.id, fire)

    async def refresh(self, schedule_id: int) -> Schedule | None:
        """Recompute a schedule's next time after a change of zone, trip or quiet hours."""
        schedule = await self.repo.get(schedule_id)
        if schedule is None or schedule.paused:
            return schedule
        if schedule.next_due is not None and schedule.next_due <= self.now():
            return schedule  # pending right now: let it be handled first
        if not schedule.recurring:
            couple = await self._couple(schedule)
            if schedule.next_due is not None:
                fire = fire_time(schedule, couple, schedule.next_due)
                await self.repo.set_next(schedule_id, schedule.next_due, fire)
                self._arm(schedule_id, fire)
            return await self._get(schedule_id)
        return await self._rearm_from_now(schedule_id)

    async def refresh_guild(self, guild_id: int, *, personal_only: bool = True) -> None:
        for schedule in await self.repo.for_guild(guild_id, personal_only=personal_only):
            await self.refresh(schedule.id)

    async def pause(self, schedule_id: int) -> None:
        await self.repo.set_paused(schedule_id, True)
        self._arm(schedule_id, None)

    async def resume(self, schedule_id: int) -> Schedule:
        """Resume from now on: occurrences during the pause are not delivered."""
        await self.repo.set_paused(schedule_id, False)
        return await self._rearm_from_now(schedule_id)

    async def cancel(self, schedule_id: int) -> None:
        await self.repo.delete(schedule_id)
        self._arm(schedule_id, None)

    async def cancel_many(self, schedule_ids: Sequence[int]) -> None:
        if not schedule_ids:
            return
        await self.repo.delete_many(schedule_ids)
        for schedule_id in schedule_ids:
            self._arm(schedule_id, None)

    async def cancel_where(self, guild_id: int, kind: str, key_prefix: str = "") -> None:
        for schedule_id in await self.repo.delete_where(guild_id, kind, key_prefix):
            self._arm(schedule_id, None)

    async def prune(self, before: datetime) -> int:
        """Forget one-off schedules (reminders, notes, pings) that finished before ``before``."""
        return await self.repo.prune_finished(before)

    async def _rearm_from_now(self, schedule_id: int) -> Schedule:
        schedule = await self._get(schedule_id)
        couple = await self._couple(schedule)
        nominal = next_occurrence(schedule, couple, self.now())
        fire = fire_time(schedule, couple, nominal) if nominal else None
        await self.repo.set_next(schedule_id, nominal, fire)
        self._arm(schedule_id, None if schedule.paused else fire)
        return await self._get(schedule_id)

    async def _get(self, schedule_id: int) -> Schedule:
        schedule = await self.repo.get(schedule_id)
        assert schedule is not None
        return schedule

    async def _couple(self, schedule: Schedule) -> Couple | None:
        if schedule.guild_id is None:
            return None
        return await self.bot.couples.get(schedule.guild_id)

    def _arm(self, schedule_id: int, fire_at: datetime | None) -> None:
        """Hold a job for the schedule if it fires within the window (the refill arms later ones)."""
        job_id = f"schedule:{schedule_id}"
        if fire_at is None or self._horizon is None or fire_at > self._horizon:
            if self.aps.get_job(job_id) is not None:
                self.aps.remove_job(job_id)
            return
        self.aps.add_job(
            self._fired,
            DateTrigger(run_date=fire_at, timezone=UTC),
            id=job_id,
            args=[schedule_id],
            replace_existing=True,
        )

    # -- firing ------------------------------------------------------------------------------------

    async def _fired(self, schedule_id: int) -> None:
        """An armed job's time has come (APScheduler): handle it, a bounded number at a time."""
        PACED.set(True)  # this job's own task: the value goes no further
        async with self._slots:
            await self.process(schedule_id)

    async def run_due(self) -> int:
        """Handle every schedule whose time has come (catch-up; tests call it with a set clock)."""
        due = await self.repo.due(self.now())
        token = PACED.set(True)
        try:
            for schedule_id in due:
                await self.process(schedule_id)
        finally:
            PACED.reset(token)
        return len(due)

    async def process(self, schedule_id: int) -> None:
        """Handle the occurrences of one schedule that are due, then arm its next one."""
        lock = self._locks.setdefault(schedule_id, asyncio.Lock())
        async with lock:
            try:
                await self._process(schedule_id)
            except Exception:
                log.exception("Scheduler failed on schedule %s", schedule_id)
        if not lock.locked():
            self._locks.pop(schedule_id, None)

    async def _process(self, schedule_id: int) -> None:
        schedule = await self.repo.get(schedule_id)
        if schedule is None or schedule.paused or schedule.next_due is None:
            return
        now = self.now()
        couple = await self._couple(schedule)
        kind = self.kinds.get(schedule.kind)
        if kind is None:
            log.warning("No handler for schedule kind %r (id %s)", schedule.kind, schedule_id)
            return

        pending: list[datetime] = []
        nominal: datetime | None = schedule.next_due
        while (
            nominal is not None
            and fire_time(schedule, couple, nominal) <= now
            and len(pending) < CATCH_UP_LIMIT
        ):
            pending.append(nominal)
            nominal = next_occurrence(schedule, couple, nominal)
        if not pending:
            fire = fire_time(schedule, couple, schedule.next_due)
            await self.repo.set_next(schedule_id, schedule.next_due, fire)
            self._arm(schedule_id, fire)
            return

        *missed, last = pending
        if schedule.guild_id is not None and couple is None:
            await self.repo.record_missed(schedule_id, pending, now, "Closer was not in this server then")
        else:
            occurrence = Occurrence(self, schedule, couple, last, fire_time(schedule, couple, last), now)
            deadline = (kind.deadline or default_deadline)(occurrence)
            if occurrence.fire_at > deadline:
                # Quiet hours held it past the point where it means anything (a goodnight at 7am).
                await self.repo.record(
                    schedule_id, last, "skipped", now, detail="held by quiet hours past its time"
                )
            elif now > deadline:
                missed.append(last)
            else:
                retry = await self._deliver(kind, occurrence)
                if retry:
                    await self.repo.record_missed(schedule_id, missed, now, "Closer was offline then")
                    retry_at = min(now + self.retry_later, deadline)
                    await self.repo.set_next(schedule_id, last, retry_at)
                    self._arm(schedule_id, retry_at)
                    return
            await self.repo.record_missed(schedule_id, missed, now, "Closer was offline then")

        fresh = await self.repo.get(schedule_id)
        if fresh is None:
            return  # cancelled while it was being delivered
        if _definition(fresh) != _definition(schedule):
            # Redefined while it was being delivered: follow the new definition.
            if fresh.recurring:
                await self._rearm_from_now(schedule_id)
            else:
                await self._arm_once(fresh, couple)
            return
        fire = fire_time(schedule, couple, nominal) if nominal else None
        await self.repo.set_next(schedule_id, nominal, fire)
        self._arm(schedule_id, fire)

    async def _deliver(self, kind: Kind, occurrence: Occurrence) -> bool:
        """Claim and deliver one occurrence; True when it should be retried later."""
        schedule, key = occurrence.schedule, occurrence.scheduled_at
        if not await self.repo.claim(schedule.id, key, occurrence.now):
            return False  # already handled: by another firing, or before a restart
        last_error: BaseException | None = None
        for delay in (0.0, *self.retry_delays):
            if delay:
                await asyncio.sleep(delay)
            try:
                sent = await kind.deliver(occurrence)
            except DeliveryFailed as error:
                await self.repo.record(schedule.id, key, "failed", self.now(), detail=str(error))
                return False
            except Exception as error:
                if retryable(error):
                    last_error = error
                    log.warning(
                        "Delivery of %s at %s failed (%s); retrying", schedule.label, key, describe(error)
                    )
                    continue
                log.exception("Delivery of %s at %s failed", schedule.label, key)
                await self.repo.record(schedule.id, key, "failed", self.now(), detail=describe(error))
                return False
            if sent is None:
                detail = "; ".join(occurrence.notes) or "nothing to post"
                await self.repo.record(schedule.id, key, "skipped", self.now(), detail=detail)
            else:
                notes = "; ".join(n for n in [sent.detail, *occurrence.notes] if n) or None
                await self.repo.record(
                    schedule.id,
                    key,
                    "late" if occurrence.late else "sent",
                    self.now(),
                    message_id=sent.message_id,
                    channel_id=sent.channel_id,
                    detail=notes,
                )
            return False
        await self.repo.record(
            schedule.id,
            key,
            "retry",
            self.now(),
            detail=f"Discord unavailable ({describe(last_error) if last_error else 'unknown'}); retrying",
        )
        return True

    # -- views for status ----------------------------------------------------------------------

    async def upcoming(self, guild_id: int, kinds: Iterable[str], limit: int = 5) -> list[Schedule]:
        """The next schedules of ``kinds`` to fire in a server, soonest first."""
        return await self.repo.upcoming(guild_id, kinds, limit)
