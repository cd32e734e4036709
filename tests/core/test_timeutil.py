"""Pure time maths: zones, wall times across DST, quiet and shared awake hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.db.models import Partner
from bot.errors import UserError
from bot.timeutil import (
    QuietHours,
    WallRule,
    dst_changes,
    nearest_shared_time,
    parse_clock,
    parse_date,
    parse_weekdays,
    shared_awake_windows,
    wall_to_utc,
)
from bot.zones import UnknownZone, resolve_zone, suggest_zones

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("sao paulo", "America/Sao_Paulo"),
        ("São Paulo", "America/Sao_Paulo"),
        ("new york", "America/New_York"),
        ("America/New_York", "America/New_York"),
        ("america/new_york", "America/New_York"),
        ("Mumbai", "Asia/Kolkata"),
        ("asia/kolkata", "Asia/Kolkata"),
        ("Chatham", "Pacific/Chatham"),
        ("lord howe", "Australia/Lord_Howe"),
        ("  Tokyo  ", "Asia/Tokyo"),
        ("UTC", "UTC"),
    ],
)
def test_city_and_zone_names_resolve(typed: str, zone: str) -> None:
    """People can type a city or an IANA name, in any case, with or without accents."""
    assert resolve_zone(typed).key == zone


def test_unknown_zone_suggests_the_closest_matches() -> None:
    """A typo is refused with "did you mean" suggestions."""
    with pytest.raises(UnknownZone) as caught:
        resolve_zone("Berlinn")
    assert "Europe/Berlin" in caught.value.suggestions
    assert "Europe/Berlin" in caught.value.message


@pytest.mark.parametrize("typed", ["", "   ", "Atlantis", "../../etc/passwd", "x" * 500])
def test_nonsense_zone_is_a_clear_error(typed: str) -> None:
    """Nonsense gets the explanation of what to type, never an exception of another kind."""
    with pytest.raises(UserError, match="time zone"):
        resolve_zone(typed)


def test_autocomplete_puts_the_typed_city_first_and_stays_within_25() -> None:
    """Typing "berl" offers Berlin first; never more than 25 choices, labels within 100."""
    choices = suggest_zones("berl", NOW)
    assert choices[0][1] == "Europe/Berlin"
    assert "UTC+01:00" in choices[0][0]
    for query in ["", "a", "e", "america", "new york", "sao paulo", "zzzz"]:
        found = suggest_zones(query, NOW)
        assert len(found) <= 25
        assert all(len(label) <= 100 for label, _ in found)
    assert any(value == "America/New_York" for _, value in suggest_zones("new york", NOW))
    assert any(value == "America/Sao_Paulo" for _, value in suggest_zones("sao paulo", NOW))


@pytest.mark.parametrize(
    ("zone", "instant", "local"),
    [
        ("Asia/Kolkata", utc(2026, 11, 24, 12, 0), "17:30"),
        ("Pacific/Chatham", utc(2026, 11, 24, 12, 0), "01:45"),  # +13:45 in southern summer
        ("Pacific/Chatham", utc(2026, 7, 1, 12, 0), "00:45"),  # +12:45 in winter
        ("America/New_York", utc(2026, 3, 8, 6, 59), "01:59"),  # just before spring forward
        ("America/New_York", utc(2026, 3, 8, 7, 0), "03:00"),  # just after
        ("Europe/London", utc(2026, 10, 25, 0, 59), "01:59"),  # BST, before fall back
        ("Europe/London", utc(2026, 10, 25, 1, 0), "01:00"),  # GMT, after
    ],
)
def test_a_partners_local_time(zone: str, instant: datetime, local: str) -> None:
    """A partner's local time is right in half-hour, 45-minute and DST zones."""
    partner = Partner(1, 2, 1, "Sam", zone, QuietHours())
    assert partner.zone(instant).key == zone
    assert f"{instant.astimezone(partner.zone(instant)):%H:%M}" == local


