"""The daily question's scheduled deliveries: the post, a partner's DM copy, the evening nudge, the
reveal and the end of a question's day. Each gets an :class:`~bot.scheduler.Occurrence` and posts
through it (or, for the reveal's thread and the closed post, through the service's channels).

The nudge can travel inside another DM to the same partner due within the hour (the evening
check-in ask: :meth:`QuestionDeliveries.attach_nudge`); a DM copy due within the hour of the nudge
stands in for it, so the question never reaches a partner twice in one evening."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import discord

from bot.db.models import Couple
from bot.db.question_models import QuestionDay
from bot.scheduler import Attachment, Deferred, Kind, Occurrence, Sent, describe, retryable
from bot.scheduler.outbox import BUNDLE_WITHIN
from bot.ui.embeds import embed, pack
from cogs.questions.bank import cares
from cogs.questions.cards import QuestionCards
from cogs.questions.embeds import NOTHING_ENABLED, dm_embed, nudge_embed, reveal_embeds
from cogs.questions.guess import guess_of, is_guess
from cogs.questions.guess_embeds import reveal_card, shape_dm
from cogs.questions.service import (
    KIND_CLOSE,
    KIND_DM,
    KIND_NUDGE,
    KIND_POST,
    KIND_REVEAL,
    QuestionService,
    Send,
)
from cogs.questions.views import AnswerButton, dm_view

log = logging.getLogger(__name__)

NUDGE_AFTER = timedelta(hours=1)  # never nudge about a question posted less than an hour ago
NUDGE_DEADLINE = timedelta(hours=3)  # an evening nudge held past the evening is dropped, not sent at dawn
REVEAL_DEADLINE = timedelta(days=30)  # a reveal held up by downtime is still posted within this
CLOSE_DEADLINE = timedelta(days=30)  # ... and a question day is still closed
YIELD = timedelta(minutes=1)  # the nudge waits this long (once) for another DM due with it to carry it


def nudge_deadline(occurrence: Occurrence) -> datetime:
    """An evening nudge held past the evening (quiet hours) is dropped, not sent at dawn."""
    return occurrence.scheduled_at + NUDGE_DEADLINE


def guess_card(card: discord.Embed, day: QuestionDay) -> discord.Embed:
    """A DM card of the question, made a guess day's when it is one (its options, Play)."""
    return shape_dm(card, day, guess_of(day.question_id)) if is_guess(day.question_id) else card


def occurrence_sender(occurrence: Occurrence, suffix: str) -> Send:
    async def send(**kwargs: Any) -> Sent:
        return await occurrence.send_channel(nonce_suffix=suffix, **kwargs)

    return send


