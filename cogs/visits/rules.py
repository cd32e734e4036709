"""Pure rules of the visit countdown: the days left, and when its posts come."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Couple
from bot.db.repositories.visits import Visit
from bot.planning import Planned, friendly_instant, plural

KIND_VISIT = "visit"

# The countdown posts: this many days before the visit, and on the day.
COUNTDOWN_DAYS = (30, 7, 1, 0)
MAX_VISIT_AHEAD = timedelta(days=3 * 366)


def visit_days(visit: Visit, now: datetime) -> int:
    """Days from today to the visit, counted in the zone it was set in."""
    return (visit.visit_date - now.astimezone(ZoneInfo(visit.zone)).date()).days


def visit_over(visit: Visit, now: datetime) -> bool:
    return visit_days(visit, now) < 0


def countdown_posts(visit: Visit, couple: Couple) -> dict[str, Planned]:
    """The countdown's posts (key -> plan), each at a moment of its day when both are awake."""
    desired: dict[str, Planned] = {}
    zone = ZoneInfo(visit.zone)
    for days in COUNTDOWN_DAYS:
        when = friendly_instant(visit.visit_date - timedelta(days=days), zone, couple)
        if days == 0 and visit.visit_time is not None:
            when = min(when, visit.starts_at)
        label = "Visit countdown: today" if days == 0 else f"Visit countdown: {plural(days, 'day')}"
        desired[f"{visit.id}:{days}"] = Planned(when, label, {"visit": visit.id, "days": days})
    return desired
