"""Errors partners read (issue 14): an option Closer can't read names the option and gives an
example; Discord's trouble is said without a status code."""

from __future__ import annotations

from emulator import Fake
from tests.support import Closer, People


async def test_an_option_closer_cannot_read_is_named_with_an_example(couple: People, fake: Fake) -> None:
    """ "`25:61` is not a time I understand for `time`: try `20:30`", not "that option"."""
    reply = await fake.slash(couple.alice, "ritual add", template="gratitude", time="25:61")
    assert reply.ephemeral
    assert "`25:61` is not a time I understand for `time`: try `20:30`." in reply.text
    zone = await fake.slash(couple.bob, "couple timezone", timezone="Los Angelos")
    assert (
        "`Los Angelos` is not a time zone I know for `timezone`: did you mean `America/Los_Angeles`"
        in zone.text
    )
    quiet = await fake.slash(couple.bob, "couple quiet", start="22:00", end="8")
    assert "`8` is not a time I understand for `end`: try `20:30`." in quiet.text
    assert "that option" not in reply.text + zone.text + quiet.text


async def test_discord_trouble_is_said_without_a_status_code(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """A 503 from Discord while a command posts: "Discord is having trouble", never "(HTTP 503)"."""
    fake.fail("POST", "/channels/*/messages", status=503, times=20)
    reply = await fake.slash(couple.alice, "win", text="I finished the marathon!")
    await fake.idle()
    assert reply.ephemeral
    assert "Discord is having trouble" in reply.all_text
    assert "HTTP" not in reply.all_text
    assert "503" not in reply.all_text
    fake.clear_faults()
