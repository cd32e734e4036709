"""The guessing game's form: the post's button (the daily question's own Answer button, labelled
"Play" on a guess day) opens one form with the question and two selects, "My answer" and "My
guess for bob". A form rather than selects on an ephemeral message: both choices arrive in one
submission (nothing half-played is ever stored), it survives restarts (:class:`PersistentModal`),
and Discord renders a select in a form with each option's full text (up to 100 characters; the
bank keeps them within 80, a button label's limit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, cast

import discord

from bot.checks import bot_of
from bot.db.question_models import QuestionDay
from bot.errors import UserError
from bot.ui.components import CustomId, PersistentModal
from bot.ui.embeds import clip
from cogs.questions.guess import LETTERS, GuessQuestion


class PlayHandlers(Protocol):
    async def receive_play(
        self, interaction: discord.Interaction, day_id: int, pick: str | None, guess: str | None
    ) -> None: ...


def select_values(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The values of each select in a submitted form, by custom_id."""
    found: dict[str, list[str]] = {}

    def walk(component: Mapping[str, Any]) -> None:
        if "custom_id" in component and isinstance(component.get("values"), list):
            found[component["custom_id"]] = [str(v) for v in component["values"]]
        for child in component.get("components", []) or []:
            walk(child)
        if isinstance(component.get("component"), dict):
            walk(component["component"])

    for component in data.get("components", []) or []:
        walk(component)
    return found


def _select(
    custom_id: str, placeholder: str, options: tuple[str, ...], chosen: int | None
) -> discord.ui.Select:
    return discord.ui.Select(
        custom_id=custom_id,
        placeholder=placeholder,
        min_values=1,
        max_values=1,
        options=[
            discord.SelectOption(label=clip(text, 100), value=str(i), emoji=LETTERS[i], default=i == chosen)
            for i, text in enumerate(options)
        ],
    )


class GuessModal(PersistentModal, custom_id=CustomId("closer:modal:guess:{day:int}")):
    def __init__(
        self,
        day: QuestionDay,
        guess: GuessQuestion,
        other: str,
        pick: int | None = None,
        guessed: int | None = None,
    ) -> None:
        super().__init__(
            title=clip(f"Day {day.day_number} · guess", 45), custom_id=self.spec.build(day=day.id)
        )
        self.add_item(discord.ui.TextDisplay(clip(f"**{day.question}**", 4000)))
        self.add_item(
            discord.ui.Label(
                text="My answer",
                description="What's true for you. Only you see it until you've both played.",
                component=_select("pick", "Pick your own answer", guess.options, pick),
            )
        )
        self.add_item(
            discord.ui.Label(
                text=clip(f"My guess for {other}", 45),
                description=clip(f"What do you think {other} picked?", 100),
                component=_select("guess", f"Guess {other}'s answer"[:150], guess.options, guessed),
            )
        )

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction, key: Mapping[str, Any], values: Mapping[str, str]
    ) -> None:
        chosen = select_values(cast(Mapping[str, Any], interaction.data or {}))
        pick = next(iter(chosen.get("pick", [])), None)
        guess = next(iter(chosen.get("guess", [])), None)
        cog = bot_of(interaction).get_cog("QuestionCog")
        if cog is None:
            raise UserError("The daily question isn't available right now. Please try again in a moment.")
        await cast(PlayHandlers, cog).receive_play(interaction, int(key["day"]), pick, guess)
