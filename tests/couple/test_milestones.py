"""Days together and milestones through the emulator: /couple since (and its bad input), the days
in /couple status, the day-100 post once inside both partners' awake hours (not again after a
restart or the same date set again), nothing for milestones already past, a memory from the start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from cogs.couple.milestones import milestones
from emulator import Fake
from tests.support import START, Closer, People

BERLIN, LOS_ANGELES = ZoneInfo("Europe/Berlin"), ZoneInfo("America/Los_Angeles")
DAY_100 = date(2026, 11, 26)  # Thursday
SINCE = DAY_100 - timedelta(days=100)  # 2026-08-18


def milestone_posts(fake: Fake, people: People) -> list:
    return [
        m for m in fake.messages(people.channel) if "days together" in m.text or "year together" in m.text
    ]


def both_awake(instant: datetime) -> bool:
    berlin, la = instant.astimezone(BERLIN).time(), instant.astimezone(LOS_ANGELES).time()
    return time(8) <= berlin < time(23) and time(8) <= la < time(23)


async def run_days(closer: Closer, people: People, start: datetime, days: int) -> dict[int, datetime]:
    """Every half hour for ``days`` days: whatever is due is handled. When (on Closer's clock)
    each new message in the shared channel appeared, by message id."""
    fake, channel, seen = closer.fake, people.channel, {}
    known = {m.id for m in fake.messages(channel)}
    at = start
    while at < start + timedelta(days=days):
        await closer.at(at)
        for message in fake.messages(channel):
            if message.id not in known:
                known.add(message.id)
                seen[message.id] = at
        at += timedelta(minutes=30)
    return seen


async def test_day_100_is_posted_once_inside_both_partners_awake_hours(
    couple: People, fake: Fake, closer: Closer
) -> None:
    reply = await fake.slash(couple.alice, "couple since", date=SINCE.isoformat())
    assert reply.ephemeral
    assert "together **98** days" in reply.text, reply.text
    assert "Next: 100 days together on Thu 26 Nov 2026" in reply.text

    seen = await run_days(closer, couple, START, 3)
    posts = milestone_posts(fake, couple)
    assert [p.text.splitlines()[1] for p in posts] == ["100 days together 💞"]
    assert both_awake(seen[posts[0].id]), seen[posts[0].id]
    assert seen[posts[0].id].astimezone(BERLIN).date() == DAY_100

    await closer.restart()
    again = await fake.slash(couple.bob, "couple since", date=SINCE.isoformat())
    assert "together **101** days" in again.text  # Friday 03:30 for Bob
    await run_days(closer, couple, START + timedelta(days=3), 2)
    assert len(milestone_posts(fake, couple)) == 1


async def test_a_milestone_already_past_posts_nothing(couple: People, fake: Fake, closer: Closer) -> None:
    """Set so that day 100 was yesterday: nothing is posted for it, and the next one waits."""
    await fake.slash(
        couple.alice, "couple since", date=(date(2026, 11, 23) - timedelta(days=100)).isoformat()
    )
    await run_days(closer, couple, START, 3)
    assert milestone_posts(fake, couple) == []


async def test_a_milestone_due_while_closer_was_offline_comes_late_while_both_are_awake(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await fake.slash(couple.alice, "couple since", date=SINCE.isoformat())
    await closer.stop()
    closer.clock.set(datetime(2026, 11, 26, 23, 0, tzinfo=UTC))  # 00:00 Berlin: Alice asleep
    await closer.start()
    seen = await run_days(closer, couple, closer.clock.now(), 1)
    (post,) = milestone_posts(fake, couple)
    assert both_awake(seen[post.id]), seen[post.id]
    assert seen[post.id].astimezone(BERLIN).date() == DAY_100 + timedelta(days=1)


async def test_the_post_brings_a_memory_from_the_start(couple: People, fake: Fake, closer: Closer) -> None:
    await fake.slash(couple.alice, "memory add", title="Our first date", date=SINCE.isoformat())
    await fake.slash(couple.alice, "couple since", date=SINCE.isoformat())
    await run_days(closer, couple, START, 3)
    (post,) = milestone_posts(fake, couple)
    assert "From your memory book" in post.text
    assert "Our first date" in post.text


async def test_status_shows_the_days_together_and_the_visits(
    couple: People, fake: Fake, closer: Closer
) -> None:
    status = await fake.slash(couple.alice, "couple status")
    assert "/couple since" in status.text
    await fake.slash(couple.alice, "couple since", date="2025-11-24")
    await fake.slash(couple.alice, "visit set", date="2026-12-01")
    status = await fake.slash(couple.alice, "couple status")
    assert "**365** days together (since Mon 24 Nov 2025)" in status.text
    assert "Together again in 7 days" in status.text
    await closer.at(datetime(2026, 12, 11, 12, 0, tzinfo=UTC))
    status = await fake.slash(couple.bob, "couple status")
    assert "Last together: 10 days ago" in status.text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-02-30", "isn't a real date for `date`"),
        ("yesterday", "isn't a date I understand for `date`"),
        ("24/11/2025", "isn't a date I understand for `date`"),
        ("2026-11-30", "`date` is in the future"),
        ("1850-01-01", "before 1900"),
    ],
)
async def test_since_refuses_bad_dates_clearly(couple: People, fake: Fake, typed: str, said: str) -> None:
    reply = await fake.slash(couple.alice, "couple since", date=typed)
    assert reply.ephemeral
    assert said in reply.text, reply.text


async def test_since_before_pairing_and_by_someone_else(people: People, fake: Fake, closer: Closer) -> None:
    reply = await fake.slash(people.alice, "couple since", date="2025-01-01")
    assert "no couple yet" in reply.text


async def test_a_non_partner_cannot_set_the_date(couple: People, fake: Fake) -> None:
    reply = await fake.slash(couple.carol, "couple since", date="2025-01-01")
    assert "Only the two partners" in reply.text


def test_the_milestones_in_order() -> None:
    since = date(2024, 2, 29)
    found = [(m.day, m.title) for m in milestones(since, since, 8)]
    assert [t for _, t in found] == [
        "100 days together 💞",
        "200 days together 💞",
        "1 year together (365 days) 💞",
        "500 days together 💞",
        "2 years together 💞",
        "1,000 days together 💞",
        "3 years together 💞",
        "4 years together 💞",
    ]
    assert found[2][0] == date(2025, 2, 28)
