"""The check-in rules in bot/mood.py: days, streaks, moods, ideas, averages and the chart."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from bot import mood as rules
from bot.content import load
from bot.mood import Series
from bot.timeutil import QuietHours

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
    assert rules.checkin_day(local.astimezone(UTC), BERLIN) == expected


def test_the_check_in_day_is_read_in_the_partners_zone() -> None:
    """The same instant is Tuesday evening in Los Angeles and Wednesday morning in Berlin."""
    instant = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 23:00 LA Tuesday, 08:00 Berlin Wednesday
    assert rules.checkin_day(instant, ZoneInfo("America/Los_Angeles")) == D
    assert rules.checkin_day(instant, BERLIN) == D + timedelta(days=1)


def test_a_day_ends_at_four_local_even_across_a_clock_change() -> None:
    """Saturday 24 Oct 2026 in Berlin ends at 04:00 on Sunday, after the clocks went back."""
    end = rules.day_end(date(2026, 10, 24), BERLIN)
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
    assert rules.average([2, 3, 5]) == pytest.approx(10 / 3)
    assert rules.format_average(10 / 3) == "3.3"
    assert rules.format_average(4.0) == "4"
    assert rules.average([]) is None
    assert rules.format_average(None) == "-"


# -- ideas ----------------------------------------------------------------------------------------


def test_an_idea_fits_the_only_love_language() -> None:
    """With a primary language only, every idea comes from its list."""
    empathy = load("empathy")
    for seed in range(30):
        language, idea = rules.pick_suggestion(empathy, "gifts", None, seed=str(seed))
        assert language == "gifts"
        assert idea in empathy["suggestions"]["gifts"]


def test_ideas_mostly_fit_the_primary_language_and_sometimes_the_secondary() -> None:
    """Two languages: both are used, the primary more often."""
    empathy = load("empathy")
    used = [rules.pick_suggestion(empathy, "time", "touch", seed=str(seed))[0] for seed in range(300)]
    assert set(used) == {"time", "touch"}
    assert used.count("time") > used.count("touch")


def test_without_love_languages_the_idea_suits_anyone() -> None:
    """No languages set: an idea from the general list; the same seed gives the same idea."""
    empathy = load("empathy")
    language, idea = rules.pick_suggestion(empathy, None, None, seed="a")
    assert language is None
    assert idea in empathy["suggestions"]["any"]
    assert rules.pick_suggestion(empathy, None, None, seed="a") == (language, idea)


def test_every_idea_and_note_names_the_partner() -> None:
    """Each text in data/empathy.toml has the {name} placeholder and no other."""
    empathy = load("empathy")
    texts = [t for group in empathy["suggestions"].values() for t in group]
    texts += [t for group in empathy["notes"].values() for t in group]
    for text in texts:
        assert "{name}" in text
        assert text.format(name="Sam")


# -- the chart ------------------------------------------------------------------------------------


def test_the_chart_is_a_png_of_the_right_size() -> None:
    """A valid PNG that Pillow can open, 1000x460 pixels."""
    points = tuple((D - timedelta(days=n), 1 + n % 5) for n in range(30))
    png = rules.render_chart([Series("alice", points), Series("bob", ())], D - timedelta(days=29), D)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (1000, 460)


def test_the_chart_names_only_the_partners_it_shows() -> None:
    """The PNG's description names the plotted partners, not a hidden one."""
    png = rules.render_chart([Series("alice", ((D, 3),))], D - timedelta(days=6), D)
    description = Image.open(io.BytesIO(png)).info["Description"]
    assert "alice" in description
    assert "bob" not in description


async def test_a_year_long_chart_renders_off_the_event_loop() -> None:
    """chart_png returns a PNG for 365 days of two partners."""
    points = tuple((D - timedelta(days=n), 1 + (n * 7) % 5) for n in range(365))
    png = await rules.chart_png([Series("a", points), Series("b", points[::2])], D - timedelta(days=364), D)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_lines_break_where_days_are_missing() -> None:
    """A gap between check-ins becomes a NaN point, so no line is drawn across it."""
    xs, ys = rules.broken_at_gaps([(D - timedelta(days=3), 2), (D - timedelta(days=2), 3), (D, 4)])
    assert xs == [D - timedelta(days=3), D - timedelta(days=2), D - timedelta(days=1), D]
    assert ys[:2] == [2.0, 3.0]
    assert ys[2] != ys[2]  # NaN
    assert ys[3] == 4.0


def test_the_trend_is_a_seven_day_rolling_average() -> None:
    """Each day's trend value averages the check-ins of the seven days ending that day."""
    points = [(D - timedelta(days=9 - n), mood) for n, mood in enumerate([1, 1, 1, 1, 1, 1, 1, 5, 5, 5])]
    _, trend = rules.rolling_average(points, 7)
    assert trend[0] == 1
    assert trend[6] == 1
    assert trend[9] == pytest.approx((1 * 4 + 5 * 3) / 7)


def test_the_summary_says_who_keeps_check_ins_private() -> None:
    """Averages and counts per shown partner; hidden partners are only named as private."""
    text = rules.summary([Series("alice", ((D, 2), (D - timedelta(days=1), 5)))], ["bob"], 30)
    assert text == "alice: average 3.5/5 over 2 check-ins; bob keeps check-ins private"
