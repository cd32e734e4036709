"""Yearly special dates (anniversaries, birthdays, others) and their reminders.

The reminders (the day before and on the day) are scheduler one-offs (kind ``special_date``)
planned from the rows for this year and the next, at a moment of the day when both partners are
awake; each delivery plans the date again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

from bot.clock import Clock
from bot.db.models import Couple, Partner, Schedule
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.dates import DateRepository, SpecialDate
from bot.errors import UserError
from bot.planning import mentions, rows_by_server, sync_once
from bot.scheduler import Kind, Occurrence, Scheduler, Sent
from bot.ui.embeds import clip
from cogs.dates.embeds import date_line, reminder_card
from cogs.dates.rules import (
    DIGEST_DAYS,
    KIND_DATE,
    LABEL_LIMIT,
    MAX_DATES,
    date_zone,
    next_yearly,
    on_year,
    reminder_posts,
)

log = logging.getLogger(__name__)


class DateService:
    def __init__(
        self, repo: DateRepository, scheduler: Scheduler, couples: CoupleRepository, clock: Clock
    ) -> None:
        self.repo = repo
        self.scheduler = scheduler
        self.couples = couples
        self.clock = clock

    def kinds(self) -> tuple[Kind, ...]:
        return (Kind(KIND_DATE, self.deliver),)

    # -- planning ----------------------------------------------------------------------------------

    async def plan_everything(self) -> None:
        """Once ready: plan every date again (a planning moment may have passed while Closer was
        down). One read of each server's schedules; only missing posts are written."""
        stale = await self.scheduler.marks.stale_among(await self.repo.guild_ids(), KIND_DATE)
        if not stale:
            return  # a restart with nothing changed reads no date
        couples = await self.couples.paired_in(stale)
        specials = await rows_by_server(stale, self.repo.for_guild, self.repo.all, lambda d: d.guild_id)
        for guild_id in stale:
            couple = couples.get(guild_id)
            if couple is None:
                continue
            try:
                schedules = await self.scheduler.repo.for_guild(guild_id, KIND_DATE)
                for special in specials[guild_id]:
                    await self.plan(couple, special, schedules)
            except Exception:
                log.exception("Could not plan the dates of server %s", guild_id)

    async def replan(self, couple: Couple) -> None:
        """Quiet hours or zones changed, or an import restored the space: the reminders move to a
        moment both are awake (handled ones stay handled)."""
        for special in await self.repo.for_guild(couple.guild_id):
            await self.plan(couple, special)

    async def plan(
        self, couple: Couple, special: SpecialDate, schedules: Sequence[Schedule] | None = None
    ) -> None:
        today = self.clock.now().astimezone(date_zone(special)).date()
        await sync_once(
            self.scheduler,
            guild_id=couple.guild_id,
            kind=KIND_DATE,
            prefix=f"{special.id}:",
            desired=reminder_posts(special, couple, today),
            owner_id=special.created_by,
            schedules=schedules,
        )

    # -- adding and removing -------------------------------------------------------------------------

    async def add(
        self, couple: Couple, partner: Partner, kind: str, when: tuple[int | None, int, int], label: str
    ) -> tuple[SpecialDate, date, date]:
        """A new date (``when``: year or None, month, day), its next occurrence, and today (its zone)."""
        year, month, day = when
        text = " ".join(label.split())
        if not text:
            raise UserError("The label is empty. Say what the date is, like `Our anniversary`.")
        if await self.repo.count(couple.guild_id) >= MAX_DATES:
            raise UserError(f"You have {MAX_DATES} dates already. Remove one with `/date remove` first.")
        now = self.clock.now()
        special = await self.repo.add(
            guild_id=couple.guild_id,
            kind=kind,
            month=month,
            day=day,
            year=year,
            label=text[:LABEL_LIMIT],
            zone=partner.home_zone or couple.first.home_zone or "UTC",
            created_by=partner.user_id,
            now=now,
        )
        await self.plan(couple, special)
        today = now.astimezone(date_zone(special)).date()
        return special, next_yearly(month, day, today), today

    async def remove(self, couple: Couple, date_id: int) -> SpecialDate | None:
        """Remove a date and its reminders; None when it was removed already."""
        special = await self.repo.get(date_id, couple.guild_id)
        if special is None or not await self.repo.remove(special.id, couple.guild_id):
            return None
        await self.scheduler.cancel_where(couple.guild_id, KIND_DATE, f"{special.id}:")
        return special

    # -- the posts, and lines in other posts -------------------------------------------------------------

    async def deliver(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        special = await self.repo.get(int(occurrence.payload["date"]))
        if couple is None or special is None:
            return None
        day = on_year(special.month, special.day, int(occurrence.payload["year"]))
        card = reminder_card(special, day, str(occurrence.payload["which"]))
        sent = await occurrence.send_channel(content=mentions(couple), embed=card)
        try:
            await self.plan(couple, special)
        except Exception:
            log.exception("Could not plan date %s", special.id)
        return sent

    async def upcoming(self, couple: Couple, now: datetime) -> list[tuple[date, SpecialDate]]:
        """Each date's next occurrence, soonest first."""
        found = []
        for special in await self.repo.for_guild(couple.guild_id):
            today = now.astimezone(date_zone(special)).date()
            found.append((next_yearly(special.month, special.day, today), special))
        found.sort(key=lambda pair: (pair[0], pair[1].id))
        return found

    async def status_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        upcoming = await self.upcoming(couple, now)
        if not upcoming:
            return []
        day, special = upcoming[0]
        return [("Next special date", date_line(special, day, now))]

    async def digest_section(self, couple: Couple, now: datetime) -> list[tuple[str, str]]:
        soon = [
            date_line(special, day, now)
            for day, special in await self.upcoming(couple, now)
            if (day - now.astimezone(date_zone(special)).date()).days <= DIGEST_DAYS
        ]
        return [("Special dates coming up", clip("\n".join(soon), 1024))] if soon else []
