"""Helpers every test shares: the real Closer bot against the Discord emulator, on a controlled clock.

The fixtures in ``tests/conftest.py`` build on these:

- ``fake``: the emulator (the ``emulator`` package); ``people``: Alice, Bob (the couple to be) and
  Carol (a member who is not a partner) in the server "Our place" with #general and #us.
- ``closer``: a :class:`Closer`, the bot started on a temporary database; ``closer.restart()``
  stops it and starts a new process-like instance on the same database. Its scheduler does not run
  by itself: tests move ``clock`` and call ``await closer.run_due()`` (or ``closer.at(instant)``).
- ``couple``: Alice (Europe/Berlin) and Bob (America/Los_Angeles) paired through :func:`pair`.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.client import EXTENSIONS, CloserBot
from bot.clock import FakeClock
from bot.db.models import Couple
from bot.settings import Settings
from emulator import Fake, InteractionResult
from emulator.results import Msg
from emulator.state import Channel, Guild, User

# A Tuesday: 13:00 in Berlin, 04:00 in Los Angeles.
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
ALICE_ZONE = "Europe/Berlin"
BOB_ZONE = "America/Los_Angeles"


@dataclass
class People:
    alice: User
    bob: User
    carol: User
    guild: Guild
    channel: Channel  # #us, the couple's shared channel
    general: Channel


class Closer:
    """The bot as it runs in production, against the emulator, restartable on one database."""

    def __init__(self, fake: Fake, clock: FakeClock, database: Path) -> None:
        self.fake = fake
        self.clock = clock
        self.database = database
        self.bot: CloserBot | None = None
        self._task: asyncio.Task[None] | None = None
        self.starts = 0

    def settings(self) -> Settings:
        return Settings(
            _env_file=None,  # type: ignore[call-arg]
            discord_token=self.fake.token,
            database_path=self.database,
            dev_guild_id=None,
            log_level="INFO",
        )

    async def start(self) -> CloserBot:
        # Discord's "now" is the controlled clock too (what its rules compare with, e.g. a scheduled
        # event must start in the future), as in production where both are the real time.
        self.fake.world.clock = self.clock.now
        bot = CloserBot(
            self.settings(),
            clock=self.clock,
            scheduler_autostart=False,
            guild_ready_timeout=0.05,
            extensions=available_extensions(),
        )
        self._task = asyncio.create_task(bot.start(self.fake.token))
        await self.fake.wait_for_ready(self._task)
        await asyncio.wait_for(bot.wait_until_ready(), timeout=5)
        await asyncio.wait_for(bot.settled(), timeout=10)
        self.bot = bot
        self.starts += 1
        return bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self._task
        self.bot, self._task = None, None

    async def restart(self) -> CloserBot:
        await self.stop()
        return await self.start()

    async def run_due(self) -> int:
        """Handle every scheduled occurrence due at the clock's time."""
        assert self.bot is not None
        count = await self.bot.scheduler.run_due()
        await self.fake.idle()
        return count

    async def at(self, instant: datetime) -> int:
        """Move the clock to ``instant`` and handle what is due then."""
        self.clock.set(instant)
        return await self.run_due()


def available_extensions() -> tuple[str, ...]:
    """The extensions that can be imported (tests/core/test_bot.py checks they all can)."""
    return tuple(name for name in EXTENSIONS if importlib.util.find_spec(name) is not None)


async def pair(
    fake: Fake, alice: User, bob: User, channel: Channel, *, alice_zone: str, bob_zone: str | None
) -> None:
    """The real pairing flow: setup, Accept, and the partner's zone."""
    await fake.slash(alice, "couple setup", partner=bob, options={"channel": channel}, timezone=alice_zone)
    invitation = await fake.wait_for_message(channel, lambda m: "Accept" in m.buttons)
    await fake.click(invitation, "Accept", bob)
    if bob_zone:
        await fake.slash(bob, "couple timezone", timezone=bob_zone)


