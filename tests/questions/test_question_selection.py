"""Choosing the next question, depth over the first weeks, then and now, and the streak (pure)."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.db.question_models import CATEGORIES, TIERS, Asked, History, Pick, Question
from cogs.questions.bank import bank
from cogs.questions.rules import choose, left_in_round, remaining_by_category, seed_for
from cogs.questions.streak import DayResult, answer_deadline, fold_streak, streak

START = date(2026, 1, 5)  # a Monday
ALL = {"categories": list(CATEGORIES), "tiers": list(TIERS)}


def record(history: History, pick: Pick, day: date, *, revealed_day: int | None = None) -> History:
    """The history after ``pick`` was asked on ``day`` (and revealed as ``revealed_day``)."""
    asked = dict(history.asked)
    before = asked.get(pick.question.id)
    count = (before.count if before else 0) + (0 if pick.repeat_of else 1)
    asked[pick.question.id] = Asked(count, day, revealed_day or (before.revealed_day if before else None))
    return dataclasses.replace(
        history,
        asked=asked,
        days=history.days + 1,
        last_was_own=pick.question.own,
        last_repeat=day if pick.repeat_of else history.last_repeat,
    )


def run(
    days: int,
    history: History | None = None,
    *,
    questions: tuple[Question, ...] | None = None,
    guild: int = 1,
    start: date = START,
    **draw: object,
) -> tuple[list[Pick], History]:
    """Choose ``days`` questions in a row for one couple."""
    history = history or History()
    options = {**ALL, **draw}
    picks = []
    for offset in range(days):
        today = start + timedelta(days=offset)
        pick = choose(
            questions or bank(),
            history,
            day_number=history.days + 1,
            today=today,
            rng=seed_for(guild, today),
            **options,  # type: ignore[arg-type]
        )
        assert pick is not None
        picks.append(pick)
        history = record(history, pick, today)
    return picks, history


# -- no repeats, rounds, vetoes, filters --------------------------------------------------------


def test_no_question_repeats_until_the_whole_bank_was_asked() -> None:
    """900 days, 900 different questions; all in round 1."""
    picks, _ = run(len(bank()))
    ids = [p.question.id for p in picks]
    assert len(set(ids)) == len(bank())
    assert {p.round for p in picks} == {1}
    assert not any(p.new_round for p in picks)


def test_when_the_pool_is_used_up_a_new_round_starts_and_says_so_once() -> None:
    """The day after the last unasked question starts round 2, flagged on that day only."""
    _, history = run(24, categories=["fun"], tiers=[1])
    picks, _ = run(3, history, start=START + timedelta(days=24), categories=["fun"], tiers=[1])
    assert [p.round for p in picks] == [2, 2, 2]
    assert [p.new_round for p in picks] == [True, False, False]


def test_a_second_round_also_has_no_repeats() -> None:
    """Round 2 again goes through every enabled question once."""
    picks, _ = run(48, categories=["fears"], tiers=[2])
    first, second = picks[:24], picks[24:]
    assert len({p.question.id for p in first}) == 24
    assert {p.question.id for p in second} == {p.question.id for p in first}


def test_vetoed_questions_never_return() -> None:
    """Over three rounds of one category, a vetoed question is never drawn again."""
    picks, history = run(1, categories=["fun"], tiers=[1])
    vetoed = picks[0].question.id
    history = dataclasses.replace(history, vetoed=frozenset({vetoed}))
    later, _ = run(69, history, start=START + timedelta(days=1), categories=["fun"], tiers=[1])
    assert vetoed not in {p.question.id for p in later}
    assert len({p.question.id for p in later}) == 23


def test_only_enabled_categories_and_tiers_are_drawn() -> None:
    """Ten days with dreams and fun at the light and deep tiers draw only those."""
    picks, _ = run(40, categories=["dreams", "fun"], tiers=[1, 3])
    assert {p.question.category for p in picks} <= {"dreams", "fun"}
    assert {p.question.tier for p in picks} <= {1, 3}


def test_nothing_enabled_means_no_question() -> None:
    """When every enabled question is vetoed there is nothing to choose."""
    fun_light = frozenset(q.id for q in bank() if q.category == "fun" and q.tier == 1)
    pick = choose(
        bank(),
        History(vetoed=fun_light),
        categories=["fun"],
        tiers=[1],
        day_number=1,
        today=START,
        rng=seed_for(1, START),
    )
    assert pick is None


def test_choices_are_the_same_for_the_same_couple_and_day() -> None:
    """Deterministic per couple and day (a retry picks the same), different across couples."""
    first, _ = run(10, guild=7)
    again, _ = run(10, guild=7)
    other, _ = run(10, guild=8)
    assert [p.question.id for p in first] == [p.question.id for p in again]
    assert [p.question.id for p in first] != [p.question.id for p in other]


# -- the couple's own questions ------------------------------------------------------------------

OWN = (
    Question("own-1", "dreams", 2, "Where should we spend our first New Year's Eve together?"),
    Question("own-2", "fun", 2, "Which board game would you beat me at?"),
)


def test_unasked_own_questions_come_first_every_other_day() -> None:
    """Two new own questions: asked on days 1 and 3, oldest first, with a bank question between."""
    picks, _ = run(4, History(own=OWN))
    assert picks[0].question.id == "own-1"
    assert not picks[1].question.own
    assert picks[2].question.id == "own-2"
    assert not picks[3].question.own


def test_own_questions_follow_categories_but_not_tiers() -> None:
    """A dreams question of their own is drawn with only deep tiers on, not when dreams is off."""
    picks, _ = run(1, History(own=OWN), tiers=[3])
    assert picks[0].question.id == "own-1"
    picks, _ = run(1, History(own=OWN), categories=["values"])
    assert not picks[0].question.own


# -- depth growing gently ------------------------------------------------------------------------


def test_the_first_week_has_no_deep_questions() -> None:
    """Days 1-7 draw only light and personal questions, for any couple."""
    for guild in range(40):
        picks, _ = run(7, guild=guild)
        assert {p.question.tier for p in picks} <= {1, 2}


def test_the_first_two_weeks_are_mostly_light_and_personal() -> None:
    """Across many couples, at least 85% of the first 14 questions are tier 1 or 2."""
    tiers: Counter[int] = Counter()
    for guild in range(60):
        picks, _ = run(14, guild=guild)
        tiers.update(p.question.tier for p in picks)
    share = (tiers[1] + tiers[2]) / sum(tiers.values())
    assert share >= 0.85
    assert tiers[3] > 0  # deep questions start to appear in week two


def test_after_the_first_month_deep_questions_are_common() -> None:
    """From day 31 on, deep questions are a real share of the draw."""
    tiers: Counter[int] = Counter()
    for guild in range(20):
        picks, _ = run(60, guild=guild)
        tiers.update(p.question.tier for p in picks[30:])
    assert tiers[3] / sum(tiers.values()) >= 0.25


def test_only_deep_questions_enabled_still_draws_in_the_first_week() -> None:
    """A couple who only wants deep questions gets them from day 1."""
    picks, _ = run(3, tiers=[3])
    assert {p.question.tier for p in picks} == {3}


# -- then and now --------------------------------------------------------------------------------


def answered_long_ago(days_ago: int, *, revealed: bool = True) -> tuple[Question, History]:
    question = bank()[0]
    history = History(
        asked={question.id: Asked(1, START - timedelta(days=days_ago), 11 if revealed else None)}, days=40
    )
    return question, history


def test_a_question_answered_six_months_ago_is_asked_again() -> None:
    """Then and now: the old question comes back, pointing at the earlier day."""
    question, history = answered_long_ago(183)
    picks, _ = run(1, history)
    assert picks[0].question.id == question.id
    assert picks[0].repeat_of == 11


def test_nothing_is_asked_again_before_six_months() -> None:
    """Four months after, the question is not repeated."""
    question, history = answered_long_ago(120)
    picks, _ = run(1, history)
    assert picks[0].question.id != question.id
    assert picks[0].repeat_of is None


def test_a_question_never_revealed_is_not_asked_again() -> None:
    """Only questions the couple answered together come back."""
    _, history = answered_long_ago(200, revealed=False)
    picks, _ = run(1, history)
    assert picks[0].repeat_of is None


def test_then_and_now_happens_about_once_a_month() -> None:
    """With plenty of old answers, repeats come 30 days apart, not more often."""
    old = {q.id: Asked(1, START - timedelta(days=200), index + 1) for index, q in enumerate(bank()[:100])}
    picks, _ = run(95, History(asked=old, days=100))
    repeats = [index for index, p in enumerate(picks) if p.repeat_of is not None]
    assert repeats == [0, 30, 60, 90]


# -- what /question categories shows -------------------------------------------------------------


def test_remaining_counts_per_category_and_before_starting_over() -> None:
    """Unasked counts drop as questions are asked; vetoed ones leave the total."""
    picks, history = run(5, categories=["fun"], tiers=[1])
    history = dataclasses.replace(history, vetoed=frozenset({picks[0].question.id}))
    remaining = remaining_by_category(bank(), history, [1])
    assert (remaining["fun"].unasked, remaining["fun"].total) == (19, 23)
    assert (remaining["dreams"].unasked, remaining["dreams"].total) == (24, 24)
    assert left_in_round(bank(), history, ["fun"], [1]) == 19


# -- the streak ----------------------------------------------------------------------------------

NOW = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)


def days(*kept: bool, start: date = START) -> list[DayResult]:
    return [DayResult(start + timedelta(days=i), k) for i, k in enumerate(kept)]


def test_consecutive_days_both_answered_make_the_streak() -> None:
    """Five kept days in a row: a streak of five."""
    result = streak(days(True, True, True, True, True), NOW, NOW.date())
    assert (result.current, result.best) == (5, 5)


def test_one_missed_day_a_week_is_forgiven() -> None:
    """A miss on Wednesday keeps the streak going (it doesn't count, it doesn't break)."""
    result = streak(days(True, True, False, True, True), NOW, START)
    assert result.current == 4
    assert result.grace_used


def test_a_second_miss_in_the_same_week_breaks_the_streak() -> None:
    """Two misses in one week: counting starts again after the second."""
    result = streak(days(True, False, True, False, True, True), NOW, NOW.date())
    assert (result.current, result.best) == (2, 2)


def test_the_grace_day_renews_each_week() -> None:
    """One miss in each of two weeks: both forgiven."""
    kept = [True] * 14
    kept[2] = kept[9] = False
    result = streak(days(*kept), NOW, NOW.date())
    assert result.current == 12


def test_a_day_still_open_neither_counts_nor_breaks() -> None:
    """Today's question not answered yet, its time not over: the streak stands."""
    results = [*days(True, True), DayResult(START + timedelta(days=2), False, NOW + timedelta(hours=3))]
    assert streak(results, NOW, NOW.date()).current == 2


