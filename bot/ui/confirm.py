"""Confirmation before destructive actions: Confirm / Cancel buttons only the requester can press.

Cogs register a handler under an action name (``bot.confirmations[name] = handler``); the
buttons carry the action, the requester and one short argument in their ``custom_id``, so a
confirmation still works after a restart.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import discord

from bot.errors import UserError
from bot.ui.components import SafeCallback

# handler(interaction, arg) -> the sentence that replaces the confirmation message
ConfirmHandler = Callable[[discord.Interaction, str], Awaitable[str]]

_ARG = re.compile(r"^[\w.-]{0,40}$")


class ConfirmButton(
    SafeCallback,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"closer:confirm:(?P<action>[a-z_]{1,24}):(?P<user_id>\d+):(?P<arg>[\w.-]{0,40}):(?P<answer>yes|no)",
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
        if not _ARG.match(arg):
            raise ValueError(f"confirmation argument {arg!r} does not fit a custom_id")
        self.action, self.user_id, self.arg, self.answer = action, user_id, arg, answer
        super().__init__(
            discord.ui.Button(
                label=label or ("Confirm" if answer == "yes" else "Cancel"),
                style=style,
                custom_id=f"closer:confirm:{action}:{user_id}:{arg}:{answer}",
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> ConfirmButton:
        return cls(
            match["action"], int(match["user_id"]), match["arg"], match["answer"], item.label, item.style
        )

    async def handle(self, interaction: discord.Interaction) -> None:
        if interaction.user.id != self.user_id:
            raise UserError("Only the person who asked for this can confirm or cancel it.")
        if self.answer == "no":
            await interaction.response.edit_message(
                content="Cancelled. Nothing was changed.", embed=None, view=None
            )
            return
        handlers: dict[str, ConfirmHandler] = interaction.client.confirmations  # type: ignore[attr-defined]
        handler = handlers.get(self.action)
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
