"""The daily question's rules and scheduling, without interactions.

Scheduled kinds (all through the scheduler engine, so exactly once and caught up after downtime):

- ``question``: the daily post in the shared channel, at the couple's time in the setter's zone.
- ``question_dm``: a partner's own copy by DM at their morning (``/question schedule dm_me``).
- ``question_nudge``: one gentle evening DM (20:00 local) to a partner who hasn't answered.
- ``question_reveal``: the reveal in a thread, once, when the second answer is saved.

Each is defined in one place here (:meth:`QuestionService.set_question_time`,
:meth:`~QuestionService.set_dm`, :meth:`~QuestionService.ensure_schedules`,
:meth:`~QuestionService.schedule_reveal`), whether a command, pairing, start-up or an import asks
for it. The deliveries are in :mod:`cogs.questions.deliveries`, the streak and other features'
cards in :mod:`cogs.questions.cards`, what is drawn in :mod:`cogs.questions.pool`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import discord

from bot.clock import Clock
from bot.db.models import Couple, Partner, Schedule
from bot.db.question_models import QuestionDay, Saved
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.questions import QuestionRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.errors import UserError
from bot.registry import Hook, Place, Registry
from bot.scheduler import Scheduler, Sent, describe
from bot.timeutil import ALL_DAYS
from cogs.questions.bank import bank
from cogs.questions.embeds import jump, post_embed
from cogs.questions.rules import choose, nudge_time, seed_for
from cogs.questions.streak import answer_deadline
from cogs.questions.views import post_view

log = logging.getLogger(__name__)

KIND_POST = "question"
KIND_DM = "question_dm"
KIND_NUDGE = "question_nudge"
KIND_REVEAL = "question_reveal"

DEFAULT_TIME = time(9, 0)

Send = Callable[..., Awaitable[Sent]]


class Channels(Protocol):
    """A channel (or thread) to post in or edit by id: the client's ``get_partial_messageable``."""

    def __call__(self, id: int, /, *, guild_id: int | None = ...) -> discord.PartialMessageable: ...


@dataclass(frozen=True, slots=True)
class Skipped:
    """The outcome of skipping: ``state`` 'skipped', 'revealed' (too late) or 'gone' (skipped
    already); once skipped, the new question's post (None when nothing is left to draw)."""

    state: str
    sent: Sent | None = None


