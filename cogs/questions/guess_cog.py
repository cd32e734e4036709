"""The guessing game's handlers, a part of the question cog (:class:`~cogs.questions.cog.QuestionCog`
inherits them): opening the form from the post's Play button (or ``/question answer``), receiving
a play, and how often guess questions come (``/question categories guesses``)."""

from __future__ import annotations

import discord

from bot.checks import couple_for
from bot.db.models import Couple
from bot.db.question_models import QuestionDay
from bot.db.repositories.guesses import FREQUENCIES
from bot.db.repositories.questions import QuestionRepository
from bot.errors import UserError
from cogs.questions.guess import FREQUENCY_WORDS, guess_of, is_guess
from cogs.questions.guess_embeds import NOT_PLAYED, frequency_reply, played_reply
from cogs.questions.guess_views import GuessModal
from cogs.questions.service import QuestionService

GONE = (
    "This guessing game's question is no longer in Closer's bank, so it can't be played. "
    "`/question skip` swaps it for another."
)


class GuessHandlers:
    """The guessing game's interactions; the rules are the service's."""

    service: QuestionService
    repo: QuestionRepository

    async def open_play(self, interaction: discord.Interaction, couple: Couple, day: QuestionDay) -> None:
        """The form: the question, "My answer" and "My guess for bob" (filled with an earlier play)."""
        guess = guess_of(day.question_id)
        if guess is None:
            raise UserError(GONE)
        mine = await self.service.guesses.my_play(day.id, interaction.user.id)
        other = couple.other(interaction.user.id).display_name
        form = GuessModal(day, guess, other, mine.pick if mine else None, mine.guess if mine else None)
        await form.open(interaction)

    async def receive_play(
        self, interaction: discord.Interaction, day_id: int, pick: str | None, guess: str | None
    ) -> None:
        day = await self.repo.day(day_id)
        if day is None:
            raise UserError("This question no longer exists, so your play wasn't saved.")
        couple = await couple_for(interaction, guild_id=day.guild_id)
        partner = couple.partner(interaction.user.id)
        assert partner is not None
        question = guess_of(day.question_id) if is_guess(day.question_id) else None
        if question is None:
            raise UserError(GONE)
        other = couple.other(partner.user_id).display_name
        chosen = _option(pick, len(question.options), "My answer", "your own answer")
        guessed = _option(guess, len(question.options), f"My guess for {other}", f"what {other} picked")
        saved = await self.service.save_play(couple, partner, day, question.options, chosen, guessed)
        if saved.state in NOT_PLAYED:
            raise UserError(NOT_PLAYED[saved.state])
        reply = played_reply(saved, other, question.options, chosen, guessed)
        await interaction.response.send_message(reply, ephemeral=True)
        await self.service.after_answer(couple, day, saved)

    async def set_frequency(self, couple: Couple, user_id: int, frequency: str) -> str:
        if frequency not in FREQUENCIES:
            raise UserError(f"`guesses` takes one of: {', '.join(FREQUENCIES)}. Nothing was changed.")
        await self.service.guesses.set_frequency(
            couple.guild_id, frequency, by=user_id, now=self.service.clock.now()
        )
        return frequency_reply(frequency)

    async def frequency_words(self, couple: Couple) -> str:
        return FREQUENCY_WORDS[await self.service.guesses.frequency(couple.guild_id)]


def _option(value: str | None, count: int, field: str, what: str) -> int:
    """A chosen option's index, or a clear refusal naming the field; nothing is saved then."""
    if value is None or not value.isdigit() or not 0 <= int(value) < count:
        raise UserError(
            f"Choose {what} under **{field}** (one of the {count} options), then send the form again. "
            "Nothing was saved."
        )
    return int(value)
