"""Pure builders of /couple's posts: the invitation, pairing, zone replies and the status card."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import discord

from bot.db.models import Couple, Delivery, Partner, Schedule
from bot.timeutil import discord_timestamp, shared_awake_windows
from bot.ui.embeds import clip, embed
from bot.zones import utc_offset_label

LEDGER_ICONS = {"sent": "✅", "late": "⏰", "missed": "✖️", "failed": "⚠️", "skipped": "➖", "retry": "🔁"}


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
        f"(`{first.home_zone}`). Set yours with `/couple timezone` or the button below."
    )


# -- zones ----------------------------------------------------------------------------------------


def zone_set_text(partner: Partner, zone: ZoneInfo, now: datetime) -> str:
    message = f"Your time zone is now `{zone.key}`: it's {now.astimezone(zone):%H:%M} there."
    if partner.traveling(now):
        message += f" You're traveling, so Closer keeps using `{partner.travel_zone}` until your trip ends."
    return message


# -- status ---------------------------------------------------------------------------------------


def local_time_line(couple: Couple, partner: Partner, now: datetime) -> str:
    zone = couple.zone_of(partner, now)
    local = now.astimezone(zone)
    line = f"**{local:%H:%M}** {local:%a %d %b} · `{zone.key}` ({utc_offset_label(zone, now)})"
    if partner.home_zone is None:
        line += " · zone not set yet"
    if partner.traveling(now) and partner.travel_until is not None:
        line += f"\n✈️ traveling until {discord_timestamp(partner.travel_until, 'D')} (home: `{partner.home_zone}`)"
    return line


def shared_hours_lines(couple: Couple, now: datetime) -> list[str]:
    """The next 24 hours when both are awake, in each partner's local time."""
    windows = [w for w in shared_awake_windows(couple.people(now), now, hours=24) if w.minutes >= 15]
    if not windows:
        return ["None in the next 24 hours: your quiet hours cover each other's days."]
    lines = []
    for window in windows[:4]:
        parts = []
        for partner in couple.partners:
            zone = couple.zone_of(partner, now)
            start, end = window.start.astimezone(zone), window.end.astimezone(zone)
            parts.append(f"{partner.display_name} {start:%H:%M}-{end:%H:%M}")
        hours, minutes = divmod(window.minutes, 60)
        lines.append(f"{' · '.join(parts)} ({hours}h{minutes:02d})")
    return lines


def ledger_line(delivery: Delivery) -> str:
    """One line of the visible ledger: what was sent, late, missed or failed, and why."""
    line = (
        f"{LEDGER_ICONS.get(delivery.status, '•')} {delivery.label} "
        f"(due {discord_timestamp(delivery.scheduled_at, 'f')}): {delivery.status}"
    )
    if delivery.detail:
        line += f" ({delivery.detail})"
    return clip(line, 200)


def status_embed(
    couple: Couple,
    now: datetime,
    upcoming: Sequence[Schedule],
    sections: Sequence[tuple[str, str]],
    recent: Sequence[Delivery],
) -> discord.Embed:
    card = embed("Closer status", f"Your shared channel is <#{couple.channel_id}>.")
    for partner in couple.partners:
        card.add_field(
            name=f"{partner.display_name}",
            value=local_time_line(couple, partner, now) + f"\nQuiet hours {partner.quiet}",
            inline=False,
        )
    card.add_field(
        name="Shared awake hours (next 24h)",
        value="\n".join(shared_hours_lines(couple, now)),
        inline=False,
    )
    if upcoming:
        card.add_field(
            name="Coming up",
            value=clip(
                "\n".join(
                    f"{s.label} {discord_timestamp(s.fire_at, 'f')} ({discord_timestamp(s.fire_at, 'R')})"
                    for s in upcoming
                    if s.fire_at is not None
                ),
                1024,
            ),
            inline=False,
        )
    for name, value in sections:
        card.add_field(name=name, value=value, inline=False)
    if recent:
        card.add_field(
            name="Recent deliveries",
            value=clip("\n".join(ledger_line(d) for d in recent), 1024),
            inline=False,
        )
    card.set_footer(text="Times are shown in each partner's own zone.")
    return card
