"""Rituals keep local wall time across DST changes, in both directions, in tricky zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.timeutil import WEEKDAY_NAMES, wall_to_utc
from emulator import Fake
from tests.support import Closer, People

CASES = [
    # zone, transition day, wall time tested, local time it fires on the transition day
    ("America/New_York", date(2026, 3, 8), "02:30", "03:00"),  # gap: first minute after
    ("America/New_York", date(2026, 11, 1), "01:30", "01:30"),  # fold: once
    ("Europe/London", date(2026, 3, 29), "01:30", "02:00"),
    ("Europe/London", date(2026, 10, 25), "01:30", "01:30"),
    ("Australia/Lord_Howe", date(2026, 10, 4), "02:15", "02:30"),  # 30-minute DST
    ("Australia/Lord_Howe", date(2026, 4, 5), "01:45", "01:45"),
    ("Australia/Sydney", date(2026, 10, 4), "02:30", "03:00"),  # southern hemisphere
    ("Australia/Sydney", date(2026, 4, 5), "02:30", "02:30"),
    ("Pacific/Chatham", date(2026, 9, 27), "03:00", "03:45"),  # +12:45 / +13:45
    ("Pacific/Chatham", date(2026, 4, 5), "03:00", "03:00"),
    ("Asia/Kolkata", date(2026, 3, 8), "02:30", "02:30"),  # no DST, +05:30
]


def ritual_posts(fake: Fake, people: People) -> int:
    return len([m for m in fake.messages(people.channel) if "💞 daily" in m.text or "💞 weekly" in m.text])


async def run_until(closer: Closer, fake: Fake, people: People, end: datetime) -> list[datetime]:
    """Step to each armed custom-ritual occurrence until ``end``; the instants posts went out."""
    assert closer.bot is not None
    fired: list[datetime] = []
    seen = ritual_posts(fake, people)
    while True:
        schedules = await closer.bot.schedules.for_guild(people.guild.id, "ritual")
        armed = [s.fire_at for s in schedules if s.fire_at and s.payload.get("template") == "custom"]
        upcoming = min(armed) if armed else None
        if upcoming is None or upcoming > end:
            return fired
        # Nothing happens a minute before.
        await closer.at(upcoming - timedelta(minutes=1))
        assert ritual_posts(fake, people) == seen, "a ritual fired early"
        await closer.at(upcoming)
        now_seen = ritual_posts(fake, people)
        fired.extend([upcoming] * (now_seen - seen))
        seen = now_seen


@pytest.mark.parametrize(("zone", "day", "wall", "expected"), CASES)
async def test_daily_and_weekly_rituals_keep_local_time_across_dst(
    couple: People, fake: Fake, closer: Closer, zone: str, day: date, wall: str, expected: str
) -> None:
    """Every day at the wall time (the first valid minute after it in a gap, once in a fold)."""
    tz = ZoneInfo(zone)
    closer.clock.set(wall_to_utc(day - timedelta(days=3), time(12, 0), tz))
    await fake.slash(couple.alice, "couple timezone", timezone=zone)
    await fake.slash(couple.alice, "ritual add", template="custom", time=wall, day="daily", message="daily")
    weekday = WEEKDAY_NAMES[day.weekday()]
    await fake.slash(
        couple.alice, "ritual add", template="custom", time="09:00", day=weekday, message="weekly"
    )
    fired = await run_until(closer, fake, couple, wall_to_utc(day + timedelta(days=3), time(12, 0), tz))

    local = [(f.astimezone(tz).date(), f.astimezone(tz).strftime("%H:%M")) for f in fired]
    daily = [(d, t) for d, t in local if t != "09:00" or wall == "09:00"]
    weekly = [(d, t) for d, t in local if t == "09:00"]
    assert [d for d, _ in daily] == [day + timedelta(days=i) for i in range(-2, 4)]
    for d, t in daily:
        assert t == (expected if d == day else wall)
    assert weekly == [(day, "09:00")]
    # In a fold the post is at the first of the two instants.
    transition = next(
        f for f in fired if f.astimezone(tz).date() == day and f.astimezone(tz).strftime("%H:%M") != "09:00"
    )
    assert transition == wall_to_utc(day, time.fromisoformat(expected), tz)
    assert all(f.tzinfo == UTC for f in fired)


async def test_partners_whose_clocks_change_on_different_dates_each_keep_their_own_time(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Goodnight at 22:00 for Alice (Berlin) and Bob (Los Angeles) across both autumn changes."""
    closer.clock.set(datetime(2026, 10, 20, 12, 0, tzinfo=UTC))
    await fake.slash(couple.alice, "ritual add", template="goodnight", time="22:00")
    assert closer.bot is not None
    seen: dict[int, list[str]] = {couple.alice.id: [], couple.bob.id: []}
    zones = {couple.alice.id: ZoneInfo("Europe/Berlin"), couple.bob.id: ZoneInfo("America/Los_Angeles")}
    end = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    while True:
        schedules = [
            s
            for s in await closer.bot.schedules.for_guild(couple.guild.id)
            if s.fire_at and s.owner_id in seen
        ]
        nxt = min(schedules, key=lambda s: s.fire_at)  # type: ignore[arg-type, return-value]
        assert nxt.fire_at is not None
        if nxt.fire_at > end:
            break
        await closer.at(nxt.fire_at)
        assert nxt.owner_id is not None
        seen[nxt.owner_id].append(nxt.fire_at.astimezone(zones[nxt.owner_id]).strftime("%m-%d %H:%M"))
    assert all(t.endswith("22:00") for t in seen[couple.alice.id])
    assert all(t.endswith("22:00") for t in seen[couple.bob.id])
    assert len(seen[couple.alice.id]) == len(set(seen[couple.alice.id])) == 16
    assert len(seen[couple.bob.id]) == 16
    reminders = [m for m in fake.dms(couple.bob) if "Write a goodnight note" in m.buttons]
    assert len(reminders) == 16
