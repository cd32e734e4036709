"""The scheduler engine's world without Discord: a real schedule table, a fake messenger, a set clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import discord

from bot.clock import FakeClock
from bot.db import Database
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.schedules import ScheduleRepository
from bot.scheduler import Kind, Occurrence, Scheduler, Sent

GUILD, CHANNEL, ALICE, BOB = 10, 20, 1, 2
START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # 13:00 in Berlin


@dataclass
class FakeMessenger:
    """Records what would reach Discord; can refuse the shared channel like a deleted one."""

    sent: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    channel_gone: bool = False
    nonces: set[str] = field(default_factory=set)

    def _message(self, channel_id: int) -> Any:
        return SimpleNamespace(id=1000 + len(self.sent), channel=SimpleNamespace(id=channel_id))

    async def to_channel(self, channel_id: int, guild_id: int, **kwargs: Any) -> Any:
        if self.channel_gone:
            raise discord.NotFound(
                SimpleNamespace(status=404, reason="Not Found"), {"code": 10003, "message": "x"}
            )
        return self._record("channel", channel_id, kwargs)

    async def to_user(self, user_id: int, **kwargs: Any) -> Any:
        return self._record("dm", user_id, kwargs)

    def _record(self, route: str, target: int, kwargs: dict[str, Any]) -> Any:
        nonce = kwargs.get("nonce")
        if nonce in self.nonces:  # Discord drops a repeated nonce: nothing new is posted
            return self._message(target)
        self.nonces.add(nonce)
        self.sent.append((route, target, kwargs))
        return self._message(target)


@dataclass
class World:
    db: Database
    clock: FakeClock
    messenger: FakeMessenger

    def engine(self) -> Scheduler:
        """A new engine on the same table, as after a restart of the process."""
        engine = Scheduler(
            ScheduleRepository(self.db),
            CoupleRepository(self.db),
            self.clock,
            self.messenger,
            autostart=False,
        )
        engine.register(Kind("hello", hello))
        return engine


async def hello(occurrence: Occurrence) -> Sent | None:
    return await occurrence.send_channel(content="Hello, you two")
