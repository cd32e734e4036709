"""Who may use what: only the two partners of a paired server."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import discord
from discord import app_commands

from bot.db.models import Couple, Partner
from bot.errors import NotAllowed

if TYPE_CHECKING:
    from bot.client import CloserBot

T = TypeVar("T")

IN_DM = "Closer's commands work in the server you share with your partner, not in DMs."
NO_COUPLE = "This server has no couple yet. One of you can start with `/couple setup` to invite the other."
NOT_PARTNER = "Only the two partners of this server can use Closer here."


def bot_of(interaction: discord.Interaction) -> CloserBot:
    return interaction.client  # type: ignore[return-value]


async def couple_for(interaction: discord.Interaction, *, guild_id: int | None = None) -> Couple:
    """The paired couple of the interaction's server, if the user is one of its partners.

    Raises :class:`NotAllowed` with what to do instead: in a DM, before pairing, for anyone else.
    """
    guild_id = guild_id or interaction.guild_id
    if guild_id is None:
        raise NotAllowed(IN_DM)
    couple = await bot_of(interaction).couples.get(guild_id)
    if couple is None:
        raise NotAllowed(NO_COUPLE)
    user_id = interaction.user.id
    if not couple.paired:
        if user_id == couple.invitee_id:
            raise NotAllowed(
                "You haven't accepted the invitation yet: press **Accept** on it in "
                f"<#{couple.channel_id}> first."
            )
        if user_id == couple.inviter_id:
            raise NotAllowed(
                f"Waiting for <@{couple.invitee_id}> to accept your invitation in <#{couple.channel_id}>."
            )
        raise NotAllowed(NOT_PARTNER)
    if not couple.is_partner(user_id):
        raise NotAllowed(NOT_PARTNER)
    return couple


def partner_only() -> Callable[[T], T]:
    """App command check: the invoker is a partner of this server's couple.

    The couple is kept in ``interaction.extras["couple"]`` for the command (see :func:`current`).
    """

    async def predicate(interaction: discord.Interaction) -> bool:
        interaction.extras["couple"] = await couple_for(interaction)
        return True

    return app_commands.check(predicate)


def in_server() -> Callable[[T], T]:
    """App command check: used in a server, not in a DM (before any option is read)."""

    async def predicate(interaction: discord.Interaction) -> bool:
        if interaction.guild_id is None:
            raise NotAllowed(IN_DM)
        return True

    return app_commands.check(predicate)


def current(interaction: discord.Interaction) -> tuple[Couple, Partner]:
    """The couple and the invoking partner, after :func:`partner_only` passed."""
    couple: Couple = interaction.extras["couple"]
    partner = couple.partner(interaction.user.id)
    assert partner is not None
    return couple, partner


def partner_of(couple: Couple, interaction: discord.Interaction) -> Partner:
    """The partner behind an interaction the couple's checks already let through."""
    partner = couple.partner(interaction.user.id)
    assert partner is not None
    return partner


def extras(interaction: discord.Interaction) -> dict[str, Any]:
    return interaction.extras
