"""The pure rules of letters: reading ``to_open``, and a capsule's morning across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.db.models import Couple, Partner
from bot.errors import UserError
from bot.timeutil import QuietHours
from cogs.letters.rules import ToOpen, add_months, arrival, morning_of, next_yearly, parse_to_open

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-24", ToOpen(open_on=date(2026, 12, 24))),
        ("2026-12-4", ToOpen(open_on=date(2026, 12, 4))),
        ("tomorrow", ToOpen(open_on=date(2026, 11, 25))),
        ("in 30 days", ToOpen(open_on=date(2026, 12, 24))),
        ("In 2 Weeks", ToOpen(open_on=date(2026, 12, 8))),
        ("in a month", ToOpen(open_on=date(2026, 12, 24))),
        ("in 1 year", ToOpen(open_on=date(2027, 11, 24))),
        ("in 10 years", ToOpen(open_on=date(2036, 11, 24))),
        ("  when   you miss me ", ToOpen(occasion="when you miss me")),
        ("When it snows in Lisbon", ToOpen(occasion="When it snows in Lisbon")),
        ("our anniversary", ToOpen(open_on=date(2027, 2, 14))),
    ],
)
def test_to_open_reads(typed: str, expected: ToOpen) -> None:
    assert parse_to_open(typed, TODAY, date(2027, 2, 14)) == expected


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-11-23", "has passed"),
        ("2027-02-29", "not a real date"),
        ("2036-11-25", "up to 10 years"),
        ("in many days", "say how many"),
        ("24.12.2026", "not a date I understand"),
        ("x" * 101, "up to 100 characters"),
        ("", "was empty"),
    ],
)
def test_to_open_refuses_clearly(typed: str, said: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_to_open(typed, TODAY, None)
    assert said in refused.value.message
    assert "`to_open`" in refused.value.message


def test_months_and_leap_days() -> None:
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert next_yearly(2, 29, date(2026, 11, 24)) == date(2027, 2, 28)
    assert next_yearly(2, 29, date(2027, 11, 24)) == date(2028, 2, 29)
    assert next_yearly(11, 24, date(2026, 11, 24)) == date(2026, 11, 24)


def couple(zone: str, quiet: QuietHours | None = None) -> tuple[Couple, Partner]:
    first = Partner(1, 10, 1, "alice", "Europe/Berlin", QuietHours())
    second = Partner(1, 20, 2, "bob", zone, quiet or QuietHours())
    now = datetime(2026, 11, 24, tzinfo=UTC)
    return Couple(1, 2, "paired", 10, 20, None, now, now, (first, second)), second


def test_the_morning_follows_daylight_time() -> None:
    pair, bob = couple("America/Los_Angeles")
    assert morning_of(pair, bob, date(2027, 3, 13)) == datetime(2027, 3, 13, 17, 0, tzinfo=UTC)
    assert morning_of(pair, bob, date(2027, 3, 14)) == datetime(2027, 3, 14, 16, 0, tzinfo=UTC)
    assert morning_of(pair, bob, date(2027, 11, 7)) == datetime(2027, 11, 7, 17, 0, tzinfo=UTC)


def test_quiet_hours_ending_after_nine_hold_it() -> None:
    pair, bob = couple("Asia/Tokyo", QuietHours(end=time(11, 15)))
    assert arrival(pair, bob, date(2026, 12, 1)) == datetime(2026, 12, 1, 2, 15, tzinfo=UTC)
