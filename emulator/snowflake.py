"""Time-based Discord snowflakes (the same layout Discord uses)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

DISCORD_EPOCH_MS = 1_420_070_400_000


class Snowflakes:
    """Generates increasing, time-based snowflake ids.

    Layout: milliseconds since the Discord epoch << 22 | worker << 17 | process << 12 | increment.
    Ids follow the wall clock (``time.time``), so ``discord.utils.snowflake_time`` of an id is "now",
    also under ``time_machine``. They are strictly increasing and unique across every generator in
    the process (two emulators side by side never share an id).
    """

    _last = 0  # shared by all generators

    def __init__(self, worker: int = 1, process: int = 0) -> None:
        self._worker = worker & 0x1F
        self._process = process & 0x1F

    def next(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (ms << 22) | (self._worker << 17) | (self._process << 12)
        last = Snowflakes._last
        if value <= last:
            value = last + 1
        Snowflakes._last = value
        return value


def snowflake_time(snowflake: int) -> datetime:
    """The creation time encoded in a snowflake (aware, UTC)."""
    return datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, tz=UTC)


def iso_now() -> str:
    """Discord-style ISO 8601 timestamp for now."""
    return datetime.now(UTC).isoformat()
