"""The visit countdown: the next time the couple is together, and its posts.

The countdown posts (30, 7 and 1 days before, and on the day) are scheduler one-offs (kind
``visit``) planned from the visit's row, at a moment of the day when both partners are awake.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner, Schedule
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.visits import Visit, VisitRepository
from bot.errors import UserError
from bot.planning import Planned, mentions, rows_by_server, sync_once, tell_in_channel
from bot.scheduler import Kind, Messenger, Occurrence, Scheduler, Sent
from bot.timeutil import parse_date, wall_to_utc
from bot.ui.embeds import embed
from cogs.visits.embeds import countdown_text, question_line, visit_line
from cogs.visits.rules import (
    KIND_VISIT,
    MAX_VISIT_AHEAD,
    VisitPlace,
    countdown_posts,
    visit_days,
    visit_over,
    visit_place,
)

log = logging.getLogger(__name__)


class VisitService:
    def __init__(
        self,
        repo: VisitRepository,
        scheduler: Scheduler,
        couples: CoupleRepository,
        clock: Clock,
        messenger: Messenger,
    ) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.couples = couples
        self.clock = clock
        self.messenger = messenger

    def kinds(self) -> tuple[Kind, ...]:
        return (Kind(KIND_VISIT, self.deliver),)

    async def tell(
        self, couple: Couple, partner: Partner, text: str, **kwargs: Any
    ) -> discord.Message | None:
        return await tell_in_channel(self.messenger, couple, partner, text, **kwargs)

    # -- planning ----------------------------------------------------------------------------------

    async def plan_everything(self) -> None:
        """Once ready: plan every visit again (a planning moment may have passed while Closer was
        down). One read of each server's schedules; only missing posts are written."""
        stale = await self.scheduler.marks.stale_among(await self.repo.current_guild_ids(), KIND_VISIT)
        if not stale:
            return  # a restart with nothing changed reads no visit
        couples = await self.couples.paired_in(stale)
        visits = await rows_by_server(stale, self._current, self.repo.all_current, lambda v: v.guild_id)
        for visit in (v for guild_id in stale for v in visits[guild_id]):
            couple = couples.get(visit.guild_id)
            if couple is None:
                continue
            try:
                schedules = await self.scheduler.repo.for_guild(visit.guild_id, KIND_VISIT)
                await self.plan(couple, visit, schedules)
            except Exception:
                log.exception("Could not plan the visit of server %s", visit.guild_id)

    async def _current(self, guild_id: int) -> list[Visit]:
        visit = await self.repo.current(guild_id)
        return [] if visit is None else [visit]

    async def replan(self, couple: Couple) -> None:
        """Quiet hours or zones changed, or an import restored the space: the posts move to a
        moment both are awake (handled ones stay handled)."""
        visit = await self.repo.current(couple.guild_id)
        if visit is not None:
            await self.plan(couple, visit)

    async def plan(
        self, couple: Couple, visit: Visit | None, schedules: Sequence[Schedule] | None = None
    ) -> None:
        desired: dict[str, Planned] = {}
        if visit is not None and visit.cleared_at is None:
            desired = countdown_posts(visit, couple)
        await sync_once(
            self.scheduler,
            guild_id=couple.guild_id,
            kind=KIND_VISIT,
            prefix="",
            desired=desired,
            owner_id=visit.set_by if visit else None,
            schedules=schedules,
        )

    # -- setting and clearing ------------------------------------------------------------------------

    async def set(
        self, couple: Couple, partner: Partner, day: str, at: time | None, where: str | None = None
    ) -> tuple[Visit, int, VisitPlace]:
        """The new countdown (``day`` and ``at`` read where the visit happens: ``where``, by default
        the other partner's home), the days left, and where that is."""
        now = self.clock.now()
        place = visit_place(couple, partner, where, now)
        zone = place.zone
        today = now.astimezone(zone).date()
        when: date = parse_date(day, today)
        starts = wall_to_utc(when, at or datetime.min.time(), zone)
        if when < today or (at is not None and starts <= now):
            raise UserError(
                f"That's in the past. Use a date from today on, like `{today + timedelta(days=30):%Y-%m-%d}`."
            )
        if starts - now > MAX_VISIT_AHEAD:
            raise UserError("A countdown can reach up to three years ahead. Choose a nearer date.")
        visit = await self.repo.set(
            guild_id=couple.guild_id,
            visit_date=when,
            visit_time=at,
            zone=zone.key,
            starts_at=starts,
            set_by=partner.user_id,
            now=now,
        )
        await self.plan(couple, visit)
        return visit, visit_days(visit, now), place

    async def clear(self, couple: Couple) -> Visit:
        cleared = await self.repo.clear(couple.guild_id, self.clock.now())
        if cleared is None:
            raise UserError("There's no countdown to clear. Set one with `/visit set`.")
        await self.scheduler.cancel_where(couple.guild_id, KIND_VISIT)
        return cleared

    # -- the posts, and lines in other posts -------------------------------------------------------------

    async def deliver(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        visit = await self.repo.get(int(occurrence.payload["visit"]))
        if couple is None or visit is None or visit.cleared_at is not None:
            return None
        title, text = countdown_text(visit, int(occurrence.payload["days"]))
        return await occurrence.send_channel(content=mentions(couple), embed=embed(title, text))

    async def days_left(self, couple: Couple, now: datetime) -> tuple[Visit, int] | None:
        """The current visit and the days until it, while it is not over."""
        visit = await self.repo.current(couple.guild_id)
        if visit is None or visit_over(visit, now):
            return None
        return visit, visit_days(visit, now)

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        found = await self.days_left(couple, now)
        return [("Together again 💞", visit_line(*found))] if found else []

    async def digest_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        found = await self.days_left(couple, now)
        return [("Together again 💞", visit_line(*found))] if found else []

    async def question_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        found = await self.days_left(couple, now)
        return [("Together again", question_line(found[1]))] if found else []
