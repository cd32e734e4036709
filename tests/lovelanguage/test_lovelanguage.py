"""/lovelanguage set, shown in /couple status; and only partners may use /appreciate, /win or /lovelanguage."""

from __future__ import annotations

import pytest

from bot.db.repositories.checkins import CheckinRepository
from emulator import Fake
from tests.support import Closer, People


def repo(closer: Closer) -> CheckinRepository:
    assert closer.bot is not None
    return closer.bot.get_cog("CheckinCog").service.repo  # type: ignore[union-attr]


async def test_love_languages_are_saved_and_shown_in_status(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Primary and secondary are confirmed and appear in /couple status."""
    reply = await fake.slash(couple.bob, "lovelanguage set", primary="time", secondary="words")
    assert reply.ephemeral
    assert "quality time" in reply.text
    assert "words of affirmation" in reply.text
    status = await fake.slash(couple.alice, "couple status")
    assert "bob: quality time, words of affirmation" in status.text


async def test_the_same_love_language_twice_is_refused(couple: People, fake: Fake, closer: Closer) -> None:
    """Secondary equal to primary: an explanation, nothing saved."""
    reply = await fake.slash(couple.bob, "lovelanguage set", primary="gifts", secondary="gifts")
    assert reply.ephemeral
    assert "same as your primary" in reply.text
    assert await repo(closer).love_languages(couple.guild.id, couple.bob.id) is None


@pytest.mark.parametrize("command", ["appreciate", "win", "lovelanguage set"])
async def test_only_partners_can_appreciate_share_wins_or_set_love_languages(
    couple: People, fake: Fake, command: str
) -> None:
    """Carol is refused."""
    options = {
        "appreciate": {"message": "hi"},
        "win": {"text": "hi"},
        "lovelanguage set": {"primary": "time"},
    }
    reply = await fake.slash(couple.carol, command, **options[command])
    assert reply.ephemeral
    assert "Only the two partners" in reply.text
