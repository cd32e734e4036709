"""The check-in rules: the check-in day (core, in bot/moods.py, shared with the chart and the digest),
streaks, typed moods, ideas (cogs/checkins/rules.py) and averages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.content import load
from bot.moods import average, checkin_day, day_end, format_average
from bot.timeutil import QuietHours
from cogs.checkins import rules

BERLIN = ZoneInfo("Europe/Berlin")
D = date(2026, 11, 24)


def days_back(*moods: int, today: date = D) -> dict[date, int]:
    """{day: mood} for consecutive days ending ``today`` (the last mood is today's)."""
    return {today - timedelta(days=len(moods) - 1 - i): m for i, m in enumerate(moods)}


# -- the check-in day -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 11, 24, 20, 0, tzinfo=BERLIN), D),
        (datetime(2026, 11, 24, 23, 59, tzinfo=BERLIN), D),
        (
            datetime(2026, 11, 25, 0, 30, tzinfo=BERLIN),
            D,
        ),  # a late-night check-in counts for the evening before
        (datetime(2026, 11, 25, 3, 59, tzinfo=BERLIN), D),
        (datetime(2026, 11, 25, 4, 0, tzinfo=BERLIN), D + timedelta(days=1)),
        (datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN), D),
    ],
)
def test_a_check_in_day_runs_until_four_in_the_morning(local: datetime, expected: date) -> None:
    """Check-ins before 04:00 local belong to the previous day."""
    assert checkin_day(local.astimezone(UTC), BERLIN) == expected


def test_the_check_in_day_is_read_in_the_partners_zone() -> None:
    """The same instant is Tuesday evening in Los Angeles and Wednesday morning in Berlin."""
    instant = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 23:00 LA Tuesday, 08:00 Berlin Wednesday
    assert checkin_day(instant, ZoneInfo("America/Los_Angeles")) == D
    assert checkin_day(instant, BERLIN) == D + timedelta(days=1)


def test_a_day_ends_at_four_local_even_across_a_clock_change() -> None:
    """Saturday 24 Oct 2026 in Berlin ends at 04:00 on Sunday, after the clocks went back."""
    end = day_end(date(2026, 10, 24), BERLIN)
    assert end.astimezone(BERLIN) == datetime(2026, 10, 25, 4, 0, tzinfo=BERLIN)
    assert end == datetime(2026, 10, 25, 3, 0, tzinfo=UTC)


def test_the_next_quiet_start_is_the_coming_evening() -> None:
    """At 20:00 with quiet hours from 23:00, they start at 23:00 that day; none without quiet hours."""
    at = datetime(2026, 11, 24, 19, 0, tzinfo=UTC)  # 20:00 Berlin
    start = rules.next_quiet_start(QuietHours(), at, BERLIN)
    assert start == datetime(2026, 11, 24, 22, 0, tzinfo=UTC)
    assert rules.next_quiet_start(QuietHours(time(8), time(8)), at, BERLIN) is None


# -- moods and streaks ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("4", 4), (" 1 ", 1), ("5/5", 5), ("good", 4), ("Rough", 1)])
def test_a_typed_mood_is_understood(text: str, expected: int) -> None:
    """Numbers 1-5, "n/5" and the mood names all work."""
    assert rules.parse_mood(text, load("checkin")["moods"]) == expected


@pytest.mark.parametrize("text", ["0", "6", "", "meh", "3.5", "-1"])
def test_anything_else_is_not_a_mood(text: str) -> None:
    """Out of range or unknown words are refused."""
    with pytest.raises(ValueError, match="not a mood"):
        rules.parse_mood(text, load("checkin")["moods"])


def test_three_low_days_in_a_row_make_a_streak_named_by_its_first_day() -> None:
    """Moods 2, 1, 2 on three days in a row: a streak starting on the first of them."""
    assert rules.low_streak_start(days_back(2, 1, 2), D) == D - timedelta(days=2)


def test_a_longer_streak_keeps_its_first_day() -> None:
    """A fourth low day is the same streak (so its note is not sent again)."""
    assert rules.low_streak_start(days_back(4, 2, 2, 1, 2), D) == D - timedelta(days=3)


