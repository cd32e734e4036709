"""Check-in rules: pure logic, no Discord, no database, no clock.

- A mood of 1 or 2 is low. Three low days in a row make a *low streak*; three delivered asks
  without a check-in make a *quiet streak*. Each streak is named by its first day, so the
  partner's note about it is sent once, however long it lasts.
- On a low day the other partner gets an idea fitted to the love languages of whoever is low,
  never one the couple got in the last 30 days.

The check-in day itself (until 04:00) is core, shared with the chart and the digest: :mod:`bot.moods`.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.repositories.checkins import LOVE_LANGUAGES, Sharing
from bot.moods import MOODS
from bot.timeutil import QuietHours, wall_to_utc

LOW_MOOD = 2  # a mood at or below this is low
HIGH_MOOD = 4  # a mood at or above this is good
STREAK_DAYS = 3  # low days in a row, or unanswered asks, before the partner gets a note
NOTE_LIMIT = 1000


class News(StrEnum):
    """Where the other partner's news of today's check-in stands."""

    PRIVATE = "private"  # the check-in shares nothing: they are told nothing, ever
    TOLD = "told"  # they heard today already: later changes send nothing more
    SOON = "soon"  # after the settle wait (a change restarts it)
    NOW = "now"  # at once (the note was submitted: the check-in is settled)
    LATER = "later"  # held: their quiet hours, or Closer spacing out its messages to them


@dataclass(frozen=True, slots=True)
class Telling:
    """What the person checking in is told about their partner hearing of it."""

    news: News
    level: Sharing
    at: datetime | None = None  # when the news is expected to reach them
    quiet: bool = False  # held by their quiet hours (else by the message budget)
    has_note: bool = False


def band(mood: int) -> str:
    """``low`` (1-2), ``mid`` (3) or ``high`` (4-5): the thank-you and any copy follow it."""
    return "low" if mood <= LOW_MOOD else "high" if mood >= HIGH_MOOD else "mid"


def next_quiet_start(quiet: QuietHours, after: datetime, zone: ZoneInfo) -> datetime | None:
    """The first moment strictly after ``after`` when quiet hours begin (None: no quiet hours)."""
    if quiet.start == quiet.end:
        return None
    local_day = after.astimezone(zone).date()
    for offset in range(3):
        start = wall_to_utc(local_day + timedelta(days=offset - 1), quiet.start, zone)
        if start > after:
            return start
    return None  # pragma: no cover - a quiet start happens every day


# ---------------------------------------------------------------------------------------------
# Moods and streaks
# ---------------------------------------------------------------------------------------------


def is_low(mood: int) -> bool:
    return mood <= LOW_MOOD


def parse_mood(text: str, labels: Sequence[str]) -> int:
    """ "4", "4/5", "good" -> 4. Raises ValueError for anything else."""
    cleaned = (text or "").strip().lower().removesuffix("/5").strip()
    if cleaned.isdigit() and int(cleaned) in MOODS:
        return int(cleaned)
    for mood, label in zip(MOODS, labels, strict=True):
        if cleaned == label.lower():
            return mood
    raise ValueError(f"not a mood: {text!r}")


def low_streak_start(moods: Mapping[date, int], today: date, length: int = STREAK_DAYS) -> date | None:
    """The first day of the run of low check-ins ending ``today``, when it is ``length`` days or more.

    Days must follow each other: a day without a check-in ends the run.
    """
    if today not in moods or not is_low(moods[today]):
        return None
    first = today
    while (first - timedelta(days=1)) in moods and is_low(moods[first - timedelta(days=1)]):
        first -= timedelta(days=1)
    return first if (today - first).days + 1 >= length else None


def unanswered_since(
    ask_days: Iterable[date], last_checkin: date | None, today: date, length: int = STREAK_DAYS
) -> date | None:
    """The first day of a quiet streak: ``length`` or more asks before ``today`` went unanswered.

    ``ask_days`` are the days an ask was delivered; an ask is unanswered when no check-in came on
    or after its day. None when the streak is shorter (or the partner checked in since).
    """
    unanswered = sorted({d for d in ask_days if d < today and (last_checkin is None or d > last_checkin)})
    return unanswered[0] if len(unanswered) >= length else None


# ---------------------------------------------------------------------------------------------
# Empathy suggestions
# ---------------------------------------------------------------------------------------------


IDEA_MEMORY = timedelta(days=30)  # no idea is given to a couple twice within this
# Which of the low partner's love languages each idea in turn comes from: the primary two times
# in three, the secondary the third (with only a primary, always the primary).
ROTATION = (0, 0, 1)


def idea_pools(primary: str | None, secondary: str | None, turn: int) -> list[str]:
    """The pools of ``data/empathy.toml`` to draw the next idea from, in order: the language this
    turn of the rotation falls on, the partner's other one, then every other language; without
    love languages, the ideas that suit anyone first (``any``)."""
    chosen = [lang for lang in (primary, secondary) if lang in LOVE_LANGUAGES]
    if chosen:
        first = chosen[ROTATION[turn % len(ROTATION)] % len(chosen)]
        head = [first, *(lang for lang in chosen if lang != first)]
        return [*head, *(lang for lang in LOVE_LANGUAGES if lang not in head), "any"]
    return ["any", *LOVE_LANGUAGES]


def pick_idea(
    empathy: Mapping[str, Any],
    primary: str | None,
    secondary: str | None,
    *,
    given: Collection[str],
    turn: int,
    seed: str,
) -> tuple[str | None, str]:
    """(the pool's love language, or None for ``any``; the idea's template) for a low day.

    ``given`` are the ideas the couple got within :data:`IDEA_MEMORY`: none comes again while an
    idea not given yet is left in any pool (with 60 free ideas, a couple would need two low days
    a day to run out). ``turn`` moves the rotation through the partner's languages (the number
    of ideas given lately); the same arguments give the same idea.
    """
    rng = random.Random(seed)
    suggestions = empathy["suggestions"]
    for pool in idea_pools(primary, secondary, turn):
        fresh = [idea for idea in suggestions.get(pool, ()) if idea not in given]
        if fresh:
            return (None if pool == "any" else pool), rng.choice(fresh)
    pool = idea_pools(primary, secondary, turn)[0]  # every idea given lately: the rotation's pool
    return (None if pool == "any" else pool), rng.choice(list(suggestions[pool]))


def pick(options: Sequence[str], seed: str) -> str:
    """A stable choice among text variants (the same seed, the same text)."""
    return random.Random(seed).choice(list(options))