class QuestionService:
    """The daily question's rules: its schedules, choosing and posting, answers and skips."""

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
    ) -> None:
        self.repo = repo
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

    async def on_paired(self, couple: Couple) -> None:
        at, zone = await self.ensure_schedules(couple)
        await self.registry.emit(Hook.QUESTION_TIME_CHANGED, couple, at, zone)

    async def on_zones_changed(self, couple: Couple) -> None:
        await self.ensure_schedules(couple)  # quiet hours may now cover the evening nudge

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

    async def set_question_time(
        self, couple: Couple, at: time, zone: str, owner_id: int | None, *, weekdays: Iterable[int] = ALL_DAYS
    ) -> Schedule:
        """The daily post: at ``at`` in ``zone`` (the zone of whoever set it)."""
        return await self.scheduler.recurring(
            KIND_POST,
            guild_id=couple.guild_id,
            at=at,
            weekdays=weekdays,
            zone=zone,
            label="Daily question",
            owner_id=owner_id,
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
            label=f"Question by DM for {partner.display_name}",
        )

    async def ensure_schedules(self, couple: Couple) -> tuple[time, str]:
        """The daily post (09:00 in the first partner's zone, created once) and each partner's
        evening nudge (kept out of their quiet hours); returns the question time and zone."""
        existing = await self.post_schedule(couple)
        if existing is not None and existing.local_time is not None and existing.zone:
            at, zone = existing.local_time, existing.zone
        else:
            at = DEFAULT_TIME
            zone = couple.zone_of(couple.first, self.clock.now()).key
            await self.set_question_time(couple, at, zone, couple.first.user_id)
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
                    label=f"Question nudge for {partner.display_name}",
                )
        return at, zone

    async def post_schedule(self, couple: Couple) -> Schedule | None:
        return await self.schedules.find(KIND_POST, couple.guild_id)

    async def dm_schedule(self, couple: Couple, partner: Partner) -> Schedule | None:
        return await self.schedules.find(KIND_DM, couple.guild_id, str(partner.user_id))

    async def question_zone(self, couple: Couple, now: datetime) -> ZoneInfo:
        """The zone the couple's question days are counted in: that of whoever set the time."""
        schedule = await self.post_schedule(couple)
        if schedule is not None and schedule.zone:
            return ZoneInfo(schedule.zone)
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
            label=f"Answers of question day {day.day_number}",
            payload={"day": day.id},
        )
        return schedule.id

    # -- choosing and posting ------------------------------------------------------------------

    async def create_for(
        self,
        couple: Couple,
        local_date: date,
        zone: ZoneInfo,
        now: datetime,
        *,
        day_number: int | None = None,
    ) -> QuestionDay | None:
        """The question of ``local_date``: the one already there, or a newly chosen one."""
        existing = await self.repo.live_day(couple.guild_id, local_date)
        if existing is not None:
            return existing
        settings = await self.repo.settings(couple.guild_id)
        history = await self.repo.history(couple.guild_id)
        number = day_number or history.days + 1
        attempt = await self.repo.attempts(couple.guild_id, local_date)
        pick = choose(
            bank(),
            history,
            categories=settings.categories,
            tiers=settings.tiers,
            day_number=number,
            today=local_date,
            rng=seed_for(couple.guild_id, local_date, attempt),
        )
        if pick is None:
            return None
        return await self.repo.create_day(
            couple.guild_id, pick, day_number=number, local_date=local_date, zone=zone.key, now=now
        )

    async def posted_today(self, couple: Couple) -> QuestionDay | None:
        """Today's question (in the couple's question zone) if it is posted already."""
        now = self.clock.now()
        today = now.astimezone(await self.question_zone(couple, now)).date()
        day = await self.repo.live_day(couple.guild_id, today)
        return day if day is not None and day.posted_at is not None else None

    async def post_today(self, couple: Couple) -> tuple[QuestionDay, Sent] | None:
        """Post today's question now (None when nothing is left to draw)."""
        now = self.clock.now()
        zone = await self.question_zone(couple, now)
        day = await self.create_for(couple, now.astimezone(zone).date(), zone, now)
        if day is None:
            return None
        return day, await self.publish(couple, day, self.channel_sender(couple))

    async def post_card(self, couple: Couple, day: QuestionDay, now: datetime) -> discord.Embed:
        answered = await self.repo.answered_by(day.id)
        sections = [] if day.skipped else await self.registry.sections(Place.QUESTION_POST, couple, now)
        earlier = await self.repo.day(day.repeat_of) if day.repeat_of else None
        return post_embed(couple, day, answered, sections, earlier)

    async def publish(self, couple: Couple, day: QuestionDay, send: Send) -> Sent:
        """Post a question day (through ``send``) and remember where."""
        now = self.clock.now()
        card = await self.post_card(couple, day, now)
        view = post_view(day)
        sent = await send(embed=card, **({"view": view} if view is not None else {}))
        await self.repo.set_posted(day.id, sent.channel_id, sent.message_id, now)
        return sent

    def channel_sender(self, couple: Couple) -> Send:
        """Post in the shared channel now (a command or button), with a clear error when Closer can't."""

        async def send(**kwargs: Any) -> Sent:
            channel = self.channels(couple.channel_id, guild_id=couple.guild_id)
            try:
                message = await channel.send(**kwargs)
            except (discord.Forbidden, discord.NotFound) as error:
                raise UserError(
                    f"I couldn't post in <#{couple.channel_id}> ({describe(error)}). Check that I can send "
                    "messages there, then try again."
                ) from error
            return Sent(message.id, message.channel.id, message=message)

        return send

    async def refresh_post(self, couple: Couple, day_id: int) -> None:
        """Show the post's current state: who answered, revealed, or skipped."""
        day = await self.repo.day(day_id)
        if day is None or day.message_id is None or day.channel_id is None:
            return
        card = await self.post_card(couple, day, self.clock.now())
        guild_id = couple.guild_id if day.channel_id == couple.channel_id else None
        message = self.channels(day.channel_id, guild_id=guild_id).get_partial_message(day.message_id)
        try:
            await message.edit(embed=card, view=post_view(day))
        except discord.HTTPException as error:
            log.warning("Could not update the question post of day %s: %s", day.id, describe(error))

    # -- answering and skipping ----------------------------------------------------------------

    async def check_answerable(self, couple: Couple, day: QuestionDay) -> None:
        """Refuse a skipped or revealed day, saying where to go instead."""
        if day.skipped:
            latest = await self.repo.latest_day(couple.guild_id)
            where = (
                f" Today's question is here: {jump(couple, latest.channel_id, latest.message_id)}"
                if latest
                else ""
            )
            raise UserError(f"This question was skipped, so it can't be answered any more.{where}")
        if day.revealed:
            raise UserError(
                "You've both answered this one, so the answers are revealed and locked. "
                "See them in its thread or with `/question history`."
            )

    async def save_answer(self, couple: Couple, partner: Partner, day: QuestionDay, text: str) -> Saved:
        """Save a partner's answer; on time for the streak until the end of the day it reached
        them (in their zone)."""
        now = self.clock.now()
        zone = couple.zone_of(partner, now)
        return await self.repo.save_answer(
            day.id,
            partner.user_id,
            text,
            now=now,
            local_date=now.astimezone(zone).date(),
            on_time=now < answer_deadline(day.reached_at, zone),
            partners=[p.user_id for p in couple.partners],
        )

    async def after_answer(self, couple: Couple, day: QuestionDay, saved: Saved) -> None:
        """Once the partner is told: show who answered on the post, or reveal (now) when both have."""
        if not saved.revealed:
            await self.refresh_post(couple, day.id)
            return
        revealed = await self.repo.day(day.id)
        assert revealed is not None
        await self.scheduler.process(await self.schedule_reveal(revealed))

    async def skip(self, couple: Couple, day: QuestionDay, user_id: int) -> Skipped:
        """Veto the day's question and post a new one in its place (same date and day number)."""
        now = self.clock.now()
        if await self.repo.skip(day.id, user_id, now) is None:
            fresh = await self.repo.day(day.id)
            return Skipped("revealed" if fresh is not None and fresh.revealed else "gone")
        await self.refresh_post(couple, day.id)
        fresh_day = await self.create_for(
            couple, day.local_date, ZoneInfo(day.zone), now, day_number=day.day_number
        )
        if fresh_day is None:
            return Skipped("skipped")
        return Skipped("skipped", await self.publish(couple, fresh_day, self.channel_sender(couple)))
