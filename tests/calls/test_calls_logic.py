"""Pure call-night logic: parsing `when` and `reminders`, occurrences, clock shifts, yearly dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db.models import Couple, Partner
from bot.db.repositories.calls import Call, CallChange
from bot.errors import UserError
from bot.planning import countdown_phrase, friendly_instant
from bot.timeutil import QuietHours
from cogs.calls.rules import (
    CallTime,
    clock_shifts,
    format_minutes,
    next_call_time,
    occurrences,
    parse_reminders,
    parse_when,
    pick_activity,
    reminder_times,
)
from cogs.dates.rules import next_yearly, on_year, parse_special_date, years_on

BERLIN = ZoneInfo("Europe/Berlin")
LA = ZoneInfo("America/Los_Angeles")
# Monday 1 March 2027, 12:00 UTC (13:00 in Berlin, 04:00 in Los Angeles).
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def a_couple(
    alice_zone: str = "Europe/Berlin", bob_zone: str = "America/Los_Angeles", **bob: object
) -> Couple:
    partners = (
        Partner(1, 11, 1, "Alice", alice_zone, QuietHours()),
        Partner(1, 22, 2, "Bob", bob_zone, QuietHours(), **bob),  # type: ignore[arg-type]
    )
    return Couple(1, 5, "paired", 11, 22, None, NOW - timedelta(days=30), NOW - timedelta(days=30), partners)


def weekly(
    weekday: int = 4, at: time = time(20, 0), zone: str = "Europe/Berlin", created: datetime = NOW
) -> Call:
    return Call(1, 1, "weekly", weekday, at, zone, None, (60, 10), 60, 11, created, None)


def one_off(start: datetime) -> Call:
    return Call(2, 1, "once", None, None, "Europe/Berlin", start, (60, 10), 60, 11, NOW, None)


# -- when ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-03-05 20:00", utc(2027, 3, 5, 19, 0)),
        ("2027-03-05T20:00", utc(2027, 3, 5, 19, 0)),
        ("2027-3-5 8pm", utc(2027, 3, 5, 19, 0)),
        ("tomorrow 20:00", utc(2027, 3, 2, 19, 0)),
        ("today 21:30", utc(2027, 3, 1, 20, 30)),
        ("Friday 20:30", utc(2027, 3, 5, 19, 30)),
        ("fri at 20:30", utc(2027, 3, 5, 19, 30)),
        ("monday 14:00", utc(2027, 3, 1, 13, 0)),  # today, still ahead
        ("monday 09:00", utc(2027, 3, 8, 8, 0)),  # today, already past: next week
        ("next monday 14:00", utc(2027, 3, 8, 13, 0)),
        ("2027-03-28 02:30", utc(2027, 3, 28, 1, 0)),  # in the spring-forward gap: 03:00 CEST
    ],
)
def test_when_is_read_as_a_wall_time_in_your_zone(typed: str, expected: datetime) -> None:
    """Dates, tomorrow/today and weekday names all give the intended instant."""
    assert parse_when(typed, NOW, BERLIN) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("tomorrow", "needs a day and a time"),
        ("2027-03-05", "needs a day and a time"),
        ("20:00", "needs a day and a time"),
        ("soon", "needs a day and a time"),
        ("someday 20:00", "has a day I don't know"),
        ("mo 20:00", "has a day I don't know"),
        ("2027-02-30 20:00", "is not a real date"),
        ("2027-13-01 20:00", "is not a real date"),
        ("tomorrow 25:00", "has a time I don't understand"),
        ("tomorrow 20:75", "has a time I don't understand"),
        ("friday 8", "has a time I don't understand"),
        ("2027-03-05 20:00:00", "has a time I don't understand"),
        ("2026-12-24 20:00", "is already past"),
        ("today 10:00", "is already past"),
        ("2028-06-01 20:00", "is more than a year ahead"),
    ],
)
def test_a_malformed_when_is_refused_with_examples(typed: str, reason: str) -> None:
    """Every kind of bad `when` gets an error saying why, with examples to copy."""
    with pytest.raises(UserError) as error:
        parse_when(typed, NOW, BERLIN)
    assert reason in error.value.message
    assert "tomorrow 20:00" in error.value.message
    assert "YYYY-MM-DD HH:MM" in error.value.message


# -- reminders -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (None, (60,)),  # (changed with issue 14: the default was 60,10)
        ("", (60,)),
        ("60,10", (60, 10)),
        ("10, 60", (60, 10)),
        ("1440,60,10,5,1", (1440, 60, 10, 5, 1)),
        ("2h, 15m", (120, 15)),
        ("1d", (1440,)),
        ("7d", (10080,)),
        ("10080", (10080,)),
        ("60,60", (60,)),
        ("none", ()),
    ],
)
def test_reminders_are_minutes_before_the_call(typed: str | None, expected: tuple[int, ...]) -> None:
    """Minutes (or h/d), largest first, duplicates once; `none` turns them off."""
    assert parse_reminders(typed) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "isn't a number of minutes"),
        ("60,,10", "isn't a number of minutes"),
        ("60;10", "isn't a number of minutes"),
        ("60 10", "isn't a number of minutes"),
        ("1.5", "isn't a number of minutes"),
        ("-5", "isn't a number of minutes"),
        ("10w", "isn't a number of minutes"),
        ("0,10", "out of range"),
        ("10081", "out of range"),
        ("8d", "out of range"),
        ("1,2,3,4,5,6", "5 at most"),
    ],
)
def test_malformed_reminders_are_refused_with_examples(typed: str, reason: str) -> None:
    """Every kind of bad `reminders` gets an error saying why, with the format to use."""
    with pytest.raises(UserError) as error:
        parse_reminders(typed)
    assert reason in error.value.message
    assert "`60,10`" in error.value.message


def test_minutes_read_as_people_say_them() -> None:
    """Reminder offsets are shown in days, hours and minutes."""
    assert format_minutes(10) == "10 minutes"
    assert format_minutes(60) == "1 hour"
    assert format_minutes(90) == "1 hour 30 minutes"
    assert format_minutes(2 * 1440 + 60) == "2 days 1 hour"


# -- occurrences -----------------------------------------------------------------------------------


def test_a_weekly_call_keeps_the_setters_wall_time_across_dst() -> None:
    """Fridays 20:00 in Berlin are 19:00 UTC in winter and 18:00 UTC after the spring change."""
    starts = [o.start for o in occurrences(weekly(), {}, NOW, NOW + timedelta(days=35))]
    assert starts == [
        utc(2027, 3, 5, 19),
        utc(2027, 3, 12, 19),
        utc(2027, 3, 19, 19),
        utc(2027, 3, 26, 19),
        utc(2027, 4, 2, 18),
    ]


def test_reminders_are_exact_instants_before_the_start_even_across_a_clock_change() -> None:
    """A reminder a day before a call just after the change is 24 real hours before it."""
    start = utc(2027, 3, 28, 18)  # Sunday 20:00 CEST, the day the clocks went forward
    assert reminder_times(start, (1440, 10)) == [(1440, utc(2027, 3, 27, 18)), (10, utc(2027, 3, 28, 17, 50))]


def test_a_skipped_occurrence_is_left_out_and_a_moved_one_is_at_its_new_time() -> None:
    """Skips and moves change single occurrences only."""
    call = weekly()
    changes = {
        utc(2027, 3, 5, 19): CallChange(1, utc(2027, 3, 5, 19), "skipped", None, 11, NOW),
        utc(2027, 3, 12, 19): CallChange(1, utc(2027, 3, 12, 19), "moved", utc(2027, 3, 13, 18), 22, NOW),
    }
    found = occurrences(call, changes, NOW, NOW + timedelta(days=20))
    assert found == [
        CallTime(1, utc(2027, 3, 12, 19), utc(2027, 3, 13, 18), "moved"),
        CallTime(1, utc(2027, 3, 19, 19), utc(2027, 3, 19, 19)),
    ]
    upcoming = next_call_time(call, changes, NOW, include_skipped=True)
    assert upcoming is not None
    assert upcoming.skipped


def test_a_one_off_call_has_one_occurrence_and_none_after_it() -> None:
    """A one-off is next until it starts, then there is nothing."""
    call = one_off(utc(2027, 3, 3, 19))
    upcoming = next_call_time(call, {}, NOW)
    assert upcoming is not None
    assert upcoming.start == utc(2027, 3, 3, 19)
    assert next_call_time(call, {}, utc(2027, 3, 3, 19)) is None


# -- clock shifts ----------------------------------------------------------------------------------


def test_the_us_spring_change_moves_a_berlin_call_for_the_partner_in_los_angeles() -> None:
    """Friday 20:00 Berlin goes from 11:00 to 12:00 for Bob; Alice's time does not change."""
    shifts = clock_shifts(weekly(), a_couple(), utc(2027, 3, 9))
    assert len(shifts) == 1
    shift = shifts[0]
    assert shift.at == utc(2027, 3, 14, 10)
    assert shift.zones == ("America/Los_Angeles",)
    assert (shift.before, shift.after) == (utc(2027, 3, 12, 19), utc(2027, 3, 19, 19))
    alice, bob = shift.times
    assert (alice.before, alice.after, alice.changed) == ("Fri 20:00", "Fri 20:00", False)
    assert (bob.before, bob.after, bob.changed) == ("Fri 11:00", "Fri 12:00", True)


