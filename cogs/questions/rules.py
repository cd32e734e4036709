"""Choosing the next question, and when a partner hears of it (the nudge's time, ``dm_me``),
without Discord: plain data in, plain data out, so it is tested without a bot and benchmarked
without a network.

Choosing, in order:

1. "Then and now": about once a month (at least 30 days after the last one), a question the
   couple answered at least six months ago, and not asked since, is asked again.
2. Never a repeat before the enabled pool is used up: only the questions asked the fewest times
   are candidates, so every enabled question is asked once before any is asked twice (a new
   "round"). Vetoed questions are never candidates.
3. The couple's own questions are mixed in: a never-asked own question is taken first (oldest
   first), but not two days running while other candidates exist.
4. Depth grows gently: a tier is drawn with weights that favour light questions in the first
   week and bring in deep ones from the second (see :func:`tier_weights`), then a question of
   that tier at random.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.db.models import Partner
from bot.db.question_models import CATEGORIES, Asked, History, Pick, Question
from bot.errors import UserError
from bot.timeutil import parse_clock

__all__ = [
    "Asked",
    "History",
    "Pick",
    "Remaining",
    "choose",
    "enabled_pool",
    "left_in_round",
    "nudge_time",
    "parse_dm",
    "remaining_by_category",
    "seed_for",
    "then_and_now",
    "tier_weights",
]

REPEAT_AFTER = timedelta(days=182)  # "then and now": answered at least six months ago
REPEAT_EVERY = timedelta(days=30)  # ... about once a month

NUDGE_TIME = time(20, 0)
OFF_WORDS = {"off", "no", "false", "stop", "none"}
ON_WORDS = {"on", "yes", "true", "morning"}


def tier_weights(day_number: int) -> dict[int, int]:
    """How likely each depth tier is on the couple's ``day_number``-th question day.

    Week one: light and personal only (3:1). Week two: mostly light and personal, a deep one now
    and then (2:2:1). Then deeper over the first month, and from then on a balance that still
    leaves room for lighter days.
    """
    if day_number <= 7:
        return {1: 3, 2: 1, 3: 0}
    if day_number <= 14:
        return {1: 2, 2: 2, 3: 1}
    if day_number <= 30:
        return {1: 2, 2: 3, 3: 2}
    return {1: 1, 2: 2, 3: 2}


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
