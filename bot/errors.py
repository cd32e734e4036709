"""Domain errors and the one error boundary.

A :class:`UserError` carries the sentence the user should read; it becomes an ephemeral reply.
A 5xx from Discord is its trouble, not ours: the user is told to retry. Anything else is a bug: it is logged with its traceback and the user gets a short apology.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands

log = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. Nothing you wrote was lost; please try again in a moment."
DISCORD_TROUBLE = (
    "Discord had a problem on its side (HTTP {status}) while I was posting, so that didn't go through. "
    "Nothing you wrote was lost; please try again in a minute."
)


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


def user_message(error: BaseException) -> str | None:
    """The user-facing sentence for an error, or None when it is a bug."""
    error = unwrap(error)
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, app_commands.TransformerError):
        return f"`{str(error.value)[:80]}` is not a valid value for that option."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "Use Closer's commands in the server you share with your partner."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use that here."
    if isinstance(error, discord.DiscordServerError):
        return DISCORD_TROUBLE.format(status=error.status)
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
    message = user_message(error)
    if isinstance(unwrap(error), discord.DiscordServerError):
        log.warning("Discord failed while answering an interaction: %s", unwrap(error))
    if message is None:
        command = interaction.command.qualified_name if interaction.command else interaction.data
        log.error("Unhandled error in interaction %s", command, exc_info=error)
        message = APOLOGY
    await send_ephemeral(interaction, message)
