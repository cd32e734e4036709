"""Domain errors and the one error boundary.

A :class:`UserError` carries the sentence the user should read; it becomes an ephemeral reply.
An option Discord's client let through but Closer can't read names the option and shows an
example. A 5xx from Discord is its trouble, not ours: the user is told Discord is having trouble
(never a status code). Anything else is a bug: it is logged with its traceback and the user gets
a short apology.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. Nothing you wrote was lost; please try again in a moment."
DISCORD_TROUBLE = (
    "Discord is having trouble right now, so that didn't go through. "
    "Nothing you wrote was lost; please try again in a minute."
)

# What an option of each Discord type wants, for options without a transformer of Closer's own.
_OPTION_HINTS: dict[discord.AppCommandOptionType, str] = {
    discord.AppCommandOptionType.integer: "a whole number, like `3`",
    discord.AppCommandOptionType.number: "a number, like `2.5`",
    discord.AppCommandOptionType.boolean: "`True` or `False`",
    discord.AppCommandOptionType.user: "someone picked from the list",
    discord.AppCommandOptionType.channel: "a channel picked from the list",
    discord.AppCommandOptionType.role: "a role picked from the list",
    discord.AppCommandOptionType.mentionable: "someone picked from the list",
}


class UserError(Exception):
    """Something the user can fix; ``message`` tells them how."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(UserError, app_commands.CheckFailure):
    """A check refused the interaction (not a partner, not paired, used in a DM)."""


def unwrap(error: BaseException) -> BaseException:
    """The error behind discord.py's wrappers (invoke and transformer errors)."""
    while True:
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        elif isinstance(error, app_commands.TransformerError) and error.__cause__ is not None:
            error = error.__cause__
        else:
            return error


def transformer_error(error: BaseException) -> app_commands.TransformerError | None:
    """The option Closer couldn't read, behind discord.py's wrappers (None for other errors)."""
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error if isinstance(error, app_commands.TransformerError) else None


def option_named(options: Iterable[Mapping[str, Any]] | None, value: Any) -> str | None:
    """The name of the option whose value is ``value`` in an interaction's (nested) options."""
    for option in options or ():
        if "value" in option and str(option["value"]) == str(value):
            return str(option.get("name"))
        found = option_named(option.get("options"), value)
        if found is not None:
            return found
    return None


def option_message(error: app_commands.TransformerError, option: str | None) -> str:
    """``x`` is not a time I understand for ``time``: try ``20:30``: the option and an example."""
    shown = " ".join(str(error.value).split())[:60]
    name = f"`{option}`" if option else "that option"
    transformer = error.transformer
    what = getattr(transformer, "what", None)
    example = getattr(transformer, "example", None)
    suggestions = list(getattr(error.__cause__, "suggestions", None) or [])
    if what and example:
        if suggestions:
            return (
                f"`{shown}` is not {what} I know for {name}: did you mean "
                + ", ".join(f"`{s}`" for s in suggestions[:3])
                + f"? Type a city like `{example}` and pick one of the suggestions."
            )
        return f"`{shown}` is not {what} I understand for {name}: try `{example}`."
    cause = error.__cause__
    if isinstance(cause, UserError):
        return f"{name[:1].upper()}{name[1:]}: {cause.message}" if option else cause.message
    hint = _OPTION_HINTS.get(error.type, "one of the suggestions")
    return f"`{shown}` isn't something I can use for {name}: use {hint}."


def user_message(error: BaseException, interaction: discord.Interaction | None = None) -> str | None:
    """The user-facing sentence for an error, or None when it is a bug."""
    bad_option = transformer_error(error)
    if bad_option is not None:
        data: Mapping[str, Any] = (interaction.data if interaction is not None else None) or {}
        return option_message(bad_option, option_named(data.get("options"), bad_option.value))
    error = unwrap(error)
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "Use Closer's commands in the server you share with your partner."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    if isinstance(error, discord.DiscordServerError):
        return DISCORD_TROUBLE
    return None


async def send_ephemeral(interaction: discord.Interaction, message: str) -> None:
    """Reply ephemerally whether or not the interaction was already answered."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not tell the user about an error", exc_info=True)


async def report(interaction: discord.Interaction, error: BaseException) -> None:
    """The error boundary: a clear ephemeral sentence, or a logged bug and an apology."""
    message = user_message(error, interaction)
    if isinstance(unwrap(error), discord.DiscordServerError):
        log.warning("Discord failed while answering an interaction: %s", unwrap(error))
    if message is None:
        command = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("Unhandled error in interaction %s", command, exc_info=error)
        message = APOLOGY
    await send_ephemeral(interaction, message)
