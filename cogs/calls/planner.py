"""Keeping the scheduler in step with what the couple decided about their calls.

A weekly call is a recurring schedule (kind ``call``) at a wall time in the setter's zone; a one-off
call, or an occurrence moved by an accepted proposal, is a one-off of the same kind. Reminders
(``call_reminder``), the post-call memory prompt (``call_after``), the evening-before idea
(``call_prep``) and heads-ups about clock changes and trips (``call_notice``) are one-offs planned
from the call's rows, a few days ahead; a post that was already handled is never planned again.

With a linked voice room (:mod:`cogs.calls.room`) the memory prompt waits for the night in the
room: a few minutes after both have left, and none when they weren't there together. Each call's
scheduled event (:mod:`cogs.calls.events`) follows its next occurrence, planned here too.

The posts around a call land when both partners are awake: a reminder that would come while one
of them sleeps comes at the end of the last stretch they were both awake, the memory prompt at
the next one, the idea the day before at a moment they both are.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial

from bot.clock import Clock
from bot.db.models import Couple, Schedule
from bot.db.repositories.call_rooms import CallEvent
from bot.db.repositories.calls import Call, CallChange, CallRepository
from bot.db.repositories.couples import CoupleRepository
from bot.planning import KEEP_HANDLED, Planned, rows_by_server, shared_moment_after, sync_once
from bot.scheduler import Scheduler
from bot.timeutil import to_unix, zone_info
from cogs.calls.embeds import shift_text, trip_text
from cogs.calls.events import CallEvents
from cogs.calls.nights import AFTER_LEAVING
from cogs.calls.room import CallRoom
from cogs.calls.rules import (
    AFTER_REACH,
    KIND_AFTER,
    KIND_CALL,
    KIND_NOTICE,
    KIND_PREP,
    KIND_REMINDER,
    KINDS,
    LOOKBACK,
    PLAN_AHEAD,
    PLANNED_KINDS,
    CallTime,
    after_time,
    clock_shifts,
    format_minutes,
    next_call_time,
    occurrences,
    placed_reminders,
    prep_time,
    trip_time,
)

log = logging.getLogger(__name__)


class CallPlanner:
    """Plans each call's posts from its rows (``memory_book()``: whether the memory prompt is wanted)."""

    def __init__(
        self,
        repo: CallRepository,
        scheduler: Scheduler,
        couples: CoupleRepository,
        clock: Clock,
        memory_book: Callable[[], bool],
        room: CallRoom | None = None,
        events: CallEvents | None = None,
    ) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.couples = couples
        self.clock = clock
        self.memory_book = memory_book
        self.room = room
        self.events = events
        self._locks: dict[int, asyncio.Lock] = {}
        if room is not None:
            room.replan = self.plan

    def lock(self, guild_id: int) -> asyncio.Lock:
        return self._locks.setdefault(guild_id, asyncio.Lock())

    async def plan_everything(self) -> None:
        """At start: plan again the calls of the servers whose planning moment passed while Closer
        was down (or that were never planned), and check the events that may need it. A restart
        with nothing changed and no event reads no call."""
        since = self.clock.now() - KEEP_HANDLED
        stale = await self.scheduler.marks.stale_among(await self.repo.active_guild_ids(since), PLANNED_KINDS)
        events = await self.events.repo.all_events() if self.events is not None else []
        servers = sorted(set(stale) | {row.guild_id for row in events})
        if not servers:
            return
        couples = await self.couples.paired_in(servers)
        by_guild = await rows_by_server(
            servers,
            partial(self.repo.all_active, since),
            partial(self.repo.all_active, since),
            lambda c: c.guild_id,
        )
        changes = await self.repo.changes_of([c.id for calls in by_guild.values() for c in calls])
        for guild_id in stale:
            couple = couples.get(guild_id)
            if couple is None:
                continue
            schedules = await self.scheduler.repo.for_guild(guild_id, PLANNED_KINDS)
            for call in by_guild[guild_id]:
                try:
                    await self._plan(call, couple, schedules, changes[call.id], event=False)
                except Exception:
                    log.exception("Could not plan call %s", call.id)
        calls = {c.id: c for guild_calls in by_guild.values() for c in guild_calls}
        await self._events_at_start(events, calls, couples, changes)

    async def _events_at_start(
        self,
        events: Sequence[CallEvent],
        calls: Mapping[int, Call],
        couples: Mapping[int, Couple],
        changes: Mapping[int, Mapping[datetime, CallChange]],
    ) -> None:
        """At start, the events that need it: one the server no longer has (made again once, see
        events.py), or one whose call's next occurrence changed while Closer was away (made for
        the next). One read of the stored events and Discord's cache: no request otherwise. A call
        without an event yet gets one at its next planning (a reminder, a change), not all at once."""
        if self.events is None:
            return
        now = self.clock.now()
        for row in events:
            call, couple = calls.get(row.call_id), couples.get(row.guild_id)
            if call is None or couple is None:
                continue
            item = next_call_time(call, changes.get(call.id, {}), now)
            moved_on = item is None or item.original != row.occurrence_at
            if not moved_on and not (not row.removed and self.events.missing(row)):
                continue
            try:
                await self._sync_event(call, couple, changes.get(call.id, {}))
            except Exception:
                log.exception("Could not check the event of call %s", call.id)

    async def arm_weekly(self, call: Call) -> None:
        """The weekly call's own recurring schedule: its call-time card every week."""
        assert call.weekday is not None
        assert call.local_time is not None
        await self.scheduler.recurring(
            KIND_CALL,
            guild_id=call.guild_id,
            at=call.local_time,
            weekdays={call.weekday},
            zone=call.zone,
            key=f"{call.id}:weekly",
            label="Video call",
            owner_id=call.created_by,
            payload={"call": call.id},
        )

    async def restored(self, couple: Couple) -> None:
        """An import wrote the space: its room checked, then every call's schedules again (the
        weekly ones, then the posts)."""
        if self.room is not None:
            await self.room.restored(couple)
        for call in await self.repo.active(couple.guild_id):
            if call.weekly and call.local_time is not None and call.weekday is not None:
                await self.arm_weekly(call)
            await self.plan(call, couple)

    async def plan(self, call: Call, couple: Couple) -> None:
        """Bring the call's one-off posts in step with its rows, then look for clock changes."""
        async with self.lock(call.guild_id):
            schedules = await self.scheduler.repo.for_guild(call.guild_id, PLANNED_KINDS)
            await self._plan(call, couple, schedules)

    async def replan(self, call: Call, couple: Couple | None) -> None:
        """:meth:`plan` after a delivery: a failure is logged, never fails the delivery."""
        if couple is None:
            return
        try:
            await self.plan(call, couple)
        except Exception:
            log.exception("Could not plan call %s", call.id)

    async def _plan(
        self,
        call: Call,
        couple: Couple,
        schedules: Sequence[Schedule],
        changes: Mapping[datetime, CallChange] | None = None,
        *,
        event: bool = True,
    ) -> None:
        now = self.clock.now()
        desired: dict[str, dict[str, Planned]] = {kind: {} for kind in PLANNED_KINDS}
        if call.active:
            if changes is None:
                changes = await self.repo.changes(call.id)
            horizon = now + PLAN_AHEAD if call.weekly else now + timedelta(days=800)
            zone = zone_info(call.zone)
            for item in occurrences(call, changes, now - LOOKBACK, horizon):
                base = {"call": call.id, "occurrence": to_unix(item.original), "start": to_unix(item.start)}
                name = f"{call.id}:{base['occurrence']}:{base['start']}"
                if not call.weekly or item.status == "moved":
                    desired[KIND_CALL][name] = Planned(item.start, "Video call", base)
                for minutes, when in placed_reminders(item.start, call.reminders, couple, now):
                    desired[KIND_REMINDER][f"{name}:{minutes}"] = Planned(
                        when,
                        f"Call reminder ({format_minutes(minutes)} before)",
                        {**base, "minutes": minutes},
                    )
                after = await self._after(call, couple, item)
                if self.memory_book() and after is not None:
                    desired[KIND_AFTER][name] = Planned(after, "Memory prompt after your call", base)
                prep = prep_time(item.start, zone, couple)
                if prep is not None:
                    desired[KIND_PREP][name] = Planned(prep, "Tomorrow's call idea", base)
        for kind, plans in desired.items():
            await sync_once(
                self.scheduler,
                guild_id=call.guild_id,
                kind=kind,
                prefix=f"{call.id}:",
                desired=plans,
                owner_id=call.created_by,
                schedules=schedules,
            )
        if call.active:
            await self._announce_shifts(call, couple, now)
        if event:
            await self._sync_event(call, couple, changes)

    async def _after(self, call: Call, couple: Couple, item: CallTime) -> datetime | None:
        """When the memory prompt comes: ``memory_after`` minutes after the start, or with a linked
        room a few minutes after both have left it (none when they weren't there together)."""
        if self.room is None or self.room.room_of(call.guild_id) is None:
            return after_time(item.start, call.memory_after, couple)
        night = await self.room.night(call, item.original)
        if night is None or not night.held or night.together or night.left_at is None:
            return None
        return shared_moment_after(night.left_at + AFTER_LEAVING, couple, AFTER_REACH)

    async def _sync_event(
        self, call: Call, couple: Couple, changes: Mapping[datetime, CallChange] | None
    ) -> None:
        """The call's scheduled event follows its next occurrence (never fails the planning)."""
        if self.events is None:
            return
        try:
            if changes is None:
                changes = await self.repo.changes(call.id)
            item = next_call_time(call, changes, self.clock.now()) if call.active else None
            await self.events.sync(call, item, couple.channel_id)
        except Exception:
            log.exception("Could not keep the event of call %s", call.id)

    async def cancel(self, call: Call) -> None:
        """Every post of a cancelled call, the weekly schedule included, and its event."""
        for kind in KINDS:
            await self.scheduler.cancel_where(call.guild_id, kind, f"{call.id}:")
        if self.events is not None:
            try:
                await self.events.remove(call)
            except Exception:
                log.exception("Could not remove the event of call %s", call.id)

    async def room_changed(self, couple: Couple) -> None:
        """A room was linked or unlinked: every call's posts and event again."""
        for call in await self.repo.active(couple.guild_id):
            await self.plan(call, couple)

    # -- heads-ups about clock changes and trips ---------------------------------------------------

    async def _announce_shifts(self, call: Call, couple: Couple, now: datetime) -> None:
        """Tell both, once per change, when a clock change in the next 7 days moves the call."""
        for shift in clock_shifts(call, couple, now):
            await self._notice_once(
                couple,
                call,
                f"{call.id}:shift:{to_unix(shift.at)}",
                label="Clock change heads-up for your call",
                title="🕰️ Clock change ahead" if shift.cause == "dst" else "✈️ Back home soon",
                text=shift_text(call, couple, shift),
                until=shift.after,
            )

    async def _notice_once(
        self, couple: Couple, call: Call, key: str, *, label: str, title: str, text: str, until: datetime
    ) -> None:
        if await self.scheduler.repo.find(KIND_NOTICE, couple.guild_id, key) is not None:
            return  # told already (or being told)
        await self.scheduler.once(
            KIND_NOTICE,
            guild_id=couple.guild_id,
            when=self.clock.now(),
            label=label,
            key=key,
            owner_id=call.created_by,
            payload={"call": call.id, "title": title, "text": text, "until": to_unix(until)},
        )

    async def zones_changed(self, couple: Couple) -> None:
        """A trip, a new zone or new quiet hours: tell both when a trip moves an upcoming call for a
        partner, and plan every call's posts again (they keep to when both are awake)."""
        now = self.clock.now()
        for call in await self.repo.active(couple.guild_id):
            changes = await self.repo.changes(call.id)
            upcoming = next_call_time(call, changes, now)
            for partner in couple.partners if upcoming is not None else ():
                assert upcoming is not None
                moved = trip_time(couple, partner, upcoming.start)
                if moved is None or partner.travel_until is None:
                    continue
                await self._notice_once(
                    couple,
                    call,
                    f"{call.id}:trip:{partner.user_id}:{to_unix(partner.travel_until)}:{partner.travel_zone}",
                    label="Trip heads-up for your call",
                    title="✈️ A trip moves your call",
                    text=trip_text(couple, partner, upcoming.start, moved),
                    until=upcoming.start,
                )
            await self.plan(call, couple)
