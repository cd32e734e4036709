"""The streak, without Discord: consecutive question days both partners answered in time, with
one grace day a week.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import Couple
from bot.db.question_models import StreakDay
from bot.timeutil import wall_to_utc

EVENING = time(18, 0)  # a question reaching you from this hour leaves you the next day too

STREAK_RULES = (
    "A day counts when you both answer its question in time: by the end of the day it reached you, "
    "each in your own time zone (if it reached you after 18:00, you also have the next day). "
    "One missed day a week is forgiven (a grace day). Days Closer didn't post never break a streak, "
    "and a late post gives you the full time."
)


def answer_deadline(reached_at: datetime, zone: ZoneInfo) -> datetime:
    """Until when an answer counts for the streak: the end of the local day the question reached
    this partner, or of the next day when it reached them in the evening."""
    local = reached_at.astimezone(zone)
    last_day = local.date() + (timedelta(days=1) if local.time() >= EVENING else timedelta(0))
    return wall_to_utc(last_day + timedelta(days=1), time(0, 0), zone)


def closes_at(reached_at: datetime, zones: Iterable[ZoneInfo]) -> datetime:
    """When a question day ends for both partners, so its post is closed: the later of their
    answer deadlines (:func:`answer_deadline`: the end of the local day it reached each of them,
    or of the next day when it reached them from 18:00). No answer that counts is ever cut off."""
    return max(answer_deadline(reached_at, zone) for zone in zones)


@dataclass(frozen=True, slots=True)
class DayResult:
    """One question day, for the streak."""

    date: date
    kept: bool  # both answered in time
    open_until: datetime | None = None  # it can still be kept until then (None: no more)


@dataclass(frozen=True, slots=True)
class Streak:
    current: int
    best: int
    grace_used: bool  # this week's grace day is spent

    def line(self) -> str:
        days = "day" if self.current == 1 else "days"
        text = f"🔥 {self.current} {days} in a row"
        if self.best > self.current:
            text += f" (best {self.best})"
        if self.grace_used:
            text += " · this week's grace day is used"
        return text


@dataclass(frozen=True, slots=True)
class StreakState:
    """The streak after some days: what :func:`fold_streak` carries from one day to the next."""

    current: int = 0
    best: int = 0
    graced: frozenset[tuple[int, int]] = frozenset()  # ISO weeks whose grace day is spent


def fold_streak(days: Iterable[DayResult], now: datetime, state: StreakState = StreakState()) -> StreakState:
    """Carry ``state`` over ``days`` (later than any day already in it), oldest first."""
    current, best, graced = state.current, state.best, set(state.graced)
    for day in sorted(days, key=lambda d: d.date):
        if day.kept:
            current += 1
            best = max(best, current)
            continue
        if day.open_until is not None and now < day.open_until:
            continue
        week = day.date.isocalendar()[:2]
        if week in graced:
            current = 0
        else:
            graced.add(week)
    return StreakState(current, best, frozenset(graced))


def streak(
    days: Iterable[DayResult], now: datetime, today: date, start: StreakState = StreakState()
) -> Streak:
    """Consecutive question days both answered in time, with one free grace day per ISO week.

    A day that can still be kept is neutral (it neither counts nor breaks). Dates without a
    question (Closer offline) are simply not in ``days``, so they never break anything.
    ``start`` is the state after the days before ``days`` (settled ones, folded earlier).
    """
    state = fold_streak(days, now, start)
    return Streak(state.current, state.best, today.isocalendar()[:2] in state.graced)


def day_result(couple: Couple, day: StreakDay, now: datetime) -> DayResult:
    """A stored question day for the streak: kept, missed, or still open until a deadline."""
    answered = day.answered
    if all(answered.get(p.user_id) for p in couple.partners):
        return DayResult(day.local_date, True)
    if any(p.user_id in answered and not answered[p.user_id] for p in couple.partners):
        return DayResult(day.local_date, False)  # an answer came too late: no rescue
    open_until = min(
        answer_deadline(day.reached_at, couple.zone_of(p, now))
        for p in couple.partners
        if p.user_id not in answered
    )
    return DayResult(day.local_date, False, open_until)
