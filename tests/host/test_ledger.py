"""The ledger forgets what nobody needs: the daily purge drops delivery rows older than two weeks,
but keeps each schedule's newest row (exactly once, catch-up, the doctor), a server's newest rows
(/couple status), open claims and retries, and the check-in asks since a partner's last check-in
(the quiet-streak note). No feature behaves differently on a compacted database: the streak, the
question history, the export and /couple status read the same; a silent partner's other partner
gets one quiet-streak note, not one a day; a re-planned one-off is not sent twice."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from bot.db.repositories.ledger import STATUS_ROWS, LedgerRepository
from bot.scheduler import Scheduler
from cogs.data.service import LEDGER_KEPT
from emulator import Fake
from tests.data.test_data_export import export_of
from tests.support import NEXT_POST, Closer, People, answer, latest_post

BERLIN_MORNING = time(8, 0)  # UTC in winter: 09:00 in Berlin, the question's time


def _scheduler(closer: Closer) -> Scheduler:
    assert closer.bot is not None
    return closer.bot.scheduler


async def _ledger_rows(closer: Closer, guild_id: int | None) -> list[tuple[str, int, str]]:
    assert closer.bot is not None
    rows = await closer.bot.db.fetchall(
        "SELECT s.kind, d.scheduled_at, d.status FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
        "WHERE d.guild_id IS ? ORDER BY d.scheduled_at",
        (guild_id,),
    )
    return [(r[0], r[1], r[2]) for r in rows]


async def _live(closer: Closer, fake: Fake, couple: People, days: range) -> None:
    """These days (0: tomorrow): the question posted and answered by both, both checking in, the evening."""
    for day in days:
        morning = NEXT_POST + timedelta(days=day)
        await closer.at(morning)
        post = latest_post(fake, couple)
        await answer(fake, post, couple.alice, f"Alice, day {day}: the small things.")
        await answer(fake, post, couple.bob, f"Bob, day {day}: your laugh.")
        for user in (couple.alice, couple.bob):
            await fake.slash(user, "checkin now")
        await closer.at(morning + timedelta(hours=13))  # the evening in Berlin, the day in LA


async def _what_they_see(closer: Closer, fake: Fake, couple: People) -> dict[str, Any]:
    history = await fake.slash(couple.alice, "question history")
    export, _ = await export_of(fake, couple.alice)
    document = export.model_dump(mode="json")
    document.pop("exported_at", None)
    status = (await fake.slash(couple.bob, "couple status")).all_text
    return {"history": history.all_text, "export": document, "status": status.split("Lately")[1]}


@pytest.mark.allow_violations("dm.closed")
async def test_a_compacted_database_reads_the_same(closer: Closer, fake: Fake, couple: People) -> None:
    """Compacting everything it may (not only what is two weeks old) changes nothing anyone sees:
    the streak and the history, the export, the status's recent deliveries."""
    await fake.slash(couple.alice, "question categories", guesses="never")  # written answers each day
    await _live(closer, fake, couple, range(4))
    before = await _what_they_see(closer, fake, couple)
    assert "streak" in before["history"].lower()
    assert closer.bot is not None
    ledger = LedgerRepository(closer.bot.db)
    rows = len(await _ledger_rows(closer, couple.guild.id))
    forgotten = await ledger.compact(closer.clock.now() + timedelta(days=1))
    assert forgotten > 0
    assert len(await _ledger_rows(closer, couple.guild.id)) == rows - forgotten
    after = await _what_they_see(closer, fake, couple)
    assert after == before
    # And the next day goes on as usual: its question, answered by both, the streak one longer.
    await _live(closer, fake, couple, range(4, 5))
    assert latest_post(fake, couple).embed["title"].startswith("Day 5")  # type: ignore[index]
    assert (await fake.slash(couple.alice, "question history")).all_text != before["history"]


