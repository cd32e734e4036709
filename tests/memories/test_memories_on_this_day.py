"""On this day: memories come back on their anniversary, daily at the question time."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.db.repositories.memories import NewMemory, PhotoFile
from bot.db.repositories.rituals import Ritual
from bot.registry import Hook
from emulator import Fake
from tests.memories.test_memories import repo
from tests.support import Closer, People, png

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    """The question's time for the couple (18:00 in Berlin, 09:00 in Los Angeles) by default."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


async def remember(
    closer: Closer, people: People, title: str, day: date, photos: list[PhotoFile] | None = None
) -> None:
    assert closer.bot is not None
    await repo(closer).add_many(
        people.guild.id,
        [NewMemory(people.alice.id, title, day, description=f"About {title}", photos=photos or ())],
        closer.bot.clock.now(),
    )


async def ritual(closer: Closer, people: People) -> Ritual:
    assert closer.bot is not None
    found = await closer.bot.rituals.repo.find_template(people.guild.id, "on_this_day")
    assert found is not None
    return found


def posts(fake: Fake, people: People) -> list[str]:
    return [m.text for m in fake.messages(people.channel) if "On this day" in m.text]


async def test_pairing_turns_on_this_day_on_at_the_question_time_in_the_first_partners_zone(
    couple: People, closer: Closer, fake: Fake
) -> None:
    """The built-in ritual exists after pairing, every day at the question's time (18:00 Berlin, in
    both partners' awake hours once Bob's zone is known), listed with the others."""
    found = await ritual(closer, couple)
    assert (found.local_time, found.zone, len(found.weekdays)) == (time(18, 0), "Europe/Berlin", 7)
    listed = await fake.slash(couple.alice, "ritual list")
    assert "On this day" in listed.text


async def test_memories_from_earlier_years_come_back_on_their_day(
    couple: People, closer: Closer, fake: Fake
) -> None:
    """At 18:00 on Nov 25 the Nov 25 memories of earlier years are posted, "N years ago today"."""
    await remember(closer, couple, "First date", date(2024, 11, 25))
    await remember(closer, couple, "Engaged", date(2021, 11, 25))
    await remember(closer, couple, "Other day", date(2024, 11, 26))
    await closer.at(berlin(2026, 11, 25, 17, 59))
    assert posts(fake, couple) == []
    await closer.at(berlin(2026, 11, 25))
    [post] = posts(fake, couple)
    assert "2 years ago today: First date" in post
    assert "5 years ago today: Engaged" in post
    assert "Other day" not in post
    assert post.index("Engaged") < post.index("First date")


async def test_nothing_is_posted_when_no_memory_matches(couple: People, closer: Closer, fake: Fake) -> None:
    """No memory on this day: nothing posted, and the ledger shows it was skipped."""
    await remember(closer, couple, "Another day", date(2024, 3, 3))
    await remember(closer, couple, "This year", date(2026, 11, 25))  # not an earlier year
    await closer.at(berlin(2026, 11, 25))
    assert posts(fake, couple) == []
    assert closer.bot is not None
    [schedule] = await closer.bot.rituals.schedules(await ritual(closer, couple))
    delivery = await closer.bot.schedules.delivery(schedule.id, berlin(2026, 11, 25))
    assert delivery is not None
    assert delivery.status == "skipped"


async def test_a_leap_day_memory_comes_back_on_feb_28_in_other_years(
    couple: People, closer: Closer, fake: Fake
) -> None:
    """A Feb 29 memory shows on Feb 28 of a year without Feb 29, with its real date."""
    await remember(closer, couple, "Leap proposal", date(2024, 2, 29))
    await closer.at(berlin(2027, 2, 28))
    [post] = posts(fake, couple)
    assert "3 years ago (29 February): Leap proposal" in post


async def test_in_a_leap_year_the_leap_day_memory_waits_for_feb_29(
    couple: People, closer: Closer, fake: Fake
) -> None:
    """In 2028 (a leap year) the memory comes back on Feb 29, not Feb 28."""
    await remember(closer, couple, "Leap proposal", date(2024, 2, 29))
    await closer.at(berlin(2028, 2, 28))
    assert posts(fake, couple) == []
    await closer.at(berlin(2028, 2, 29))
    [post] = posts(fake, couple)
    assert "4 years ago today: Leap proposal" in post


async def test_an_anniversary_post_carries_the_photo(couple: People, closer: Closer, fake: Fake) -> None:
    """The memory's photo is attached to its "on this day" card, from Closer's own copy."""
    assert closer.bot is not None
    image = png(42)
    cog = closer.bot.get_cog("MemoryCog")
    photo = await cog.photos.save_bytes(image, couple.guild.id, "us.png")  # type: ignore[union-attr]
    await remember(closer, couple, "Picnic", date(2025, 11, 25), [photo])
    fake.expire_attachments()
    await closer.at(berlin(2026, 11, 25))
    [message] = [m for m in fake.messages(couple.channel) if "On this day" in m.text]
    assert [a.data for a in message.attachments] == [image]
    assert message.embed is not None
    assert message.embed["image"]["url"] == f"attachment://{message.attachments[0].filename}"


async def test_the_ritual_follows_the_question_time(couple: People, closer: Closer, fake: Fake) -> None:
    """When the daily question moves, on this day moves with it (time and zone)."""
    assert closer.bot is not None
    couple_row = await closer.bot.couples.get(couple.guild.id)
    await closer.bot.registry.emit(
        Hook.QUESTION_TIME_CHANGED, couple_row, time(20, 30), "America/Los_Angeles"
    )
    moved = await ritual(closer, couple)
    assert (moved.local_time, moved.zone) == (time(20, 30), "America/Los_Angeles")
    await remember(closer, couple, "Thanksgiving", date(2025, 11, 25))
    await closer.at(berlin(2026, 11, 25))
    assert posts(fake, couple) == []
    await closer.at(datetime(2026, 11, 25, 20, 30, tzinfo=ZoneInfo("America/Los_Angeles")))
    assert "1 year ago today: Thanksgiving" in posts(fake, couple)[0]


async def test_pausing_the_ritual_stops_the_posts(couple: People, closer: Closer, fake: Fake) -> None:
    """On this day is built in: it can be paused (not removed) with /ritual."""
    found = await ritual(closer, couple)
    removed = await fake.slash(couple.alice, "ritual remove", id=found.id)
    assert "built in" in removed.text
    await fake.slash(couple.alice, "ritual pause", id=found.id)
    await remember(closer, couple, "First date", date(2024, 11, 25))
    await closer.at(berlin(2026, 11, 25))
    assert posts(fake, couple) == []
