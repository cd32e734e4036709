"""Which instant a schedule fires at: zones, trips, quiet hours (pure, no Discord)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.db.models import Couple, Partner, Schedule
from bot.scheduler import fire_time, next_occurrence
from bot.timeutil import ALL_DAYS, QuietHours


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def couple(*, bob_zone: str = "America/Los_Angeles", trip: tuple[str, datetime] | None = None) -> Couple:
    alice = Partner(1, 100, 1, "Alice", "Europe/Berlin", QuietHours())
    bob = Partner(
        1,
        200,
        2,
        "Bob",
        bob_zone,
        QuietHours(time(22, 0), time(7, 0)),
        trip[0] if trip else None,
        trip[1] if trip else None,
    )
    return Couple(1, 10, "paired", 100, 200, None, utc(2026, 1, 1), utc(2026, 1, 1), (alice, bob))


def schedule(
    *, at: time, personal: bool = False, owner: int | None = None, zone: str | None = None, weekdays=ALL_DAYS
) -> Schedule:
    return Schedule(
        id=1,
        guild_id=1,
        kind="test",
        key="",
        label="Test",
        owner_id=owner,
        personal=personal,
        local_time=at,
        weekdays=frozenset(weekdays),
        zone=zone,
        once_at=None,
        paused=False,
        next_due=None,
        fire_at=None,
        payload={},
        created_at=utc(2026, 1, 1),
    )


def test_a_shared_schedule_keeps_the_setters_zone() -> None:
    """A 09:00 Berlin question is 08:00 UTC in winter, whoever reads it."""
    s = schedule(at=time(9, 0), zone="Europe/Berlin")
    assert next_occurrence(s, couple(), utc(2026, 11, 24, 12, 0)) == utc(2026, 11, 25, 8, 0)


def test_a_personal_schedule_follows_its_owners_zone() -> None:
    """Bob's 20:00 check-in is 20:00 in Los Angeles."""
    s = schedule(at=time(20, 0), personal=True, owner=200)
    assert next_occurrence(s, couple(), utc(2026, 11, 24, 12, 0)) == utc(2026, 11, 25, 4, 0)


def test_a_personal_schedule_follows_a_trip_and_returns_home_by_itself() -> None:
    """While Bob is in Tokyo his 20:00 is Tokyo's; after the trip ends it is Los Angeles' again."""
    back = utc(2026, 11, 27, 15, 0)  # 00:00 in Tokyo on the 28th
    c = couple(trip=("Asia/Tokyo", back))
    s = schedule(at=time(20, 0), personal=True, owner=200)
    assert next_occurrence(s, c, utc(2026, 11, 24, 12, 0)) == utc(2026, 11, 25, 11, 0)  # 20:00 Tokyo
    # From the last Tokyo evening, the next one is 20:00 in Los Angeles after the trip ended.
    assert next_occurrence(s, c, utc(2026, 11, 27, 11, 0)) == utc(2026, 11, 28, 4, 0)


def test_a_personal_ping_in_quiet_hours_waits_for_the_morning() -> None:
    """Bob's quiet hours are 22:00-07:00: a 23:00 ping fires at 07:00 his time."""
    s = schedule(at=time(23, 0), personal=True, owner=200)
    nominal = next_occurrence(s, couple(), utc(2026, 11, 24, 12, 0))
    assert nominal == utc(2026, 11, 25, 7, 0)  # 23:00 LA
    assert fire_time(s, couple(), nominal) == utc(2026, 11, 25, 15, 0)  # 07:00 LA


def test_a_shared_schedule_ignores_quiet_hours() -> None:
    """Shared posts go to the channel at their time; quiet hours hold only personal pings."""
    s = schedule(at=time(23, 0), zone="America/Los_Angeles")
    nominal = next_occurrence(s, couple(), utc(2026, 11, 24, 12, 0))
    assert fire_time(s, couple(), nominal) == nominal


def test_partners_whose_clocks_change_on_different_dates() -> None:
    """In the weeks between the EU and US changes, Bob's 20:00 moves against Alice's 20:00."""
    alice_s = schedule(at=time(20, 0), personal=True, owner=100)
    bob_s = schedule(at=time(20, 0), personal=True, owner=200)
    c = couple()
    # 2026: Europe falls back on Oct 25, the US on Nov 1.
    before = utc(2026, 10, 20, 0, 0)
    between = utc(2026, 10, 28, 0, 0)
    after = utc(2026, 11, 3, 0, 0)
    gap = []
    for t in (before, between, after):
        alice_evening = next_occurrence(alice_s, c, t)
        gap.append(next_occurrence(bob_s, c, alice_evening) - alice_evening)
    assert [g.total_seconds() / 3600 for g in gap] == [9.0, 8.0, 9.0]
