"""Choosing the next question, and when a partner hears of it (the nudge's time, ``dm_me``),
without Discord: plain data in, plain data out, so it is tested without a bot and benchmarked
without a network.

Choosing, in order:

1. "Then and now": about once a month (at least 30 days after the last one), a question the
   couple answered at least six months ago, and not asked since, is asked again.
2. Never a repeat before the enabled pool is used up: only the questions asked the fewest times
   are candidates, so every enabled question is asked once before any is asked twice (a new
   "round"). Vetoed questions ("Never ask this") are never candidates; a question set aside with
   "Not today" rests for three weeks (:data:`REST_AFTER_NOT_TODAY`), then may come back.
3. The couple's own questions are mixed in: a never-asked own question is taken first (oldest
   first), but not two days running while other candidates exist.
4. Depth grows gently: a tier is drawn with weights that favour light questions in the first
   week and bring in deep ones from the second (see :func:`tier_weights`), then a question of
   that tier at random. Every tier lasts more than two years for a couple answering daily
   (tests/questions/test_question_depth.py simulates it).

The day after a partner's low check-in, the caller draws from light and personal only
(:func:`gentle_tiers`).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.db.models import FALLBACK_ZONE, Couple, Partner
from bot.db.question_models import CATEGORIES, Asked, History, Pick, Question
from bot.errors import UserError
from bot.timeutil import (
    QuietHours,
    Window,
    nearest_shared_time,
    parse_clock,
    shared_awake_windows,
    wall_to_utc,
    zone_info,
)

__all__ = [
    "Asked",
    "History",
    "Pick",
    "Remaining",
    "asleep_at",
    "choose",
    "enabled_pool",
    "gentle_tiers",
    "home_people",
    "left_in_round",
    "nudge_time",
    "parse_dm",
    "remaining_by_category",
    "resting",
    "seed_for",
    "shared_default_time",
    "shared_hours",
    "then_and_now",
    "tier_weights",
]

REPEAT_AFTER = timedelta(days=182)  # "then and now": answered at least six months ago
REPEAT_EVERY = timedelta(days=30)  # ... about once a month
REST_AFTER_NOT_TODAY = timedelta(days=21)  # "Not today": the question may come back after this
GENTLE_TIERS = frozenset({1, 2})  # the day after a low check-in: light or personal, never deep

DEFAULT_TIME = time(9, 0)  # the question's time when both partners live in one zone
SETTLE = timedelta(hours=1)  # the default never comes in a partner's first hour awake
NUDGE_TIME = time(20, 0)  # the same as the check-in ask's default: they travel in one DM
OFF_WORDS = {"off", "no", "false", "stop", "none"}
ON_WORDS = {"on", "yes", "true", "morning"}


def tier_weights(day_number: int) -> dict[int, int]:
    """How likely each depth tier is on the couple's ``day_number``-th question day.

    Week one: light and personal only (3:1). Week two: mostly light and personal, a deep one now
    and then (2:2:1). The rest of the first month: light, personal and deep alike (2:2:2), and from
    then on one in three of each. The bank has as many questions at each depth, so drawing them
    alike makes every depth last as long: with the default categories (288 questions a depth)
    a couple answering daily still has unasked questions at every depth after two years.
    """
    if day_number <= 7:
        return {1: 3, 2: 1, 3: 0}
    if day_number <= 14:
        return {1: 2, 2: 2, 3: 1}
    return {1: 1, 2: 1, 3: 1}


def gentle_tiers(tiers: Iterable[int]) -> frozenset[int]:
    """The depths drawn the day after a partner's low check-in: the couple's light and personal
    ones (both, when they draw only deep questions): never a deep one that day."""
    return (frozenset(tiers) & GENTLE_TIERS) or GENTLE_TIERS


def resting(history: History, today: date) -> frozenset[str]:
    """Questions set aside with "Not today" less than three weeks ago: not drawn yet."""
    return frozenset(q for q, on in history.set_aside.items() if today - on < REST_AFTER_NOT_TODAY)


def enabled_pool(
    questions: Iterable[Question],
    own: Iterable[Question],
    categories: Iterable[str],
    tiers: Iterable[int],
    vetoed: Iterable[str] = (),
) -> list[Question]:
    """Questions that may be drawn: enabled category and tier (own ones: category only), not vetoed."""
    cats, levels, banned = frozenset(categories), frozenset(tiers), frozenset(vetoed)
    pool = [q for q in questions if q.category in cats and q.tier in levels and q.id not in banned]
    pool.extend(q for q in own if q.category in cats and q.id not in banned)
    return pool


def _count(history: History, question: Question) -> int:
    asked = history.asked.get(question.id)
    return asked.count if asked else 0


def then_and_now(
    pool: Sequence[Question], history: History, today: date, rng: random.Random
) -> Question | None:
    """A question to ask again today ("then and now"), or None."""
    if history.last_repeat is not None and today - history.last_repeat < REPEAT_EVERY:
        return None
    cutoff = today - REPEAT_AFTER
    eligible = []
    for question in pool:
        asked = history.asked.get(question.id)
        if asked is not None and asked.revealed_day is not None and asked.last_date <= cutoff:
            eligible.append(question)
    if not eligible:
        return None
    return rng.choice(sorted(eligible, key=lambda q: q.id))


def choose(
    questions: Sequence[Question],
    history: History,
    *,
    categories: Iterable[str],
    tiers: Iterable[int],
    day_number: int,
    today: date,
    rng: random.Random,
) -> Pick | None:
    """The next question for a couple, or None when nothing is enabled (everything vetoed)."""
    pool = enabled_pool(questions, history.own, categories, tiers, history.vetoed)
    if not pool:
        return None
    waiting = resting(history, today)
    pool = [q for q in pool if q.id not in waiting] or pool  # set aside lately: later, unless nothing else
    counts = [_count(history, q) for q in pool]
    low = min(counts)
    candidates = [q for q, c in zip(pool, counts, strict=True) if c == low]
    new_round = low > 0 and len(candidates) == len(pool)

    again = then_and_now(pool, history, today, rng)
    if again is not None:
        asked = history.asked[again.id]
        return Pick(again, round=low + 1, repeat_of=asked.revealed_day)

    own_new = [q for q in candidates if q.own and _count(history, q) == 0]
    bank_candidates = [q for q in candidates if not q.own]
    if own_new and not (history.last_was_own and bank_candidates):
        return Pick(own_new[0], round=low + 1, new_round=new_round)

    by_tier: dict[int, list[Question]] = {}
    for question in candidates:
        if question.own and own_new:
            continue  # unasked own questions wait for their turn (every other day)
        by_tier.setdefault(question.tier, []).append(question)
    if not by_tier:  # only own questions left, and one was asked yesterday: ask one anyway
        return Pick(own_new[0], round=low + 1, new_round=new_round)
    weights = tier_weights(day_number)
    present = sorted(by_tier)
    chances = [weights.get(t, 1) for t in present]
    if not any(chances):
        chances = [1] * len(present)
    tier = rng.choices(present, weights=chances)[0]
    question = rng.choice(sorted(by_tier[tier], key=lambda q: q.id))
    return Pick(question, round=low + 1, new_round=new_round)


def seed_for(guild_id: int, today: date, attempt: int = 0) -> random.Random:
    """A deterministic generator per couple, day and attempt (a skip is a new attempt)."""
    return random.Random(f"{guild_id}:{today.isoformat()}:{attempt}")


@dataclass(frozen=True, slots=True)
class Remaining:
    """How many questions of a category are left, for /question categories."""

    unasked: int  # never asked
    total: int  # drawable (enabled tiers, not vetoed)


def remaining_by_category(
    questions: Sequence[Question], history: History, tiers: Iterable[int]
) -> dict[str, Remaining]:
    """Per category (enabled or not): never-asked and drawable questions at the enabled tiers."""
    pool = enabled_pool(questions, history.own, CATEGORIES, tiers, history.vetoed)
    result = {key: Remaining(0, 0) for key in CATEGORIES}
    for question in pool:
        before = result.get(question.category, Remaining(0, 0))
        result[question.category] = Remaining(
            before.unasked + (1 if _count(history, question) == 0 else 0), before.total + 1
        )
    return result


def left_in_round(
    questions: Sequence[Question], history: History, categories: Iterable[str], tiers: Iterable[int]
) -> int:
    """Enabled questions still to come before the pool starts over."""
    pool = enabled_pool(questions, history.own, categories, tiers, history.vetoed)
    if not pool:
        return 0
    counts = [_count(history, q) for q in pool]
    low = min(counts)
    return sum(1 for c in counts if c == low)


# ---------------------------------------------------------------------------------------------
# When a partner hears of it
# ---------------------------------------------------------------------------------------------


def _after_waking(quiet: QuietHours) -> QuietHours:
    """Quiet hours with the first hour awake added: no default lands as someone wakes up."""
    if quiet.start == quiet.end:
        return quiet
    end = (datetime.combine(date(2000, 1, 1), quiet.end) + SETTLE).time()
    return quiet if end == quiet.start else QuietHours(quiet.start, end)


def home_people(couple: Couple) -> list[tuple[ZoneInfo, QuietHours]]:
    """Each partner's home zone and quiet hours (a trip doesn't move a default for good); a
    partner who hasn't set a zone lives by the first partner's."""
    fallback = couple.first.home_zone
    return [(zone_info(p.home_zone or fallback or FALLBACK_ZONE), p.quiet) for p in couple.partners]


def shared_default_time(people: list[tuple[ZoneInfo, QuietHours]], zone: ZoneInfo, now: datetime) -> time:
    """The daily question's default time in ``zone``: 09:00 there if both partners are awake then
    (and not in their first hour awake), else the nearest time they both are; 09:00 when they
    share no such hour. Berlin and Los Angeles with quiet hours 23:00-08:00: 18:00 in Berlin,
    09:00 in Los Angeles."""
    tomorrow = now.astimezone(zone).date() + timedelta(days=1)
    settled = [(z, _after_waking(quiet)) for z, quiet in people]
    found = nearest_shared_time(wall_to_utc(tomorrow, DEFAULT_TIME, zone), settled)
    if found is None:
        return DEFAULT_TIME
    return found.astimezone(zone).time().replace(second=0, microsecond=0)


def shared_hours(couple: Couple, now: datetime) -> list[Window]:
    """When both partners are awake (outside their quiet hours) over the next day."""
    return [w for w in shared_awake_windows(couple.people(now), now, hours=24) if w.minutes >= 15]


def asleep_at(couple: Couple, instant: datetime) -> list[Partner]:
    """The partners whose quiet hours cover ``instant`` (in their own zone)."""
    return [
        p
        for p in couple.partners
        if p.quiet.contains(instant.astimezone(couple.zone_of(p, instant)).time().replace(tzinfo=None))
    ]


def nudge_time(partner: Partner) -> time:
    """20:00, or an hour before quiet hours that already cover 20:00."""
    quiet = partner.quiet
    if not quiet.contains(NUDGE_TIME):
        return NUDGE_TIME
    earlier = (datetime.combine(date(2000, 1, 1), quiet.start) - timedelta(hours=1)).time()
    return earlier if not quiet.contains(earlier) else NUDGE_TIME


def parse_dm(text: str, partner: Partner) -> time | None:
    """``dm_me``: a time, "on" (the end of your quiet hours, or 08:00), or "off" (None)."""
    cleaned = text.strip().lower()
    if cleaned in OFF_WORDS:
        return None
    if cleaned in ON_WORDS:
        quiet = partner.quiet
        return quiet.end if quiet.start != quiet.end else time(8, 0)
    try:
        return parse_clock(cleaned)
    except UserError:
        raise UserError(
            f"`{text[:20]}` isn't something I understand for `dm_me`: use a time like `07:30`, `on` "
            "(at the end of your quiet hours) or `off`."
        ) from None
