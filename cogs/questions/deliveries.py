"""The daily question's scheduled deliveries: the post, a partner's DM copy, the evening nudge and
the reveal. Each gets an :class:`~bot.scheduler.Occurrence` and posts through it (or, for the
reveal's thread, through the service's channels)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import discord

from bot.db.models import Couple
from bot.db.question_models import QuestionDay
from bot.scheduler import Kind, Occurrence, Sent, describe
from bot.ui.embeds import embed, pack
from cogs.questions.cards import QuestionCards
from cogs.questions.embeds import NOTHING_ENABLED, dm_embed, nudge_embed, reveal_embeds
from cogs.questions.service import KIND_DM, KIND_NUDGE, KIND_POST, KIND_REVEAL, QuestionService, Send
from cogs.questions.views import dm_view

log = logging.getLogger(__name__)

NUDGE_AFTER = timedelta(hours=1)  # never nudge about a question posted less than an hour ago
NUDGE_DEADLINE = timedelta(hours=3)  # an evening nudge held past the evening is dropped, not sent at dawn
REVEAL_DEADLINE = timedelta(days=30)  # a reveal held up by downtime is still posted within this


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

    def kinds(self) -> tuple[Kind, ...]:
        return (
            Kind(KIND_POST, self.deliver_post),
            Kind(KIND_DM, self.deliver_dm),
            Kind(KIND_NUDGE, self.deliver_nudge, lambda o: o.scheduled_at + NUDGE_DEADLINE),
            Kind(KIND_REVEAL, self.deliver_reveal, lambda o: o.scheduled_at + REVEAL_DEADLINE),
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
        return await occurrence.send_dm(owner_id, embed=dm_embed(couple, day), view=dm_view(day))

    async def deliver_nudge(self, occurrence: Occurrence) -> Sent | None:
        """One gentle evening DM about an open question this partner hasn't answered."""
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
        sent = await occurrence.send_dm(
            owner_id,
            content="💭 A gentle nudge: today's question is waiting for you.",
            embed=nudge_embed(couple, day, owner_id, answered),
            view=dm_view(day),
        )
        await self.repo.record_nudge(day.id, owner_id, occurrence.now)
        return sent

    async def deliver_reveal(self, occurrence: Occurrence) -> Sent | None:
        """Both answers in full, in a thread on the question post."""
        couple = occurrence.couple
        assert couple is not None
        day = await self.repo.day(int(occurrence.payload["day"]))
        if day is None or not day.revealed or day.reveal_message_id is not None:
            return None
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
