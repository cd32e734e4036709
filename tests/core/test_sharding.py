"""Past 2,500 servers: Closer shards as Discord recommends, each shard serves its servers, and the
scheduler posts for the couples of every shard exactly once (also when a host splits the shards
over two processes sharing one database)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import discord
import pytest
from discord.ext import commands

from bot.client import CloserBot, intents
from bot.clock import FakeClock
from bot.settings import Settings
from emulator import Fake
from emulator.state import Channel, Guild, User
from tests.support import START, Closer, pair_directly, question_of

SERVERS = 2600  # past the 2,500 servers Discord allows one session
SHARDS = 3  # what GET /gateway/bot recommends for them (about one per 1,000)
QUESTION_TIME = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)  # 18:00 Berlin, 09:00 LA: the default question time


@dataclass
class Space:
    guild: Guild
    channel: Channel
    first: User
    second: User


@pytest.fixture
def spaces(fake: Fake) -> list[Space]:
    """2,600 servers; in two of each shard's, a couple (paired straight in the database). Like a
    very large bot, Closer may start 16 shards at once (Discord's default, 1, means 5 s each)."""
    fake.max_concurrency = 16
    guilds = fake.create_guilds(SERVERS)
    chosen: list[Guild] = []
    for shard in range(SHARDS):
        chosen += [g for g in guilds if fake.shard_of(g, SHARDS) == shard][:2]
    made = []
    for n, guild in enumerate(chosen):
        first, second = fake.create_user(f"alice{n}"), fake.create_user(f"bob{n}")
        fake.add_member(guild, first)
        fake.add_member(guild, second)
        made.append(Space(guild, fake.create_channel(guild, "us"), first, second))
    return made


class ShardedCloser(Closer):
    """Closer as ``python -m bot`` runs it with ``SHARD_COUNT``/``SHARD_IDS`` set (or not)."""

    def __init__(self, fake: Fake, clock: FakeClock, database: Path, shards: list[int] | None = None) -> None:
        super().__init__(fake, clock, database)
        self.shards = shards

    def settings(self) -> Settings:
        settings = super().settings()
        if self.shards is None:
            return settings
        ids = ",".join(str(i) for i in self.shards)
        return settings.model_copy(update={"shard_count": SHARDS, "shard_ids": ids})

    async def start(self) -> CloserBot:
        bot = self.bot = CloserBot(self.settings(), clock=self.clock, scheduler_autostart=False)
        self._task = asyncio.create_task(bot.start(self.fake.token))
        await self.fake.wait_for_ready(self._task, shards=self.shards)
        await asyncio.wait_for(bot.wait_until_ready(), timeout=10)
        await asyncio.wait_for(bot.settled(), timeout=20)
        return bot


async def paired(tmp_path: Path, spaces: list[Space]) -> Path:
    database = tmp_path / "data" / "closer.sqlite3"
    await pair_directly(database, [(s.guild, s.channel, s.first, s.second) for s in spaces])
    return database


def questions(fake: Fake, space: Space) -> list[str]:
    return [
        question_of(m)
        for m in fake.messages(space.channel)
        if (m.embed or {}).get("title", "").startswith("Day ")
    ]


async def test_a_plain_discord_py_client_is_refused_at_2600_servers(fake: Fake, tmp_path: Path) -> None:
    """What Closer was before: a commands.Bot, one session for every server. Discord closes it."""
    fake.create_guilds(SERVERS)
    plain = commands.Bot(command_prefix=commands.when_mentioned, intents=intents())
    with pytest.raises(discord.ConnectionClosed) as closed:
        await asyncio.wait_for(plain.start(fake.token), 10)
    await plain.close()
    assert closed.value.code == 4011


async def test_closer_shards_answers_on_the_last_shard_and_posts_for_every_shard_once(
    fake: Fake, spaces: list[Space], clock: FakeClock, tmp_path: Path
) -> None:
    closer = ShardedCloser(fake, clock, await paired(tmp_path, spaces))
    await closer.start()
    try:
        bot = closer.bot
        assert bot is not None
        assert fake.shards == [(k, SHARDS) for k in range(SHARDS)]
        assert bot.shard_count == SHARDS
        assert len(bot.guilds) == SERVERS
        last = next(s for s in spaces if fake.shard_of(s.guild) == SHARDS - 1)
        guild = bot.get_guild(last.guild.id)
        assert guild is not None
        assert guild.shard_id == SHARDS - 1
        status = await fake.slash(last.first, "couple status", channel=last.channel)
        assert last.second.name in status.all_text, status.all_text

        await closer.at(QUESTION_TIME)
        for space in spaces:
            assert len(questions(fake, space)) == 1, space.guild
        posted = Counter(
            m.channel_id for m in fake.world.messages.values() if m.author_id == fake.bot_user.id
        )
        assert set(posted) <= {s.channel.id for s in spaces} | {
            c.id for s in spaces for c in s.guild.channels
        }
        await closer.run_due()  # nothing more: exactly once
        assert all(len(questions(fake, s)) == 1 for s in spaces)
    finally:
        await closer.stop()
    fake.assert_no_violations()


async def test_two_processes_split_the_shards_and_each_couple_is_posted_for_once(
    fake: Fake, spaces: list[Space], clock: FakeClock, tmp_path: Path
) -> None:
    """SHARD_COUNT=3 in both; SHARD_IDS=0 in one, 1,2 in the other; one database."""
    database = await paired(tmp_path, spaces)
    first = ShardedCloser(fake, clock, database, shards=[0])
    second = ShardedCloser(fake, clock, database, shards=[1, 2])
    await first.start()
    try:
        await second.start()
        assert fake.shards == [(k, SHARDS) for k in range(SHARDS)]
        assert first.bot is not None
        assert second.bot is not None
        assert {g.id for g in first.bot.guilds} == {g for g in fake.world.bot_guilds if fake.shard_of(g) == 0}
        assert len(first.bot.guilds) + len(second.bot.guilds) == SERVERS
        for space in spaces:  # each process plans only its own shards' servers
            mine = fake.shard_of(space.guild) == 0
            assert await first.bot.scheduler.marks.stale(space.guild.id, "visit") == mine
            assert await second.bot.scheduler.marks.stale(space.guild.id, "visit") == (not mine)

        clock.set(QUESTION_TIME)
        handled = [await first.bot.scheduler.run_due(), await second.bot.scheduler.run_due()]
        await fake.idle()
        on_zero = sum(1 for s in spaces if fake.shard_of(s.guild) == 0)
        assert handled[0] >= on_zero
        assert handled[1] >= len(spaces) - on_zero
        for space in spaces:
            assert len(questions(fake, space)) == 1, space.guild
        assert [await first.bot.scheduler.run_due(), await second.bot.scheduler.run_due()] == [0, 0]
    finally:
        await second.stop()
        await first.stop()
    fake.assert_no_violations()


async def test_a_shard_that_needs_a_new_session_catches_up(
    fake: Fake, spaces: list[Space], clock: FakeClock, tmp_path: Path
) -> None:
    """One shard's session is lost (not resumable) while a question comes due: on its new READY,
    the scheduler catches up, as an unsharded bot does on a re-identify."""
    closer = ShardedCloser(fake, clock, await paired(tmp_path, spaces))
    await closer.start()
    try:
        bot = closer.bot
        assert bot is not None
        clock.set(QUESTION_TIME)
        identified = fake.identify_count
        await fake.drop_gateway(resumable=False, shard=1)
        await fake.wait_for_resume()
        assert fake.identify_count == identified + 1
        for _ in range(100):
            if all(questions(fake, s) for s in spaces):
                break
            await asyncio.sleep(0.05)
        assert all(len(questions(fake, s)) == 1 for s in spaces)
    finally:
        await closer.stop()


async def test_shards_start_at_discords_pace_without_discord_py_s_fixed_sleep(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With the identify limit enforced: a bot granted max_concurrency 16 starts its shards at
    once (discord.py's own hook would sleep 5 s before each); none is refused."""
    fake = await Fake.start(monkeypatch=monkeypatch, max_concurrency=16, identify_limit=True)
    closer = ShardedCloser(fake, FakeClock(START), tmp_path / "closer.sqlite3")
    try:
        fake.create_guilds(SERVERS)
        began = asyncio.get_running_loop().time()
        await closer.start()
        assert asyncio.get_running_loop().time() - began < 5
        assert fake.shards == [(k, SHARDS) for k in range(SHARDS)]
        assert fake.identify_refused == 0
        assert closer.bot is not None
        assert closer.bot.identify_pacer.waited == 0
    finally:
        await closer.stop()
        with contextlib.suppress(Exception):
            await fake.stop()


def test_processes_that_split_the_shards_share_the_database_lock_but_not_a_shard(tmp_path: Path) -> None:
    """``python -m bot`` with SHARD_IDS holds the database's lock shared and its shards' alone:
    the other process of the install starts, one that would run a shard twice or all of them
    does not, and a restore refuses while any runs."""
    from bot.__main__ import take_locks
    from bot.backup import DataLock

    def settings(ids: str | None) -> Settings:
        options = {"shard_count": SHARDS, "shard_ids": ids} if ids is not None else {}
        return Settings(_env_file=None, database_path=tmp_path / "closer.sqlite3", **options)  # type: ignore[call-arg]

    first, second = take_locks(settings("0")), take_locks(settings("1,2"))
    assert first is not None
    assert second is not None
    assert take_locks(settings("2")) is None
    assert take_locks(settings(None)) is None
    assert not DataLock(tmp_path / "closer.sqlite3").acquire()
    for lock in first + second:
        lock.release()
    alone = take_locks(settings(None))
    assert alone is not None
    assert take_locks(settings("0")) is None
    for lock in alone:
        lock.release()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SHARD_IDS": "0,1"}, "SHARD_COUNT"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0,2"}, "use 0 to 1"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "first"}, "like 0,1"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT"),
    ],
)
def test_shard_settings_that_cannot_work_are_one_line_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, env: dict, named: str
) -> None:
    from bot.__main__ import load_settings

    monkeypatch.chdir(tmp_path)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert load_settings() is None
    error = capsys.readouterr().err
    assert error.startswith("Configuration error: SHARD_")
    assert named in error
    assert len(error.strip().splitlines()) == 1


def test_shard_settings_as_a_host_writes_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SHARD_COUNT", "4")
    monkeypatch.setenv("SHARD_IDS", " 2, 3")
    settings = Settings()
    assert settings.shard_count == 4
    assert settings.shards == [2, 3]
    monkeypatch.setenv("SHARD_COUNT", "")
    monkeypatch.setenv("SHARD_IDS", "")
    assert Settings().shards is None
    assert Settings().shard_count is None
