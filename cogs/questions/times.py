"""What the daily question's times look like to each partner: always in their own time, beside
the other's ("09:00 your time (18:00 for alice)"), with a warning when a time falls outside the
hours both are awake. Pure builders of text, no I/O."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot.db.models import Couple, Partner, Schedule
from bot.timeutil import discord_timestamp, format_clock, wall_to_utc, zone_info
from cogs.questions.rules import NUDGE_TIME, asleep_at, shared_hours

CHANGE_HINT = "Change it any time with `/question schedule time: 19:00` (your own time)."


def local(couple: Couple, partner: Partner, instant: datetime) -> str:
    return f"{instant.astimezone(couple.zone_of(partner, instant)):%H:%M}"


def for_both(couple: Couple, instant: datetime) -> str:
    """ "**18:00** for alice · **09:00** for bob": one instant in each partner's time."""
    return " · ".join(f"**{local(couple, p, instant)}** for {p.display_name}" for p in couple.partners)


def for_you(couple: Couple, partner: Partner, instant: datetime) -> str:
    """ "**09:00** your time (18:00 for alice)"."""
    other = couple.other(partner.user_id)
    return f"**{local(couple, partner, instant)}** your time ({local(couple, other, instant)} for {other.display_name})"


def next_instant(at: time, zone: ZoneInfo, now: datetime) -> datetime:
    return wall_to_utc(now.astimezone(zone).date(), at, zone)


def awake_warning(couple: Couple, partner: Partner, instant: datetime, now: datetime) -> str | None:
    """A warning when ``instant`` is inside a partner's quiet hours, naming their local time, and
    when both are awake instead (in ``partner``'s time); None when both are awake then."""
    asleep = asleep_at(couple, instant)
    if not asleep:
        return None
    who = [
        "your own quiet hours" if p.user_id == partner.user_id else f"{p.display_name}'s quiet hours"
        for p in asleep
    ]
    other = couple.other(partner.user_id)
    text = (
        f"⚠️ That's {local(couple, other, instant)} for {other.display_name}, inside {' and '.join(who)}. "
        "I'll still post it then."
    )
    windows = sorted(shared_hours(couple, now), key=lambda w: w.minutes, reverse=True)
    if windows:
        best = windows[0]
        text += (
            f" You're both awake from {local(couple, partner, best.start)} to "
            f"{local(couple, partner, best.end)} your time."
        )
    return text


def time_set_line(couple: Couple, partner: Partner, at: time, zone: ZoneInfo, now: datetime) -> str:
    """/question schedule time: the new time for both, and a warning outside the shared hours."""
    instant = next_instant(at, zone, now)
    other = couple.other(partner.user_id)
    text = (
        f"The daily question now comes at **{format_clock(at)}** your time (`{zone.key}`), "
        f"which is {local(couple, other, instant)} for {other.display_name}."
    )
    warning = awake_warning(couple, partner, instant, now)
    return f"{text}\n{warning}" if warning else text


def dm_set_text(partner: Partner, at: time | None) -> str:
    if at is None:
        return "You won't get the question by DM any more; it's still posted in your shared channel."
    text = (
        f"Each day at **{format_clock(at)}** your time I'll DM you the day's question, so you never "
        "have to wait for the other time zone."
    )
    if partner.quiet.contains(at):
        text += f" That's inside your quiet hours ({partner.quiet}), so it will wait until they end."
    return text


def schedule_summary(
    couple: Couple, partner: Partner, post: Schedule | None, dm: Schedule | None, now: datetime
) -> list[str]:
    """/question schedule without options: the question's time for you both, your DM copy."""
    lines = []
    if post is not None and post.local_time is not None and post.zone:
        instant = post.fire_at or next_instant(post.local_time, zone_info(post.zone), now)
        line = f"The daily question comes at {for_you(couple, partner, instant)}."
        if post.fire_at is not None:
            line += f" Next: {discord_timestamp(post.fire_at, 'F')}."
        lines.append(line)
    if dm is not None and dm.local_time is not None:
        lines.append(f"You also get it by DM at {format_clock(dm.local_time)} your time.")
    else:
        lines.append("You don't get it by DM. `dm_me: 07:30` (or `on`) sends it to you at your morning.")
    lines.append("Change the time with `/question schedule time: 20:00` (your own time).")
    return lines


def welcome_text(couple: Couple, post: Schedule, now: datetime) -> str:
    """The daily question's line in the welcome post after pairing: its time for each of you."""
    assert post.local_time is not None
    assert post.zone
    instant = post.fire_at or next_instant(post.local_time, zone_info(post.zone), now)
    unset = [p for p in couple.partners if p.home_zone is None]
    if unset:
        first = couple.first
        text = (
            f"**{local(couple, first, instant)}** for {first.display_name}, for now. Once "
            f"{unset[0].display_name} sets a time zone (`/couple timezone`), I'll move it to a time "
            "you're both awake."
        )
    else:
        text = f"{for_both(couple, instant)}."
        if not asleep_at(couple, instant):
            text += " A time you're both awake."
    return (
        f"{text} If you haven't answered by {format_clock(NUDGE_TIME)} your time, one gentle reminder "
        f"comes by DM. {CHANGE_HINT}"
    )
