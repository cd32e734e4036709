"""Time capsules: a letter for a day arrives once, by DM, at the recipient's local morning,
across a DST change, after downtime (a night-time outage: the next morning, never in quiet
hours), across restarts, and moves with the recipient's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulator import Fake
from tests.letters.helpers import letter_dms, write_letter
from tests.support import Closer, People, restored_schedules

SECRET = "capsule-text-7731"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def capsule_fire_times(closer: Closer, people: People) -> list[datetime | None]:
    assert closer.bot is not None
    return [s.fire_at for s in await closer.bot.schedules.for_guild(people.guild.id, ("letter_capsule",))]


async def test_a_capsule_arrives_at_the_partners_morning_across_a_dst_change(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Written in November, when Los Angeles is on UTC-8, for Monday 15 March 2027, the day after
    the US clocks go forward (Sunday 14 March): 09:00 there that day is 16:00 UTC, not 17:00."""
    done = await write_letter(fake, couple.alice, "2027-03-15", "Spring", SECRET)
    assert "Monday 15 March 2027" in done.text, done.text
    assert await capsule_fire_times(closer, couple) == [utc(2027, 3, 15, 16, 0)]

    await closer.at(utc(2027, 3, 14, 12, 0))
    await closer.at(utc(2027, 3, 15, 15, 59))  # 08:59 in Los Angeles
    assert letter_dms(fake, couple.bob) == []
    await closer.at(utc(2027, 3, 15, 16, 0))  # 09:00 in Los Angeles (PDT)
    [letter] = letter_dms(fake, couple.bob)
    assert SECRET in letter.text
    assert "Posted late" not in letter.text
    await closer.at(utc(2027, 3, 15, 17, 0))  # 09:00 had the clocks not moved: nothing more
    await closer.at(utc(2027, 3, 16, 17, 0))
    assert len(letter_dms(fake, couple.bob)) == 1
    # Alice sees it delivered, in the list.
    listed = await fake.slash(couple.alice, "letter list")
    assert "Delivered to bob" in listed.text


async def test_a_capsule_due_in_a_night_outage_arrives_once_the_next_morning(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Closer is down from before Bob's morning on 1 December until his night (23:30 there):
    the capsule waits out his quiet hours and arrives once at 08:00 on 2 December, late."""
    await write_letter(fake, couple.alice, "2026-12-01", "December", SECRET)
    await closer.at(utc(2026, 12, 1, 12, 0))
    await closer.stop()
    closer.clock.set(utc(2026, 12, 2, 7, 30))  # 23:30 on 1 December in Los Angeles
    await closer.start()
    await closer.run_due()
    assert letter_dms(fake, couple.bob) == []  # never inside his quiet hours
    await closer.at(utc(2026, 12, 2, 15, 59))
    assert letter_dms(fake, couple.bob) == []
    await closer.at(utc(2026, 12, 2, 16, 0))  # 08:00 in Los Angeles: his quiet hours end
    [letter] = letter_dms(fake, couple.bob)
    assert SECRET in letter.text
    await closer.restart()
    await closer.at(utc(2026, 12, 2, 20, 0))
    await closer.at(utc(2026, 12, 3, 17, 0))
    assert len(letter_dms(fake, couple.bob)) == 1


async def test_a_capsule_due_in_a_daytime_outage_arrives_at_the_restart(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await write_letter(fake, couple.alice, "2026-12-01", "December", SECRET)
    await closer.at(utc(2026, 12, 1, 16, 30))
    await closer.stop()
    closer.clock.set(utc(2026, 12, 1, 20, 0))  # 12:00 in Los Angeles, three hours late
    await closer.start()
    await closer.run_due()
    [letter] = letter_dms(fake, couple.bob)
    assert SECRET in letter.text
    assert "Posted late" in letter.text
    await closer.restart()
    await closer.run_due()
    assert len(letter_dms(fake, couple.bob)) == 1


async def test_a_capsule_follows_its_recipient_to_a_new_zone(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await write_letter(fake, couple.alice, "2026-12-10", "Tokyo", SECRET)
    assert await capsule_fire_times(closer, couple) == [utc(2026, 12, 10, 17, 0)]
    await fake.slash(couple.bob, "couple timezone", timezone="Asia/Tokyo")
    await fake.idle()
    assert await capsule_fire_times(closer, couple) == [utc(2026, 12, 10, 0, 0)]  # 09:00 in Tokyo


async def test_quiet_hours_ending_later_hold_the_capsule(couple: People, fake: Fake, closer: Closer) -> None:
    await fake.slash(couple.bob, "couple quiet", start="23:00", end="10:30")
    await write_letter(fake, couple.alice, "2026-12-10", "Late riser", SECRET)
    assert await capsule_fire_times(closer, couple) == [utc(2026, 12, 10, 18, 30)]  # 10:30 in Los Angeles


async def test_an_import_plans_the_capsules_again(couple: People, fake: Fake, closer: Closer) -> None:
    await write_letter(fake, couple.alice, "2026-12-10", "Again", SECRET)
    before, after = await restored_schedules(closer, couple, ("letter_capsule",))
    assert before == after
    assert len(after) == 1


@pytest.mark.allow_violations("dm.closed")
async def test_closed_dms_get_a_note_in_the_channel_without_the_letter(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's DMs are closed: the channel hears a letter came for him (no title, no text), and he
    reads it in /letter list, where only he sees it."""
    await write_letter(fake, couple.alice, "2026-12-01", "December", SECRET)
    fake.close_dms(couple.bob)
    await closer.at(utc(2026, 12, 1, 17, 0))
    [note] = [m for m in fake.messages(couple.channel) if "letter from alice arrived" in m.text]
    assert couple.bob.mention in note.content
    assert SECRET not in note.text
    assert "December" not in note.text
    listed = await fake.slash(couple.bob, "letter list")
    assert listed.ephemeral
    assert SECRET in listed.text


@pytest.mark.allow_violations("dm.closed")
async def test_an_opened_letter_shows_in_the_reply_when_dms_are_closed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await write_letter(fake, couple.alice, "when you miss me", "Sealed", SECRET)
    await closer.at(utc(2026, 11, 24, 17, 0))
    fake.close_dms(couple.bob)
    shown = await fake.slash(couple.bob, "letter open")
    opened = await fake.select(shown, "Choose a letter to open", ["when you miss me"], couple.bob)
    await fake.idle()
    [note] = opened.followups
    assert note.ephemeral
    assert "DMs are closed" in note.text
    assert SECRET in note.text
