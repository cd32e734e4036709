"""What the daily question draws from: the couple's own questions, and the categories and depths
they turn on (with how many unasked questions each has left)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.clock import Clock
from bot.db.models import Couple, Partner
from bot.db.question_models import QuestionSettings
from bot.db.repositories.questions import QuestionRepository
from bot.errors import UserError
from cogs.questions.bank import CATEGORIES, OWN_MIN, TIERS, bank, normalised
from cogs.questions.rules import Remaining, left_in_round, remaining_by_category

MAX_OWN = 500


class QuestionPool:
    """The couple's pool of questions: their own, and what is drawn."""

    def __init__(self, repo: QuestionRepository, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock

    async def add_own(self, couple: Couple, partner: Partner, text: str, category: str) -> tuple[str, bool]:
        """Add a question of the couple's own; returns it cleaned, and whether its category is drawn."""
        cleaned = " ".join(text.split())
        if len(cleaned) < OWN_MIN:
            raise UserError(f"That's a bit short for a question: write at least {OWN_MIN} characters.")
        own = await self.repo.own_questions(couple.guild_id)
        if len(own) >= MAX_OWN:
            raise UserError(
                f"You have {MAX_OWN} questions of your own already, which is as many as Closer keeps."
            )
        key = normalised(cleaned)
        if any(normalised(q.text) == key for q in bank()) or any(normalised(q.text) == key for q in own):
            raise UserError("That question is in your bank already, so it wasn't added twice.")
        await self.repo.add_own(couple.guild_id, cleaned, category, partner.user_id, self.clock.now())
        settings = await self.repo.settings(couple.guild_id)
        return cleaned, category in settings.categories

    async def draw(self, couple: Couple) -> tuple[QuestionSettings, dict[str, Remaining], int]:
        """What is drawn, the unasked questions left per category, and how many to go in this round."""
        settings = await self.repo.settings(couple.guild_id)
        history = await self.repo.history(couple.guild_id)
        remaining = remaining_by_category(bank(), history, settings.tiers)
        return settings, remaining, left_in_round(bank(), history, settings.categories, settings.tiers)

    async def set_draw(
        self, couple: Couple, by: int, categories: Sequence[str] | None, tiers: Sequence[int] | None
    ) -> None:
        """Change the categories and/or depths drawn (keeping at least one of each)."""
        chosen_cats = [c for c in categories if c in CATEGORIES] if categories is not None else None
        chosen_tiers = [t for t in tiers if t in TIERS] if tiers is not None else None
        if chosen_cats is not None and not chosen_cats:
            raise UserError("Keep at least one category.")
        if chosen_tiers is not None and not chosen_tiers:
            raise UserError("Keep at least one depth.")
        await self.repo.set_settings(
            couple.guild_id, categories=chosen_cats, tiers=chosen_tiers, by=by, now=self.clock.now()
        )