def test_traveling_partner_lives_by_the_trip_zone_until_it_ends() -> None:
    """A trip's zone applies until its end, then home again, by itself."""
    back = utc(2026, 12, 1)
    partner = Partner(1, 2, 1, "Sam", "Europe/Berlin", QuietHours(), "Asia/Tokyo", back)
    assert partner.zone(back - timedelta(seconds=1)).key == "Asia/Tokyo"
    assert partner.zone(back).key == "Europe/Berlin"


@pytest.mark.parametrize(
    ("zone", "day", "wall", "expected"),
    [
        # Spring forward: a time in the gap fires at the first valid minute after it.
        ("America/New_York", date(2026, 3, 8), time(2, 30), utc(2026, 3, 8, 7, 0)),
        ("Europe/London", date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 0)),
        ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), utc(2026, 10, 3, 15, 30)),
        ("Australia/Sydney", date(2026, 10, 4), time(2, 30), utc(2026, 10, 3, 16, 0)),
        # Fall back: an ambiguous time fires at its first occurrence.
        ("America/New_York", date(2026, 11, 1), time(1, 30), utc(2026, 11, 1, 5, 30)),
        ("Europe/London", date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),
        ("Australia/Lord_Howe", date(2026, 4, 5), time(1, 45), utc(2026, 4, 4, 14, 45)),
        ("Australia/Sydney", date(2026, 4, 5), time(2, 30), utc(2026, 4, 4, 15, 30)),
        # Ordinary days.
        ("Asia/Kolkata", date(2026, 6, 1), time(9, 0), utc(2026, 6, 1, 3, 30)),
        ("Pacific/Chatham", date(2026, 6, 1), time(9, 0), utc(2026, 5, 31, 20, 15)),
    ],
)
def test_wall_time_to_instant_follows_the_dst_rules(
    zone: str, day: date, wall: time, expected: datetime
) -> None:
    """Gaps move forward to the jump, folds take the first occurrence."""
    assert wall_to_utc(day, wall, ZoneInfo(zone)) == expected


@pytest.mark.parametrize(
    ("zone", "transition_day"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("America/New_York", date(2026, 11, 1)),
        ("Europe/London", date(2026, 3, 29)),
        ("Europe/London", date(2026, 10, 25)),
        ("Australia/Lord_Howe", date(2026, 4, 5)),
        ("Australia/Lord_Howe", date(2026, 10, 4)),
        ("Australia/Sydney", date(2026, 4, 5)),
        ("Australia/Sydney", date(2026, 10, 4)),
        ("Pacific/Chatham", date(2026, 4, 5)),
        ("Pacific/Chatham", date(2026, 9, 27)),
        ("Asia/Kolkata", date(2026, 3, 8)),
    ],
)
@pytest.mark.parametrize("wall", [time(9, 0), time(20, 0), time(2, 30), time(1, 30)])
def test_a_daily_rule_fires_once_a_day_at_the_same_wall_time(
    zone: str, transition_day: date, wall: time
) -> None:
    """Across a DST change, every day gets exactly one occurrence, at the wall time when it exists."""
    tz = ZoneInfo(zone)
    rule = WallRule(wall, tz)
    start = wall_to_utc(transition_day - timedelta(days=3), time(23, 59), tz)
    occurrences = list(rule.instants(start, start + timedelta(days=6)))
    days = [o.astimezone(tz).date() for o in occurrences]
    assert days == [transition_day - timedelta(days=2) + timedelta(days=i) for i in range(6)]
    for occurrence in occurrences:
        local = occurrence.astimezone(tz).time().replace(tzinfo=None)
        assert local == wall or local > wall  # later only when the wall time did not exist


def test_a_weekly_rule_only_fires_on_its_days() -> None:
    """A Monday and Thursday rule skips the other days."""
    tz = ZoneInfo("Europe/Berlin")
    rule = WallRule(time(20, 0), tz, frozenset({0, 3}))
    occurrences = list(rule.instants(utc(2026, 11, 23), utc(2026, 12, 7)))
    assert [o.astimezone(tz).strftime("%a %d %H:%M") for o in occurrences] == [
        "Mon 23 20:00",
        "Thu 26 20:00",
        "Mon 30 20:00",
        "Thu 03 20:00",
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("20:00", time(20, 0)),
        ("8:30", time(8, 30)),
        ("8pm", time(20, 0)),
        ("12am", time(0, 0)),
        ("07.15", time(7, 15)),
        ("20h30", time(20, 30)),
        ("12:30 PM", time(12, 30)),
    ],
)
def test_clock_times_people_type(typed: str, expected: time) -> None:
    """Common ways of writing a time are understood."""
    assert parse_clock(typed) == expected


