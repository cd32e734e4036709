"""The daily question's buttons, selects and answer form: restart-proof (``DynamicItem`` and
:class:`PersistentModal`), each custom_id declared once. They hand the interaction to the cog.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, cast

import discord

from bot.checks import bot_of
from bot.db.question_models import QuestionDay
from bot.errors import UserError
from bot.ui.components import CustomId, PersistentModal, SafeCallback
from bot.ui.confirm import ConfirmButton
from bot.ui.embeds import clip
from cogs.questions.bank import ANSWER_LIMIT, CATEGORIES, CATEGORY_EMOJI, TIERS, cares, category_name
from cogs.questions.guess import is_guess

# The confirmations the two ways to skip answer (the cog's ``confirmations``).
NOT_TODAY = "question_later"
NEVER = "question_never"


class Handlers(Protocol):
    """What the buttons and the form call on the cog."""

    async def open_answer(self, interaction: discord.Interaction, day_id: int) -> None: ...

    async def ask_to_skip(self, interaction: discord.Interaction, day_id: int) -> None: ...

    async def receive_answer(self, interaction: discord.Interaction, day_id: int, raw: str) -> None: ...

    async def open_time_form(self, interaction: discord.Interaction) -> None: ...

    async def receive_time(self, interaction: discord.Interaction, raw: str) -> None: ...

    async def choose_draw(
        self,
        interaction: discord.Interaction,
        *,
        categories: Sequence[str] | None = None,
        tiers: Sequence[int] | None = None,
    ) -> None: ...


def cog_of(interaction: discord.Interaction) -> Handlers:
    # No isinstance check: an extension reload makes a new class, and buttons and modals
    # registered by the old module still route here.
    cog = bot_of(interaction).get_cog("QuestionCog")
    if cog is None:
        raise UserError("The daily question isn't available right now. Please try again in a moment.")
    return cast(Handlers, cog)


class AnswerButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:question:answer:{day:int}"),
):
    """Answer (on a guess day "Play": the same button opens the guessing game's form)."""

    def __init__(self, day_id: int, *, play: bool = False) -> None:
        self.day_id = day_id
        super().__init__(
            discord.ui.Button(
                label="Play" if play else "Answer",
                emoji="🎯" if play else "✍️",
                style=discord.ButtonStyle.primary,
                custom_id=self.spec.build(day=day_id),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).open_answer(interaction, self.day_id)


class SkipButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId("closer:question:skip:{day:int}"),
):
    def __init__(self, day_id: int) -> None:
        self.day_id = day_id
        super().__init__(
            discord.ui.Button(
                label="Skip",
                emoji="⏭️",
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(day=day_id),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).ask_to_skip(interaction, self.day_id)


def skip_view(day: QuestionDay, user_id: int) -> discord.ui.View:
    """The two ways to skip, and keeping the question (only the partner who asked can press them)."""
    view = discord.ui.View(timeout=None)
    arg = str(day.id)
    view.add_item(ConfirmButton(NOT_TODAY, user_id, arg, "yes", "Not today", discord.ButtonStyle.primary))
    view.add_item(ConfirmButton(NEVER, user_id, arg, "yes", "Never ask this", discord.ButtonStyle.danger))
    view.add_item(ConfirmButton(NOT_TODAY, user_id, arg, "no", "Keep it", discord.ButtonStyle.secondary))
    return view


def post_view(day: QuestionDay) -> discord.ui.View | None:
    """Answer and Skip while the question is open; nothing once it is revealed, skipped or closed."""
    if not day.open:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(day.id, play=is_guess(day.question_id)))
    view.add_item(SkipButton(day.id))
    return view


def dm_view(day: QuestionDay) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(day.id, play=is_guess(day.question_id)))
    return view


class AnswerModal(PersistentModal, custom_id=CustomId("closer:modal:question:{day:int}")):
    def __init__(self, day: QuestionDay, previous: str | None) -> None:
        super().__init__(
            title=clip(f"Day {day.day_number} · your answer", 45),
            custom_id=self.spec.build(day=day.id),
        )
        self.add_item(discord.ui.TextDisplay(clip(f"**{day.question}**", 4000)))
        private = "Only you see it until you've both answered."
        self.add_item(
            discord.ui.Label(
                text="Your answer",
                description=f"Share only what you want. {private}"
                if cares(day.question_id)
                else f"Up to 1,500 characters. {private}",
                component=discord.ui.TextInput(
                    style=discord.TextStyle.paragraph,
                    custom_id="answer",
                    max_length=ANSWER_LIMIT,
                    default=previous,
                ),
            )
        )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        await cog_of(interaction).receive_answer(interaction, int(key["day"]), values.get("answer", ""))


class QuestionTimeButton(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Button], custom_id=CustomId("closer:question:time")
):
    """ "Change the time": opens a form for the daily question's time, in the presser's zone."""

    def __init__(self) -> None:
        super().__init__(
            discord.ui.Button(
                label="Change the question's time",
                emoji="🕰️",
                style=discord.ButtonStyle.secondary,
                custom_id=self.spec.build(),
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).open_time_form(interaction)


class TimeModal(
    PersistentModal, title="The daily question's time", custom_id=CustomId("closer:modal:question-time")
):
    when: discord.ui.TextInput[TimeModal] = discord.ui.TextInput(
        label="Time, in your own time zone",
        placeholder="18:00",
        custom_id="time",
        max_length=10,
    )

    def __init__(self) -> None:
        super().__init__(custom_id=self.spec.build())

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        await cog_of(interaction).receive_time(interaction, values.get("time", ""))


class CategorySelect(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Select], custom_id=CustomId("closer:question:categories")
):
    def __init__(self, enabled: frozenset[str] = frozenset(), counts: dict[str, str] | None = None) -> None:
        counts = counts or {}
        options = [
            discord.SelectOption(
                label=category_name(key),
                value=key,
                emoji=CATEGORY_EMOJI[key],
                description=counts.get(key),
                default=key in enabled,
            )
            for key in CATEGORIES
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=self.spec.build(),
                placeholder="Categories to draw from",
                min_values=1,
                max_values=len(options),
                options=options,
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).choose_draw(interaction, categories=self.item.values)


class TierSelect(
    SafeCallback, discord.ui.DynamicItem[discord.ui.Select], custom_id=CustomId("closer:question:tiers")
):
    def __init__(self, enabled: frozenset[int] = frozenset()) -> None:
        about = {1: "easy, playful questions", 2: "about you and your life", 3: "the big, tender ones"}
        options = [
            discord.SelectOption(
                label=f"{name.capitalize()} questions",
                value=str(tier),
                description=about[tier],
                default=tier in enabled,
            )
            for tier, name in TIERS.items()
        ]
        super().__init__(
            discord.ui.Select(
                custom_id=self.spec.build(),
                placeholder="Depths to draw from",
                min_values=1,
                max_values=len(options),
                options=options,
            )
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        await cog_of(interaction).choose_draw(interaction, tiers=[int(v) for v in self.item.values])
