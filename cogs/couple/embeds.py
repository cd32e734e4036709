"""Pure builders of /couple's posts: the invitation, pairing, zone and quiet-hours replies.

The status card is in :mod:`cogs.couple.status`, the welcome after pairing in :mod:`cogs.couple.welcome`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.db.models import Couple, Partner
from bot.timeutil import QuietHours, format_clock
from bot.ui.embeds import embed

# -- pairing --------------------------------------------------------------------------------------


def invitation_embed(
    inviter: discord.abc.User, zone: ZoneInfo, channel: discord.TextChannel, now: datetime
) -> discord.Embed:
    invitation = embed(
        "An invitation to pair 💌",
        f"{inviter.mention} would like to share Closer with you: a daily question you both answer "
        "(revealed when you both have), a gentle check-in each evening, a shared memory book, "
        "rituals and call reminders, each in your own time zone.\n\n"
        "Press **Accept** to pair (then set your time zone), or **Decline**.",
    )
    invitation.add_field(
        name=f"{inviter.display_name}'s time",
        value=f"`{zone.key}`, now {now.astimezone(zone):%H:%M}",
    )
    invitation.add_field(name="Channel", value=channel.mention)
    return invitation


def declined_embed(invitee_id: int) -> discord.Embed:
    return embed("Invitation declined", f"<@{invitee_id}> declined the invitation.")


def paired_embed(couple: Couple, name: str) -> discord.Embed:
    return embed(
        "You're paired 💞",
        f"{couple.first.display_name} and {name} share this space now. "
        f"Closer will post here in <#{couple.channel_id}>. Try `/help` to see what it can do.",
    )


def welcome_text(couple: Couple) -> str:
    first = couple.first
    return (
        f"Welcome! Until you set your own time zone, Closer uses {first.display_name}'s "
        f"(`{first.home_zone}`). Set yours with `/couple timezone` or the button below; then Closer "
        "posts a welcome for you both with what comes when, in each of your times."
    )


# -- zones ----------------------------------------------------------------------------------------


def zone_set_text(partner: Partner, zone: ZoneInfo, now: datetime) -> str:
    message = f"Your time zone is now `{zone.key}`: it's {now.astimezone(zone):%H:%M} there."
    if partner.traveling(now):
        message += f" You're traveling, so Closer keeps using `{partner.travel_zone}` until your trip ends."
    return message


# -- quiet hours ----------------------------------------------------------------------------------


def quiet_set_text(hours: QuietHours) -> str:
    if hours.start == hours.end:
        return "Quiet hours are off: personal messages can reach you at any time."
    return (
        f"Quiet hours set to {hours} your time. Personal messages that would land then wait until "
        f"{format_clock(hours.end)}, and Closer plans its posts in your shared channel around them."
    )
