"""The daily question's rules, without interactions: choosing and posting a day's question,
answers, skipping ("Not today" or "Never ask this").

Built on its schedules (:mod:`cogs.questions.schedules`); the deliveries are in
:mod:`cogs.questions.deliveries`, the streak and other features' cards in
:mod:`cogs.questions.cards`, what is drawn in :mod:`cogs.questions.pool`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import discord

from bot.db.models import Couple, Partner
from bot.db.question_models import QuestionDay, Saved
from bot.db.repositories.guesses import GuessRepository
from bot.errors import UserError
from bot.registry import Place
from bot.scheduler import Sent, describe
from bot.timeutil import zone_info
from cogs.questions.bank import bank, cares
from cogs.questions.care import low_lately
from cogs.questions.embeds import jump, post_embed
from cogs.questions.guess import choose_guess, guess_of, is_guess, is_guess_day
from cogs.questions.guess import guesses as guess_bank
from cogs.questions.guess_embeds import shape_post
from cogs.questions.rules import choose, gentle_tiers, seed_for
from cogs.questions.schedules import (
    KIND_CLOSE,
    KIND_DM,
    KIND_NUDGE,
    KIND_POST,
    KIND_REVEAL,
    Channels,
    QuestionSchedules,
)
from cogs.questions.streak import answer_deadline
from cogs.questions.views import post_view

__all__ = [
    "KIND_CLOSE",
    "KIND_DM",
    "KIND_NUDGE",
    "KIND_POST",
    "KIND_REVEAL",
    "Channels",
    "QuestionService",
    "Send",
    "Skipped",
]

log = logging.getLogger(__name__)

Send = Callable[..., Awaitable[Sent]]


@dataclass(frozen=True, slots=True)
class Skipped:
    """The outcome of skipping: ``state`` 'skipped', 'revealed' (too late), 'closed' (its day is
    over) or 'gone' (skipped already); once skipped, the new question's post (None when nothing
    is left to draw), and whether the skipper had written an answer (it is kept)."""

    state: str
    sent: Sent | None = None
    had_answer: bool = False


class QuestionService(QuestionSchedules):
    """The daily question's rules: choosing and posting, answers and skips (its schedules:
    :class:`QuestionSchedules`)."""

    @property
    def guesses(self) -> GuessRepository:
        """The guessing game's rows (guess days are question days: :mod:`cogs.questions.game`)."""
        return GuessRepository(self.repo.db)

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
        tiers = settings.tiers
        if await low_lately(self.checkins, couple, now):
            tiers = gentle_tiers(tiers)  # the day after a low check-in: light or personal
        pick = None
        if is_guess_day(await self.guesses.frequency(couple.guild_id), local_date):
            # A guess day: a guess question never asked (a plain question when none is left).
            rng = seed_for(couple.guild_id, local_date, attempt)
            pick = choose_guess(guess_bank(), history, settings.categories, local_date, rng)
        pick = pick or choose(
            bank(),
            history,
            categories=settings.categories,
            tiers=tiers,
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
        sections = [] if not day.open else await self.registry.sections(Place.QUESTION_POST, couple, now)
        earlier = await self.repo.day(day.repeat_of) if day.repeat_of else None
        never = day.skipped and any(
            v.question_id == day.question_id for v in await self.repo.vetoes(day.guild_id)
        )
        card = post_embed(couple, day, answered, sections, earlier, care=cares(day.question_id), never=never)
        return shape_post(card, couple, day, guess_of(day.question_id)) if is_guess(day.question_id) else card

    async def publish(self, couple: Couple, day: QuestionDay, send: Send) -> Sent:
        """Post a question day (through ``send``) and remember where."""
        now = self.clock.now()
        card = await self.post_card(couple, day, now)
        view = post_view(day)
        sent = await send(embed=card, **({"view": view} if view is not None else {}))
        await self.repo.set_posted(day.id, sent.channel_id, sent.message_id, now)
        posted = await self.repo.day(day.id)
        if posted is not None and posted.open:
            await self.schedule_close(couple, posted)
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
        """Show the post's current state: who answered, revealed, skipped or closed."""
        try:
            await self.edit_post(couple, day_id)
        except discord.HTTPException as error:
            log.warning("Could not update the question post of day %s: %s", day_id, describe(error))

    async def edit_post(self, couple: Couple, day_id: int) -> QuestionDay | None:
        """Edit the post to its current state (raises Discord's errors); the day, None without a post."""
        day = await self.repo.day(day_id)
        if day is None or day.message_id is None or day.channel_id is None:
            return None
        card = await self.post_card(couple, day, self.clock.now())
        guild_id = couple.guild_id if day.channel_id == couple.channel_id else None
        message = self.channels(day.channel_id, guild_id=guild_id).get_partial_message(day.message_id)
        await message.edit(embed=card, view=post_view(day))
        return day

    # -- answering and skipping ----------------------------------------------------------------

    async def check_answerable(self, couple: Couple, day: QuestionDay) -> None:
        """Refuse a skipped, closed or revealed day, saying where to go instead."""
        if day.skipped or day.closed:
            latest = await self.repo.latest_day(couple.guild_id)
            where = (
                f" Today's question is here: {jump(couple, latest.channel_id, latest.message_id)}"
                if latest is not None and latest.open and latest.id != day.id
                else ""
            )
            why = (
                "This question was skipped, so it can't be answered any more."
                if day.skipped
                else "This question's day is over, so it's closed now."
            )
            raise UserError(f"{why}{where}")
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

    async def save_play(
        self,
        couple: Couple,
        partner: Partner,
        day: QuestionDay,
        options: tuple[str, ...],
        pick: int,
        guess: int,
    ) -> Saved:
        """Save a partner's play on a guess day (their pick is their answer), as :meth:`save_answer`
        does an answer: on time for the streak by the same rule, revealed when both have played."""
        now = self.clock.now()
        zone = couple.zone_of(partner, now)
        return await self.guesses.save_play(
            day.id,
            partner.user_id,
            pick=pick,
            guess=guess,
            answer=options[pick],
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
        await self.cancel_close(revealed)
        await self.scheduler.process(await self.schedule_reveal(revealed))

    async def skip(self, couple: Couple, day: QuestionDay, user_id: int, *, never: bool) -> Skipped:
        """Skip the day's question ("Not today", or with ``never`` "Never ask this") and post a new
        one in its place (same date and day number). The post says it was skipped, never by whom;
        answers already written stay with their writers."""
        now = self.clock.now()
        if await self.repo.skip(day.id, user_id, now, never=never) is None:
            fresh = await self.repo.day(day.id)
            state = "gone"
            if fresh is not None and fresh.revealed:
                state = "revealed"
            elif fresh is not None and fresh.closed:
                state = "closed"
            return Skipped(state)
        had_answer = await self.repo.my_answer(day.id, user_id) is not None
        await self.cancel_close(day)
        await self.refresh_post(couple, day.id)
        fresh_day = await self.create_for(
            couple, day.local_date, zone_info(day.zone), now, day_number=day.day_number
        )
        if fresh_day is None:
            return Skipped("skipped", had_answer=had_answer)
        sent = await self.publish(couple, fresh_day, self.channel_sender(couple))
        return Skipped("skipped", sent, had_answer)
