"""/visit: the countdown to being together, its posts at 30, 7 and 1 days and on the day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.registry import Place
from emulator import Fake
from emulator.results import Msg
from tests.support import Closer, People, restored_schedules

# Monday 1 March 2027, 12:00 UTC: 13:00 in Berlin, 04:00 in Los Angeles.
MARCH = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
COUNTDOWN_TITLES = ("30 days to go", "One week to go", "Tomorrow 💞", "Today's the day")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def countdowns(fake: Fake, people: People) -> list[Msg]:
    return [
        m
        for m in fake.messages(people.channel)
        if m.embed and (m.embed.get("title") or "").startswith(COUNTDOWN_TITLES)
    ]


async def at(closer: Closer, instant: datetime) -> None:
    await closer.at(instant)
    await closer.run_due()


@pytest.fixture
async def march(couple: People, closer: Closer) -> People:
    closer.clock.set(MARCH)
    return couple


async def set_visit(fake: Fake, user, day: str, **options):
    reply = await fake.slash(user, "visit set", date=day, **options)
    await fake.idle()
    return reply


async def test_setting_the_visit_counts_down_and_tells_the_partner(
    march: People, fake: Fake, closer: Closer
) -> None:
    """The setter sees the days left and the posts to come; the partner is told in the channel."""
    reply = await set_visit(fake, march.alice, "2027-04-10", time="18:30")
    assert reply.ephemeral
    assert "in 40 days" in reply.text
    assert "30, 7 and 1 days before, and on the day" in reply.text
    told = fake.messages(march.channel)[-1]
    assert march.bob.mention in told.content
    assert "in 40 days" in told.content
    status = await fake.slash(march.bob, "couple status")
    assert "Together again" in status.text
    assert "40 days to go" in status.text


async def test_countdown_posts_come_at_30_7_and_1_days_and_on_the_day(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Each post lands once, at 17:00 Berlin (08:00 Los Angeles), when both are awake."""
    await set_visit(fake, march.alice, "2027-04-10", time="18:30", where="mine")
    expected = [
        (utc(2027, 3, 11, 16), "30 days to go"),
        (utc(2027, 4, 3, 15), "One week to go"),
        (utc(2027, 4, 9, 15), "Tomorrow"),
        (utc(2027, 4, 10, 15), "Today's the day"),
    ]
    for index, (instant, title) in enumerate(expected):
        await at(closer, instant - timedelta(seconds=1))
        assert len(countdowns(fake, march)) == index
        await at(closer, instant)
        posts = countdowns(fake, march)
        assert len(posts) == index + 1
        assert posts[-1].embed is not None
        assert posts[-1].embed["title"].startswith(title)
        assert march.alice.mention in posts[-1].content
        assert march.bob.mention in posts[-1].content
        if index == 1:
            await closer.restart()
    await at(closer, utc(2027, 4, 12))
    assert len(countdowns(fake, march)) == 4
    assert "Together again" not in (await fake.slash(march.alice, "couple status")).text


