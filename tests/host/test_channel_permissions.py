"""Closer's own permission check against channel overwrites: ``/couple setup`` refuses a channel where
a permission overwrite takes away what Closer needs, names what is missing, and keeps nothing."""

from __future__ import annotations

import pytest

from emulator import Fake
from tests.support import Closer, People


async def _setup(fake: Fake, people: People):
    return await fake.slash(
        people.alice,
        "couple setup",
        partner=people.bob,
        options={"channel": people.channel},
        timezone="Europe/Berlin",
    )


@pytest.mark.parametrize(
    ("denied", "named"),
    [
        (("embed_links",), "Embed Links"),
        (("attach_files", "read_message_history"), "Attach Files, Read Message History"),
    ],
)
async def test_setup_names_what_an_overwrite_takes_away(
    closer: Closer, fake: Fake, people: People, denied: tuple[str, ...], named: str
) -> None:
    fake.deny(people.channel, people.guild, *denied)  # @everyone: the bot's role allows nothing back
    await fake.sync()
    reply = await _setup(fake, people)
    assert reply.ephemeral
    assert f"I need {named} there" in reply.text
    assert fake.messages(people.channel) == []
    assert closer.bot is not None
    assert await closer.bot.couples.get(people.guild.id) is None


async def test_a_role_overwrite_giving_it_back_lets_setup_through(
    closer: Closer, fake: Fake, people: People
) -> None:
    fake.deny(people.channel, people.guild, "embed_links")
    [closer_role] = [r for r in people.guild.roles if r.managed]
    fake.allow(people.channel, closer_role, "embed_links")
    await fake.sync()
    reply = await _setup(fake, people)
    assert "I need" not in reply.text
    await fake.wait_for_message(people.channel, lambda m: "Accept" in m.buttons)


async def test_setup_in_a_channel_closer_cannot_see(closer: Closer, fake: Fake, people: People) -> None:
    """Hidden from Closer (View Channel denied to @everyone): refused before anything is posted."""
    fake.deny(people.channel, people.guild, "view_channel")
    await fake.sync()
    reply = await _setup(fake, people)
    assert reply.ephemeral
    assert "View Channel" in reply.text
    assert fake.messages(people.channel) == []
