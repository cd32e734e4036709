"""Pure rules of yearly dates: what partners type, when a date falls (29 February is celebrated on
the 28th in other years), how many years on, and when its reminders come."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Couple
from bot.db.repositories.dates import SpecialDate
from bot.errors import UserError
from bot.planning import Planned, friendly_instant
from bot.timeutil import zone_info
from bot.ui.embeds import clip

KIND_DATE = "special_date"

MAX_DATES = 50
LABEL_LIMIT = 100
DIGEST_DAYS = 30

_MONTH_DAY = re.compile(r"(?:(\d{4})-)?(\d{1,2})-(\d{1,2})")


def parse_special_date(text: str) -> tuple[int | None, int, int]:
    """ "2019-06-14" -> (2019, 6, 14); "06-14" (no year) -> (None, 6, 14). Feb 29 is fine."""
    cleaned = (text or "").strip()
    match = _MONTH_DAY.fullmatch(cleaned)
    if match:
        year = int(match.group(1)) if match.group(1) else None
        month, day = int(match.group(2)), int(match.group(3))
        try:
            date(year if year is not None else 2000, month, day)  # 2000 is a leap year
        except ValueError:
            raise UserError(
                f"`{cleaned[:20]}` is not a real date. Use YYYY-MM-DD like `2019-06-14` "
                "(or MM-DD like `06-14` without the year)."
            ) from None
        if year is not None and year < 1900:
            raise UserError("Use a year from 1900 on, or leave the year out (MM-DD, like `06-14`).")
        return year, month, day
    raise UserError(
        f"`{cleaned[:40]}` is not a date I understand. Use YYYY-MM-DD like `2019-06-14` "
        "(or MM-DD like `06-14` without the year)."
    )


def on_year(month: int, day: int, year: int) -> date:
    """The date in ``year``: Feb 29 falls on Feb 28 when ``year`` is not a leap year."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def next_yearly(month: int, day: int, today: date) -> date:
    """The date's next occurrence on or after ``today``."""
    this_year = on_year(month, day, today.year)
    return this_year if this_year >= today else on_year(month, day, today.year + 1)


def years_on(first_year: int | None, occurrence: date) -> int | None:
    """How many years on ``occurrence`` is from the first year (None without one, or before it)."""
    if first_year is None or occurrence.year <= first_year:
        return None
    return occurrence.year - first_year


def date_zone(special: SpecialDate) -> ZoneInfo:
    return zone_info(special.zone)


def reminder_posts(special: SpecialDate, couple: Couple, today: date) -> dict[str, Planned]:
    """The day-before and on-the-day posts of this year's and next year's occurrence (key -> plan),
    each at a moment of its day when both partners are awake."""
    zone = date_zone(special)
    desired: dict[str, Planned] = {}
    for year in (today.year, today.year + 1):
        day = on_year(special.month, special.day, year)
        for which, post_day in (("eve", day - timedelta(days=1)), ("day", day)):
            desired[f"{special.id}:{year}:{which}"] = Planned(
                friendly_instant(post_day, zone, couple),
                clip(f"{special.label} ({'the day before' if which == 'eve' else 'the day'})", 100),
                {"date": special.id, "year": year, "which": which},
            )
    return desired