async def test_what_the_compaction_keeps(closer: Closer, fake: Fake, couple: People) -> None:
    """Two weeks of everything; of older rows each schedule's newest, the server's newest few, claims
    and retries, and (below) the check-in asks a quiet-streak note still counts."""
    assert closer.bot is not None
    repo = closer.bot.schedules
    scheduler = _scheduler(closer)
    now = closer.clock.now()
    weekly = await scheduler.recurring(
        "ritual", guild_id=couple.guild.id, at=time(10), zone="UTC", label="test", key="ledger-test"
    )
    others = len(await _ledger_rows(closer, couple.guild.id))  # the pairing's rows, all newer
    for age in range(60, 0, -1):  # one row a day for 60 days, the newest yesterday
        at = now - timedelta(days=age)
        await repo.record(weekly.id, at, "sent", at)
    old_claim = now - timedelta(days=30, hours=1)
    await repo.claim(weekly.id, old_claim, old_claim)
    one_off = await scheduler.once("appreciation", guild_id=couple.guild.id, when=now - timedelta(days=60),
                                   label="old note", key="ledger-test-once")  # fmt: skip
    await repo.record(one_off.id, now - timedelta(days=60), "sent", now - timedelta(days=60))

    forgotten = await LedgerRepository(closer.bot.db).compact(
        now - LEDGER_KEPT, batch=7
    )  # several transactions
    kept = {(kind, scheduled) for kind, scheduled, _ in await _ledger_rows(closer, couple.guild.id)}
    days = {(now - datetime.fromtimestamp(s, UTC)).days for kind, s in kept if kind == "ritual"}
    # Rows older than 14 days go, but the open claim and the server's newest STATUS_ROWS.
    newest = max(14, STATUS_ROWS - others)
    assert forgotten == 60 - newest
    assert days == {*range(1, newest + 1), 30}  # the last two weeks (or more, for status), the claim
    assert ("appreciation", int((now - timedelta(days=60)).timestamp())) in kept  # a one-off's only row
    # A re-planning that names the same instant again finds it handled: nothing is sent twice.
    again = await scheduler.once("appreciation", guild_id=couple.guild.id, when=now - timedelta(days=60),
                                 label="old note", key="ledger-test-once")  # fmt: skip
    assert again.next_due is None


async def test_a_server_keeps_its_newest_rows_for_status(closer: Closer, fake: Fake, couple: People) -> None:
    """A server where nothing happened for weeks still shows its last deliveries in /couple status."""
    assert closer.bot is not None
    repo = closer.bot.schedules
    now = closer.clock.now()
    schedules = [
        await _scheduler(closer).recurring(
            "ritual", guild_id=couple.guild.id, at=time(10), zone="UTC", label=f"r{n}", key=f"quiet-{n}"
        )
        for n in range(3)
    ]
    for age in range(60, 30, -1):  # a month, a month ago; nothing since
        at = now - timedelta(days=age)
        for schedule in schedules:
            await repo.record(schedule.id, at, "sent", at)
    shown = await repo.recent(couple.guild.id)
    await LedgerRepository(closer.bot.db).compact(now - LEDGER_KEPT)
    assert await repo.recent(couple.guild.id) == shown
    assert len(shown) == STATUS_ROWS
    # The newest rows stay (those of the last day, three at the same instant, may all stay).
    assert STATUS_ROWS <= len(await _ledger_rows(closer, couple.guild.id)) < STATUS_ROWS + 3


@pytest.mark.allow_violations("dm.closed")
async def test_a_silent_partner_gets_one_quiet_streak_note_however_long_it_lasts(
    closer: Closer, fake: Fake, couple: People
) -> None:
    """Bob stops checking in for three weeks while the daily purge compacts the ledger: Alice is told
    once (the asks since Bob's last check-in stay in the ledger), as without the compaction."""
    assert closer.bot is not None
    await fake.slash(couple.bob, "checkin now")  # Bob's last check-in
    evening_in_la = datetime(2026, 11, 25, 4, 1, tzinfo=UTC)  # Bob's ask (20:00 there), the purge (04:00 UTC)
    for day in range(21):
        await closer.at(evening_in_la + timedelta(days=day))  # what is due by then: the ask, notes, the purge
    notes = await closer.bot.schedules.for_guild(couple.guild.id, "checkin_note")
    streaks = {s.key for s in notes if s.key.startswith("quiet_streak")}
    assert len(streaks) == 1, streaks
    asks = [r for r in await _ledger_rows(closer, couple.guild.id) if r[0] == "checkin"]
    assert len(asks) >= 20  # Bob's asks since his last check-in are all kept