@pytest.mark.parametrize(
    "moods",
    [
        {D - timedelta(days=1): 2, D: 1},  # only two days
        {D - timedelta(days=3): 1, D - timedelta(days=2): 2, D: 1},  # a day without a check-in between
        days_back(2, 3, 2),  # an okay day in the middle
        days_back(1, 2, 4),  # today is not low
    ],
)
def test_no_streak_without_three_consecutive_low_days(moods: dict[date, int]) -> None:
    """Gaps, a better day or a good today break the streak."""
    assert rules.low_streak_start(moods, D) is None


def test_three_unanswered_asks_make_a_quiet_streak() -> None:
    """Asks on the three days before today, no check-in since the day before them."""
    asks = [D - timedelta(days=n) for n in (4, 3, 2, 1)]
    assert rules.unanswered_since(asks, D - timedelta(days=4), D) == D - timedelta(days=3)


def test_an_answered_ask_or_too_few_asks_is_not_a_quiet_streak() -> None:
    """A check-in yesterday, or only two asks so far, means no note."""
    asks = [D - timedelta(days=n) for n in (3, 2, 1)]
    assert rules.unanswered_since(asks, D - timedelta(days=1), D) is None
    assert rules.unanswered_since(asks[1:], None, D) is None
    assert rules.unanswered_since(asks, None, D) == D - timedelta(days=3)


def test_averages_and_their_format() -> None:
    """Averages keep one decimal, without trailing zeros; none for no check-ins."""
    assert average([2, 3, 5]) == pytest.approx(10 / 3)
    assert format_average(10 / 3) == "3.3"
    assert format_average(4.0) == "4"
    assert average([]) is None
    assert format_average(None) == "-"


# -- ideas ----------------------------------------------------------------------------------------


def test_an_idea_fits_the_only_love_language() -> None:
    """With a primary language only, every idea comes from its list."""
    empathy = load("empathy")
    for seed in range(30):
        language, idea = rules.pick_idea(empathy, "gifts", None, given=(), turn=seed, seed=str(seed))
        assert language == "gifts"
        assert idea in empathy["suggestions"]["gifts"]


def test_ideas_rotate_primary_primary_secondary() -> None:
    """Two languages: the primary two turns in three, the secondary the third."""
    empathy = load("empathy")
    used = [rules.pick_idea(empathy, "time", "touch", given=(), turn=t, seed="s")[0] for t in range(6)]
    assert used == ["time", "time", "touch", "time", "time", "touch"]


def test_without_love_languages_the_idea_suits_anyone() -> None:
    """No languages set: an idea from the general list; the same seed gives the same idea."""
    empathy = load("empathy")
    language, idea = rules.pick_idea(empathy, None, None, given=(), turn=0, seed="a")
    assert language is None
    assert idea in empathy["suggestions"]["any"]
    assert rules.pick_idea(empathy, None, None, given=(), turn=0, seed="a") == (language, idea)


def test_no_idea_comes_twice_while_fresh_ones_are_left() -> None:
    """Thirty low days in a row (a month): thirty different ideas, the primary's pool first, then
    the secondary's, then the other languages' (issue 14: drawn with replacement, 8 low days a
    month almost surely repeated one)."""
    empathy = load("empathy")
    given: list[str] = []
    pools: list[str | None] = []
    for day in range(30):
        language, idea = rules.pick_idea(
            empathy, "words", "time", given=given, turn=len(given), seed=str(day)
        )
        given.append(idea)
        pools.append(language)
    assert len(set(given)) == 30
    words, time_ = len(empathy["suggestions"]["words"]), len(empathy["suggestions"]["time"])
    assert pools[:3] == ["words", "words", "time"]
    assert pools.count("words") == words
    assert pools.count("time") == time_
    assert set(pools[words + time_ :]) <= {"gifts", "service", "touch"}


def test_the_pools_in_order() -> None:
    assert rules.idea_pools("touch", "words", 2) == ["words", "touch", "time", "gifts", "service", "any"]
    assert rules.idea_pools(None, None, 0) == ["any", "words", "time", "gifts", "service", "touch"]


def test_every_idea_and_note_names_the_partner() -> None:
    """Each text in data/empathy.toml has the {name} placeholder and no other."""
    empathy = load("empathy")
    texts = [t for group in empathy["suggestions"].values() for t in group]
    texts += [t for group in empathy["notes"].values() for t in group]
    for text in texts:
        assert "{name}" in text
        assert text.format(name="Sam")
