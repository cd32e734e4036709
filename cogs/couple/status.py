"""/couple status as a short summary for the partner who asks, in plain words (pure builders).

Both local times, when both are awake (with the day each stretch belongs to), what's coming (only
what will really be posted), other features' lines, and what Closer sent lately: shared posts and
the asking partner's own messages only, each with its outcome said plainly ("sent", "sent late",
"missed while Closer was offline", "couldn't be posted: ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.db.models import Couple, Delivery, Partner, Schedule
from bot.planning import zone_city
from bot.timeutil import shared_awake_windows
from bot.ui.embeds import clip, embed
from bot.zones import utc_offset_label

# Ledger labels written before labels were plain: "On this day (#1)", "Video call #3", ...
_LEGACY_ID = re.compile(r"\s*\(#\d+\)|\s*#\d+\b")
_LEGACY_REVEAL = re.compile(r"Reveal of step (\d+) of ritual run \d+")

# Reasons in the ledger (bot.scheduler.delivery.describe and the engine) as a partner reads them.
_REASONS = (
    ("missing access", "Closer isn't allowed to post in your shared channel"),
    ("missing permissions", "Closer is missing a permission in your shared channel"),
    ("channel deleted", "your shared channel was deleted"),
    ("channel unavailable", "Closer couldn't reach your shared channel"),
    ("dms closed", "direct messages from Closer are turned off"),
    ("dm refused", "direct messages from Closer are turned off"),
    ("unknown user", "that person isn't on Discord any more"),
    ("stopped while sending", "Closer stopped while sending it, so it may not have arrived"),
    ("not available in this version", "it isn't part of this version of Closer"),
    ("not in this server", "Closer wasn't in your server then"),
)


def plain_label(label: str) -> str:
    """A ledger label without the ids older versions put in it."""
    label = _LEGACY_REVEAL.sub(r"Both answers to step \1", label)
    return _LEGACY_ID.sub("", label).strip() or label


def plain_reason(detail: str | None) -> str:
    text = (detail or "").lower()
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    return "Discord didn't accept it"


def outcome(delivery: Delivery) -> str | None:
    """What happened to a delivery, in plain words; None for nothing worth telling."""
    detail = (delivery.detail or "").lower()
    if delivery.status == "sent":
        if "posted in the shared channel" in detail:
            return "sent in your shared channel (direct messages from Closer are turned off)"
        if "sent by dm" in detail:
            return "sent to you both by direct message (Closer couldn't reach your shared channel)"
        return "sent"
    if delivery.status == "late":
        return "sent late (Closer was offline when it was due)"
    if delivery.status == "missed":
        if "not in this server" in detail:
            return "missed (Closer wasn't in your server then)"
        return "missed while Closer was offline"
    if delivery.status == "skipped":
        if "enough messages" in detail:
            return "not sent: that day already had enough messages from Closer"
        if "quiet hours" in detail:
            return "not sent: it would only have arrived after its time, because of quiet hours"
        if "weekly session" in detail:
            return "in the weekly check-in's thread, at its top"
        return None  # nothing to post that time: nothing to tell
    if delivery.status == "retry":
        if "better moment" in detail:
            return "waiting for a better moment to reach you"
        return "not sent yet: Discord is having trouble, Closer will try again soon"
    if delivery.status == "failed":
        return f"couldn't be posted: {plain_reason(delivery.detail)}"
    return None


def visible_to(schedule: Schedule | None, viewer: int) -> bool:
    """Shared posts, and the viewer's own personal messages: never the other partner's."""
    if schedule is None:
        return False
    return not schedule.personal or schedule.owner_id == viewer


def day_word(day: date, today: date) -> str:
    if day == today:
        return "today"
    if day == today + timedelta(days=1):
        return "tomorrow"
    if day == today - timedelta(days=1):
        return "yesterday"
    return f"{day:%a %d %b}"


def _same_day(a: datetime, b: datetime) -> bool:
    """Whether a stretch from ``a`` to ``b`` (local) stays within one day (ending at midnight counts)."""
    return a.date() == b.date() or (b.time() == time(0) and b.date() == a.date() + timedelta(days=1))


def span(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """ "Tue 08:00-14:00", or "Tue 20:00-Wed 02:00" across midnight."""
    a, b = start.astimezone(zone), end.astimezone(zone)
    if _same_day(a, b):
        return f"{a:%a %H:%M}-{b:%H:%M}"
    return f"{a:%a %H:%M}-{b:%a %H:%M}"


def viewer_span(start: datetime, end: datetime, zone: ZoneInfo, today: date) -> str:
    """ "Today 17:00-23:00", "Tomorrow 22:00 to Thu 01:00": a stretch in the viewer's own days."""
    a, b = start.astimezone(zone), end.astimezone(zone)
    first = day_word(a.date(), today).capitalize()
    if _same_day(a, b):
        return f"{first} {a:%H:%M}-{b:%H:%M}"
    return f"{first} {a:%H:%M} to {day_word(b.date(), today)} {b:%H:%M}"