def test_the_eu_spring_change_moves_a_los_angeles_call_for_the_partner_in_berlin() -> None:
    """Sunday 10:00 in Los Angeles goes from 18:00 to 19:00 for Alice after Berlin's change."""
    call = weekly(weekday=6, at=time(10, 0), zone="America/Los_Angeles")
    shifts = clock_shifts(call, a_couple(), utc(2027, 3, 22))
    assert [s.at for s in shifts] == [utc(2027, 3, 28, 1)]
    alice, bob = shifts[0].times
    assert (alice.before, alice.after) == ("Sun 18:00", "Sun 19:00")
    assert not bob.changed


def test_changes_further_than_seven_days_ahead_or_moving_nobody_are_not_shifts() -> None:
    """Only changes within the window count, and the same change in both zones moves nobody."""
    assert clock_shifts(weekly(), a_couple(), utc(2027, 3, 1)) == []
    same_zone = a_couple(bob_zone="Europe/Paris")
    assert clock_shifts(weekly(), same_zone, utc(2027, 3, 22)) == []


def test_a_change_before_the_call_existed_is_not_announced() -> None:
    """No "was 11:00" for a time the call never had."""
    created_after_last = weekly(created=utc(2027, 3, 13))
    assert clock_shifts(created_after_last, a_couple(), utc(2027, 3, 13)) == []


