"""Gratitude: each partner shares three things; both lists show together once both have."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import discord

from bot.db.models import Couple
from bot.db.repositories.rituals import Ritual
from bot.errors import UserError
from bot.scheduler import Occurrence, Sent
from cogs.rituals import embeds
from cogs.rituals.rounds import Answered, Reveal, Rounds

GRATITUDE_LIMIT = 300
GONE = "This gratitude round no longer exists."

# The Share mine button: run_id -> the view under the round's post.
RoundView = Callable[[int], discord.ui.View]


class Gratitude:
    name = "gratitude"
    label = "Gratitude"
    what = "gratitude"  # the reveal's payload

    def __init__(self, rounds: Rounds, round_view: RoundView) -> None:
        self.rounds = rounds
        self.repo = rounds.repo
        self.round_view = round_view

    async def deliver(self, occurrence: Occurrence, ritual: Ritual) -> Sent | None:
        couple = occurrence.couple
        assert couple is not None
        run = await self.repo.start_run(ritual.id, occurrence.scheduled_at)
        sent = await occurrence.send_channel(
            content=embeds.mentions(couple),
            embed=embeds.gratitude_embed(couple, [], ritual.message),
            view=self.round_view(run.id),
        )
        await self.repo.set_run_posts(run.id, sent.message_id, None)
        return sent

    async def check_open(self, couple: Couple, run_id: int) -> None:
        """The round still takes lists (raises the reason when it does not)."""
        run, _ = await self.rounds.run(couple, run_id, GONE)
        if run.completed_at is not None:
            raise UserError("You've both shared already: the lists are just below.")

    async def share(self, couple: Couple, run_id: int, user_id: int, things: Sequence[str]) -> Answered:
        items = [" ".join(thing.split())[:GRATITUDE_LIMIT] for thing in things]
        if not all(items):
            raise UserError(
                "Share all three things, even small ones. Nothing was saved; press **Share mine** again."
            )
        return await self.rounds.save(
            couple,
            run_id,
            user_id,
            0,
            "\n".join(items),
            gone=GONE,
            closed="You've both shared already, so this round is closed.",
        )

    async def close(
        self, couple: Couple, answered: Answered, channel_id: int | None, message_id: int | None
    ) -> None:
        await self.rounds.close(
            couple, answered, 0, 0, self.what, channel_id=channel_id, message_id=message_id
        )

    # -- the reveal ------------------------------------------------------------------------------

    def closed_post(self, reveal: Reveal) -> discord.Embed:
        return embeds.gratitude_embed(reveal.couple, reveal.answers, reveal.ritual.message)

    async def reveal(self, reveal: Reveal) -> Sent:
        """Both shared: show both lists together."""
        card = embeds.gratitude_reveal(reveal.couple, reveal.answers)
        message = await reveal.where.send(embed=card, nonce=reveal.occurrence.nonce("g"))
        return Sent(message.id, message.channel.id)
