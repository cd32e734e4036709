"""The weekly check-in session: an intro in the shared channel, a thread with one step at a time,
both answers shown once both replied, and a recap after the last step.

Each step's prompt comes from its pool by the session's date (:func:`embeds.session_steps`). The
thread opens with what other features give ``Place.WEEKLY_SESSION`` (the weekly digest, when it
falls on the same evening), so the evening brings one post in the channel, not two."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime

import discord

from bot.db.models import Couple
from bot.db.repositories.rituals import Ritual, RitualRun
from bot.errors import UserError
from bot.registry import Place
from bot.scheduler import Occurrence, Sent
from bot.timeutil import zone_info
from bot.ui.embeds import FIELDS_LIMIT, clip, embed, embed_size, pack
from cogs.rituals import embeds
from cogs.rituals.rounds import Answered, ChannelOf, Reveal, Rounds

log = logging.getLogger(__name__)

ANSWER_LIMIT = 1000
WEEK_CARD_CHARS = 5500  # the week's card at the top of the thread, under Discord's 6,000
GONE = "This session no longer exists."

# The Answer button of a step: (run_id, step) -> the view under the step's post.
StepView = Callable[[int, int], discord.ui.View]
# Other features' lines for a place (the registry's ``sections``).
Sections = Callable[[Place, Couple, datetime], Awaitable[list[tuple[str, str]]]]


def session_day(run: RitualRun, ritual: Ritual) -> date:
    """The session's date where it was set: what its prompts are drawn by."""
    return run.scheduled_at.astimezone(zone_info(ritual.zone)).date()


class WeeklySession:
    name = "weekly_checkin"
    label = "Weekly check-in session"
    what = "session"  # the reveal's payload

    def __init__(
        self, rounds: Rounds, channel_of: ChannelOf, step_view: StepView, sections: Sections
    ) -> None:
        self.rounds = rounds
        self.repo = rounds.repo
        self.channel_of = channel_of
        self.step_view = step_view
        self.sections = sections

    # -- delivery --------------------------------------------------------------------------------

    async def deliver(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        run = await self.repo.start_run(ritual.id, occurrence.scheduled_at)
        sent = await occurrence.send_channel(
            content=embeds.mentions(couple), embed=embeds.session_intro(ritual.message), nonce_suffix="s"
        )
        where: discord.abc.Messageable | None = None
        thread_id: int | None = None
        if sent.message is not None and sent.channel_id == couple.channel_id:
            local = occurrence.scheduled_at.astimezone(occurrence.zone)
            try:
                thread = await sent.message.create_thread(name=embeds.thread_name(local))
                where, thread_id = thread, thread.id
            except discord.HTTPException as error:
                log.warning("Could not open a thread for session %s: %s", run.id, error)
                where, thread_id = self.channel_of(couple.channel_id, couple.guild_id), couple.channel_id
                occurrence.notes.append("no thread (missing permission); steps posted in the channel")
        if where is None:
            return sent
        await self.repo.set_run_posts(run.id, sent.message_id, thread_id)
        week = await self.sections(Place.WEEKLY_SESSION, couple, occurrence.scheduled_at)
        if week:
            card = embed("Your week 💞")
            for name, value in week[:FIELDS_LIMIT]:
                card.add_field(name=clip(name, 256), value=clip(value or "-", 1024), inline=False)
                if embed_size(card) > WEEK_CARD_CHARS:  # Discord allows 6,000 in a message
                    card.remove_field(-1)
                    break
            await where.send(embed=card, nonce=occurrence.nonce("w"))
        day = session_day(run, ritual)
        await where.send(
            embed=embeds.step_embed(couple, 0, [], day),
            view=self.step_view(run.id, 0),
            nonce=occurrence.nonce("0"),
        )
        return sent

    # -- answers ---------------------------------------------------------------------------------

    async def step(self, couple: Couple, run_id: int, step: int) -> dict[str, str]:
        """The step's title and prompt as this session asks it."""
        run, ritual = await self.rounds.run(couple, run_id, GONE)
        steps = embeds.session_steps(session_day(run, ritual))
        if not 0 <= step < len(steps):
            raise UserError(GONE)
        return steps[step]

    async def previous_answer(self, couple: Couple, run_id: int, step: int, user_id: int) -> str | None:
        """The partner's answer so far to an open step (None before they answered)."""
        run, _ = await self.rounds.run(couple, run_id, GONE)
        if run.completed_at is not None or run.step != step:
            raise UserError("This step is done: both of you answered it. Scroll down for the next one.")
        return next((a.answer for a in await self.repo.answers(run.id, step) if a.user_id == user_id), None)

    async def answer(self, couple: Couple, run_id: int, step: int, user_id: int, text: str) -> Answered:
        text = text.strip()
        if not text:
            raise UserError("Your answer was empty, so nothing was saved. Press **Answer** to try again.")
        return await self.rounds.save(
            couple,
            run_id,
            user_id,
            step,
            text[:ANSWER_LIMIT],
            gone=GONE,
            closed="This step was already completed, so your answer wasn't saved.",
        )

    async def close(
        self, couple: Couple, answered: Answered, step: int, channel_id: int | None, message_id: int | None
    ) -> None:
        last = len(embeds.session_steps()) - 1
        await self.rounds.close(
            couple, answered, step, last, self.what, channel_id=channel_id, message_id=message_id
        )

    # -- the reveal ------------------------------------------------------------------------------

    def closed_post(self, reveal: Reveal) -> discord.Embed:
        return embeds.step_embed(
            reveal.couple, reveal.step, reveal.answers, session_day(reveal.run, reveal.ritual)
        )

    async def reveal(self, reveal: Reveal) -> Sent:
        """Both answered a step: show both answers, then the next step (or the recap after the last)."""
        couple, run, step, where, occurrence = (
            reveal.couple,
            reveal.run,
            reveal.step,
            reveal.where,
            reveal.occurrence,
        )
        first: discord.Message | None = None
        for index, group in enumerate(pack([embeds.step_reveal(couple, step, reveal.answers)])):
            message = await where.send(embeds=group, nonce=occurrence.nonce(f"r{index}"))
            first = first or message
        if step < len(embeds.session_steps()) - 1:
            await where.send(
                embed=embeds.step_embed(couple, step + 1, [], session_day(run, reveal.ritual)),
                view=self.step_view(run.id, step + 1),
                nonce=occurrence.nonce("n"),
            )
        else:
            cards = embeds.recap_cards(couple, await self.repo.answers(run.id))
            for index, group in enumerate(pack(cards)):
                await where.send(embeds=group, nonce=occurrence.nonce(f"c{index}"))
        assert first is not None
        return Sent(first.id, first.channel.id)