def test_the_end_of_a_trip_is_a_shift_for_the_traveler() -> None:
    """Coming home from Tokyo moves Bob's call time back to his home zone's."""
    couple = a_couple(travel_zone="Asia/Tokyo", travel_until=utc(2027, 3, 3, 12))
    shifts = clock_shifts(weekly(created=NOW - timedelta(days=30)), couple, NOW)
    assert [(s.cause, s.traveler) for s in shifts] == [("trip", 22)]
    bob = shifts[0].times[1]
    assert (bob.before, bob.after) == ("Sat 04:00", "Fri 11:00")


# -- yearly dates and countdowns -------------------------------------------------------------------


def test_feb_29_is_celebrated_on_feb_28_in_other_years() -> None:
    """Leap years keep the 29th; the other years use the 28th."""
    assert on_year(2, 29, 2028) == date(2028, 2, 29)
    assert on_year(2, 29, 2027) == date(2027, 2, 28)
    assert next_yearly(2, 29, date(2027, 3, 1)) == date(2028, 2, 29)
    assert next_yearly(2, 29, date(2027, 2, 28)) == date(2027, 2, 28)


def test_years_are_counted_from_the_first_year() -> None:
    """7 years on; no count without a year or before the first one."""
    assert years_on(2020, date(2027, 6, 14)) == 7
    assert years_on(None, date(2027, 6, 14)) is None
    assert years_on(2027, date(2027, 6, 14)) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2019-06-14", (2019, 6, 14)),
        ("06-14", (None, 6, 14)),
        ("2000-02-29", (2000, 2, 29)),
        ("02-29", (None, 2, 29)),
    ],
)
def test_special_dates_take_a_year_or_not(typed: str, expected: tuple[int | None, int, int]) -> None:
    """YYYY-MM-DD counts the years; MM-DD does not."""
    assert parse_special_date(typed) == expected


@pytest.mark.parametrize("typed", ["2019-02-29", "2019-13-01", "14/06/2019", "june 14", "1850-01-01"])
def test_impossible_special_dates_are_refused(typed: str) -> None:
    """Feb 29 in a non-leap year, month 13, other formats and very old years are errors."""
    with pytest.raises(UserError):
        parse_special_date(typed)


def test_countdowns_read_naturally() -> None:
    """Today, tomorrow, in N days."""
    assert [countdown_phrase(d) for d in (0, 1, 23)] == ["today", "tomorrow", "in 23 days"]


def test_posts_about_a_day_land_when_both_are_awake_that_day() -> None:
    """10:00 Berlin is 01:00 in Los Angeles: the post moves to 17:00 Berlin (08:00 there)."""
    couple = a_couple()
    assert friendly_instant(date(2027, 3, 5), BERLIN, couple) == utc(2027, 3, 5, 16)
    together = a_couple(bob_zone="Europe/Berlin")
    assert friendly_instant(date(2027, 3, 5), BERLIN, together) == utc(2027, 3, 5, 9)


def test_the_activity_idea_avoids_recent_ones_and_is_repeatable() -> None:
    """Recent ideas are not offered while others remain; the same seed gives the same idea."""
    ideas = [{"title": t, "text": t} for t in ("A", "B", "C")]
    assert pick_activity(ideas, ["A", "B"], "x")["title"] == "C"
    assert pick_activity(ideas, [], "seed") == pick_activity(ideas, [], "seed")
    assert pick_activity(ideas, ["A", "B", "C"], "x")["title"] in {"A", "B", "C"}