async def test_a_visit_soon_only_gets_the_posts_still_ahead(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Five days out: no 30- or 7-day post, just tomorrow and the day."""
    reply = await set_visit(fake, march.bob, "2027-03-06")
    assert "I'll post in your channel 1 day before, and on the day." in reply.text
    await at(closer, utc(2027, 3, 5, 18))  # 10:00 in Los Angeles, 19:00 in Berlin
    await at(closer, utc(2027, 3, 6, 18))
    assert [m.embed["title"] for m in countdowns(fake, march) if m.embed] == [
        "Tomorrow 💞",
        "Today's the day 💞",
    ]


async def test_a_new_date_replaces_the_countdown(march: People, fake: Fake, closer: Closer) -> None:
    """Setting the visit again moves every post; the old date's posts never come."""
    await set_visit(fake, march.alice, "2027-03-20", where="mine")
    await set_visit(fake, march.alice, "2027-03-27", where="mine")
    await at(closer, utc(2027, 3, 19, 16))
    assert countdowns(fake, march) == []
    await at(closer, utc(2027, 3, 20, 16))
    [week] = countdowns(fake, march)
    assert week.embed is not None
    assert week.embed["title"].startswith("One week to go")


async def test_clearing_stops_the_countdown(march: People, fake: Fake, closer: Closer) -> None:
    """After /visit clear nothing is posted; clearing twice explains there is nothing to clear."""
    await set_visit(fake, march.alice, "2027-03-06")
    cleared = await fake.slash(march.bob, "visit clear")
    assert "cleared" in cleared.text
    await at(closer, utc(2027, 3, 5, 16))
    await at(closer, utc(2027, 3, 6, 16))
    assert countdowns(fake, march) == []
    again = await fake.slash(march.bob, "visit clear")
    assert "no countdown" in again.text


async def test_the_daily_question_gets_a_one_line_countdown(
    march: People, fake: Fake, closer: Closer
) -> None:
    """The question post's section is one short line; none without a visit."""
    assert closer.bot is not None
    couple = await closer.bot.couples.get(march.guild.id)
    assert couple is not None
    assert await closer.bot.registry.sections(Place.QUESTION_POST, couple, MARCH) == []
    await set_visit(fake, march.alice, "2027-03-24")
    lines = [
        line
        for line in await closer.bot.registry.sections(Place.QUESTION_POST, couple, MARCH)
        if "together" in line[1]
    ]
    assert lines == [("Together again", "💞 In 23 days you're together")]


@pytest.mark.parametrize(
    ("day", "options", "expected"),
    [
        ("2027-02-01", {}, "in the past"),
        ("today", {"time": "09:00", "where": "mine"}, "in the past"),
        ("2027-02-30", {}, "not a real date"),
        ("next week", {}, "not a date I understand"),
        ("2031-01-01", {}, "three years"),
        ("2027-04-01", {"time": "25:00"}, "not a time"),
    ],
)
async def test_bad_visit_dates_are_refused_and_nothing_is_set(
    march: People, fake: Fake, closer: Closer, day: str, options: dict, expected: str
) -> None:
    """Past, impossible or unreadable dates get a clear error; no countdown is stored."""
    reply = await fake.slash(march.alice, "visit set", date=day, **options)
    assert reply.ephemeral
    assert expected in reply.text
    status = await fake.slash(march.alice, "couple status")
    assert "Together again" not in status.text


@pytest.mark.parametrize(("command", "options"), [("visit set", {"date": "2027-04-01"}), ("visit clear", {})])
async def test_visit_commands_refuse_outsiders_and_dms(
    couple: People, fake: Fake, closer: Closer, command: str, options: dict
) -> None:
    """Only the partners, in their server."""
    outsider = await fake.slash(couple.carol, command, options=options)
    assert "Only the two partners" in outsider.text
    in_dm = await fake.slash(couple.alice, command, dm=True, options=options)
    assert "not in DMs" in in_dm.text
    assert closer.bot is not None
    assert await closer.bot.get_cog("VisitCog").visits.current(couple.guild.id) is None  # type: ignore[union-attr]


async def test_visit_before_pairing_explains_setup(closer: Closer, fake: Fake, people: People) -> None:
    """Before pairing, /visit points to /couple setup."""
    reply = await fake.slash(people.alice, "visit set", date="2027-04-01")
    assert "/couple setup" in reply.text


async def test_the_daily_question_post_shows_the_countdown(march: People, fake: Fake, closer: Closer) -> None:
    """With the questions feature, today's question carries the one-line countdown."""
    assert closer.bot is not None
    if "cogs.questions" not in closer.bot.extensions:
        pytest.skip("the questions feature is not part of this build")
    await set_visit(fake, march.alice, "2027-03-24")
    await fake.slash(march.bob, "question now")
    await fake.idle()
    post = next(m for m in reversed(fake.messages(march.channel)) if "Answer" in m.buttons)
    assert "💞 In 23 days you're together" in post.text


async def test_an_import_rearms_the_countdown(march: People, fake: Fake, closer: Closer) -> None:
    """After an import restored the space (no schedules yet), the countdown's posts are planned again."""
    await set_visit(fake, march.alice, "2027-04-10", time="18:30", where="mine")
    before, after = await restored_schedules(closer, march, ("visit",))
    assert len(before) == 4
    assert after == before
    await at(closer, utc(2027, 4, 9, 16))
    assert [m.embed["title"] for m in countdowns(fake, march) if m.embed][-1] == "Tomorrow 💞"


# -- whose time the visit is in (issue 14) -----------------------------------------------------------


async def test_the_visit_time_is_read_where_the_visit_happens(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Bob flies to Alice: "2027-07-01 14:00" is 14:00 in Berlin (her place, the default), and the
    reply says so with his own time; `where: mine` reads it in his zone instead."""
    reply = await set_visit(fake, march.bob, "2027-07-01", time="14:00")
    assert "at 14:00 in Berlin (alice's time), 05:00 for you" in reply.text
    told = fake.messages(march.channel)[-1]
    assert "14:00 your time" in told.content
    assert closer.bot is not None
    cog = closer.bot.get_cog("VisitCog")
    visit = await cog.visits.current(march.guild.id)  # type: ignore[union-attr]
    assert visit is not None
    assert visit.starts_at == utc(2027, 7, 1, 12)
    assert visit.zone == "Europe/Berlin"

    mine = await set_visit(fake, march.bob, "2027-07-01", time="14:00", where="mine")
    assert "at 14:00 in Los Angeles (your time), 23:00 for you" not in mine.text
    assert "at 14:00 in Los Angeles (your time)" in mine.text
    visit = await cog.visits.current(march.guild.id)  # type: ignore[union-attr]
    assert visit is not None
    assert visit.starts_at == utc(2027, 7, 1, 21)

    tokyo = await set_visit(fake, march.alice, "2027-07-01", time="14:00", where="Tokyo")
    assert "at 14:00 in Tokyo, 07:00 for you" in tokyo.text


async def test_where_suggests_both_homes_then_zones(march: People, fake: Fake) -> None:
    """The `where` option offers the partner's place (the default), yours, then cities as typed."""
    choices = await fake.autocomplete(march.bob, "visit set", "where", "")
    assert [c.value for c in choices[:2]] == ["theirs", "mine"]
    assert "alice's" in choices[0].name
    tokyo = await fake.autocomplete(march.bob, "visit set", "where", "tok")
    assert "Asia/Tokyo" in [c.value for c in tokyo]
