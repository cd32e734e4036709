"""Fixtures of the reliability suite: long runs behind CLOSER_LONG=1, the bot's log, and fast HTTP
retries (discord.py sleeps 1, 3, 5 s between retries of a 500)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from typing import Any

import discord.http
import discord.webhook.async_
import pytest

from .support import LONG, BotLog


@pytest.fixture(autouse=True)
def _long_runs_need_the_flag(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("long") and not LONG:
        pytest.skip("a long reliability run: set CLOSER_LONG=1")


@pytest.fixture
def bot_log() -> Iterator[BotLog]:
    """Every WARNING or worse the bot (or discord.py) logs during the test."""
    capture = BotLog()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(capture)
    if previous > logging.WARNING:
        root.setLevel(logging.WARNING)
    try:
        yield capture
    finally:
        root.removeHandler(capture)
        root.setLevel(previous)


class _FastRetries:
    """``asyncio`` as discord.py's HTTP clients see it, with their 5xx back-off sleeps (1 s and more) cut 50-fold.
    Rate-limit waits (``retry_after``, under a second here) are kept as they are."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def sleep(delay: float, result: Any = None) -> Any:
        return await asyncio.sleep(delay / 50 if delay >= 1 else delay, result)


@pytest.fixture
def fast_http_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py's own retries of 5xx answers (REST and interaction webhooks) without the wait."""
    monkeypatch.setattr(discord.http, "asyncio", _FastRetries())
    monkeypatch.setattr(discord.webhook.async_, "asyncio", _FastRetries())
