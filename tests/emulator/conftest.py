"""Fixtures for the emulator's own tests: a fake Discord and a tiny discord.py bot (not Closer)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from emulator.fake import Fake

from .minibot import MiniBot, World, running


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Fake]:
    fake = await Fake.start(monkeypatch=monkeypatch)
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
def world(fake: Fake) -> World:
    alice = fake.create_user("alice")
    bob = fake.create_user("bob")
    home = fake.create_guild("Home", members=[alice, bob], text_channels=["general", "us"])
    return World(alice, bob, home)


@pytest.fixture
async def bot(fake: Fake, world: World) -> AsyncIterator[MiniBot]:
    mini = MiniBot()
    async with running(mini, fake):
        yield mini
