"""Pure occurrence maths: when a schedule's next occurrence is, and when it is handled.

No I/O and no Discord: a schedule row, the couple it belongs to and an instant in, an instant out.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Couple, Partner, Schedule
from bot.timeutil import ALL_DAYS, WallRule, wall_to_utc, zone_info


def _owner(schedule: Schedule, couple: Couple | None) -> Partner | None:
    if couple is None or schedule.owner_id is None:
        return None
    return couple.partner(schedule.owner_id)


def schedule_zone(schedule: Schedule, couple: Couple | None, at: datetime) -> ZoneInfo:
    """The zone a schedule's wall time is read in at ``at``."""
    owner = _owner(schedule, couple)
    if schedule.personal and owner is not None and couple is not None:
        return couple.zone_of(owner, at)
    if schedule.zone:
        return zone_info(schedule.zone)
    if couple is not None:
        return couple.zone_of(couple.first, at)
    return zone_info("UTC")


def next_occurrence(schedule: Schedule, couple: Couple | None, after: datetime) -> datetime | None:
    """The first occurrence strictly after ``after`` (None when a one-off is past)."""
    if schedule.local_time is None:
        return schedule.once_at if schedule.once_at and schedule.once_at > after else None
    days = schedule.weekdays or ALL_DAYS
    zone = schedule_zone(schedule, couple, after)
    candidate = WallRule(schedule.local_time, zone, days).next_after(after)
    owner = _owner(schedule, couple)
    if schedule.personal and owner is not None and couple is not None and owner.traveling(after):
        trip_end = owner.travel_until
        assert trip_end is not None
        if candidate >= trip_end:
            # The trip is over by then: the occurrence follows the home zone from the trip's end.
            home = schedule_zone(schedule, couple, trip_end)
            candidate = WallRule(schedule.local_time, home, days).next_after(
                max(after, trip_end - timedelta(seconds=1))
            )
    return candidate


def fire_time(schedule: Schedule, couple: Couple | None, nominal: datetime) -> datetime:
    """When to handle an occurrence: personal pings wait for the end of the owner's quiet hours."""
    owner = _owner(schedule, couple)
    if schedule.personal and owner is not None and couple is not None:
        return owner.quiet.release(nominal, couple.zone_of(owner, nominal))
    return nominal


def definition(schedule: Schedule) -> tuple:
    """What decides a schedule's occurrences (not its progress)."""
    return (
        schedule.local_time,
        schedule.weekdays,
        schedule.zone,
        schedule.once_at,
        schedule.personal,
        schedule.owner_id,
        schedule.paused,
    )


def once_next(
    schedule: Schedule, couple: Couple | None, handled: bool
) -> tuple[datetime | None, datetime | None]:
    """A one-off's (next due, fire time): none once its occurrence was handled."""
    when = schedule.once_at
    if when is None or handled:
        return None, None
    return when, fire_time(schedule, couple, when)


def end_of_local_day(fire_at: datetime, zone: ZoneInfo) -> datetime:
    """The end of the local day ``fire_at`` falls on, and at least an hour after it."""
    local_day = fire_at.astimezone(zone).date()
    end_of_day = wall_to_utc(local_day + timedelta(days=1), time(0, 0), zone)
    return max(end_of_day, fire_at + timedelta(hours=1))
