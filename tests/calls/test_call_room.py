"""The couple's voice room (/call room): both partners in it during a call night mark the call as
held (with the time together, in /call list and the weekly digest), stop the reminders, and bring
the memory prompt a few minutes after they've both left; a night nobody came gets no prompt. A
couple without a room keeps the prompt an hour after the start."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from emulator import Fake
from emulator.results import Msg
from emulator.scheduled_events import VOICE
from emulator.state import Channel
from tests.support import Closer, People

MARCH = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
FRIDAY = datetime(2027, 3, 5, 19, 0, tzinfo=UTC)  # Fridays 20:00 in Berlin, 11:00 in Los Angeles
MINUTE = timedelta(minutes=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def at(closer: Closer, instant: datetime) -> None:
    await closer.at(instant)
    await closer.run_due()


def reminders(fake: Fake, people: People) -> list[Msg]:
    return [
        m for m in fake.messages(people.channel) if (m.embed or {}).get("title", "").startswith("📞 Video")
    ]


def prompts(fake: Fake, people: People) -> list[Msg]:
    return [m for m in fake.messages(people.channel) if "Log a memory from" in m.content]


async def settle(fake: Fake) -> None:
    """The bot has handled the voice updates sent so far (and what they planned)."""
    await fake.sync()
    for _ in range(3):
        await asyncio.sleep(0.05)
        await fake.idle()


@pytest.fixture
async def march(couple: People, closer: Closer, monkeypatch: pytest.MonkeyPatch) -> People:
    """The couple on Monday 1 March 2027, with the memory book counted as loaded."""
    closer.clock.set(MARCH)
    assert closer.bot is not None
    cog = type(closer.bot.get_cog("CallCog"))
    monkeypatch.setattr(cog, "memory_book_loaded", lambda self: True)
    monkeypatch.setattr(cog, "memory_book_planned", lambda self: True)
    return couple


async def linked_room(fake: Fake, people: People) -> Channel:
    lounge = fake.create_voice_channel(people.guild, "Lounge")
    await fake.sync()
    reply = await fake.slash(people.alice, "call room", options={"channel": lounge})
    assert reply.ephemeral
    assert "Linked **Lounge**" in reply.text, reply.text
    await fake.idle()
    return lounge


async def schedule(fake: Fake, people: People, **options: str) -> None:
    await fake.slash(people.alice, "call schedule", weekday="Friday", time="20:00", **options)
    await fake.idle()


async def test_both_in_the_room_hold_the_call_stop_reminders_and_bring_the_prompt_after(
    march: People, fake: Fake, closer: Closer
) -> None:
    lounge = await linked_room(fake, march)
    await schedule(fake, march, reminders="60,10")
    (event,) = fake.scheduled_events(march.guild)
    assert (event.entity_type, event.channel_id) == (VOICE, lounge.id)  # the event is in the room
    await at(closer, FRIDAY - timedelta(hours=1))
    assert len(reminders(fake, march)) == 1
    await closer.at(FRIDAY - timedelta(minutes=20))
    fake.join_voice(march.alice, lounge)
    await settle(fake)
    await closer.at(FRIDAY - timedelta(minutes=15))
    fake.join_voice(march.bob, lounge)
    await settle(fake)
    await at(closer, FRIDAY - timedelta(minutes=10))
    assert len(reminders(fake, march)) == 1  # both are there: no more reminders
    await at(closer, FRIDAY)
    # an hour after the start (the old prompt time) nothing: they're still talking
    await at(closer, FRIDAY + timedelta(hours=1))
    assert prompts(fake, march) == []
    await closer.at(FRIDAY + timedelta(hours=1, minutes=25))
    fake.leave_voice(march.bob, march.guild)
    await settle(fake)
    await closer.at(FRIDAY + timedelta(hours=1, minutes=27))
    fake.leave_voice(march.alice, march.guild)
    await settle(fake)
    await at(closer, FRIDAY + timedelta(hours=1, minutes=31, seconds=59))
    assert prompts(fake, march) == []  # five minutes after the last of them left
    await at(closer, FRIDAY + timedelta(hours=1, minutes=32))
    (prompt,) = prompts(fake, march)
    assert "Log a memory from tonight?" in prompt.content
    # /call list: held, 1 h 40 min together (from the second one joining to the first one leaving)
    listing = await fake.slash(march.bob, "call list")
    assert "Held" in listing.text
    assert "1 h 40 min together" in listing.text
    # joining again the same night brings no second prompt
    fake.join_voice(march.alice, lounge)
    fake.join_voice(march.bob, lounge)
    await settle(fake)
    fake.leave_voice(march.bob, march.guild)
    await settle(fake)
    await at(closer, FRIDAY + timedelta(hours=3))
    assert len(prompts(fake, march)) == 1


async def test_a_call_nobody_joined_gets_no_prompt(march: People, fake: Fake, closer: Closer) -> None:
    """With a room linked, only one of them came (and left): no memory prompt, nothing held."""
    lounge = await linked_room(fake, march)
    await schedule(fake, march)
    await closer.at(FRIDAY)
    await closer.run_due()
    fake.join_voice(march.alice, lounge)
    await settle(fake)
    fake.leave_voice(march.alice, march.guild)
    await settle(fake)
    for instant in (FRIDAY + timedelta(hours=1), FRIDAY + timedelta(hours=2), FRIDAY + timedelta(days=1)):
        await at(closer, instant)
    assert prompts(fake, march) == []
    listing = await fake.slash(march.bob, "call list")
    assert "Held" not in listing.text


async def test_without_a_room_the_prompt_comes_an_hour_after_the_start(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Today's behaviour, unchanged, when the couple talks elsewhere; voice elsewhere is ignored."""
    lounge = fake.create_voice_channel(march.guild, "Lounge")
    await schedule(fake, march)
    (event,) = fake.scheduled_events(march.guild)
    assert event.location == "Video call"
    await closer.at(FRIDAY - timedelta(minutes=5))
    fake.join_voice(march.alice, lounge)
    fake.join_voice(march.bob, lounge)
    await settle(fake)
    await at(closer, FRIDAY + timedelta(minutes=59))
    assert prompts(fake, march) == []
    await at(closer, FRIDAY + timedelta(hours=1))
    assert len(prompts(fake, march)) == 1


