"""Closer removed from a server: the space is kept 30 days (a re-invite restores it), then the
daily host-wide purge deletes it with its photo files; kept entries of an unpaired partner too."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from emulator import Fake
from tests.data.test_data_delete import photo_files, rows_of
from tests.support import START, Closer, People, png

REMOVED_AT = START
PURGE_HOUR = 4  # UTC


def purge_time(days: int) -> datetime:
    """The purge's run ``days`` days after the removal (04:00 UTC)."""
    day = (REMOVED_AT + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, PURGE_HOUR, 0, tzinfo=UTC)


async def with_a_memory(fake: Fake, couple: People) -> None:
    await fake.slash(
        couple.alice,
        "memory add",
        title="Beach",
        date="2025-07-14",
        photo=fake.upload("b.png", png(3), "image/png"),
    )


async def removed_at(closer: Closer, guild_id: int) -> int | None:
    assert closer.bot is not None
    return await closer.bot.db.fetchval("SELECT removed_at FROM couples WHERE guild_id = ?", (guild_id,))


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 3.0) -> None:
    """Wait for a gateway listener (it runs as its own task) to have done its work."""
    for _ in range(int(timeout / 0.01)):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the listener never finished")


async def remove(fake: Fake, couple: People, closer: Closer) -> None:
    fake.remove_bot(couple.guild)
    await fake.sync()

    async def marked() -> bool:
        return await removed_at(closer, couple.guild.id) is not None

    await until(marked)


async def invite_back(fake: Fake, couple: People, closer: Closer) -> None:
    fake.add_bot(couple.guild)
    await fake.sync()

    async def cleared() -> bool:
        return await removed_at(closer, couple.guild.id) is None

    await until(cleared)
    await fake.idle()


async def test_removing_closer_keeps_the_space_and_marks_when(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The couple stays in the database, marked removed at that instant; nothing is deleted."""
    await with_a_memory(fake, couple)
    before = await rows_of(closer, couple.guild.id)
    await remove(fake, couple, closer)
    assert await removed_at(closer, couple.guild.id) == int(REMOVED_AT.timestamp())
    assert await rows_of(closer, couple.guild.id) == before
    assert len(photo_files(closer)) == 1


async def test_a_re_invite_within_30_days_restores_the_space(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Invited back on day 20: the mark is cleared, Closer says hello, and the question comes again."""
    await remove(fake, couple, closer)
    closer.clock.set(START + timedelta(days=20))
    await invite_back(fake, couple, closer)
    assert "Closer is back" in fake.messages(couple.channel)[-1].text
    day_21 = datetime(2026, 12, 15, 17, 0, tzinfo=UTC)  # 18:00 in Berlin, the question's time
    await closer.at(day_21)
    assert "Day" in str(fake.messages(couple.channel)[-1].embed)


async def test_nothing_is_posted_in_a_server_closer_was_removed_from(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """While removed, the daily question is recorded as missed, not sent."""
    posted = len(fake.messages(couple.channel))
    await remove(fake, couple, closer)
    await closer.at(datetime(2026, 11, 25, 8, 0, tzinfo=UTC))
    assert len(fake.messages(couple.channel)) == posted


async def test_a_re_invite_while_closer_was_offline_restores_the_space_at_start(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Removed, then invited back while Closer was stopped: restored when it starts."""
    await remove(fake, couple, closer)
    await closer.stop()
    fake.add_bot(couple.guild)
    await closer.start()

    async def cleared() -> bool:
        return await removed_at(closer, couple.guild.id) is None

    await until(cleared)


async def test_the_purge_keeps_a_removed_space_for_30_days(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """On day 29 everything is still there."""
    await with_a_memory(fake, couple)
    before = await rows_of(closer, couple.guild.id)
    await remove(fake, couple, closer)
    await closer.at(purge_time(29))
    after = await rows_of(closer, couple.guild.id)
    # The ledger keeps growing meanwhile (each passing occurrence is recorded as missed).
    assert after.pop("deliveries", 0) >= before.pop("deliveries", 0)
    assert after == before
    assert len(photo_files(closer)) == 1


async def test_after_30_days_the_purge_deletes_the_space_and_its_photos(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """The first purge after 30 days deletes every row of the server and its photo folder, and
    the ledger says so."""
    await with_a_memory(fake, couple)
    await remove(fake, couple, closer)
    await closer.at(purge_time(30) + timedelta(days=1))
    assert await rows_of(closer, couple.guild.id) == {}
    assert photo_files(closer) == set()
    assert closer.bot is not None
    purge = await closer.bot.schedules.find("data_purge", None)
    assert purge is not None
    detail = await closer.bot.db.fetchval(
        "SELECT detail FROM deliveries WHERE schedule_id = ? AND status = 'sent' ORDER BY id DESC",
        (purge.id,),
    )
    assert "deleted 1 space" in detail


async def test_a_server_closer_is_still_in_is_never_purged(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Forty days on, a couple that never removed Closer is untouched."""
    await with_a_memory(fake, couple)
    before = await rows_of(closer, couple.guild.id)
    await closer.at(purge_time(40))
    after = await rows_of(closer, couple.guild.id)
    assert after["memories"] == before["memories"] == 1
    assert len(photo_files(closer)) == 1


async def test_entries_kept_for_a_partner_are_purged_after_30_days(
    couple: People, fake: Fake, closer: Closer
) -> None:
    """Bob's entries kept after Alice deleted hers and unpaired are gone 30 days later, files too."""
    await fake.slash(
        couple.bob,
        "memory add",
        title="Bob's",
        date="2025-01-01",
        photo=fake.upload("b.png", png(4), "image/png"),
    )
    reply = await fake.slash(couple.alice, "data delete", scope="mine")
    await fake.click(reply, "Delete", couple.alice)
    assert len(photo_files(closer)) == 1
    await closer.at(purge_time(31))
    assert photo_files(closer) == set()
    assert closer.bot is not None
    assert await closer.bot.db.fetchval("SELECT COUNT(*) FROM couples") == 0
    assert await closer.bot.db.fetchval("SELECT COUNT(*) FROM memories") == 0


async def test_the_host_wide_jobs_exist_once_across_restarts(closer: Closer) -> None:
    """The purge and the backup are one schedule each, server-less, in UTC, after any restart."""
    await closer.restart()
    assert closer.bot is not None
    rows = await closer.bot.db.fetchall(
        "SELECT kind, zone, local_time FROM schedules WHERE guild_id IS NULL ORDER BY kind"
    )
    assert [tuple(r) for r in rows] == [("data_backup", "UTC", "03:00"), ("data_purge", "UTC", "04:00")]
