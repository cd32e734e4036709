"""Content that lasts two years: a couple answering every day, with the default categories, never
runs out of any depth before day 730 (a plain simulation of ``choose`` day by day with a growing
history, "then and now" repeats included); the start stays gentle; "Not today" rests a question;
the day after a low check-in is never deep; the default question time is in shared awake hours."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db.models import Couple, Partner
from bot.db.question_models import DEFAULT_CATEGORIES, TIERS, History, Pick
from bot.timeutil import QuietHours
from cogs.questions.bank import bank
from cogs.questions.rules import (
    REST_AFTER_NOT_TODAY,
    choose,
    gentle_tiers,
    home_people,
    seed_for,
    shared_default_time,
)
from tests.questions.test_question_selection import record

START = date(2026, 11, 25)
TWO_YEARS = 730


def two_years(guild: int, days: int = TWO_YEARS) -> tuple[list[Pick], dict[int, int]]:
    """``days`` days of one couple answering daily (the default: two years); and, per depth, the
    fewest unasked questions left at any point."""
    pool = [q for q in bank() if q.category in DEFAULT_CATEGORIES]
    history = History()
    picks: list[Pick] = []
    fewest = {tier: sum(1 for q in pool if q.tier == tier) for tier in TIERS}
    for offset in range(days):
        today = START + timedelta(days=offset)
        pick = choose(
            bank(),
            history,
            categories=DEFAULT_CATEGORIES,
            tiers=TIERS,
            day_number=history.days + 1,
            today=today,
            rng=seed_for(guild, today),
        )
        assert pick is not None
        picks.append(pick)
        history = record(history, pick, today, revealed_day=offset + 1)  # answered together
        for tier in TIERS:
            left = sum(1 for q in pool if q.tier == tier and q.id not in history.asked)
            fewest[tier] = min(fewest[tier], left)
    return picks, fewest


@pytest.mark.parametrize("guild", [1, 2, 3, 4, 5])
def test_every_depth_lasts_two_years_for_a_couple_answering_daily(guild: int) -> None:
    """Light, personal and deep questions all still have unasked ones on day 730; nothing starts
    over; deep questions stay a real part of the mix all along."""
    picks, fewest = two_years(guild)
    assert all(left > 0 for left in fewest.values()), fewest
    assert {p.round for p in picks} == {1}
    repeats = [p for p in picks if p.repeat_of is not None]
    assert len(repeats) >= 15  # then and now, about monthly from month seven
    second_year = Counter(p.question.tier for p in picks[365:] if p.repeat_of is None)
    assert min(second_year.values()) >= 90


def test_the_first_week_stays_light_and_personal() -> None:
    """Days 1-7: mostly light, never deep, for any couple."""
    tiers: Counter[int] = Counter()
    for guild in range(40):
        picks, _ = two_years(guild, 7)
        tiers.update(p.question.tier for p in picks)
    assert tiers[3] == 0
    assert tiers[1] > tiers[2]


# -- "Not today" ----------------------------------------------------------------------------------


def test_a_question_set_aside_not_today_rests_three_weeks_then_may_return() -> None:
    """Set aside today, it is not drawn for three weeks; then it is a candidate again."""
    only = [q for q in bank() if q.category == "fun" and q.tier == 1][: REST_AFTER_NOT_TODAY.days + 1]
    aside = only[0]
    history = History(set_aside={aside.id: START})
    drawn_soon = set()
    for offset in range(REST_AFTER_NOT_TODAY.days):
        today = START + timedelta(days=offset)
        pick = choose(
            only, history, categories=["fun"], tiers=[1], day_number=40, today=today, rng=seed_for(1, today)
        )
        assert pick is not None
        drawn_soon.add(pick.question.id)
        history = record(history, pick, today, revealed_day=offset + 1)
    assert aside.id not in drawn_soon
    later = START + REST_AFTER_NOT_TODAY
    pick = choose(
        only, history, categories=["fun"], tiers=[1], day_number=40, today=later, rng=seed_for(1, later)
    )
    assert pick is not None
    assert pick.question.id == aside.id  # the only one never asked


# -- care -----------------------------------------------------------------------------------------


def test_the_day_after_a_low_check_in_draws_light_or_personal_only() -> None:
    """Gentle days keep the couple's light and personal choice; deep-only couples get both."""
    assert gentle_tiers({1, 2, 3}) == {1, 2}
    assert gentle_tiers({2, 3}) == {2}
    assert gentle_tiers({3}) == {1, 2}
    for guild in range(30):
        today = START + timedelta(days=guild)
        pick = choose(
            bank(),
            History(days=100),
            categories=DEFAULT_CATEGORIES,
            tiers=gentle_tiers(TIERS),
            day_number=100,
            today=today,
            rng=seed_for(guild, today),
        )
        assert pick is not None
        assert pick.question.tier in {1, 2}


# -- the default time ------------------------------------------------------------------------------


def couple_in(first: str, second: str | None) -> Couple:
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    quiet = QuietHours()  # 23:00-08:00
    return Couple(
        1,
        10,
        "paired",
        101,
        102,
        None,
        now,
        now,
        (Partner(1, 101, 1, "alice", first, quiet), Partner(1, 102, 2, "bob", second, quiet)),
    )


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Europe/Berlin", "America/Los_Angeles", time(18, 0)),  # = 09:00 in Los Angeles
        ("America/Los_Angeles", "Europe/Berlin", time(9, 0)),  # = 18:00 in Berlin
        ("Europe/Berlin", "Europe/Berlin", time(9, 0)),
        ("Europe/Berlin", None, time(9, 0)),  # the second zone not known yet
        ("Europe/Berlin", "Asia/Tokyo", time(9, 0)),  # = 17:00 in Tokyo
    ],
)
def test_the_default_question_time_is_in_both_partners_awake_hours(
    first: str, second: str | None, expected: time
) -> None:
    couple = couple_in(first, second)
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert shared_default_time(home_people(couple), ZoneInfo(first), now) == expected
