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
- Failures: a 5xx or a timeout is retried with backoff, then while its deadline allows; a
  permanent failure falls back to the other route (DM or shared channel), recorded with the reason.

The engine takes what it needs: the schedule repository, a way to look a couple up, a clock and
a :class:`~bot.scheduler.delivery.Messenger` (and the planning marks, :mod:`bot.scheduler.marks`).
It never sees the bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.db.models import Couple, Schedule
from bot.db.repositories.marks import PlanningMarkRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.scheduler.claims import HELD_BACK, WAITING, claim_and_deliver, settle_stale_claims
from bot.scheduler.delivery import PACED, Kind, Messenger, Occurrence, RateGate, default_deadline
from bot.scheduler.marks import PlanningMarks
from bot.scheduler.outbox import DmOutbox
from bot.scheduler.pacing import (
    ARM_WINDOW,
    CATCH_UP_LIMIT,
    CONCURRENT_DELIVERIES,
    POSTS_PER_SECOND,
    REFILL_EVERY,
    InFlight,
)
from bot.scheduler.rules import definition, fire_time, next_occurrence, once_next
from bot.timeutil import ALL_DAYS

log = logging.getLogger(__name__)


class Couples(Protocol):
    """Where the engine looks a server's couple up (the couple repository)."""

    async def get(self, guild_id: int) -> Couple | None: ...


class Scheduler:
    """Owns APScheduler; cogs use :meth:`recurring`, :meth:`once`, :meth:`refresh`, :meth:`cancel`."""

    def __init__(
        self,
        repo: ScheduleRepository,
        couples: Couples,
        clock: Clock,
        messenger: Messenger,
        *,
        autostart: bool = True,
        retry_delays: Iterable[float] = (1.0, 4.0),
        retry_later: timedelta = timedelta(minutes=5),
        window: timedelta = ARM_WINDOW,
        posts_per_second: float = POSTS_PER_SECOND,
        marks: PlanningMarks | None = None,
    ) -> None:
        self.repo = repo
        self.couples = couples
        self.clock = clock
        self.messenger = messenger
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
        self.outbox = DmOutbox(repo, self.kinds, clock)
        self._slots = asyncio.Semaphore(CONCURRENT_DELIVERIES)
        self.in_flight = InFlight()  # deliveries under way: a stop lets them finish
        self.marks = marks or PlanningMarks(PlanningMarkRepository(repo.db), clock)  # what a start plans
        # Jobs are armed for schedules firing up to here; None until start() armed the table.
        self._horizon: datetime | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def register(self, kind: Kind) -> None:
        self.kinds[kind.name] = kind

    def unregister(self, name: str) -> None:
        self.kinds.pop(name, None)

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Settle interrupted claims, arm the jobs of the coming window, start APScheduler.

        Overdue schedules are in the window too: APScheduler runs them at once (catch-up).
        """
        await settle_stale_claims(self.repo, self.now())
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
        await self.marks.flush()

    def shutdown(self) -> None:
        if self._started:
            self.aps.shutdown(wait=False)
            self._started = False

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
        each): one read and one write in all, however many there are (start-up re-planning)."""
        if not plans:
            return
        now = self.now()
        # Only a personal one-off's fire time depends on the couple (the owner's quiet hours).
        couple = await self.couples.get(guild_id) if personal and guild_id is not None else None
        handled = await self.repo.handled_keys(kind, guild_id, [(key, when) for key, when, _, _ in plans])
        rows = []
        for key, when, label, payload in plans:
            probe = Schedule(0, guild_id, kind, key, label, owner_id, personal, None, ALL_DAYS, None,
                             when, False, None, None, payload, now)  # fmt: skip
            rows.append((key, when, label, payload, *once_next(probe, couple, key in handled)))
        ids = await self.repo.upsert_once_many(
            kind=kind, guild_id=guild_id, owner_id=owner_id, personal=personal, rows=rows, now=now
        )
        for schedule_id, row in zip(ids, rows, strict=True):
            self._arm(schedule_id, row[-1])

    async def _arm_once(self, schedule: Schedule, couple: Couple | None) -> None:
        """Arm a one-off at its instant, unless that occurrence was already handled."""
        when = schedule.once_at
        pairs = [(schedule.key, when)] if when is not None else []
        handled = schedule.key in await self.repo.handled_keys(schedule.kind, schedule.guild_id, pairs)
        nominal, fire = once_next(schedule, couple, handled)
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
        """Forget one-off schedules (reminders, notes, pings) that finished before ``before``, and
        the DM budget's record of messages older than two days."""
        await self.repo.prune_dm_log(self.now() - timedelta(days=2))
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
        return await self.couples.get(schedule.guild_id)

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
        """An armed job's time has come (APScheduler): handle it, a bounded number at a time. Cut
        short by a stop, it ends quietly: the next start settles its claim (never sent twice)."""
        PACED.set(True)  # this job's own task: the value goes no further
        with self.in_flight.track():
            try:
                async with self._slots:
                    await self.process(schedule_id)
            except asyncio.CancelledError:
                log.info("Schedule %s was interrupted by a stop; the next start settles it", schedule_id)

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
            occurrence = Occurrence(
                self.messenger,
                self.gate,
                schedule,
                couple,
                last,
                fire_time(schedule, couple, last),
                now,
                outbox=self.outbox,
            )
            if occurrence.late:
                held = await self.repo.delivery(schedule_id, last)
                occurrence.deferred = held is not None and held.status == "retry" and held.detail == WAITING
            deadline = (kind.deadline or default_deadline)(occurrence)
            if occurrence.fire_at > deadline:
                # Quiet hours held it past the point where it means anything (a goodnight at 7am).
                await self.repo.record(
                    schedule_id, last, "skipped", now, detail="held by quiet hours past its time"
                )
            elif now > deadline:
                missed.append(last)
            else:
                later = await claim_and_deliver(self.repo, kind, occurrence, self.retry_delays, self.clock)
                if later is not None and later.at is not None and later.at > deadline:
                    await self.repo.record(schedule_id, last, "skipped", now, detail=HELD_BACK)
                elif later is not None:
                    await self.repo.record_missed(schedule_id, missed, now, "Closer was offline then")
                    retry_at = min(later.at or now + self.retry_later, deadline)
                    await self.repo.set_next(schedule_id, last, retry_at)
                    self._arm(schedule_id, retry_at)
                    return
            await self.repo.record_missed(schedule_id, missed, now, "Closer was offline then")

        fresh = await self.repo.get(schedule_id)
        if fresh is None:
            return  # cancelled while it was being delivered
        if definition(fresh) != definition(schedule):
            # Redefined while it was being delivered: follow the new definition.
            if fresh.recurring:
                await self._rearm_from_now(schedule_id)
            else:
                await self._arm_once(fresh, couple)
            return
        next_fire = fire_time(schedule, couple, nominal) if nominal else None
        await self.repo.set_next(schedule_id, nominal, next_fire)
        self._arm(schedule_id, next_fire)

    # -- views for status ----------------------------------------------------------------------

    async def upcoming(self, guild_id: int, kinds: Iterable[str], limit: int = 5) -> list[Schedule]:
        """The next schedules of ``kinds`` to fire in a server, soonest first."""
        return await self.repo.upcoming(guild_id, kinds, limit)
