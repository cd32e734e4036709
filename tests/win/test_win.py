"""/win: good news in the shared channel with its Celebrate button, for the partner only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db.repositories.checkins import CheckinRepository
from emulator import Fake
from tests.support import Closer, People, share_win

BOTH_AWAKE = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # Tuesday: 19:00 Berlin, 10:00 Los Angeles
WEEK = timedelta(days=7)


def repo(closer: Closer) -> CheckinRepository:
    assert closer.bot is not None
    return closer.bot.get_cog("CheckinCog").service.repo  # type: ignore[union-attr]


async def test_a_win_is_posted_in_the_shared_channel_with_a_celebrate_button(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The win is in #us in full, mentioning Bob, with a Celebrate button."""
    post = await share_win(fake, couple)
    assert couple.bob.mention in post.content
    assert "alice has a win to share" in post.text
    assert "I passed my driving test!" in post.text
    assert post.buttons == ["Celebrate"]


async def test_only_the_partner_can_celebrate_a_win(couple: People, fake: Fake, closer: Closer) -> None:
    """Alice can't celebrate her own win, Carol can't either; Bob can, and the post shows it."""
    post = await share_win(fake, couple)
    own = await fake.click(post, "Celebrate", couple.alice)
    assert "for bob to celebrate" in own.text
    carol = await fake.click(post, "Celebrate", couple.carol)
    assert "Only the two partners" in carol.text
    await fake.click(post, "Celebrate", couple.bob)
    assert "Celebrated" in post.text
    assert "by bob" in post.text
    assert post.buttons == ["Celebrated"]
    cheer = await fake.wait_for_message(couple.channel, lambda m: "is celebrating your win" in m.text)
    assert couple.alice.mention in cheer.content


async def test_celebrate_works_after_a_restart(couple: People, fake: Fake, closer: Closer) -> None:
    """A win posted before a restart can be celebrated after it, and it is recorded."""
    post = await share_win(fake, couple)
    await closer.restart()
    await fake.click(post, "Celebrate", couple.bob)
    wins = await repo(closer).wins_between(couple.guild.id, BOTH_AWAKE - WEEK, BOTH_AWAKE)
    assert [w.celebrated_by for w in wins] == [couple.bob.id]


@pytest.mark.allow_violations("channel.missing_access")
async def test_a_win_is_posted_where_the_command_was_used_when_the_shared_channel_is_closed(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Closer can't post in #us: the win is posted in #general, where it was shared, still celebratable."""
    fake.deny_access(couple.channel)
    reply = await fake.slash(couple.alice, "win", text="Got the job!", channel=couple.general)
    assert reply.ephemeral
    assert "shared your win right here" in reply.text
    post = await fake.wait_for_message(couple.general, lambda m: "Celebrate" in m.buttons)
    assert not post.ephemeral
    assert "Got the job!" in post.text
    await fake.click(post, "Celebrate", couple.bob)
    assert "Celebrated" in post.text


async def test_an_empty_win_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """Only spaces: nothing is posted."""
    reply = await fake.slash(couple.alice, "win", text="  ")
    assert reply.ephemeral
    assert "empty" in reply.text
    assert [m for m in fake.messages(couple.channel) if "Celebrate" in m.buttons] == []