async def test_unlinking_the_room_brings_back_the_usual_prompt(
    march: People, fake: Fake, closer: Closer
) -> None:
    await linked_room(fake, march)
    await schedule(fake, march)
    reply = await fake.slash(march.bob, "call room")
    assert "unlinked" in reply.text
    await fake.idle()
    (event,) = fake.scheduled_events(march.guild)
    assert event.location == "Video call"
    await at(closer, FRIDAY + timedelta(hours=1))
    assert len(prompts(fake, march)) == 1


async def test_a_text_channel_is_refused_as_a_room(march: People, fake: Fake, closer: Closer) -> None:
    reply = await fake.slash(march.alice, "call room", options={"channel": march.general})
    assert reply.ephemeral
    assert "#general is not a voice channel" in reply.text
    assert "`channel`" in reply.text
    assert closer.bot is not None
    assert closer.bot.get_cog("CallCog").room.by_guild == {}  # type: ignore[union-attr]


async def test_only_the_partners_may_link_a_room(march: People, fake: Fake, closer: Closer) -> None:
    lounge = fake.create_voice_channel(march.guild, "Lounge")
    await fake.sync()
    reply = await fake.slash(march.carol, "call room", options={"channel": lounge})
    assert "Only the two partners" in reply.text


async def test_the_digest_counts_the_calls_held_and_the_time_together(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Two calls held in the room in the week: "2 calls this week, 4 h 10 min together"."""
    closer.clock.set(utc(2026, 11, 24, 12))  # Tuesday
    lounge = await linked_room(fake, couple)
    for day in ("Wednesday", "Friday"):
        await fake.slash(couple.alice, "call schedule", weekday=day, time="19:00")
    await fake.idle()
    for start, minutes in ((utc(2026, 11, 25, 18), 70), (utc(2026, 11, 27, 18), 180)):
        await at(closer, start - timedelta(minutes=2))
        fake.join_voice(couple.alice, lounge)
        fake.join_voice(couple.bob, lounge)
        await settle(fake)
        await at(closer, start - timedelta(minutes=2) + timedelta(minutes=minutes))
        fake.leave_voice(couple.alice, couple.guild)
        fake.leave_voice(couple.bob, couple.guild)
        await settle(fake)
    assert closer.bot is not None
    ritual = await closer.bot.rituals.repo.find_template(couple.guild.id, "digest")
    assert ritual is not None
    (schedule,) = await closer.bot.rituals.schedules(ritual)
    assert schedule.fire_at is not None
    await at(closer, schedule.fire_at)
    (digest,) = [m for m in fake.messages(couple.channel) if "Your week together" in m.text]
    assert "2 calls this week, 4 h 10 min together" in digest.text


async def test_leaving_while_closer_was_away_is_seen_at_start(
    march: People, fake: Fake, closer: Closer
) -> None:
    """Both were in the room when Closer stopped and left while it was away: at start the night
    ends (from Discord's voice states) and the memory prompt comes a few minutes later."""
    lounge = await linked_room(fake, march)
    await schedule(fake, march)
    await closer.at(FRIDAY)
    fake.join_voice(march.alice, lounge)
    fake.join_voice(march.bob, lounge)
    await settle(fake)
    await closer.stop()
    fake.leave_voice(march.alice, march.guild)
    fake.leave_voice(march.bob, march.guild)
    closer.clock.set(FRIDAY + timedelta(minutes=50))
    await closer.start()
    await settle(fake)
    await at(closer, FRIDAY + timedelta(minutes=54))
    assert prompts(fake, march) == []
    await at(closer, FRIDAY + timedelta(minutes=55))
    assert len(prompts(fake, march)) == 1
    listing = await fake.slash(march.bob, "call list")
    assert "50 min together" in listing.text
