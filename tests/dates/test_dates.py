"""/date: anniversaries, birthdays and other yearly dates, reminded the day before and on the day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator import Fake
from emulator.results import Msg
from tests.support import Closer, People, restored_schedules

# Monday 1 February 2027, 12:00 UTC: 13:00 in Berlin, 04:00 in Los Angeles (not a leap year).
FEBRUARY = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def date_posts(fake: Fake, people: People) -> list[Msg]:
    titles = ("Tomorrow 🗓️", "Happy anniversary!", "Happy birthday!", "Today!")
    return [
        m
        for m in fake.messages(people.channel)
        if m.embed and (m.embed.get("title") or "").startswith(titles)
    ]


async def at(closer: Closer, instant: datetime) -> None:
    await closer.at(instant)
    await closer.run_due()


@pytest.fixture
async def february(couple: People, closer: Closer) -> People:
    closer.clock.set(FEBRUARY)
    return couple


async def add(fake: Fake, user, kind: str, day: str, label: str):
    return await fake.slash(user, "date add", kind=kind, date=day, label=label)


async def test_an_anniversary_is_remembered_the_day_before_and_on_the_day_with_the_years(
    february: People, fake: Fake, closer: Closer
) -> None:
    """Both are mentioned at 17:00 Berlin (08:00 Los Angeles); the years are counted."""
    reply = await add(fake, february.alice, "anniversary", "2020-02-10", "Our anniversary")
    assert "**Our anniversary** · 7 years" in reply.text
    assert "in 9 days" in reply.text
    for instant, title in ((utc(2027, 2, 9, 16), "Tomorrow"), (utc(2027, 2, 10, 16), "Happy anniversary!")):
        before = len(date_posts(fake, february))
        await at(closer, instant - timedelta(seconds=1))
        assert len(date_posts(fake, february)) == before
        await at(closer, instant)
        post = date_posts(fake, february)[-1]
        assert post.embed is not None
        assert post.embed["title"].startswith(title)
        assert "Our anniversary** · 7 years" in post.text
        assert february.alice.mention in post.content
        assert february.bob.mention in post.content
    await closer.restart()
    await at(closer, utc(2027, 2, 10, 20))
    assert len(date_posts(fake, february)) == 2


async def test_posts_lost_while_closer_was_down_are_planned_again_at_start(
    february: People, fake: Fake, closer: Closer
) -> None:
    """The date's planned posts are gone (as if planning was missed): the start-up catch-up plans
    them again, once, and they come."""
    await add(fake, february.alice, "anniversary", "2020-02-10", "Our anniversary")
    assert closer.bot is not None
    planned = await closer.bot.schedules.for_guild(february.guild.id, "special_date")
    assert len(planned) == 4  # the eve and the day, this year and next
    await closer.bot.db.execute("DELETE FROM schedules WHERE kind = 'special_date'")
    await closer.restart()
    again = await closer.bot.schedules.for_guild(february.guild.id, "special_date")
    assert sorted(s.key for s in again) == sorted(s.key for s in planned)
    assert sorted(s.fire_at for s in again if s.fire_at) == sorted(s.fire_at for s in planned if s.fire_at)
    await closer.restart()  # nothing to do the second time: the same rows, not new ones
    assert sorted(
        s.id for s in await closer.bot.schedules.for_guild(february.guild.id, "special_date")
    ) == sorted(s.id for s in again)
    await at(closer, utc(2027, 2, 9, 16))
    await at(closer, utc(2027, 2, 10, 16))
    assert [p.embed["title"][:8] for p in date_posts(fake, february) if p.embed] == ["Tomorrow", "Happy an"]


async def test_the_next_year_is_planned_and_counts_one_more_year(
    february: People, fake: Fake, closer: Closer
) -> None:
    """A year later the reminders come again with 8 years."""
    await add(fake, february.alice, "anniversary", "2020-02-10", "Our anniversary")
    await at(closer, utc(2027, 2, 10, 16))
    await at(closer, utc(2028, 2, 10, 16))
    post = date_posts(fake, february)[-1]
    assert "Our anniversary** · 8 years" in post.text


async def test_feb_29_is_celebrated_on_feb_28_in_other_years_and_on_the_29th_in_leap_years(
    february: People, fake: Fake, closer: Closer
) -> None:
    """2027 has no 29 February: the birthday is on the 28th (eve on the 27th); 2028 keeps the 29th."""
    reply = await add(fake, february.bob, "birthday", "2000-02-29", "Sam's birthday")
    assert "celebrated on the 28th" in reply.text
    # Bob's zone: 10:00 in Los Angeles is 19:00 in Berlin, so both are awake then (18:00 UTC).
    await at(closer, utc(2027, 2, 27, 18))
    await at(closer, utc(2027, 2, 28, 18))
    eve, day = date_posts(fake, february)
    assert eve.embed is not None
    assert day.embed is not None
    assert "Tomorrow, 28 February" in eve.text
    assert day.embed["title"].startswith("Happy birthday!")
    assert "Sam's birthday** · 27 years" in day.text
    assert "No 29 February this year" in day.text
    await at(closer, utc(2028, 2, 28, 18))
    await at(closer, utc(2028, 2, 29, 18))
    leap_eve, leap_day = date_posts(fake, february)[2:]
    assert "Tomorrow, 29 February" in leap_eve.text
    assert "Today, 29 February" in leap_day.text
    assert "28 years" in leap_day.text


async def test_the_list_shows_dates_soonest_first(february: People, fake: Fake, closer: Closer) -> None:
    """Soonest first, with the years and how long until; a date without a year has no count."""
    await add(fake, february.alice, "birthday", "1995-12-01", "Alice's birthday")
    await add(fake, february.bob, "other", "03-15", "First date")
    listing = await fake.slash(february.alice, "date list")
    text = listing.text
    assert text.index("First date") < text.index("Alice's birthday")
    assert "**Alice's birthday** · 32 years · 1 December" in text
    assert "**First date** · 15 March, in 42 days" in text
    status = await fake.slash(february.bob, "couple status")
    assert "Next special date" in status.text
    assert "First date" in status.text


async def test_removing_asks_first_and_stops_the_reminders(
    february: People, fake: Fake, closer: Closer
) -> None:
    """Remove shows a confirmation; once confirmed no reminder comes."""
    await add(fake, february.alice, "anniversary", "2020-02-10", "Our anniversary")
    choices = await fake.autocomplete(february.bob, "date remove", "id", "anniv")
    assert [c.value for c in choices] == [1]
    ask = await fake.slash(february.bob, "date remove", id=1)
    assert ask.buttons == ["Remove", "Cancel"]
    await fake.click(ask, "Remove", february.bob)
    assert "Removed #1" in ask.text
    await at(closer, utc(2027, 2, 9, 16))
    await at(closer, utc(2027, 2, 10, 16))
    assert date_posts(fake, february) == []
    again = await fake.slash(february.bob, "date remove", id=1)
    assert "no date #1" in again.text


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2019-02-29", "not a real date"),
        ("2020-13-01", "not a real date"),
        ("14/06/2019", "not a date I understand"),
        ("june 14", "not a date I understand"),
    ],
)
async def test_bad_dates_are_refused_and_nothing_is_added(
    february: People, fake: Fake, closer: Closer, day: str, expected: str
) -> None:
    """Impossible or unreadable dates get an example of the format; nothing is stored."""
    reply = await add(fake, february.alice, "birthday", day, "Bob's birthday")
    assert reply.ephemeral
    assert expected in reply.text
    assert "YYYY-MM-DD" in reply.text
    listing = await fake.slash(february.alice, "date list")
    assert "No dates yet" in listing.text


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("date add", {"kind": "birthday", "date": "2000-01-01", "label": "x"}),
        ("date list", {}),
        ("date remove", {"id": 1}),
    ],
)
async def test_date_commands_refuse_outsiders_dms_and_unpaired_servers(
    couple: People, fake: Fake, closer: Closer, command: str, options: dict
) -> None:
    """Only the partners, in their server."""
    outsider = await fake.slash(couple.carol, command, options=options)
    assert "Only the two partners" in outsider.text
    in_dm = await fake.slash(couple.alice, command, dm=True, options=options)
    assert "not in DMs" in in_dm.text
    other = fake.create_guild("Elsewhere", members=[couple.alice], text_channels=["general"])
    await fake.sync()
    unpaired = await fake.slash(couple.alice, command, guild=other, options=options)
    assert "/couple setup" in unpaired.text
    assert closer.bot is not None
    assert await closer.bot.get_cog("DateCog").dates.for_guild(couple.guild.id) == []  # type: ignore[union-attr]


async def test_an_import_rearms_the_reminders(february: People, fake: Fake, closer: Closer) -> None:
    """After an import restored the space (no schedules yet), the dates' reminders are planned again."""
    await add(fake, february.alice, "anniversary", "2020-02-10", "Our anniversary")
    before, after = await restored_schedules(closer, february, ("special_date",))
    assert len(before) == 4
    assert after == before
    await at(closer, utc(2027, 2, 9, 16))
    assert len(date_posts(fake, february)) == 1
