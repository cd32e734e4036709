"""The daily question's schedules: each defined in one place, whether a command, pairing,
start-up or an import asks for it.

Scheduled kinds (all through the scheduler engine, so exactly once and caught up after downtime):

- ``question``: the daily post in the shared channel, at the couple's time in the setter's zone
  (:meth:`QuestionSchedules.set_question_time`). Until a partner picks a time it is Closer's
  default, inside both partners' awake hours (:func:`~cogs.questions.rules.shared_default_time`),
  chosen again when a zone or quiet hours change.
- ``question_dm``: a partner's own copy by DM at their morning (``/question schedule dm_me``,
  :meth:`~QuestionSchedules.set_dm`).
- ``question_nudge``: one gentle evening DM (20:00 local, the check-in ask's default: it travels
  inside that DM when both are due within the hour) to a partner who hasn't answered
  (:meth:`~QuestionSchedules.ensure_schedules`).
- ``question_reveal``: the reveal in a thread, once, when the second answer is saved
  (:meth:`~QuestionSchedules.schedule_reveal`).
- ``question_close``: the end of a question day for both partners
  (:func:`~cogs.questions.streak.closes_at`): a post nobody finished is closed (no buttons, who
  didn't answer, without blame), once (:meth:`~QuestionSchedules.schedule_close`).

What they deliver is in :mod:`cogs.questions.deliveries`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time
from typing import Protocol
from zoneinfo import ZoneInfo

import discord

from bot.clock import Clock
from bot.db.models import FALLBACK_ZONE, Couple, Partner, Schedule
from bot.db.question_models import QuestionDay
from bot.db.repositories.checkins import CheckinRepository
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.questions import QuestionRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.registry import Hook, Registry
from bot.scheduler import Scheduler
from bot.timeutil import ALL_DAYS, zone_info
from cogs.questions.rules import home_people, nudge_time, shared_default_time
from cogs.questions.streak import closes_at

KIND_POST = "question"
KIND_DM = "question_dm"
KIND_NUDGE = "question_nudge"
KIND_REVEAL = "question_reveal"
KIND_CLOSE = "question_close"

# What /couple status lists (plain words: no names, no numbers).
LABEL_POST = "Daily question"
LABEL_DM = "Daily question by DM"
LABEL_NUDGE = "Evening nudge"
LABEL_REVEAL = "Answers revealed"
LABEL_CLOSE = "End of a question's day"


class Channels(Protocol):
    """A channel (or thread) to post in or edit by id: the client's ``get_partial_messageable``."""

    def __call__(self, id: int, /, *, guild_id: int | None = ...) -> discord.PartialMessageable: ...


def is_default(schedule: Schedule) -> bool:
    """The question time Closer chose (no partner has picked one yet)."""
    return bool(schedule.payload.get("default"))


