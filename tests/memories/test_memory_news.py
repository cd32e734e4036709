"""News of a memory (issue 14): a memory one partner adds is told to the other, by a short DM sent
as a one-off personal schedule, so quiet hours and the DM budget apply and it goes once."""

from __future__ import annotations

from datetime import UTC, datetime

from emulator import Fake
from emulator.results import Msg
from tests.support import START, Closer, People

# START: Tuesday 13:00 in Berlin, 04:00 in Los Angeles (Bob's quiet hours end at 08:00, 16:00 UTC).
BOB_WAKES = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)


def news(fake: Fake, user) -> list[Msg]:
    return [m for m in fake.dms(user) if "to your book" in m.text]


async def test_the_other_partner_hears_of_a_new_memory_when_awake(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Alice adds two memories while Bob sleeps: one message at 08:00 his time tells of both (the
    writer hears nothing)."""
    added = await fake.slash(couple.alice, "memory add", title="Our first video call", date="2024-02-10")
    assert "Saved to your memory book" in added.text
    await fake.slash(couple.alice, "memory add", title="The lake", date="2025-07-14")
    await closer.run_due()
    assert news(fake, couple.bob) == []  # 04:00 in Los Angeles: his quiet hours
    await closer.at(BOB_WAKES)
    (told,) = news(fake, couple.bob)
    assert "alice added 2 memories to your book" in told.text
    assert "Our first video call" in told.text
    assert "The lake" in told.text
    assert news(fake, couple.alice) == []
    await closer.restart()
    await closer.run_due()
    assert len(news(fake, couple.bob)) == 1


async def test_a_memory_bob_adds_reaches_alice_at_once_and_deleted_ones_are_not_told(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """13:00 in Berlin: Alice hears of Bob's memory right away. A memory deleted before its news
    went out is not told."""
    await fake.slash(couple.bob, "memory add", title="Pancakes on the phone", date="2026-11-20")
    await closer.run_due()  # the scheduler's job, a moment after the reply
    (told,) = news(fake, couple.alice)
    assert "bob added a memory to your book" in told.text
    assert "Pancakes on the phone" in told.text
    assert "`/memory show`" in told.text
    # Alice adds one while Bob sleeps, then deletes it before he wakes: nothing to tell.
    added = await fake.slash(couple.alice, "memory add", title="Oops", date="2026-11-20")
    memory_id = int(added.text.split("#", 1)[1].split(".", 1)[0])
    ask = await fake.slash(couple.alice, "memory delete", id=memory_id)
    await fake.click(ask, "Delete", couple.alice)
    await closer.at(BOB_WAKES)
    assert news(fake, couple.bob) == []
    assert START < BOB_WAKES
