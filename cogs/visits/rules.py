"""Pure rules of the visit countdown: the days left, and when its posts come."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Couple, Partner
from bot.db.repositories.visits import Visit
from bot.planning import Planned, friendly_instant, plural
from bot.timeutil import zone_info
from bot.zones import resolve_zone

KIND_VISIT = "visit"

# The countdown posts: this many days before the visit, and on the day.
COUNTDOWN_DAYS = (30, 7, 1, 0)
MAX_VISIT_AHEAD = timedelta(days=3 * 366)


# What /visit set's `where` takes besides a city or a zone: the partner's place or one's own.
THEIRS = ("theirs", "partner", "their place", "at theirs")
MINE = ("mine", "me", "my place", "at mine", "yours", "home")


@dataclass(frozen=True, slots=True)
class VisitPlace:
    """Where a visit happens: its zone, and whose home it is (None for somewhere else)."""

    zone: ZoneInfo
    host: Partner | None


def home_zone(couple: Couple, partner: Partner, now: datetime) -> ZoneInfo:
    """A partner's home zone (the first partner's while they have none set)."""
    home = partner.home_zone or couple.first.home_zone
    return zone_info(home) if home else couple.zone_of(partner, now)


def visit_place(couple: Couple, setter: Partner, where: str | None, now: datetime) -> VisitPlace:
    """Where the date and time are read: the partner being visited by default (the other partner,
    the one the setter travels to), ``mine``, a partner's name, or any city or zone."""
    other = couple.other(setter.user_id)
    typed = " ".join((where or "").strip().lower().split())
    if not typed or typed in THEIRS or typed == other.display_name.lower():
        return VisitPlace(home_zone(couple, other, now), other)
    if typed in MINE or typed == setter.display_name.lower():
        return VisitPlace(home_zone(couple, setter, now), setter)
    zone = resolve_zone(where or "")
    host = next((p for p in couple.partners if home_zone(couple, p, now).key == zone.key), None)
    return VisitPlace(zone, host)


def visit_days(visit: Visit, now: datetime) -> int:
    """Days from today to the visit, counted in the zone it was set in."""
    return (visit.visit_date - now.astimezone(zone_info(visit.zone)).date()).days


def visit_over(visit: Visit, now: datetime) -> bool:
    return visit_days(visit, now) < 0


def countdown_posts(visit: Visit, couple: Couple) -> dict[str, Planned]:
    """The countdown's posts (key -> plan), each at a moment of its day when both are awake."""
    desired: dict[str, Planned] = {}
    zone = zone_info(visit.zone)
    for days in COUNTDOWN_DAYS:
        when = friendly_instant(visit.visit_date - timedelta(days=days), zone, couple)
        if days == 0 and visit.visit_time is not None:
            when = min(when, visit.starts_at)
        label = "Visit countdown: today" if days == 0 else f"Visit countdown: {plural(days, 'day')}"
        desired[f"{visit.id}:{days}"] = Planned(when, label, {"visit": visit.id, "days": days})
    return desired
