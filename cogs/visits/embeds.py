"""How the visit countdown reads (pure text, no I/O)."""

from __future__ import annotations

from bot.db.models import Couple, Partner
from bot.db.repositories.visits import Visit
from bot.planning import countdown_phrase, ts, zone_city
from bot.timeutil import zone_info
from cogs.visits.rules import COUNTDOWN_DAYS, VisitPlace


def visit_when(visit: Visit) -> str:
    if visit.visit_time is None:
        return ts(visit.starts_at, "D")
    return ts(visit.starts_at, "F")


def countdown_text(visit: Visit, days: int) -> tuple[str, str]:
    """(title, text) of a countdown post ``days`` before the visit."""
    if days == 0:
        at = f" at {ts(visit.starts_at, 't')}" if visit.visit_time else ""
        return "Today's the day 💞", f"Today you're together{at}. Enjoy every minute."
    if days == 1:
        return "Tomorrow 💞", f"Tomorrow you're together: {visit_when(visit)} ({ts(visit.starts_at, 'R')})."
    if days == 7:
        return "One week to go 💞", f"In 7 days you're together: {visit_when(visit)}."
    return f"{days} days to go 💞", f"In {days} days you're together: {visit_when(visit)}."


def visit_line(visit: Visit, days: int) -> str:
    """The visit in /couple status and the digest, ``days`` ahead."""
    if days == 0:
        return f"Today 💞 {visit_when(visit)}"
    if days == 1:
        return f"{visit_when(visit)} · tomorrow!"
    return f"{visit_when(visit)} · {days} days to go"


def question_line(days: int) -> str:
    """The visit under the daily question."""
    return "Today's the day 💞" if days == 0 else f"💞 {countdown_phrase(days).capitalize()} you're together"


def where_words(place: VisitPlace, viewer: Partner) -> str:
    """ "in Berlin (alice's time)", "in Los Angeles (your time)", "in Tokyo"."""
    city = zone_city(place.zone)
    if place.host is None:
        return f"in {city}"
    if place.host.user_id == viewer.user_id:
        return f"in {city} (your time)"
    return f"in {city} ({place.host.display_name}'s time)"


def local_for(couple: Couple, visit: Visit, partner: Partner) -> str:
    """The visit's start in a partner's own time: "05:00 for you" (with the day when it differs)."""
    local = visit.starts_at.astimezone(couple.zone_of(partner, visit.starts_at))
    there = visit.starts_at.astimezone(zone_info(visit.zone))
    return f"{local:%H:%M}" if local.date() == there.date() else f"{local:%a %d %b %H:%M}"


def set_reply(couple: Couple, visit: Visit, days: int, place: VisitPlace, setter: Partner) -> str:
    """What the partner who set the countdown is told, with the zone its time was read in."""
    at = ""
    if visit.visit_time is not None:
        at = f" at {visit.visit_time:%H:%M} {where_words(place, setter)}"
        if zone_info(visit.zone).key != couple.zone_of(setter, visit.starts_at).key:
            at += f", {local_for(couple, visit, setter)} for you"
    if days <= 0:
        return f"💞 Countdown set: you're together today{at}!"
    before = [str(d) for d in COUNTDOWN_DAYS if 0 < d <= days]
    if before:
        counts = before[0] if len(before) == 1 else f"{', '.join(before[:-1])} and {before[-1]}"
        plan = f"{counts} day{'s' if before != ['1'] else ''} before, and on the day"
    else:
        plan = "on the day"
    text = (
        f"💞 Countdown set: together again on {visit.visit_date:%A %d %B %Y}{at} ({countdown_phrase(days)}). "
        f"I'll post in your channel {plan}."
    )
    if visit.visit_time is not None:
        text += " Another zone? Set it again with `where` (`mine`, or a city)."
    return text


def set_notice(couple: Couple, visit: Visit, days: int, setter: Partner) -> str:
    """What the other partner is told in the shared channel (the time in their own zone)."""
    other = couple.other(setter.user_id)
    when = visit_when(visit)
    if visit.visit_time is not None:
        when += f", {local_for(couple, visit, other)} your time"
    return f"💞 {setter.display_name} set the countdown: together again {when}, {countdown_phrase(days)}."
