"""How the visit countdown reads (pure text, no I/O)."""

from __future__ import annotations

from datetime import time

from bot.db.repositories.visits import Visit
from bot.planning import countdown_phrase, ts
from bot.timeutil import format_clock
from cogs.visits.rules import COUNTDOWN_DAYS


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


def set_reply(visit: Visit, days: int, at_time: time | None) -> str:
    """What the partner who set the countdown is told."""
    at = f" at {format_clock(at_time)} your time" if at_time else ""
    if days <= 0:
        return f"💞 Countdown set: you're together today{at}!"
    before = [str(d) for d in COUNTDOWN_DAYS if 0 < d <= days]
    if before:
        counts = before[0] if len(before) == 1 else f"{', '.join(before[:-1])} and {before[-1]}"
        plan = f"{counts} day{'s' if before != ['1'] else ''} before, and on the day"
    else:
        plan = "on the day"
    return (
        f"💞 Countdown set: together again on {visit.visit_date:%A %d %B %Y}{at} ({countdown_phrase(days)}). "
        f"I'll post in your channel {plan}."
    )


def set_notice(visit: Visit, days: int, setter: str) -> str:
    """What the other partner is told in the shared channel."""
    return f"💞 {setter} set the countdown: together again {visit_when(visit)}, {countdown_phrase(days)}."