def png(seed: int = 0) -> bytes:
    """A tiny, valid PNG whose bytes differ with ``seed``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixel = zlib.compress(bytes([0, seed % 256, (seed // 256) % 256, 7]))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")


# The daily question's default for the couple: inside both partners' awake hours, 18:00 in Berlin
# (Alice's zone, where its time is kept) = 09:00 in Los Angeles.
NEXT_POST = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)  # the same day the couple paired (13:00 in Berlin)


# -- the daily question, as the partners see it -------------------------------------------------


def question_posts(fake: Fake, people: People) -> list[Msg]:
    """The daily question posts in the shared channel, oldest first."""
    return [m for m in fake.messages(people.channel) if (m.embed or {}).get("title", "").startswith("Day ")]


def latest_post(fake: Fake, people: People) -> Msg:
    posts = question_posts(fake, people)
    assert posts, "no question was posted"
    return posts[-1]


def question_of(post: Msg) -> str:
    assert post.embed is not None
    return post.embed["description"].strip("*~")


async def post_now(fake: Fake, people: People) -> Msg:
    reply = await fake.slash(people.alice, "question now")
    assert "Posted today's question" in reply.all_text, reply.all_text
    await fake.idle()
    return latest_post(fake, people)


async def answer(fake: Fake, target: Msg | InteractionResult, user: User, text: str) -> InteractionResult:
    """Press Answer on ``target`` as ``user`` and submit ``text``."""
    form = await fake.click(target, "Answer", user)
    assert form.modal is not None, form.text
    done = await fake.submit_modal(form, {"Your answer": text}, user)
    await fake.idle()
    return done


def reveal_messages(fake: Fake, people: People) -> list[Msg]:
    return [m for thread in fake.threads(people.channel) for m in fake.messages(thread)]


def reveal_text(fake: Fake, people: People) -> str:
    return "\n".join(m.text for m in reveal_messages(fake, people))


def field_text(msg: Msg, name: str) -> str:
    """The value of every field called ``name`` (or ``name (cont.)``), joined: an answer in full."""
    assert msg.embed is not None
    return "".join(f["value"] for f in msg.embed.get("fields", []) if f["name"] in (name, f"{name} (cont.)"))


async def share_win(fake: Fake, people: People, text: str = "I passed my driving test!") -> Msg:
    """Alice shares a win with /win; its post in #us, with the Celebrate button."""
    reply = await fake.slash(people.alice, "win", text=text)
    assert reply.ephemeral
    assert "Shared in" in reply.text
    return await fake.wait_for_message(people.channel, lambda m: "Celebrate" in m.buttons)


async def space_restored(closer: Closer, people: People) -> None:
    """What an import tells the features once it wrote the space: re-arm your schedules."""
    from bot.registry import Hook

    assert closer.bot is not None
    restored = await closer.bot.couples.get(people.guild.id)
    await closer.bot.registry.emit(Hook.SPACE_RESTORED, restored)


async def restored_schedules(closer: Closer, people: People, kinds: tuple[str, ...]) -> tuple[set, set]:
    """The server's schedules of ``kinds`` (key, fire_at) before and after an import's re-arming:
    they are wiped, as a restored space has none, then ``Hook.SPACE_RESTORED`` is emitted."""
    from bot.registry import Hook

    bot = closer.bot
    assert bot is not None
    couple = await bot.couples.get(people.guild.id)
    assert couple is not None
    before = {(s.key, s.fire_at) for s in await bot.schedules.for_guild(people.guild.id, kinds)}
    await bot.scheduler.cancel_many([s.id for s in await bot.schedules.for_guild(people.guild.id, kinds)])
    assert await bot.schedules.for_guild(people.guild.id, kinds) == []
    await bot.registry.emit(Hook.SPACE_RESTORED, couple)
    after = {(s.key, s.fire_at) for s in await bot.schedules.for_guild(people.guild.id, kinds)}
    return before, after


# -- the daily question's room, for tests that read it directly (issue 14) ----------------------


def question_cog(closer: Closer) -> Any:
    """The loaded daily question cog (its service, repository and cards)."""
    assert closer.bot is not None
    found = closer.bot.get_cog("QuestionCog")
    assert found is not None
    return found


async def stored_couple(closer: Closer, people: People) -> Couple:
    """The couple as Closer stored it."""
    assert closer.bot is not None
    stored = await closer.bot.couples.get(people.guild.id)
    assert stored is not None
    return stored


async def pair_directly(
    database: Path,
    couples: list[tuple[Guild, Channel, User, User]],
    *,
    zones: tuple[str, str] = (ALICE_ZONE, BOB_ZONE),
    now: datetime = START,
) -> None:
    """Pair each (server, shared channel, partner 1, partner 2) straight in the database, before
    the bot starts (for tests that are not about pairing: many couples, cheaply)."""
    from bot.db import Database, migrate
    from bot.db.repositories.couples import CoupleRepository

    db = await Database.open(database)
    try:
        await migrate(db)
        repo = CoupleRepository(db)
        for guild, channel, first, second in couples:
            await repo.invite(
                guild_id=guild.id,
                channel_id=channel.id,
                inviter_id=first.id,
                inviter_name=first.name,
                invitee_id=second.id,
                zone=zones[0],
                now=now,
            )
            assert await repo.accept(guild.id, second.id, second.name, now)
            await repo.set_zone(guild.id, second.id, zones[1])
    finally:
        await db.close()
