"""Gestures and the start date in /data: export (counts; a partner's gesture still waiting for the
end of your night is not yours yet), export -> import -> export gives the same, /data delete."""

from __future__ import annotations

from datetime import UTC, datetime

from emulator import Fake
from tests.data.archive import content_of
from tests.data.test_data_export import export_of, export_zips
from tests.data.test_data_import import import_file, new_server
from tests.support import Closer, People

BOTH_AWAKE = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)  # 19:00 Berlin, 10:00 Los Angeles
BOB_NIGHT = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)  # 23:30 Los Angeles, 08:30 Berlin


async def some_gestures(fake: Fake, closer: Closer, people: People) -> None:
    await closer.at(BOTH_AWAKE)
    await fake.slash(people.alice, "couple since", date="2024-06-15")
    for kind in ("thinking", "thinking", "hug"):
        await fake.slash(people.alice, "nudge", kind=kind)
    await fake.slash(people.bob, "nudge", kind="proud")


async def count(closer: Closer, sql: str, *params: object) -> int:
    assert closer.bot is not None
    return int(await closer.bot.db.fetchval(sql, params))


async def test_the_export_holds_the_counts_and_the_start_date(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await some_gestures(fake, closer, couple)
    await closer.at(BOB_NIGHT)
    await fake.slash(couple.alice, "nudge", kind="miss")  # waits for the end of Bob's night
    alice, _ = await export_of(fake, couple.alice)
    bob, _ = await export_of(fake, couple.bob)
    a, b = str(couple.alice.id), str(couple.bob.id)
    assert alice.together.since == "2024-06-15"
    assert alice.together.set_by == a
    assert [(g.user_id, g.kind, g.day, g.count) for g in alice.gestures] == [
        (a, "hug", "2026-11-24", 1),
        (a, "thinking", "2026-11-24", 2),
        (b, "proud", "2026-11-24", 1),
        (a, "miss", "2026-11-25", 1),
    ]
    assert (a, "miss") not in {(g.user_id, g.kind) for g in bob.gestures}


async def test_export_then_import_gives_the_same(couple: People, fake: Fake, closer: Closer) -> None:
    await some_gestures(fake, closer, couple)
    first, _ = await export_of(fake, couple.alice)
    [(name, data)] = export_zips(fake, couple.alice)
    place = new_server(fake, couple)
    await fake.sync()
    reply = await import_file(fake, couple.alice, place, name, data)
    assert "Restored your space" in reply.text, reply.text
    second, _ = await export_of(fake, couple.alice, channel=place.channel("us"))
    assert content_of(second) == content_of(first)
    assert second.together.since == "2024-06-15"
    assert len(second.gestures) == 3


async def test_delete_mine_removes_my_gestures_and_space_removes_all(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await some_gestures(fake, closer, couple)
    reply = await fake.slash(couple.alice, "data delete", scope="mine")
    assert "3 gestures" in reply.text, reply.text
    await fake.click(reply, "Delete", couple.alice)
    assert await count(closer, "SELECT COUNT(*) FROM gestures WHERE from_user = ?", couple.alice.id) == 0
    assert await count(closer, "SELECT COUNT(*) FROM gestures WHERE from_user = ?", couple.bob.id) == 1


async def test_delete_space_removes_gestures_and_the_start_date(
    couple: People, fake: Fake, closer: Closer
) -> None:
    await some_gestures(fake, closer, couple)
    reply = await fake.slash(couple.bob, "data delete", scope="space")
    assert "4 gestures" in reply.text, reply.text
    await fake.click(reply, "Delete", couple.bob)
    assert await count(closer, "SELECT COUNT(*) FROM gestures") == 0
    assert await count(closer, "SELECT COUNT(*) FROM together") == 0
