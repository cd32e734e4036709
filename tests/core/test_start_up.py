"""A start that does not grow with history: the "planned up to" marks (a start plans a server's
calls, visit countdown and dates again only when something changed or a planning moment passed
while Closer was down), and ready as soon as every server has arrived."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.client import CloserBot
from bot.clock import FakeClock
from bot.scheduler.marks import PlanningMarks
from emulator import Fake
from tests.support import START, Closer, People

PLANNED = ("call", "call_reminder", "call_after", "call_prep", "visit", "special_date")


@pytest.fixture
def planned(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[tuple[int, str]]]:
    """Every (server, kind) a feature plans from now on (``sync_once`` notes each)."""
    seen: Counter[tuple[int, str]] = Counter()
    original = PlanningMarks.planned

    async def counting(self: PlanningMarks, guild_id: int, kind: str) -> None:
        seen[(guild_id, kind)] += 1
        await original(self, guild_id, kind)

    monkeypatch.setattr(PlanningMarks, "planned", counting)
    return seen


async def plan_everything(fake: Fake, people: People) -> None:
    """A weekly call, a visit and an anniversary: every feature that plans posts from its rows."""
    for command, options in (
        ("call schedule", {"weekday": "Friday", "time": "20:00"}),
        ("visit set", {"date": "2027-04-01"}),
        ("date add", {"kind": "anniversary", "date": "2020-01-05", "label": "Us"}),
    ):
        reply = await fake.slash(people.alice, command, **options)
        assert not reply.ephemeral or "isn't" not in reply.text, reply.text
    await fake.idle()


async def marks(closer: Closer) -> dict[tuple[int, str], int | None]:
    assert closer.bot is not None
    rows = await closer.bot.db.fetchall("SELECT guild_id, kind, planned_until FROM planning_marks")
    return {(r[0], r[1]): r[2] for r in rows}


async def test_a_restart_with_nothing_changed_plans_no_server_again(
    couple: People, fake: Fake, closer: Closer, planned: Counter[tuple[int, str]]
) -> None:
    await plan_everything(fake, couple)
    assert closer.bot is not None
    before = {(s.kind, s.key, s.fire_at) for s in await closer.bot.schedules.for_guild(couple.guild.id)}
    marked = await marks(closer)
    assert {kind for _, kind in marked} == set(PLANNED)  # written as each was planned
    planned.clear()
    await closer.restart()
    assert planned == Counter()
    after = {(s.kind, s.key, s.fire_at) for s in await closer.bot.schedules.for_guild(couple.guild.id)}
    assert after == before


async def test_the_first_start_plans_every_server_and_marks_it(
    couple: People, fake: Fake, closer: Closer, planned: Counter[tuple[int, str]]
) -> None:
    """A database from before the marks (or one whose marks were lost): all of it is planned once."""
    await plan_everything(fake, couple)
    assert closer.bot is not None
    await closer.bot.db.execute("DELETE FROM planning_marks")
    planned.clear()
    await closer.restart()
    assert {kind for _, kind in planned} == set(PLANNED)
    assert set(await marks(closer)) == {(couple.guild.id, kind) for kind in PLANNED}
    planned.clear()
    await closer.restart()
    assert planned == Counter()


async def test_a_planning_moment_that_passed_while_closer_was_down_is_planned_at_start(
    couple: People, fake: Fake, closer: Closer, planned: Counter[tuple[int, str]]
) -> None:
    """Down over the anniversary (5 January) and the weekly calls: the next start plans the
    anniversary's reminders of the year after and the coming call's; the visit (1 April), whose
    posts are all still ahead, is not planned again."""
    await plan_everything(fake, couple)
    assert closer.bot is not None
    guild = couple.guild.id
    assert await years_planned(closer, guild) == {"2027"}
    await closer.stop()
    closer.clock.set(datetime(2027, 1, 6, 12, 0, tzinfo=UTC))  # a Wednesday
    planned.clear()
    await closer.start()
    assert planned[(guild, "special_date")] == 1
    assert planned[(guild, "call_reminder")] == 1
    assert planned[(guild, "visit")] == 0
    assert await years_planned(closer, guild) == {"2027", "2028"}
    reminders = await closer.bot.schedules.for_guild(guild, "call_reminder")
    assert any(s.fire_at and s.fire_at.date() == datetime(2027, 1, 8, tzinfo=UTC).date() for s in reminders)
    planned.clear()
    await closer.restart()
    assert planned == Counter()


async def years_planned(closer: Closer, guild_id: int) -> set[str]:
    assert closer.bot is not None
    return {s.key.split(":")[1] for s in await closer.bot.schedules.for_guild(guild_id, "special_date")}


async def test_marks_move_on_while_closer_runs_through_a_planning_moment(
    couple: People, fake: Fake, closer: Closer, planned: Counter[tuple[int, str]]
) -> None:
    """The call's reminder comes while Closer runs: that delivery plans again, so a later start
    does not; a mark that ran out while Closer ran moves on at the next refill."""
    await plan_everything(fake, couple)
    assert closer.bot is not None
    friday = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)  # 20:00 in Berlin: the call
    await closer.at(friday - timedelta(minutes=60))
    await closer.run_due()
    await closer.at(friday + timedelta(hours=2))
    await closer.run_due()
    await closer.bot.scheduler.refill()
    now = int(closer.clock.now().timestamp())
    assert all(until is None or until > now for until in (await marks(closer)).values())
    planned.clear()
    await closer.restart()
    assert planned == Counter()


CALLS = ("call", "call_reminder", "call_after", "call_prep")


@pytest.mark.parametrize(
    ("change", "kinds"),
    [
        ("UPDATE partners SET quiet_start = '22:00' WHERE user_id = {alice}", PLANNED),
        ("UPDATE calls SET local_time = '21:00'", CALLS),
        ("DELETE FROM schedules WHERE kind = 'visit'", ("visit",)),
    ],
    ids=["quiet hours", "the call's row", "a planned post lost"],
)
async def test_a_change_whose_planning_was_interrupted_is_planned_at_the_next_start(
    couple: People,
    fake: Fake,
    closer: Closer,
    planned: Counter[tuple[int, str]],
    change: str,
    kinds: tuple[str, ...],
) -> None:
    """Written without the planning that follows it (as a crash between the two leaves it): the
    change deletes the marks of what it affects, so the next start plans exactly that again."""
    await plan_everything(fake, couple)
    assert closer.bot is not None
    await closer.bot.db.execute(change.format(alice=couple.alice.id))
    assert {kind for _, kind in await marks(closer)} == set(PLANNED) - set(kinds)
    planned.clear()
    await closer.restart()
    assert {kind for _, kind in planned} == set(kinds)


async def test_ready_comes_once_every_server_has_arrived_not_after_2_s_of_silence(
    fake: Fake, tmp_path: Path
) -> None:
    fake.create_guilds(300)
    bot = await started(fake, tmp_path)  # discord.py's default guild_ready_timeout: 2 s
    try:
        loop = asyncio.get_running_loop()
        began = loop.time()
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        assert loop.time() - began < 0.5
        assert len(bot.guilds) == 300
    finally:
        await bot.close()


async def test_a_server_in_an_outage_delays_ready_only_by_the_timeout_and_comes_later(
    fake: Fake, tmp_path: Path
) -> None:
    late, *_ = fake.create_guilds(20)
    fake.outage(late)
    bot = await started(fake, tmp_path, guild_ready_timeout=0.3)
    try:
        loop = asyncio.get_running_loop()
        began = loop.time()
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        assert 0.2 < loop.time() - began < 2
        guild = bot.get_guild(late.id)
        assert guild is not None
        assert guild.unavailable
        fake.outage(late, over=True)
        await fake.sync()
        assert not guild.unavailable
    finally:
        await bot.close()


async def started(fake: Fake, tmp_path: Path, **options: float) -> CloserBot:
    settings = Closer(fake, FakeClock(START), tmp_path / "closer.sqlite3").settings()
    bot = CloserBot(settings, clock=FakeClock(START), scheduler_autostart=False, **options)
    task = asyncio.create_task(bot.start(fake.token))
    await fake.wait_for_ready(task)
    return bot


@pytest.mark.parametrize("read_all_from", [0, 200])
async def test_a_start_reads_the_same_rows_one_server_at_a_time_or_all_at_once(
    couple: People, fake: Fake, closer: Closer, monkeypatch: pytest.MonkeyPatch, read_all_from: int
) -> None:
    """A few servers to plan are read one by one, many in one read of every server: the same
    rows and couples either way (a restart with nothing to plan reads none)."""
    from bot import planning
    from bot.db.repositories import couples as couples_repo

    await plan_everything(fake, couple)
    bot = closer.bot
    assert bot is not None
    monkeypatch.setattr(planning, "READ_ALL_FROM", read_all_from)
    monkeypatch.setattr(couples_repo, "_READ_ALL_FROM", read_all_from)
    guild = couple.guild.id
    stranger = guild + 12345  # a server with no couple
    dates = bot.get_cog("DateCog")
    assert dates is not None
    repo = dates.service.repo  # type: ignore[attr-defined]
    found = await planning.rows_by_server([guild, stranger], repo.for_guild, repo.all, lambda d: d.guild_id)
    assert [d.label for d in found[guild]] == ["Us"]
    assert found[stranger] == []
    couples = await bot.couples.paired_in([guild, stranger])
    assert set(couples) == {guild}
    assert {p.user_id for p in couples[guild].partners} == {couple.alice.id, couple.bob.id}
