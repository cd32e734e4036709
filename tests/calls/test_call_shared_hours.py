"""Posts around a call keep to when both partners are awake (issue 14), also after quiet hours
change, and the memory prompt after a late call waits for the next time both are awake."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from emulator import Fake
from emulator.results import Msg
from tests.support import Closer, People

# Monday 1 March 2027, 12:00 UTC: 13:00 in Berlin, 04:00 in Los Angeles.
MARCH = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def reminders(fake: Fake, people: People) -> list[Msg]:
    return [m for m in fake.messages(people.channel) if "Video call in" in m.text]


def prompts(fake: Fake, people: People) -> list[Msg]:
    return [m for m in fake.messages(people.channel) if "Log a memory from" in m.content]


@pytest.fixture
async def march(couple: People, closer: Closer) -> People:
    closer.clock.set(MARCH)
    return couple


async def test_a_reminder_moves_when_quiet_hours_change(march: People, fake: Fake, closer: Closer) -> None:
    """Friday 20:00 Berlin: its reminder at 19:00 is 10:00 for Bob. Bob now sleeps until 11:00, so
    the reminder comes at 13:30 Berlin, the end of the last stretch both are awake before it."""
    await fake.slash(march.alice, "call schedule", weekday="Friday", time="20:00")
    await fake.slash(march.bob, "couple quiet", start="05:00", end="11:00")
    await closer.at(utc(2027, 3, 5, 12, 29))
    assert reminders(fake, march) == []
    await closer.at(utc(2027, 3, 5, 12, 30))
    (reminder,) = reminders(fake, march)
    assert "Video call in 6 hours 30 minutes" in reminder.text
    await closer.at(utc(2027, 3, 5, 18))
    assert len(reminders(fake, march)) == 1


async def test_the_memory_prompt_after_a_late_call_waits_for_both(
    march: People, fake: Fake, closer: Closer
) -> None:
    """A call at 22:30 Berlin: an hour later Alice sleeps, so the prompt comes the next evening,
    when both are awake, and says "your last call", not "tonight"."""
    await fake.slash(march.alice, "call plan", when="today 22:30")
    await closer.at(utc(2027, 3, 1, 22, 30))
    assert prompts(fake, march) == []
    await closer.at(utc(2027, 3, 2, 16))  # 17:00 Berlin, 08:00 Los Angeles
    (prompt,) = prompts(fake, march)
    assert "Log a memory from your last call?" in prompt.content


async def test_the_reply_says_when_reminders_really_come(march: People, fake: Fake, closer: Closer) -> None:
    """Bob plans tomorrow 18:00 his time (03:00 for Alice): the reply says the reminder comes at
    13:30 his time, when both are awake; a call with no such moment before it says there's none."""
    later = await fake.slash(march.bob, "call plan", when="tomorrow 18:00", reminders="30")
    assert "the reminders keep to when you're both awake: Tue 13:30 your time" in later.text
    soon = await fake.slash(march.alice, "call plan", when="today 14:30", reminders="10")
    assert "There's no time you're both awake before it, so no reminder comes" in soon.text
    plain = await fake.slash(march.alice, "call plan", when="tomorrow 20:00")
    assert "keep to when" not in plain.text
    assert "no reminder comes" not in plain.text
