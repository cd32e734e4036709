"""/appreciate: a note of appreciation by DM, held for quiet hours, kept, posted when DMs are closed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db.repositories.checkins import CheckinRepository
from emulator import Fake
from tests.support import Closer, People

BOTH_AWAKE = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # Tuesday: 19:00 Berlin, 10:00 Los Angeles
BOB_MORNING = datetime(2026, 11, 24, 16, 0, tzinfo=UTC)  # 08:00 Los Angeles, when his quiet hours end
WEEK = timedelta(days=7)


def repo(closer: Closer) -> CheckinRepository:
    assert closer.bot is not None
    return closer.bot.get_cog("CheckinCog").service.repo  # type: ignore[union-attr]


def appreciations(fake: Fake, user) -> list:
    return [m for m in fake.dms(user) if "appreciates you" in m.text]


async def test_an_appreciation_reaches_the_partner_by_dm_and_is_kept(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob gets Alice's words in full by DM; Alice is told it was sent; the note is stored."""
    await closer.at(BOTH_AWAKE)
    words = "You made my whole week with that voice note. " * 20
    reply = await fake.slash(couple.alice, "appreciate", message=words)
    assert reply.ephemeral
    assert "Sent to bob by DM" in reply.text
    (note,) = appreciations(fake, couple.bob)
    assert "alice appreciates you" in note.text
    assert words.strip() in note.text
    kept = await repo(closer).appreciations_between(couple.guild.id, BOTH_AWAKE - WEEK, BOTH_AWAKE)
    assert [(a.from_user, a.to_user, a.message) for a in kept] == [
        (couple.alice.id, couple.bob.id, words.strip())
    ]
    assert kept[0].delivered_at is not None


async def test_an_appreciation_waits_for_the_end_of_the_partners_quiet_hours(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """At 04:00 for Bob, Alice is told when it will arrive; he gets it at 08:00, once, even after a restart."""
    reply = await fake.slash(couple.alice, "appreciate", message="Thank you for last night")
    assert "inside their quiet hours" in reply.text
    assert appreciations(fake, couple.bob) == []
    await closer.restart()
    await closer.at(BOB_MORNING - timedelta(minutes=1))
    assert appreciations(fake, couple.bob) == []
    await closer.at(BOB_MORNING)
    await closer.run_due()
    assert len(appreciations(fake, couple.bob)) == 1


@pytest.mark.allow_violations("dm.closed")
async def test_with_dms_closed_the_appreciation_is_posted_for_the_partner(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's DMs are closed: it goes to #us mentioning him, and Alice is told where it went."""
    await closer.at(BOTH_AWAKE)
    fake.close_dms(couple.bob)
    reply = await fake.slash(couple.alice, "appreciate", message="You're my favourite person")
    assert "their DMs are closed" in reply.text
    post = await fake.wait_for_message(couple.channel, lambda m: "appreciates you" in m.text)
    assert couple.bob.mention in post.content
    assert "You're my favourite person" in post.text


async def test_an_appreciation_held_by_the_dm_budget_says_when_it_goes(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob heard from Closer two minutes ago: Alice's note waits the ten-minute gap, and she is
    told when, in plain words (it said "I couldn't deliver it ... (waiting for a better moment to
    message them) ... it will be in your data export")."""
    await closer.at(BOTH_AWAKE)
    await fake.slash(couple.alice, "appreciate", message="first")
    await closer.at(BOTH_AWAKE + timedelta(minutes=2))
    reply = await fake.slash(couple.alice, "appreciate", message="second")
    assert "Saved 💌 It will reach bob <t:" in reply.text
    assert "spaces out its messages" in reply.text
    assert "couldn't" not in reply.text
    assert len(appreciations(fake, couple.bob)) == 1
    await closer.at(BOTH_AWAKE + timedelta(minutes=10))
    assert len(appreciations(fake, couple.bob)) == 2


async def test_an_empty_appreciation_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """Only spaces: nothing is sent or kept."""
    reply = await fake.slash(couple.alice, "appreciate", message="   ")
    assert reply.ephemeral
    assert "empty" in reply.text
    assert await repo(closer).appreciations_between(couple.guild.id, BOTH_AWAKE - WEEK, BOTH_AWAKE) == []