@given(
    st.lists(st.sampled_from(["kept", "missed", "open"]), max_size=40),
    st.integers(min_value=0, max_value=40),
)
def test_folding_settled_days_first_gives_the_same_streak(kinds: list[str], split: int) -> None:
    """The streak over every day equals the one continued from the days before any date."""
    results = [
        DayResult(
            START + timedelta(days=i),
            kind == "kept",
            NOW + timedelta(hours=1) if kind == "open" else None,
        )
        for i, kind in enumerate(kinds)
    ]
    cut = START + timedelta(days=split)
    before = [r for r in results if r.date < cut]
    after = [r for r in results if r.date >= cut]
    assert streak(after, NOW, NOW.date(), fold_streak(before, NOW)) == streak(results, NOW, NOW.date())


def test_days_without_a_post_never_break_the_streak() -> None:
    """A gap of two dates (Closer was offline) is simply not there."""
    results = [*days(True, True), *days(True, start=START + timedelta(days=4))]
    result = streak(results, NOW, NOW.date())
    assert result.current == 3
    assert not result.grace_used


@pytest.mark.parametrize(
    ("reached", "zone", "deadline"),
    [
        # 09:00 in Berlin: until midnight there.
        (datetime(2026, 3, 2, 8, 0, tzinfo=UTC), "Europe/Berlin", datetime(2026, 3, 2, 23, 0, tzinfo=UTC)),
        # The same post reaches Los Angeles at 00:00: the whole day there.
        (
            datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
            "America/Los_Angeles",
            datetime(2026, 3, 3, 8, 0, tzinfo=UTC),
        ),
        # Reaching Auckland at 21:00: the next day too.
        (datetime(2026, 3, 2, 8, 0, tzinfo=UTC), "Pacific/Auckland", datetime(2026, 3, 3, 11, 0, tzinfo=UTC)),
        # A late post at 23:30: the next day too.
        (datetime(2026, 3, 2, 22, 30, tzinfo=UTC), "Europe/Berlin", datetime(2026, 3, 3, 23, 0, tzinfo=UTC)),
    ],
)
def test_each_partner_has_until_the_end_of_their_own_day(
    reached: datetime, zone: str, deadline: datetime
) -> None:
    """Counted by each partner's local date; an evening or late post leaves the next day too."""
    assert answer_deadline(reached, ZoneInfo(zone)) == deadline
