"""Confirmation before destructive actions: Confirm / Cancel buttons only the requester can press.

Features list a handler under an action name in their contribution (``confirmations=``); the
buttons carry the action, the requester and one short argument in their ``custom_id``, so a
confirmation still works after a restart.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.errors import UserError
from bot.ui.components import CustomId, SafeCallback
from bot.ui.types import ConfirmHandler, handlers_of

__all__ = ["ConfirmButton", "ConfirmHandler", "confirm_view"]


class ConfirmButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    custom_id=CustomId(
        "closer:confirm:{action}:{user_id:int}:{arg}:{answer}",
        action=r"[a-z_]{1,24}",
        arg=r"[\w.-]{0,40}",
        answer="yes|no",
    ),
):
    def __init__(
        self,
        action: str,
        user_id: int,
        arg: str,
        answer: str,
        label: str | None = None,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        self.action, self.user_id, self.arg, self.answer = action, user_id, arg, answer
        super().__init__(
            discord.ui.Button(
                label=label or ("Confirm" if answer == "yes" else "Cancel"),
                style=style,
                custom_id=self.spec.build(action=action, user_id=user_id, arg=arg, answer=answer),
            )
        )

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: Any, match: re.Match[str]) -> Self:
        return cls(**cls.spec.parse(match), label=item.label, style=item.style)

    async def handle(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            raise UserError("Only the person who asked for this can confirm or cancel it.")
        if self.answer == "no":
            await interaction.response.edit_message(
                content="Cancelled. Nothing was changed.", embed=None, view=None
            )
            return
        handler = handlers_of(interaction.client).confirmations.get(self.action)
        if handler is None:
            raise UserError("This confirmation has expired. Please run the command again.")
        await interaction.response.defer()
        try:
            result = await handler(interaction, self.arg)
        except UserError as error:
            await interaction.edit_original_response(content=error.message, embed=None, view=None)
            return
        await interaction.edit_original_response(content=result, embed=None, view=None)


def confirm_view(
    action: str, user_id: int, arg: str = "", *, confirm_label: str = "Confirm", danger: bool = True
) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    style = discord.ButtonStyle.danger if danger else discord.ButtonStyle.primary
    view.add_item(ConfirmButton(action, user_id, arg, "yes", confirm_label, style))
    view.add_item(ConfirmButton(action, user_id, arg, "no", "Cancel", discord.ButtonStyle.secondary))
    return view
