"""The daily question, without Discord: the bank, choosing the next question, depth growing over
the first weeks, "then and now", and the streak.

Everything here is plain data in, plain data out, so it is tested without a bot and benchmarked
without a network. The cog (``cogs/questions.py``) reads the couple's history through the
repository, calls :func:`choose`, and does the Discord side.

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
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from bot.content import load
from bot.timeutil import wall_to_utc

# Category keys (as in data/questions.toml) and the names users see, in display order.
CATEGORIES: dict[str, str] = {
    "dreams": "dreams and the future",
    "fears": "fears and vulnerability",
    "gratitude": "gratitude and appreciation",
    "memories": "memories and the past",
    "love": "love languages and needs",
    "values": "values and beliefs",
    "distance": "us and the distance",
    "fun": "fun and quirky",
    "mind": "mind and ideas",
}
CATEGORY_EMOJI: dict[str, str] = {
    "dreams": "🌠",
    "fears": "🫂",
    "gratitude": "🙏",
    "memories": "📷",
    "love": "💌",
    "values": "🧭",
    "distance": "🌍",
    "fun": "🎲",
    "mind": "💡",
}
TIERS: dict[int, str] = {1: "light", 2: "personal", 3: "deep"}

OWN_PREFIX = "own-"
OWN_TIER = 2  # the couple's own questions count as "personal"; the tier filter never hides them
ANSWER_LIMIT = 1500
OWN_MIN, OWN_MAX = 10, 300
BANK_TEXT_LIMIT = 256  # fits an embed title, a modal text, a select option description (clipped)

REPEAT_AFTER = timedelta(days=182)  # "then and now": answered at least six months ago
REPEAT_EVERY = timedelta(days=30)  # ... about once a month

EVENING = time(18, 0)  # a question reaching you from this hour leaves you the next day too

_ID = re.compile(r"^[a-z]+-\d{3}$")


def category_name(key: str) -> str:
    """ "Dreams and the future" for ``dreams``."""
    name = CATEGORIES.get(key, key)
    return name[:1].upper() + name[1:]


def category_label(key: str) -> str:
    """ "🌠 Dreams and the future": the name with its emoji."""
    return f"{CATEGORY_EMOJI.get(key, '💬')} {category_name(key)}"


def normalised(text: str) -> str:
    """For duplicate checks: lowercase letters and digits only."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


# ---------------------------------------------------------------------------------------------
# The bank
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Question:
    id: str  # 'dreams-001' from the bank, 'own-3' for the couple's own
    category: str
    tier: int
    text: str

    @property
    def own(self) -> bool:
        return self.id.startswith(OWN_PREFIX)


def own_id(row_id: int) -> str:
    return f"{OWN_PREFIX}{row_id}"


def parse_bank(raw: Mapping[str, Any]) -> tuple[Question, ...]:
    """The ``[[question]]`` entries of data/questions.toml; raises ValueError when one is malformed."""
    questions: list[Question] = []
    for index, entry in enumerate(raw.get("question", [])):
        try:
            questions.append(
                Question(
                    str(entry["id"]), str(entry["category"]), int(entry["tier"]), str(entry["text"]).strip()
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"question #{index + 1} in the bank is malformed: {error!r}") from error
    return tuple(questions)


def bank_problems(questions: Sequence[Question], *, minimum: int = 400, per_cell: int = 10) -> list[str]:
    """What is wrong with a bank (empty when it is fine): ids, categories, tiers, lengths, stock."""
    problems: list[str] = []
    if len(questions) < minimum:
        problems.append(f"only {len(questions)} questions (at least {minimum} wanted)")
    seen_ids: set[str] = set()
    seen_texts: dict[str, str] = {}
    cells: dict[tuple[str, int], int] = {}
    for q in questions:
        if not _ID.match(q.id) or q.id.startswith(OWN_PREFIX):
            problems.append(f"{q.id}: ids look like 'dreams-001'")
        if q.id in seen_ids:
            problems.append(f"{q.id}: duplicate id")
        seen_ids.add(q.id)
        if q.category not in CATEGORIES:
            problems.append(f"{q.id}: unknown category {q.category!r}")
        elif not q.id.startswith(q.category + "-"):
            problems.append(f"{q.id}: id does not start with its category {q.category!r}")
        if q.tier not in TIERS:
            problems.append(f"{q.id}: tier {q.tier} is not 1, 2 or 3")
        if not 20 <= len(q.text) <= BANK_TEXT_LIMIT:
            problems.append(f"{q.id}: {len(q.text)} characters (20-{BANK_TEXT_LIMIT})")
        key = normalised(q.text)
        if key in seen_texts:
            problems.append(f"{q.id}: same text as {seen_texts[key]}")
        seen_texts.setdefault(key, q.id)
        cells[(q.category, q.tier)] = cells.get((q.category, q.tier), 0) + 1
    for category in CATEGORIES:
        for tier in TIERS:
            if cells.get((category, tier), 0) < per_cell:
                problems.append(
                    f"{category} tier {tier}: {cells.get((category, tier), 0)} questions (at least {per_cell})"
                )
    return problems


@cache
def bank() -> tuple[Question, ...]:
    """The shipped bank, read on first use."""
    return parse_bank(load("questions"))


@cache
def bank_index() -> dict[str, Question]:
    return {q.id: q for q in bank()}


# ---------------------------------------------------------------------------------------------
# Choosing the next question
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Asked:
    """What a couple's history says about one question."""

    count: int  # times asked as a new question (then-and-now repeats not counted)
    last_date: date  # the last question day it was asked on (repeats included)
    revealed_day: int | None = None  # the latest question day it was revealed on


@dataclass(frozen=True, slots=True)
class History:
    """A couple's question history, as much as choosing needs."""

    asked: Mapping[str, Asked] = field(default_factory=dict)
    vetoed: frozenset[str] = frozenset()
    own: tuple[Question, ...] = ()  # oldest first
    days: int = 0  # question days so far (skipped ones not counted)
    last_was_own: bool = False
    last_repeat: date | None = None  # the last "then and now" day


@dataclass(frozen=True, slots=True)
class Pick:
    question: Question
    round: int  # 1: first pass through the enabled questions; 2+: started over
    new_round: bool = False  # the first question of a new round (the post says so)
    repeat_of: int | None = None  # "then and now": the earlier question day


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
# The streak
# ---------------------------------------------------------------------------------------------

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
