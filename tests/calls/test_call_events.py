"""Each call keeps a Discord scheduled event for its next occurrence: made with the call, moved by
an accepted move or a skip, removed by a cancel, made for the next call once one starts; made
again once if it went missing while Closer was away, never twice, and left alone when a partner
deleted it. Without Manage Events the calls work as before and /call next says why."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator import Fake
from emulator.permissions import bits
from emulator.results import Msg
from emulator.scheduled_events import EXTERNAL, ScheduledEvent
from tests.support import Closer, People

# Monday 1 March 2027, 12:00 UTC (13:00 in Berlin, 04:00 in Los Angeles).
MARCH = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
FRIDAY = datetime(2027, 3, 5, 19, 0, tzinfo=UTC)  # Fridays 20:00 in Berlin
WEEK = timedelta(days=7)
EVENTS = "/guilds/*/scheduled-events"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def at(closer: Closer, instant: datetime) -> None:
    await closer.at(instant)
    await closer.run_due()


async def schedule(fake: Fake, people: People, **options: str) -> None:
    reply = await fake.slash(people.alice, "call schedule", weekday="Friday", time="20:00", **options)
    assert "Weekly call" in reply.text, reply.text
    await fake.idle()


def events(fake: Fake, people: People) -> list[ScheduledEvent]:
    return fake.scheduled_events(people.guild)


def the_event(fake: Fake, people: People, start: datetime) -> ScheduledEvent:
    (found,) = [e for e in events(fake, people) if e.start_time == start]
    return found


def cards(fake: Fake, people: People) -> list[Msg]:
    return [
        m for m in fake.messages(people.channel) if (m.embed or {}).get("title", "").startswith("It's call")
    ]


def reminders(fake: Fake, people: People) -> list[Msg]:
    return [
        m for m in fake.messages(people.channel) if (m.embed or {}).get("title", "").startswith("📞 Video")
    ]


@pytest.fixture
async def march(couple: People, closer: Closer) -> People:
    closer.clock.set(MARCH)
    return couple


async def test_a_call_gets_an_event_for_its_next_occurrence(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Fridays 20:00 Berlin for 1h30: one event, 19:00-20:30 UTC, "Video call", with the teaser."""
    await schedule(fake, march, length="1h30")
    (event,) = events(fake, march)
    assert event.start_time == FRIDAY
    assert event.end_time == FRIDAY + timedelta(minutes=90)
    assert (event.entity_type, event.location) == (EXTERNAL, "Video call")
    assert event.name == "Video call 📞"
    assert event.description is not None
    assert "shared idea" in event.description
    assert "#us" in event.description
    assert event.creator is not None
    assert event.creator.id == fake.bot_user.id
    # after the call starts, the next week's event is made (the one under way stays Discord's)
    await at(closer, FRIDAY)
    assert len(cards(fake, march)) == 1
    nxt = the_event(fake, march, FRIDAY + WEEK)
    assert nxt.end_time == FRIDAY + WEEK + timedelta(minutes=90)
    assert len(events(fake, march)) == 2
    await at(closer, FRIDAY + timedelta(hours=2))
    assert len(events(fake, march)) == 2


async def test_a_one_off_call_gets_its_event_with_the_default_hour(
    march: People, fake: Fake, closer: Closer
) -> None:
    reply = await fake.slash(march.bob, "call plan", when="tomorrow 10:00")
    assert "Length: 1 h." in reply.text
    (event,) = events(fake, march)
    assert event.start_time == utc(2027, 3, 2, 18)  # 10:00 in Los Angeles
    assert event.end_time == utc(2027, 3, 2, 19)


async def test_an_accepted_move_moves_the_event_and_a_skip_moves_it_on(
    march: People, fake: Fake, closer: Closer
) -> None:
    await schedule(fake, march)
    (event,) = events(fake, march)
    await at(closer, FRIDAY - timedelta(hours=1))
    form = await fake.click(reminders(fake, march)[-1], "Need to move it", march.alice)
    await fake.submit_modal(form, {"New time (your time zone)": "saturday 19:00"}, march.alice)
    proposal = fake.messages(march.channel)[-1]
    await fake.click(proposal, "Accept", march.bob)
    await fake.idle()
    (moved,) = events(fake, march)
    assert moved.id == event.id
    assert (moved.start_time, moved.end_time) == (utc(2027, 3, 6, 18), utc(2027, 3, 6, 19))
    # the moved call happens; then the week after gets its event, and skipping it moves that one on
    await at(closer, utc(2027, 3, 6, 18))
    following = the_event(fake, march, FRIDAY + WEEK)
    reply = await fake.slash(march.bob, "call skip")
    assert "Skipped" in reply.text
    await fake.idle()
    assert the_event(fake, march, FRIDAY + 2 * WEEK).id == following.id
    assert [e.start_time for e in events(fake, march)] == [utc(2027, 3, 6, 18), FRIDAY + 2 * WEEK]


async def test_cancel_removes_the_event(march: People, fake: Fake, closer: Closer) -> None:
    await schedule(fake, march)
    assert len(events(fake, march)) == 1
    ask = await fake.slash(march.bob, "call cancel", id=1)
    await fake.click(ask, "Cancel the call", march.bob)
    await fake.idle()
    assert events(fake, march) == []
    await at(closer, FRIDAY + WEEK)
    assert events(fake, march) == []
    assert cards(fake, march) == []