class QuestionSchedules:
    """The daily question's schedules and times (:class:`~cogs.questions.service.QuestionService` builds on them)."""

    def __init__(
        self,
        repo: QuestionRepository,
        *,
        scheduler: Scheduler,
        schedules: ScheduleRepository,
        couples: CoupleRepository,
        clock: Clock,
        registry: Registry,
        channels: Channels,
        checkins: CheckinRepository,
    ) -> None:
        self.repo = repo
        self.checkins = checkins
        self.scheduler = scheduler
        self.schedules = schedules
        self.couples = couples
        self.clock = clock
        self.registry = registry
        self.channels = channels

    # -- schedules -----------------------------------------------------------------------------

    async def catch_up(self) -> None:
        """Couples paired before this feature existed get their schedules (one cheap query when
        there are none: start-up stays fast with thousands of couples); reveals interrupted by a
        stop are posted (once: the ledger) when the scheduler starts."""
        for guild_id in await self.schedules.paired_guilds_without(KIND_POST):
            couple = await self.couples.get(guild_id)
            if couple is not None:
                await self.ensure_schedules(couple)
        for day in await self.repo.unposted_reveals():
            await self.schedule_reveal(day)
        await self.plan_closing()

    async def plan_closing(self, guild_id: int | None = None) -> None:
        """Question days still open with no end planned (from before closing existed, or an
        import's) get theirs; one cheap query when there are none."""
        for day in await self.repo.unclosed_days(KIND_CLOSE, guild_id=guild_id):
            couple = await self.couples.get(day.guild_id)
            if couple is not None:
                await self.schedule_close(couple, day)

    async def on_paired(self, couple: Couple) -> None:
        at, zone, _ = await self.ensure_schedules(couple)
        await self.registry.emit(Hook.QUESTION_TIME_CHANGED, couple, at, zone)

    async def on_zones_changed(self, couple: Couple) -> None:
        """A zone or quiet hours changed: the default question time moves into the shared awake
        hours (a time a partner picked stays), and the nudges keep out of quiet hours."""
        at, zone, moved = await self.ensure_schedules(couple)
        if moved:
            await self.registry.emit(Hook.QUESTION_TIME_CHANGED, couple, at, zone)

    async def on_space_restored(self, couple: Couple) -> None:
        """An import wrote the couple's space, its question time and DM copies among it (rows in
        the schedules table, not armed yet): arm them as they are (a paused one stays paused; a
        question time without a zone takes its setter's), then the default time if there is
        none, the nudges, and any reveal still to post."""
        now = self.clock.now()
        for schedule in await self.schedules.for_guild(couple.guild_id, (KIND_POST, KIND_DM)):
            if schedule.kind == KIND_POST and not schedule.zone and schedule.local_time is not None:
                setter = couple.partner(schedule.owner_id) if schedule.owner_id is not None else None
                zone = couple.zone_of(setter or couple.partners[0], now).key
                await self.set_question_time(
                    couple, schedule.local_time, zone, schedule.owner_id, weekdays=schedule.weekdays
                )
            else:
                await self.scheduler.refresh(schedule.id)
        await self.ensure_schedules(couple)
        for day in await self.repo.unposted_reveals(guild_id=couple.guild_id):
            await self.schedule_reveal(day)
        await self.plan_closing(couple.guild_id)

    async def set_question_time(
        self,
        couple: Couple,
        at: time,
        zone: str,
        owner_id: int | None,
        *,
        weekdays: Iterable[int] = ALL_DAYS,
        default: bool = False,
    ) -> Schedule:
        """The daily post: at ``at`` in ``zone`` (the zone of whoever set it); ``default``: Closer
        chose it, and moves it when the couple's shared awake hours change."""
        return await self.scheduler.recurring(
            KIND_POST,
            guild_id=couple.guild_id,
            at=at,
            weekdays=weekdays,
            zone=zone,
            label=LABEL_POST,
            owner_id=owner_id,
            payload={"default": True} if default else None,
        )

    async def choose_question_time(self, couple: Couple, partner: Partner, at: time) -> ZoneInfo:
        """A partner sets the time, in their zone; other features hear of it. Returns that zone."""
        zone = couple.zone_of(partner, self.clock.now())
        await self.set_question_time(couple, at, zone.key, partner.user_id)
        await self.registry.emit(Hook.QUESTION_TIME_CHANGED, couple, at, zone.key)
        return zone

    async def set_dm(
        self, couple: Couple, partner: Partner, at: time | None, *, weekdays: Iterable[int] = ALL_DAYS
    ) -> Schedule | None:
        """A partner's own copy by DM at ``at`` their time (None: no copy any more)."""
        key = str(partner.user_id)
        if at is None:
            await self.scheduler.cancel_where(couple.guild_id, KIND_DM, key)
            return None
        return await self.scheduler.recurring(
            KIND_DM,
            guild_id=couple.guild_id,
            key=key,
            at=at,
            weekdays=weekdays,
            owner_id=partner.user_id,
            personal=True,
            label=LABEL_DM,
        )

    async def ensure_schedules(self, couple: Couple) -> tuple[time, str, bool]:
        """The daily post and each partner's evening nudge (kept out of their quiet hours).

        Until a partner picks the question time, it is Closer's default: in the first partner's
        zone, inside both partners' awake hours (:func:`shared_default_time`; 09:00 when they
        share a zone), moved when those change. Returns the question time, its zone, and whether
        it was set or moved now."""
        existing = await self.post_schedule(couple)
        at, zone, moved = await self._question_time(couple, existing)
        for partner in couple.partners:
            nudge = await self.schedules.find(KIND_NUDGE, couple.guild_id, str(partner.user_id))
            if nudge is None or nudge.local_time != nudge_time(partner):
                await self.scheduler.recurring(
                    KIND_NUDGE,
                    guild_id=couple.guild_id,
                    key=str(partner.user_id),
                    at=nudge_time(partner),
                    owner_id=partner.user_id,
                    personal=True,
                    label=LABEL_NUDGE,
                )
        return at, zone, moved

    async def _question_time(self, couple: Couple, existing: Schedule | None) -> tuple[time, str, bool]:
        if (
            existing is not None
            and existing.local_time is not None
            and existing.zone
            and not is_default(existing)
        ):
            return existing.local_time, existing.zone, False  # a partner's choice stays
        now = self.clock.now()
        zone = zone_info(couple.first.home_zone or FALLBACK_ZONE)  # kept in the first partner's zone
        at = shared_default_time(home_people(couple), zone, now)
        if existing is not None and (existing.local_time, existing.zone) == (at, zone.key):
            return at, zone.key, False
        await self.set_question_time(couple, at, zone.key, couple.first.user_id, default=True)
        return at, zone.key, True

    async def post_schedule(self, couple: Couple) -> Schedule | None:
        return await self.schedules.find(KIND_POST, couple.guild_id)

    async def dm_schedule(self, couple: Couple, partner: Partner) -> Schedule | None:
        return await self.schedules.find(KIND_DM, couple.guild_id, str(partner.user_id))

    async def question_zone(self, couple: Couple, now: datetime) -> ZoneInfo:
        """The zone the couple's question days are counted in: that of whoever set the time."""
        schedule = await self.post_schedule(couple)
        if schedule is not None and schedule.zone:
            return zone_info(schedule.zone)
        return couple.zone_of(couple.first, now)

    async def schedule_reveal(self, day: QuestionDay) -> int:
        """The reveal as a one-off keyed by the day and its reveal instant: posted once, retried
        when Discord fails, caught up after a restart."""
        assert day.revealed_at is not None
        schedule = await self.scheduler.once(
            KIND_REVEAL,
            guild_id=day.guild_id,
            when=day.revealed_at,
            key=str(day.id),
            label=LABEL_REVEAL,
            payload={"day": day.id},
        )
        return schedule.id

    async def schedule_close(self, couple: Couple, day: QuestionDay) -> None:
        """The end of the day's question for both partners (:func:`closes_at`): then its post is
        closed, once (a one-off keyed by the day: caught up after a restart)."""
        reached = day.reached_at
        when = closes_at(reached, [couple.zone_of(p, reached) for p in couple.partners])
        await self.scheduler.once(
            KIND_CLOSE,
            guild_id=day.guild_id,
            when=when,
            key=str(day.id),
            label=LABEL_CLOSE,
            payload={"day": day.id},
        )

    async def cancel_close(self, day: QuestionDay) -> None:
        """Revealed or skipped: its day needs no closing."""
        schedule = await self.schedules.find(KIND_CLOSE, day.guild_id, str(day.id))
        if schedule is not None:
            await self.scheduler.cancel(schedule.id)
