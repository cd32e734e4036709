"""What gestures say: the DM the partner gets, and the sender's reply. Pure (no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.db.models import Couple, Partner
from bot.ui.embeds import embed
from cogs.gestures.rules import KINDS


def gesture_card(lines: Sequence[str]) -> discord.Embed:
    card = embed(description="\n".join(lines))
    card.set_footer(text="A little gesture through Closer. Send one back with a tap, or /nudge.")
    return card


def _local(couple: Couple, partner: Partner, instant: datetime) -> str:
    return f"{instant.astimezone(couple.zone_of(partner, instant)):%H:%M}"


def sent_text(
    couple: Couple, sender: Partner, kind: str, at: datetime | None, *, quiet: bool, now: datetime
) -> str:
    """The sender's reply: it went, or when it will (both local times), merged with others."""
    other = couple.other(sender.user_id)
    name, emoji = other.display_name, KINDS[kind].emoji
    if at is None or at <= now:
        return f"Sent {emoji} {name} has it now."
    both = f"{_local(couple, other, at)} for them, {_local(couple, sender, at)} your time"
    if quiet:
        return (
            f"Sent {emoji} It's {_local(couple, other, now)} for {name}, inside their quiet hours: "
            f"{name} will see it when their quiet hours end ({both}), with anything else you send until then."
        )
    return (
        f"Sent {emoji} {name} will see it at {both}, together with any other gestures you send until "
        "then: Closer gathers them so they never flood their messages."
    )
