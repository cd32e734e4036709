"""The mood scale, the check-in day and mood averages: what the check-in rooms share.

Check-ins (``/checkin``), the mood chart (``/mood history``) and the weekly digest all count moods
by *check-in day*: a partner's local day, which runs until 04:00 (answering at 00:30 counts for
the evening before; one check-in per day). Pure: no Discord, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Couple, Partner
from bot.timeutil import wall_to_utc

MOODS = (1, 2, 3, 4, 5)
DAY_STARTS = time(4, 0)  # a check-in before 04:00 local counts for the day before


def checkin_day(instant: datetime, zone: ZoneInfo) -> date:
    """The local check-in day of ``instant``: the calendar day, until 04:00 the next morning."""
    local = instant.astimezone(zone).replace(tzinfo=None)
    return (local - timedelta(hours=DAY_STARTS.hour, minutes=DAY_STARTS.minute)).date()


def day_end(day: date, zone: ZoneInfo) -> datetime:
    """The instant check-in day ``day`` ends (04:00 local the next morning), UTC."""
    return wall_to_utc(day + timedelta(days=1), DAY_STARTS, zone)


def day_of(couple: Couple, partner: Partner, at: datetime) -> date:
    """The check-in day ``partner`` is living at ``at``, in their zone then (trips included)."""
    return checkin_day(at, couple.zone_of(partner, at))


def average(moods: Iterable[int]) -> float | None:
    values = list(moods)
    return sum(values) / len(values) if values else None


def format_average(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}".rstrip("0").rstrip(".")