@pytest.mark.parametrize("typed", ["25:00", "12:60", "8", "noon", "", "13pm", "-1:00"])
def test_impossible_clock_times_are_refused(typed: str) -> None:
    """An impossible or ambiguous time gets an error with an example."""
    with pytest.raises(UserError, match="20:00"):
        parse_clock(typed)


def test_dates_people_type() -> None:
    """YYYY-MM-DD, today and yesterday; impossible dates are refused with an example."""
    today = date(2026, 11, 24)
    assert parse_date("2024-02-29", today) == date(2024, 2, 29)
    assert parse_date("yesterday", today) == date(2026, 11, 23)
    with pytest.raises(UserError, match="2026-11-24"):
        parse_date("2023-02-29", today)
    with pytest.raises(UserError, match="YYYY-MM-DD"):
        parse_date("next friday", today)


def test_weekday_names() -> None:
    """Days can be written as names, abbreviations, weekdays, weekends or daily."""
    assert parse_weekdays("mon,thu") == frozenset({0, 3})
    assert parse_weekdays("Friday") == frozenset({4})
    assert parse_weekdays("weekends") == frozenset({5, 6})
    assert parse_weekdays("daily") == frozenset(range(7))
    with pytest.raises(UserError):
        parse_weekdays("t")  # tuesday or thursday?


def test_quiet_hours_hold_a_ping_until_they_end() -> None:
    """A ping at 23:30 waits until 08:00 the next morning, in the partner's zone."""
    tz = ZoneInfo("Europe/Berlin")
    quiet = QuietHours(time(23, 0), time(8, 0))
    late = wall_to_utc(date(2026, 11, 24), time(23, 30), tz)
    assert quiet.release(late, tz) == wall_to_utc(date(2026, 11, 25), time(8, 0), tz)
    early = wall_to_utc(date(2026, 11, 24), time(6, 0), tz)
    assert quiet.release(early, tz) == wall_to_utc(date(2026, 11, 24), time(8, 0), tz)
    evening = wall_to_utc(date(2026, 11, 24), time(20, 0), tz)
    assert quiet.release(evening, tz) == evening
    assert not QuietHours(time(8, 0), time(8, 0)).contains(time(3, 0))


def test_shared_awake_hours_of_berlin_and_los_angeles() -> None:
    """Berlin and Los Angeles with default quiet hours share 08:00-14:00 LA time in winter."""
    berlin, la = ZoneInfo("Europe/Berlin"), ZoneInfo("America/Los_Angeles")
    people = [(berlin, QuietHours()), (la, QuietHours())]
    windows = shared_awake_windows(people, utc(2026, 11, 24, 0, 0), hours=24)
    assert [
        (w.start.astimezone(la).strftime("%H:%M"), w.end.astimezone(la).strftime("%H:%M")) for w in windows
    ] == [("08:00", "14:00")]
    # 03:00 in LA is nobody's good time; the nearest shared minute is 08:00 LA.
    candidate = wall_to_utc(date(2026, 11, 24), time(3, 0), la)
    assert nearest_shared_time(candidate, people) == wall_to_utc(date(2026, 11, 24), time(8, 0), la)


def test_dst_changes_are_found_with_their_offsets() -> None:
    """The US fall-back change is found within the week, with before/after offsets."""
    changes = dst_changes(ZoneInfo("America/New_York"), utc(2026, 10, 29), utc(2026, 11, 5))
    assert changes == [(utc(2026, 11, 1, 6, 0), timedelta(hours=-4), timedelta(hours=-5))]
    assert dst_changes(ZoneInfo("Asia/Kolkata"), utc(2026, 1, 1), utc(2026, 12, 31)) == []
