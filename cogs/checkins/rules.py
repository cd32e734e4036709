"""Check-in rules: pure logic, no Discord, no database, no clock.

- A mood of 1 or 2 is low. Three low days in a row make a *low streak*; three delivered asks
  without a check-in make a *quiet streak*. Each streak is named by its first day, so the
  partner's note about it is sent once, however long it lasts.
- On a low day the other partner gets an idea fitted to the love languages of whoever is low.

The check-in day itself (until 04:00) is core, shared with the chart and the digest: :mod:`bot.moods`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.db.repositories.checkins import LOVE_LANGUAGES
from bot.moods import MOODS
from bot.timeutil import QuietHours, wall_to_utc

LOW_MOOD = 2  # a mood at or below this is low
STREAK_DAYS = 3  # low days in a row, or unanswered asks, before the partner gets a note
NOTE_LIMIT = 1000


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


def pick_suggestion(
    empathy: Mapping[str, Any], primary: str | None, secondary: str | None, seed: str
) -> tuple[str | None, str]:
    """(love language used, suggestion template) for a low day; the same seed gives the same idea.

    The primary language is used two times in three when a secondary one is set; with none set,
    an idea that suits anyone.
    """
    rng = random.Random(seed)
    suggestions = empathy["suggestions"]
    languages = [lang for lang in (primary, secondary) if lang in LOVE_LANGUAGES]
    if not languages:
        return None, rng.choice(list(suggestions["any"]))
    language = languages[0] if len(languages) == 1 or rng.random() < 2 / 3 else languages[1]
    return language, rng.choice(list(suggestions[language]))


def pick(options: Sequence[str], seed: str) -> str:
    """A stable choice among text variants (the same seed, the same text)."""
    return random.Random(seed).choice(list(options))
