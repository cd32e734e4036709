"""One evening message: the check-in ask travels inside another DM to the same partner due within
the hour (the question nudge, a partner's news), and pressing a mood there changes only the
check-in's part of it (issue 14: the question nudge and the check-in ask arrived in the same
minute as two DMs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from emulator import Fake
from tests.checkins.test_checkins import BOTH_AWAKE, asks, check_in_now, news, repo
from tests.support import NEXT_POST, Closer, People

WEDNESDAY_8PM_BERLIN = datetime(2026, 11, 25, 19, 0, tzinfo=UTC)


async def test_the_nudge_and_the_ask_come_as_one_evening_message(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Wednesday's question is open at 20:00 Berlin: Alice gets one DM with the nudge and the
    check-in; pressing a mood keeps the question and its Answer button."""
    await closer.at(NEXT_POST)
    before = len(fake.dms(couple.alice))
    await closer.at(WEDNESDAY_8PM_BERLIN)
    await closer.at(WEDNESDAY_8PM_BERLIN + timedelta(minutes=30))
    evening = fake.dms(couple.alice)[before:]
    assert len(evening) == 1, [m.text for m in evening]
    (message,) = evening
    assert "Answer" in message.buttons
    assert [b for b in message.buttons if b != "Answer"] == ["1", "2", "3", "4", "5", "Add a note"]
    question = message.embed
    await fake.click(message, "3", couple.alice)
    assert message.embed == question
    assert "Answer" in message.buttons
    assert "Checked in for today: 3/5" in message.text
    saved = await repo(closer).get(couple.guild.id, couple.alice.id, WEDNESDAY_8PM_BERLIN.date())
    assert saved is not None
    assert saved.mood == 3


async def test_the_ask_rides_with_the_partners_news(couple: People, fake: Fake, closer: Closer) -> None:
    """Bob's ask is at 10:30 Los Angeles; Alice's news reaches him at 10:15: one DM with both, and
    a note added there changes only his check-in."""
    await fake.slash(couple.bob, "checkin schedule", time="10:30")
    await closer.at(BOTH_AWAKE)  # 10:00 Los Angeles
    await check_in_now(fake, couple.alice, 4)
    await closer.at(BOTH_AWAKE + timedelta(minutes=15))
    await closer.at(BOTH_AWAKE + timedelta(minutes=45))
    (message,) = news(fake, couple.bob, "alice")
    assert len(fake.dms(couple.bob)) == 1
    assert "1" in message.buttons
    assert asks(fake, couple.bob) == [message]
    form = await fake.click(message, "Add a note", couple.bob)
    await fake.submit_modal(form, {"mood": "2", "note": "long shift"}, couple.bob)
    await fake.idle()
    assert "alice checked in: 4/5" in message.text
    assert "Checked in for today: 2/5" in message.text
    assert "long shift" in message.text
    assert "Edit your note" in message.buttons


async def test_an_ask_already_answered_does_not_ride_along(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob checked in at 10:05; Alice's news at 10:15 comes without an ask, and none follows."""
    await fake.slash(couple.bob, "checkin schedule", time="10:30")
    await closer.at(BOTH_AWAKE)
    await check_in_now(fake, couple.alice, 4)
    await closer.at(BOTH_AWAKE + timedelta(minutes=5))
    await check_in_now(fake, couple.bob, 4)
    await closer.at(BOTH_AWAKE + timedelta(minutes=15))
    await closer.at(BOTH_AWAKE + timedelta(minutes=45))
    (message,) = news(fake, couple.bob, "alice")
    # No mood or note buttons rode along (the news's own buttons, a gesture back, are other features').
    assert not {"1", "2", "3", "4", "5", "Add a note"} & set(message.buttons), message.buttons
    assert asks(fake, couple.bob) == []