def awake_lines(couple: Couple, viewer: Partner, now: datetime) -> list[str]:
    """The stretches of the next 24 hours when both are awake, with the days they belong to."""
    windows = [w for w in shared_awake_windows(couple.people(now), now, hours=24) if w.minutes >= 15]
    if not windows:
        return ["Not in the next 24 hours: your quiet hours cover each other's days."]
    mine = couple.zone_of(viewer, now)
    today = now.astimezone(mine).date()
    lines = []
    for window in windows[:3]:
        others = [
            f"{span(window.start, window.end, couple.zone_of(p, now))} for {p.display_name}"
            for p in couple.partners
            if p.user_id != viewer.user_id
        ]
        line = f"{viewer_span(window.start, window.end, mine, today)} your time"
        lines.append(f"{line} ({', '.join(others)})" if others else line)
    return lines


def when_line(couple: Couple, viewer: Partner, instant: datetime) -> str:
    """ "Wed 09:00 your time (Wed 00:00 for bob)"."""
    mine = instant.astimezone(couple.zone_of(viewer, instant))
    others = ", ".join(
        f"{instant.astimezone(couple.zone_of(p, instant)):%a %H:%M} for {p.display_name}"
        for p in couple.partners
        if p.user_id != viewer.user_id
    )
    return f"{mine:%a %H:%M} your time ({others})" if others else f"{mine:%a %H:%M} your time"


def now_line(couple: Couple, viewer: Partner, now: datetime) -> str:
    parts = []
    for partner in sorted(couple.partners, key=lambda p: p.user_id != viewer.user_id):
        zone = couple.zone_of(partner, now)
        local = now.astimezone(zone)
        who = "you" if partner.user_id == viewer.user_id else partner.display_name
        text = f"**{local:%H:%M}** {local:%a} for {who} (`{zone.key}`, {utc_offset_label(zone, now)})"
        if partner.home_zone is None:
            text += f", living by {couple.first.display_name}'s zone until a zone is set"
        if partner.traveling(now) and partner.travel_until is not None:
            text += (
                f", traveling until {partner.travel_until.astimezone(zone):%a %d %b} "
                f"(home: {zone_city(partner.home_zone or couple.first.home_zone or 'UTC')})"
            )
        parts.append(text)
    return "It's " + " and ".join(parts) + "."


def recent_line(couple: Couple, viewer: Partner, delivery: Delivery, said: str) -> str:
    local = delivery.scheduled_at.astimezone(couple.zone_of(viewer, delivery.scheduled_at))
    return clip(f"• {plain_label(delivery.label)}, {local:%a %H:%M}: {said}", 200)


def status_embed(
    couple: Couple,
    viewer: Partner,
    now: datetime,
    coming: Sequence[tuple[str, datetime]],
    sections: Sequence[tuple[str, str]],
    recent: Sequence[tuple[Delivery, str]],
) -> discord.Embed:
    card = embed("Closer, for the two of you", now_line(couple, viewer, now))
    card.add_field(
        name="Both awake", value=clip("\n".join(awake_lines(couple, viewer, now)), 1024), inline=False
    )
    if coming:
        card.add_field(
            name="Coming up",
            value=clip(
                "\n".join(f"• {label}: {when_line(couple, viewer, at)}" for label, at in coming), 1024
            ),
            inline=False,
        )
    for name, value in sections:
        card.add_field(name=clip(name, 256), value=clip(value or "-", 1024), inline=False)
    quiet = " · ".join(
        f"{'you' if p.user_id == viewer.user_id else p.display_name} {p.quiet}"
        for p in sorted(couple.partners, key=lambda p: p.user_id != viewer.user_id)
    )
    card.add_field(name="Quiet hours", value=quiet, inline=False)
    if recent:
        card.add_field(
            name="Lately",
            value=clip("\n".join(recent_line(couple, viewer, d, said) for d, said in recent), 1024),
            inline=False,
        )
    card.add_field(name="Your channel", value=f"<#{couple.channel_id}>", inline=False)
    card.set_footer(text="Change things with /couple timezone, /couple quiet or /couple travel.")
    return card