async def test_an_event_missing_after_a_restart_is_made_again_once_and_never_twice(
    march: People, fake: Fake, closer: Closer
) -> None:
    await schedule(fake, march)
    (event,) = events(fake, march)
    await closer.restart()
    await closer.restart()
    assert [e.id for e in events(fake, march)] == [event.id]  # never made twice
    assert fake.count_requests("POST", EVENTS) == 1
    await closer.stop()
    fake.delete_scheduled_event_by_hand(march.guild, event.id)  # gone while Closer was away
    await closer.start()
    await fake.idle()
    (again,) = events(fake, march)
    assert again.id != event.id
    assert again.start_time == FRIDAY
    await closer.restart()
    assert [e.id for e in events(fake, march)] == [again.id]
    # gone a second time: left alone for that call
    await closer.stop()
    fake.delete_scheduled_event_by_hand(march.guild, again.id)
    await closer.start()
    await fake.idle()
    assert events(fake, march) == []
    assert fake.count_requests("POST", EVENTS) == 2
    nxt = await fake.slash(march.alice, "call next")
    assert "removed there" in nxt.text


async def test_an_event_a_partner_deleted_is_not_made_again_for_that_call(
    march: People, fake: Fake, closer: Closer
) -> None:
    await schedule(fake, march)
    (event,) = events(fake, march)
    fake.delete_scheduled_event_by_hand(march.guild, event.id)
    await fake.sync()
    await fake.idle()
    await at(closer, FRIDAY - timedelta(hours=1))  # a reminder plans the call again
    await closer.restart()
    assert events(fake, march) == []
    assert len(reminders(fake, march)) == 1
    nxt = await fake.slash(march.alice, "call next")
    assert "it was removed there, so Closer leaves it out this time" in nxt.text
    # the next call has its event again
    await at(closer, FRIDAY)
    assert [e.start_time for e in events(fake, march)] == [FRIDAY + WEEK]


def without_manage_events(fake: Fake, people: People) -> None:
    for role in people.guild.roles:
        role.permissions &= ~bits(["manage_events", "create_events"])


async def test_without_manage_events_calls_work_and_call_next_says_why(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Nothing is even tried (the permission is read from Discord's cache); everything else works."""
    without_manage_events(fake, march)
    await closer.restart()
    await schedule(fake, march, reminders="60,10")
    for instant in (FRIDAY - timedelta(hours=1), FRIDAY - timedelta(minutes=10), FRIDAY, FRIDAY + WEEK):
        await at(closer, instant)
    assert len(reminders(fake, march)) == 4
    assert len(cards(fake, march)) == 2
    nxt = await fake.slash(march.bob, "call next")
    assert "Closer can't add this to the server's Events: it needs the Manage Events permission." in nxt.text
    assert fake.count_requests("POST", EVENTS) == 0
    assert events(fake, march) == []


@pytest.mark.allow_violations("event.missing_permissions")
async def test_a_refusal_from_discord_is_not_tried_again_every_minute(
    march: People, fake: Fake, closer: Closer
) -> None:
    """The permission went away without Closer's cache knowing: one refusal, then hours of rest."""
    without_manage_events(fake, march)
    await schedule(fake, march)
    assert fake.count_requests("POST", EVENTS) == 1
    await fake.slash(march.bob, "call plan", when="tomorrow 10:00")
    await fake.slash(march.bob, "call skip", id=1)
    await fake.idle()
    assert fake.count_requests("POST", EVENTS) == 1  # not tried again
    nxt = await fake.slash(march.alice, "call next")
    assert "needs the Manage Events permission" in nxt.text
    await closer.at(MARCH + timedelta(hours=7))
    await fake.slash(march.bob, "call plan", when="wednesday 10:00")
    await fake.idle()
    assert fake.count_requests("POST", EVENTS) == 2  # hours later: asked once more
    assert events(fake, march) == []
    await at(closer, utc(2027, 3, 2, 17))
    assert len(reminders(fake, march)) == 1  # the messages go on


async def test_an_event_after_the_clocks_change_has_the_right_instant(
    fake: Fake, couple: People, closer: Closer
) -> None:
    """Fridays 20:00 in Berlin: 18:00 UTC before the end of summer time (31 October 2027), 19:00 after."""
    closer.clock.set(utc(2027, 10, 25, 12))
    await schedule(fake, couple)
    (event,) = events(fake, couple)
    assert event.start_time == utc(2027, 10, 29, 18)
    await at(closer, utc(2027, 10, 29, 18))
    after = the_event(fake, couple, utc(2027, 11, 5, 19))
    assert after.end_time == utc(2027, 11, 5, 20)


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("abc", "isn't a length I understand"),
        ("5", "out of range"),
        ("13h", "out of range"),
        ("1h75x", "isn't"),
    ],
)
async def test_a_bad_length_is_refused_and_nothing_is_planned(
    march: People, fake: Fake, closer: Closer, typed: str, reason: str
) -> None:
    for reply in (
        await fake.slash(march.alice, "call schedule", weekday="Friday", time="20:00", length=typed),
        await fake.slash(march.alice, "call plan", when="tomorrow 20:00", length=typed),
    ):
        assert reply.ephemeral
        assert reason in reply.text
        assert "`length`" in reply.text
        assert "`1h30`" in reply.text
    assert events(fake, march) == []
    assert closer.bot is not None
    assert await closer.bot.get_cog("CallCog").repo.active(march.guild.id) == []  # type: ignore[union-attr]


async def test_a_call_that_passed_while_closer_was_away_gets_the_next_event_at_start(
    march: People, fake: Fake, closer: Closer
) -> None:
    await schedule(fake, march)
    await closer.stop()
    closer.clock.set(FRIDAY + timedelta(hours=3))
    await closer.start()
    await fake.idle()
    assert [e.start_time for e in events(fake, march)] == [FRIDAY, FRIDAY + WEEK]
    await closer.restart()
    assert [e.start_time for e in events(fake, march)] == [FRIDAY, FRIDAY + WEEK]
