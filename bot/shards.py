"""Running on Discord's gateway shards: identifying at Discord's pace, and ready without idle waits.

Closer is a discord.py ``AutoShardedBot``: it opens the number of shards ``GET /gateway/bot``
recommends (about one per 1,000 servers; Discord refuses a session holding 2,500 or more), or
``SHARD_COUNT``/``SHARD_IDS`` when a host splits the shards over processes. Two things differ
from discord.py's defaults:

- **Identify pacing** (:class:`IdentifyPacer`). Discord allows ``max_concurrency`` IDENTIFYs every
  5 seconds for each rate-limit key ``shard_id % max_concurrency`` (most bots: 1). discord.py's
  default hook sleeps 5 s before every IDENTIFY but the first, whatever the bot's concurrency;
  the pacer waits only as long as the key's last IDENTIFY requires (a bot granted a concurrency
  of 16 starts 16 shards at once; a shard re-identifying after a long time waits for nothing).
- **Ready when every server has arrived** (:class:`ArrivalState`). After READY, discord.py
  waits until no GUILD_CREATE came for ``guild_ready_timeout`` (2 s) before a shard is ready,
  because it may need to fetch members. Closer needs no member cache (no members intent), so a
  shard is ready as soon as every server its READY announced has arrived; the 2 s wait only
  remains for a server Discord announced but does not send (an outage), as a fallback.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from discord.guild import Guild
from discord.state import AutoShardedConnectionState

log = logging.getLogger(__name__)

# Discord's identify window is 5 s per rate-limit key; a little more covers the time between
# this hook and the IDENTIFY reaching Discord.
IDENTIFY_WINDOW_S = 5.0
IDENTIFY_MARGIN_S = 0.2


@dataclass(frozen=True)
class ShardScope:
    """The servers one process runs when a host splits the shards over processes (``SHARD_IDS``):
    those on its shards (``(guild_id >> 22) % count``); host-wide jobs (no server) run in the
    process that runs shard 0. Every process shares the one database; each fires and plans only
    its own servers' schedules, so two processes never handle the same one."""

    count: int
    ids: frozenset[int]

    @classmethod
    def of(cls, count: int | None, ids: list[int] | None) -> ShardScope | None:
        """The scope of a process running shards ``ids`` of ``count`` (None: it runs them all)."""
        if count is None or ids is None or set(ids) >= set(range(count)):
            return None
        return cls(count, frozenset(ids))

    def runs(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return 0 in self.ids
        return (guild_id >> 22) % self.count in self.ids

    def sql(self, column: str = "guild_id") -> str:
        """The same as :meth:`runs`, as an SQL condition on ``column`` (integers only: no parameters)."""
        shards = ", ".join(str(i) for i in sorted(self.ids))
        host = f"{column} IS NULL OR " if 0 in self.ids else ""
        return f"({host}({column} >> 22) % {int(self.count)} IN ({shards}))"


class IdentifyPacer:
    """Waits before an IDENTIFY as long as Discord's session start limit requires.

    ``max_concurrency`` comes from ``GET /gateway/bot`` (``fetch``), read once; if it cannot be
    read the pacer assumes 1, Discord's value for all but the largest bots.
    """

    def __init__(
        self,
        fetch: Callable[[], Awaitable[int]],
        *,
        window: float = IDENTIFY_WINDOW_S + IDENTIFY_MARGIN_S,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self._fetch = fetch
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self.max_concurrency: int | None = None
        self._last: dict[int, float] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self.waited = 0.0  # seconds spent waiting, in all (benchmarks report it)

    async def _concurrency(self) -> int:
        if self.max_concurrency is None:
            try:
                self.max_concurrency = max(1, int(await self._fetch()))
            except Exception as error:  # a failed lookup must not keep Closer offline
                log.warning("Could not read the session start limit (%s); identifying one at a time", error)
                self.max_concurrency = 1
        return self.max_concurrency

    async def wait(self, shard_id: int | None) -> None:
        key = (shard_id or 0) % await self._concurrency()
        async with self._locks.setdefault(key, asyncio.Lock()):
            last = self._last.get(key)
            if last is not None:
                delay = last + self.window - self._clock()
                if delay > 0:
                    log.info("Shard %s identifies in %.1f s (Discord's identify rate limit)", shard_id, delay)
                    self.waited += delay
                    await self._sleep(delay)
            self._last[key] = self._clock()


class _Arrivals(asyncio.Queue[Guild]):
    """A shard's queue of servers becoming available after READY; once every server the READY
    announced has been taken, taking another ends the wait at once (discord.py's loop ends on
    a timeout, so this raises one) instead of after ``guild_ready_timeout`` of silence."""

    def __init__(self, expected: set[int]) -> None:
        super().__init__()
        self.expected = expected

    async def get(self) -> Guild:
        if not self.expected and self.empty():
            raise TimeoutError
        guild = await super().get()
        self.expected.discard(guild.id)
        return guild


class ArrivalState(AutoShardedConnectionState[Any]):
    """discord.py's sharded connection state, with a shard ready once its servers have arrived."""

    def parse_ready(self, data: Any) -> None:
        super().parse_ready(data)
        states = getattr(self, "_ready_states", None)
        shard_id = data.get("shard", [0])[0]
        if not isinstance(states, dict) or not isinstance(states.get(shard_id), asyncio.Queue):
            return  # another discord.py: keep its own wait
        arrivals = _Arrivals({int(g["id"]) for g in data.get("guilds", ())})
        previous = states[shard_id]
        while not previous.empty():
            arrivals.put_nowait(previous.get_nowait())
        states[shard_id] = arrivals
