"""/data export and /data import carry what call nights in Discord added (format version 2): each
call's length, the linked voice room, and each call night held in the room with the time
together. The server's scheduled events are Closer's own posts: not exported, made again after an
import. A version-1 file reads as calls an hour long, no room, nights not held."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.errors import UserError
from emulator import Fake
from emulator.scheduled_events import VOICE
from emulator.state import Channel, Guild
from tests.data.archive import content_of, parse_document, plan
from tests.data.test_data_export import export_of, export_zips
from tests.data.test_data_import import import_file, new_server
from tests.data.test_export_format import ALICE, as_bytes, document, version_1
from tests.support import Closer, People

MARCH = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
FRIDAY = datetime(2027, 3, 5, 19, 0, tzinfo=UTC)  # Fridays 20:00 in Berlin, Alice's zone
WEEK = timedelta(days=7)


async def at(closer: Closer, instant: datetime) -> None:
    await closer.at(instant)
    await closer.run_due()


async def settle(fake: Fake) -> None:
    """The bot has handled the voice updates sent so far (and what they planned)."""
    await fake.sync()
    for _ in range(3):
        await asyncio.sleep(0.05)
        await fake.idle()


async def held_night(closer: Closer, fake: Fake, people: People, room: Channel, start: datetime) -> None:
    """Both in the room from ten minutes before ``start`` until 70 minutes after it (80 min together)."""
    await closer.at(start - timedelta(minutes=12))
    fake.join_voice(people.alice, room)
    await settle(fake)
    await closer.at(start - timedelta(minutes=10))
    fake.join_voice(people.bob, room)
    await settle(fake)
    await at(closer, start)  # the call-night card
    await closer.at(start + timedelta(minutes=70))
    fake.leave_voice(people.bob, people.guild)
    await settle(fake)
    await closer.at(start + timedelta(minutes=72))
    fake.leave_voice(people.alice, people.guild)
    await settle(fake)
    await at(closer, start + timedelta(hours=2))


@pytest.fixture
async def lived(couple: People, closer: Closer, fake: Fake) -> Channel:
    """A linked room, a weekly call of 90 minutes on Fridays at 20:00 (Alice's time), one night
    held in the room (80 minutes together) and the next one nobody came to."""
    closer.clock.set(MARCH)
    lounge = fake.create_voice_channel(couple.guild, "Lounge")
    await fake.sync()
    reply = await fake.slash(couple.alice, "call room", options={"channel": lounge})
    assert "Linked **Lounge**" in reply.text, reply.text
    await fake.slash(couple.alice, "call schedule", weekday="Friday", time="20:00", length="1h30")
    await fake.idle()
    await held_night(closer, fake, couple, lounge, FRIDAY)
    await at(closer, FRIDAY + WEEK)  # the card posted, nobody in the room
    await at(closer, FRIDAY + WEEK + timedelta(hours=4))
    return lounge


def nights(doc: Any) -> list[tuple[str, bool, int]]:
    return [(n.occurrence_at, n.held, n.together_minutes) for n in doc.calls[0].nights]


def instant(at: datetime) -> str:
    return f"{at:%Y-%m-%dT%H:%M:%SZ}"


HELD = [(instant(FRIDAY), True, 80), (instant(FRIDAY + WEEK), False, 0)]


async def call_list(fake: Fake, user: Any, guild: Guild) -> str:
    reply = await fake.slash(user, "call list", channel=guild.channel("us"))
    return str(reply.text)


def room_of(closer: Closer, guild: Guild) -> int | None:
    assert closer.bot is not None
    cog: Any = closer.bot.get_cog("CallCog")
    return cog.room.room_of(guild.id)  # type: ignore[no-any-return]


async def test_the_export_holds_length_room_and_held_nights_but_no_event(
    couple: People, fake: Fake, closer: Closer, lived: Channel
) -> None:
    events = fake.scheduled_events(couple.guild)
    assert events
    doc, files = await export_of(fake, couple.alice)
    assert doc.calls[0].length == 90
    assert nights(doc) == HELD
    assert doc.call_room is not None
    assert (doc.call_room.channel_id, doc.call_room.set_by) == (str(lived.id), str(couple.alice.id))
    for event in events:
        assert str(event.id) not in files["closer-export.json"].decode()  # Closer's own, never exported


async def test_export_then_import_in_the_same_server_keeps_length_room_and_held_nights(
    couple: People, fake: Fake, closer: Closer, lived: Channel
) -> None:
    """Unlink the room, delete the space, import the export back: the room is linked again (and
    counts the next night without a restart), the nights held keep their time together, the event lasts 90 min."""
    first, _ = await export_of(fake, couple.alice)
    [(name, data)] = export_zips(fake, couple.alice)[-1:]
    unlinked = await fake.slash(couple.alice, "call room")  # unlinked since: the import links it again
    assert "unlinked" in unlinked.text, unlinked.text
    assert room_of(closer, couple.guild) is None
    ask = await fake.slash(couple.bob, "data delete", scope="space")
    await fake.click(ask, "Delete", couple.bob)
    assert "Deleted everything of this space" in ask.text
    for event in fake.scheduled_events(couple.guild):
        fake.delete_scheduled_event_by_hand(couple.guild, event.id)  # a partner tidies the Events up
    await settle(fake)

    reply = await import_file(fake, couple.alice, couple.guild, name, data)
    assert "Restored your space" in reply.text, reply.text
    assert room_of(closer, couple.guild) == lived.id
    listing = await call_list(fake, couple.bob, couple.guild)
    assert "Held" in listing, listing
    assert "1 h 20 min together" in listing, listing
    (event,) = fake.scheduled_events(couple.guild)
    assert (event.entity_type, event.channel_id) == (VOICE, lived.id)
    assert event.end_time is not None
    assert event.end_time - event.start_time == timedelta(minutes=90)
    second, _ = await export_of(fake, couple.alice)
    assert content_of(second) == content_of(first)
    assert second.call_room is not None
    assert second.call_room.channel_id == str(lived.id)

    # the restored room counts the next night at once
    await held_night(closer, fake, couple, lived, FRIDAY + 2 * WEEK)
    third, _ = await export_of(fake, couple.alice)
    assert nights(third) == [*HELD, (instant(FRIDAY + 2 * WEEK), True, 80)]


async def test_import_into_another_server_keeps_length_and_nights_and_leaves_the_room_behind(
    couple: People, fake: Fake, closer: Closer, lived: Channel
) -> None:
    """The room is a channel of the old server: the new space has none (and its memory prompt
    comes an hour after the call as without a room), the rest is kept."""
    first, _ = await export_of(fake, couple.alice)
    [(name, data)] = export_zips(fake, couple.alice)[-1:]
    place = new_server(fake, couple)
    await fake.sync()
    reply = await import_file(fake, couple.alice, place, name, data)
    assert "Restored your space" in reply.text, reply.text
    assert room_of(closer, place) is None
    assert room_of(closer, couple.guild) == lived.id  # the old server keeps its own
    assert closer.bot is not None
    rooms = await closer.bot.db.fetchval("SELECT COUNT(*) FROM call_rooms WHERE guild_id = ?", (place.id,))
    assert rooms == 0
    listing = await call_list(fake, couple.bob, place)
    assert "1 h 20 min together" in listing, listing
    (event,) = fake.scheduled_events(place)
    assert event.channel_id is None  # not in a voice channel: the new server has no room linked
    assert event.end_time is not None
    assert event.end_time - event.start_time == timedelta(minutes=90)
    second, _ = await export_of(fake, couple.alice, channel=place.channel("us"))
    assert second.call_room is None
    assert nights(second) == HELD
    assert content_of(second) == content_of(first)


# -- reading files ------------------------------------------------------------------------------------


def call(**changes: Any) -> dict[str, Any]:
    """A weekly call as a version-2 file has it, with one night held."""
    data = {
        "kind": "weekly",
        "weekday": 4,
        "time": "20:00",
        "zone": "Europe/Berlin",
        "once_at": None,
        "reminders": [60],
        "memory_after": 60,
        "length": 90,
        "created_by": ALICE,
        "created_at": "2026-11-01T10:00:00Z",
        "cancelled_at": None,
        "changes": [],
        "rsvps": [],
        "proposals": [],
        "nights": [
            {
                "occurrence_at": "2026-11-06T19:00:00Z",
                "started_at": "2026-11-06T19:00:00Z",
                "activity": "Cook the same recipe",
                "posted_at": "2026-11-06T19:00:00Z",
                "held": True,
                "together_minutes": 80,
            }
        ],
    }
    return {**data, **changes}


def version_1_call() -> dict[str, Any]:
    old = {k: v for k, v in call().items() if k != "length"}
    old["nights"] = [
        {k: v for k, v in n.items() if k not in {"held", "together_minutes"}} for n in old["nights"]
    ]
    return old


def test_a_version_1_file_reads_as_calls_an_hour_long_without_a_room_or_nights_held() -> None:
    read = parse_document(as_bytes(version_1(calls=[version_1_call()])))
    assert read.calls[0].length == 60
    assert [(n.held, n.together_minutes) for n in read.calls[0].nights] == [(False, 0)]
    assert read.call_room is None
    rows = plan(read, channel_id=10)
    assert rows.calls[0]["length"] == 60
    assert rows.call_rooms == ()


@pytest.mark.parametrize(
    ("changed", "named"),
    [
        ({k: v for k, v in call().items() if k != "length"}, "length"),
        (call(length=10), "length"),
        (call(length=13 * 60), "length"),
        (call(nights=[{k: v for k, v in call()["nights"][0].items() if k != "held"}]), "held"),
        (call(nights=[{**call()["nights"][0], "together_minutes": -1}]), "together_minutes"),
    ],
)
def test_a_version_2_file_must_say_each_calls_length_and_nights(changed: dict[str, Any], named: str) -> None:
    """No default hides a missing field of version 2: the file is refused, naming it."""
    with pytest.raises(UserError, match=named):
        parse_document(as_bytes(document(calls=[changed])))


def test_time_together_on_a_night_not_held_is_refused() -> None:
    night = {**call()["nights"][0], "held": False}
    read = parse_document(as_bytes(document(calls=[call(nights=[night])])))
    with pytest.raises(UserError, match="time together but wasn't held"):
        plan(read, channel_id=10)


def test_a_room_set_by_someone_else_is_refused() -> None:
    room = {"channel_id": "77", "set_by": "999", "set_at": "2026-11-01T10:00:00Z"}
    read = parse_document(as_bytes(document(call_room=room)))
    with pytest.raises(UserError, match="isn't one of its two partners"):
        plan(read, channel_id=10)
    fine = parse_document(as_bytes(document(call_room={**room, "set_by": ALICE})))
    assert plan(fine, channel_id=10).call_rooms == (
        {"channel_id": 77, "set_by": int(ALICE), "set_at": fine_at()},
    )


def fine_at() -> int:
    return int(datetime(2026, 11, 1, 10, 0, tzinfo=UTC).timestamp())