class QuestionDeliveries:
    """What each scheduled kind of the daily question posts when it comes due."""

    def __init__(self, service: QuestionService, cards: QuestionCards) -> None:
        self.service = service
        self.cards = cards
        self.repo = service.repo
        self._yielded: set[tuple[int, datetime]] = set()  # nudges that let another DM go first

    def kinds(self) -> tuple[Kind, ...]:
        return (
            Kind(KIND_POST, self.deliver_post),
            Kind(KIND_DM, self.deliver_dm),
            Kind(KIND_NUDGE, self.deliver_nudge, nudge_deadline, attach=self.attach_nudge),
            Kind(KIND_REVEAL, self.deliver_reveal, lambda o: o.scheduled_at + REVEAL_DEADLINE),
            Kind(KIND_CLOSE, self.deliver_close, lambda o: o.scheduled_at + CLOSE_DEADLINE),
        )

    async def deliver_post(self, occurrence: Occurrence) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        zone = occurrence.zone
        today = occurrence.scheduled_at.astimezone(zone).date()
        day = await self.service.create_for(couple, today, zone, occurrence.now)
        if day is None:
            return await occurrence.send_channel(embed=embed("No question today", NOTHING_ENABLED))
        if day.posted_at is not None:
            return None  # today's question is up already (/question now, or a partner's early DM)
        return await self.service.publish(couple, day, occurrence_sender(occurrence, "q"))

    async def deliver_dm(self, occurrence: Occurrence) -> Sent | None:
        """A partner's own copy at their morning; posts the day's question early if it isn't up."""
        couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
        if couple is None or owner_id is None or couple.partner(owner_id) is None:
            return None
        zone = await self.service.question_zone(couple, occurrence.now)
        today = occurrence.now.astimezone(zone).date()
        day = await self.service.create_for(couple, today, zone, occurrence.now)
        if day is None:
            return None
        if day.posted_at is None:
            await self.service.publish(couple, day, occurrence_sender(occurrence, "q"))
        if not day.open or owner_id in await self.repo.answered_by(day.id):
            return None
        if await self.repo.nudged(day.id, owner_id):
            return None  # the evening nudge brought it already
        stands_in = await self.stand_in_for_nudge(couple, owner_id, day, occurrence)
        try:
            card = dm_embed(couple, day, cares(day.question_id))
            return await occurrence.send_dm(owner_id, embed=guess_card(card, day), view=dm_view(day))
        except BaseException:
            if stands_in:
                await self.repo.forget_nudge(day.id, owner_id)
            raise

    async def stand_in_for_nudge(
        self, couple: Couple, owner_id: int, day: QuestionDay, occurrence: Occurrence
    ) -> bool:
        """A DM copy due within the hour of this partner's nudge brings the question already:
        it counts as the nudge (True), so the evening doesn't bring it twice."""
        nudge = await self.service.schedules.find(KIND_NUDGE, couple.guild_id, str(owner_id))
        if nudge is None or nudge.fire_at is None or nudge.fire_at > occurrence.now + BUNDLE_WITHIN:
            return False
        await self.repo.record_nudge(day.id, owner_id, occurrence.now)
        return True

    async def nudge_due(
        self, occurrence: Occurrence
    ) -> tuple[Couple, int, QuestionDay, frozenset[int]] | None:
        """The open question this partner hasn't answered nor been nudged about, if any."""
        couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
        if couple is None or owner_id is None or couple.partner(owner_id) is None:
            return None
        day = await self.repo.latest_day(couple.guild_id)
        if day is None or not day.open or day.posted_at is None:
            return None
        if occurrence.now - day.posted_at < NUDGE_AFTER:
            return None
        answered = await self.repo.answered_by(day.id)
        if owner_id in answered or await self.repo.nudged(day.id, owner_id):
            return None
        return couple, owner_id, day, answered

    async def deliver_nudge(self, occurrence: Occurrence) -> Sent | None:
        """One gentle evening DM about an open question this partner hasn't answered. When another
        DM to them is due at the same moment (the check-in ask, also at 20:00), the nudge lets
        that one go first and carry it (:meth:`attach_nudge`): one evening DM, not two."""
        due = await self.nudge_due(occurrence)
        if due is None:
            return None
        await self.let_another_dm_carry_it(occurrence)
        couple, owner_id, day, answered = due
        card = nudge_embed(couple, day, owner_id, answered, cares(day.question_id))
        sent = await occurrence.send_dm(owner_id, embed=guess_card(card, day), view=dm_view(day))
        await self.repo.record_nudge(day.id, owner_id, occurrence.now)
        return sent

    async def let_another_dm_carry_it(self, occurrence: Occurrence) -> None:
        """Raise ``Deferred`` (for a minute, once) while another personal schedule of this partner
        is due now: its DM gathers the nudge on its way out (:meth:`attach_nudge`)."""
        couple, owner_id = occurrence.couple, occurrence.schedule.owner_id
        key = (occurrence.schedule.id, occurrence.scheduled_at)
        if couple is None or owner_id is None or key in self._yielded:
            return
        others = await self.service.schedules.companions(
            couple.guild_id, owner_id, occurrence.now + timedelta(seconds=1), exclude=occurrence.schedule.id
        )
        if any(other.kind not in (KIND_NUDGE, KIND_DM) for other in others):
            if len(self._yielded) > 10_000:
                self._yielded.clear()
            self._yielded.add(key)
            raise Deferred(occurrence.now + YIELD)

    async def attach_nudge(self, occurrence: Occurrence) -> Attachment | None:
        """The nudge inside another DM to this partner due within the hour (the evening check-in
        ask): its card and Answer button; ``done`` records it, so it is given once."""
        if occurrence.fire_at > nudge_deadline(occurrence):
            return None  # held by quiet hours past the evening: not worth a morning mention
        due = await self.nudge_due(occurrence)
        if due is None:
            return None
        couple, owner_id, day, answered = due

        async def done(sent: Sent) -> None:
            await self.repo.record_nudge(day.id, owner_id, occurrence.now)

        return Attachment(
            embeds=(guess_card(nudge_embed(couple, day, owner_id, answered, cares(day.question_id)), day),),
            items=(AnswerButton(day.id, play=is_guess(day.question_id)),),
            done=done,
        )

    async def deliver_close(self, occurrence: Occurrence) -> Sent | None:
        """The end of a question's day for both partners: a post not revealed is closed (buttons
        gone, who didn't answer, no blame). Left as is when revealed or skipped; closing again
        (after a failed edit) only edits the post again."""
        couple = occurrence.couple
        assert couple is not None
        day = await self.repo.day(int(occurrence.payload["day"]))
        if day is None or day.revealed or day.skipped:
            return None
        await self.repo.close(day.id, occurrence.now)
        try:
            closed = await self.service.edit_post(couple, day.id)
        except discord.HTTPException as error:
            if retryable(error):
                raise
            log.warning("Could not close the question post of day %s: %s", day.id, describe(error))
            return Sent(detail="the post could not be changed")
        if closed is None:
            return None  # never posted: closed without a post to change
        return Sent(closed.message_id, closed.channel_id)

    async def deliver_reveal(self, occurrence: Occurrence) -> Sent | None:
        """Both answers in full, in a thread on the question post."""
        couple = occurrence.couple
        assert couple is not None
        day = await self.repo.day(int(occurrence.payload["day"]))
        if day is None or not day.revealed or day.reveal_message_id is not None:
            return None
        if is_guess(day.question_id):  # a guess day: both picks, both guesses, who guessed right
            plays = await self.service.guesses.revealed_plays(day.id)
            cards = [reveal_card(couple, day, guess_of(day.question_id), plays)]
        else:
            answers = await self.repo.revealed_answers(day.id)
            earlier = await self.repo.day(day.repeat_of) if day.repeat_of else None
            earlier_answers = await self.repo.revealed_answers(earlier.id) if earlier else []
            cards = reveal_embeds(couple, day, answers, earlier, earlier_answers)
        cards[0].set_footer(text=(await self.cards.streak_of(couple, occurrence.now)).line())
        groups = pack(cards)
        note = "-# ⏰ Revealed late: Closer was offline when you both answered." if occurrence.late else None
        target = await self.reveal_target(couple, day, occurrence)
        first: Sent | None = None
        if target is not None:
            try:
                for index, group in enumerate(groups):
                    message = await target.send(
                        content=note if index == 0 else None,
                        embeds=group,
                        nonce=occurrence.nonce(f"r{index}"),
                    )
                    first = first or Sent(message.id, message.channel.id)
            except (discord.Forbidden, discord.NotFound) as error:
                log.warning("Reveal of day %s could not go in its thread: %s", day.id, describe(error))
                first = None
        if first is None:
            for index, group in enumerate(groups):
                sent = await occurrence.send_channel(embeds=group, nonce_suffix=f"r{index}")
                first = first or sent
        assert first is not None
        await self.repo.set_reveal_posted(day.id, first.channel_id, first.message_id)
        await self.service.refresh_post(couple, day.id)
        return first

    async def reveal_target(
        self, couple: Couple, day: QuestionDay, occurrence: Occurrence
    ) -> discord.abc.Messageable | None:
        """The thread on the post (opened once); None when the post isn't in the shared channel."""
        if day.message_id is None or day.channel_id != couple.channel_id:
            return None
        channels = self.service.channels
        if day.thread_id is not None:
            return channels(day.thread_id, guild_id=couple.guild_id)
        post = channels(couple.channel_id, guild_id=couple.guild_id).get_partial_message(day.message_id)
        try:
            thread = await post.create_thread(
                name=f"Day {day.day_number} · your answers", auto_archive_duration=10080
            )
        except (discord.HTTPException, ValueError) as error:
            log.warning("No thread for the reveal of day %s: %s", day.id, error)
            occurrence.notes.append("no thread (missing permission?); answers posted in the channel")
            return channels(couple.channel_id, guild_id=couple.guild_id)
        await self.repo.set_thread(day.id, thread.id)
        return thread
