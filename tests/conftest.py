"""Fixtures: the real Closer bot running against the Discord emulator, with a controlled clock.

The helpers behind them (``Closer``, ``People``, ``pair``, the zones) live in ``tests/support.py``;
tests import them from there, never from this file. Every test that uses the bot ends by asserting
the emulator recorded no Discord-rule violation (mark a test
``@pytest.mark.allow_violations("dm.closed", ...)`` to allow specific ones).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from emulator import Fake
from tests.support import ALICE_ZONE, BOB_ZONE, START, Closer, People, pair


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Fake]:
    emulator = await Fake.start(monkeypatch=monkeypatch)
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
def people(fake: Fake) -> People:
    alice = fake.create_user("alice")
    bob = fake.create_user("bob")
    carol = fake.create_user("carol")
    guild = fake.create_guild("Our place", members=[alice, bob, carol], text_channels=["general", "us"])
    return People(alice, bob, carol, guild, guild.channel("us"), guild.channel("general"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
async def closer(
    request: pytest.FixtureRequest, fake: Fake, people: People, clock: FakeClock, tmp_path: Path
) -> AsyncIterator[Closer]:
    running = Closer(fake, clock, tmp_path / "data" / "closer.sqlite3")
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
    marker = request.node.get_closest_marker("allow_violations")
    fake.assert_no_violations(allow=tuple(marker.args) if marker else ())


@pytest.fixture
async def couple(closer: Closer, fake: Fake, people: People) -> People:
    await pair(fake, people.alice, people.bob, people.channel, alice_zone=ALICE_ZONE, bob_zone=BOB_ZONE)
    return people
