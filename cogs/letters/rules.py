"""Pure rules of letters for later: reading ``to_open``, and when a time capsule arrives."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.db.models import Couple, Partner
from bot.db.repositories.letters import OCCASION_LIMIT
from bot.errors import UserError
from bot.timeutil import wall_to_utc

KIND_CAPSULE = "letter_capsule"  # a time capsule's DM to its recipient (key: the letter's id)
KIND_NOTICE = "letter_notice"  # "alice opened 'when you miss me'" / "a letter is waiting for you"

# A capsule arrives at the recipient's morning: this wall time in their zone that day, or when
# their quiet hours end if that is later (the scheduler's personal fire time).
MORNING = time(9, 0)
MAX_AHEAD_YEARS = 10

# Occasions offered as you type (any short phrase is accepted).
OCCASIONS = (
    "when you miss me",
    "when you can't sleep",
    "after a hard day",
    "when you need a laugh",
    "when you feel far away",
    "when we've had a fight",
    "on a rainy day",
    "before a big day",
)
ANNIVERSARY_WORDS = ("our anniversary", "anniversary", "on our anniversary")
REPLY_OCCASION = "whenever you like"

_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_IN = re.compile(r"in\s+(\S+)\s+(day|week|month|year)s?")
_UNITS = {"day": 1, "week": 7}


@dataclass(frozen=True, slots=True)
class ToOpen:
    """When a letter may be read: a day (a time capsule) or an occasion in words (sealed)."""

    open_on: date | None = None
    occasion: str | None = None

    @property
    def words(self) -> str:
        """How it reads back in a form: ``2026-12-24`` or the occasion."""
        return self.open_on.isoformat() if self.open_on else (self.occasion or "")


def add_years(day: date, years: int) -> date:
    """The same month and day ``years`` later (29 February: the 28th in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, last)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def next_yearly(month: int, day: int, today: date) -> date:
    """The next time a yearly date comes, from today on (29 February: the 28th in common years)."""
    for year in (today.year, today.year + 1, today.year + 2):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = date(year, month, 28)
        if candidate >= today:
            return candidate
    raise AssertionError("unreachable")


def _example(today: date) -> str:
    return f"`{today + timedelta(days=30):%Y-%m-%d}`, `in 30 days` or an occasion like `when you miss me`"


def parse_to_open(text: str, today: date, anniversary: date | None) -> ToOpen:
    """``to_open`` as typed: ``YYYY-MM-DD``, ``tomorrow``, ``in 30 days`` (weeks, months, years),
    ``our anniversary`` (``anniversary``: its next date, None when none is set), or an occasion.

    Raises :class:`UserError` naming ``to_open``: a date that isn't real, past or too far ahead, an
    empty or too long phrase. The morning of a date that is today is checked by the service.
    """
    cleaned = " ".join((text or "").split())
    lowered = cleaned.lower()
    if not cleaned:
        raise UserError(f"`to_open` was empty. Give a date like {_example(today)}.")
    day: date | None = None
    if match := _DATE.fullmatch(lowered):
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise UserError(
                f"`to_open`: `{cleaned[:20]}` is not a real date. Use YYYY-MM-DD, like {_example(today)}."
            ) from None
    elif lowered == "tomorrow":
        day = today + timedelta(days=1)
    elif lowered == "today":
        day = today
    elif match := _IN.fullmatch(lowered):
        count_text, unit = match.groups()
        count = 1 if count_text in ("a", "an", "one") else int(count_text) if count_text.isdigit() else None
        if count is None or count < 1:
            raise UserError(
                f"`to_open`: say how many, like `in 30 days` or `in 2 weeks`, or give {_example(today)}."
            )
        if count > 366 * MAX_AHEAD_YEARS:
            raise UserError(
                f"`to_open`: a letter can wait up to {MAX_AHEAD_YEARS} years. Choose a nearer date."
            )
        if unit in _UNITS:
            day = today + timedelta(days=count * _UNITS[unit])
        elif unit == "month":
            day = add_months(today, min(count, 12 * MAX_AHEAD_YEARS + 1))
        else:
            day = add_years(today, min(count, MAX_AHEAD_YEARS + 1))
    elif lowered in ANNIVERSARY_WORDS:
        if anniversary is None:
            raise UserError(
                "`to_open`: you haven't set an anniversary yet. Add it with `/date add` (kind: anniversary), "
                f"or give a date like {_example(today)}."
            )
        day = anniversary
    elif re.fullmatch(r"[\d\s./-]+", lowered):
        raise UserError(
            f"`to_open`: `{cleaned[:20]}` is not a date I understand. Use YYYY-MM-DD, like {_example(today)}."
        )
    if day is None:
        if len(cleaned) > OCCASION_LIMIT:
            raise UserError(
                f"`to_open`: an occasion can be up to {OCCASION_LIMIT} characters (yours has {len(cleaned)}). "
                "Say it shorter, like `when you miss me`."
            )
        return ToOpen(occasion=cleaned)
    if day < today:
        raise UserError(
            f"`to_open`: {day:%d %B %Y} has passed. Choose a day from tomorrow on, like {_example(today)}."
        )
    if day > add_years(today, MAX_AHEAD_YEARS):
        raise UserError(
            f"`to_open`: a letter can wait up to {MAX_AHEAD_YEARS} years (until {add_years(today, MAX_AHEAD_YEARS):%d %B %Y}). "
            "Choose a nearer date."
        )
    return ToOpen(open_on=day)


def recipient_today(couple: Couple, recipient: Partner, now: datetime) -> date:
    return now.astimezone(couple.zone_of(recipient, now)).date()


def morning_of(couple: Couple, recipient: Partner, day: date) -> datetime:
    """The instant of :data:`MORNING` on ``day`` in the recipient's zone that day (a trip then
    included); the scheduler holds it past their quiet hours if those end later."""
    guess = couple.zone_of(recipient, datetime.combine(day, MORNING, tzinfo=UTC))
    zone = couple.zone_of(recipient, wall_to_utc(day, MORNING, guess))
    return wall_to_utc(day, MORNING, zone)


def arrival(couple: Couple, recipient: Partner, day: date) -> datetime:
    """When a capsule for ``day`` reaches the recipient: their morning, after their quiet hours."""
    morning = morning_of(couple, recipient, day)
    return recipient.quiet.release(morning, couple.zone_of(recipient, morning))
