"""/couple status in plain words (issue 14): a short summary for the partner who asks.

It shows shared posts and the asking partner's own messages, never the other partner's; what's
coming only when it will really be posted; outcomes said plainly; no internal terms.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from bot.db.repositories.memories import NewMemory
from emulator import Fake
from tests.support import Closer, People

# Tuesday 24 November 2026; Alice in Berlin (UTC+1), Bob in Los Angeles (UTC-8).
INTERNAL = re.compile(r"#\d|\(#|\brun\b|\bretry\b|occurrence|ledger|HTTP|\bkind\b|schedule id|: retry")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def section(text: str, name: str) -> str:
    """The lines of one field of the status card (up to the next field's name)."""
    after = text.split(f"\n{name}\n", 1)[1]
    lines = []
    for line in after.split("\n"):
        if not line.startswith(("•", "Today", "Tomorrow", "Yesterday")) and lines:
            break
        lines.append(line)
    return "\n".join(lines)


def assert_plain(text: str) -> None:
    found = INTERNAL.search(re.sub(r"<[#@]!?\d+>|<t:\d+:\w>", "", text))
    assert found is None, f"internal term {found.group(0)!r} in: {text}"


async def test_status_shows_only_shared_posts_and_the_askers_own_messages(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's goodnight reminders (and his check-in asks) are his: Alice's status never lists them,
    Bob's does; shared posts show for both."""
    await fake.slash(couple.bob, "ritual add", template="goodnight", time="22:30")
    await fake.slash(couple.alice, "ritual add", template="custom", time="18:00", message="Send a selfie")
    await closer.at(utc(2026, 11, 24, 17))  # 18:00 Berlin: the selfie post
    await closer.at(utc(2026, 11, 24, 19))  # Alice's check-in ask, 20:00 Berlin
    await closer.at(utc(2026, 11, 24, 21, 30))  # 22:30 Berlin: Alice's goodnight
    await closer.at(utc(2026, 11, 25, 4))  # Bob's check-in ask, 20:00 Los Angeles
    await closer.at(utc(2026, 11, 25, 6, 30))  # 22:30 Los Angeles: Bob's goodnight
    alices = (await fake.slash(couple.alice, "couple status")).text
    bobs = (await fake.slash(couple.bob, "couple status")).text
    lately_alice, lately_bob = section(alices, "Lately"), section(bobs, "Lately")
    assert "Your ritual “Send a selfie”, Tue 18:00: sent" in lately_alice
    assert "Your ritual “Send a selfie”, Tue 09:00: sent" in lately_bob
    assert "Goodnight for alice" in lately_alice
    assert "Goodnight for bob" in lately_bob
    assert "bob" not in lately_alice.replace("Send a selfie", "")
    assert "alice" not in lately_bob
    assert_plain(alices)
    assert_plain(bobs)


async def test_on_this_day_is_coming_only_when_a_memory_matches(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """ "On this day" is listed as coming only for a date with a memory from an earlier year."""
    before = (await fake.slash(couple.alice, "couple status")).text
    assert "On this day" not in before
    assert closer.bot is not None
    memories = closer.bot.get_cog("MemoryCog").repo  # type: ignore[union-attr]
    await memories.add_many(
        couple.guild.id,
        [NewMemory(couple.alice.id, "First snow", date(2024, 11, 24))],
        closer.bot.clock.now(),
    )
    after = (await fake.slash(couple.alice, "couple status")).text
    assert "• On this day: Tue 18:00 your time (Tue 09:00 for bob)" in section(after, "Coming up")
    assert_plain(after)


async def test_outcomes_are_said_plainly(couple: People, fake: Fake, closer: Closer) -> None:
    """A session step's answers revealed, a post missed while Closer was offline and one Discord
    refused read as a couple would say them, never "Reveal of step 1 of ritual run 2"."""
    await fake.slash(couple.alice, "ritual add", template="weekly_checkin", time="20:00", day="tuesday")
    await closer.at(utc(2026, 11, 24, 19))
    (thread,) = fake.threads(couple.channel)
    step = await fake.wait_for_message(thread, lambda m: "Step 1 of 5" in m.text and "Answer" in m.buttons)
    for user in (couple.alice, couple.bob):
        form = await fake.click(step, "Answer", user)
        await fake.submit_modal(form, {"answer": f"{user.name} is fine"}, user)
    await fake.slash(couple.alice, "ritual add", template="custom", time="21:00", message="Stretch")
    await closer.stop()
    closer.clock.set(utc(2026, 11, 25, 12))  # offline from Tuesday 20:00 to Wednesday 13:00 Berlin
    await closer.start()
    await closer.run_due()
    text = (await fake.slash(couple.alice, "couple status")).text
    lately = section(text, "Lately")
    assert "Weekly check-in: both answers to step 1, Tue 20:00: sent" in lately
    assert "Your ritual “Stretch”, Tue 21:00: missed while Closer was offline" in lately
    assert "On this day" not in lately  # it had nothing to post: nothing was missed
    assert_plain(text)


@pytest.mark.allow_violations("channel.missing_access", "dm.closed")
async def test_a_post_discord_refused_says_why_in_plain_words(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """No access to the channel and both DMs closed: "couldn't be posted" and the plain reason."""
    await fake.slash(couple.alice, "ritual add", template="custom", time="14:00", message="Hug")
    fake.deny_access(couple.channel)
    fake.close_dms(couple.alice)
    fake.close_dms(couple.bob)
    await closer.at(utc(2026, 11, 24, 13))
    fake.allow_access(couple.channel)
    text = (await fake.slash(couple.bob, "couple status")).text
    assert (
        "Your ritual “Hug”, Tue 05:00: couldn't be posted: Closer isn't allowed to post in your shared channel"
        in text
    )
    assert_plain(text)


async def test_the_travel_zone_suggests_zones_and_home(couple: People, fake: Fake) -> None:
    """/couple travel's timezone suggests zones as every zone option does, with `home` first."""
    choices = await fake.autocomplete(couple.bob, "couple travel", "timezone", "tok")
    assert "Asia/Tokyo" in [c.value for c in choices]
    empty = await fake.autocomplete(couple.bob, "couple travel", "timezone", "")
    assert empty[0].value == "home"
    assert 1 < len(empty) <= 25
    home = await fake.autocomplete(couple.bob, "couple travel", "timezone", "ho")
    assert home[0].value == "home"


async def test_the_status_reads_the_schedules_of_its_deliveries_by_id(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """``ScheduleRepository.by_ids``: the schedules asked for, as stored; a gone one left out
    (the status reads these instead of every schedule of the server)."""
    assert closer.bot is not None
    stored = await closer.bot.schedules.for_guild(couple.guild.id)
    assert len(stored) >= 2
    first, second = stored[0], stored[-1]
    found = await closer.bot.schedules.by_ids([second.id, first.id, first.id, 10**12])
    assert found == {first.id: first, second.id: second}
    assert await closer.bot.schedules.by_ids([]) == {}
