"""Discord's sharding rules, as the gateway applies them (Discord's "Sharding" docs).

- A session may name a shard in IDENTIFY: ``shard: [shard_id, num_shards]``. Events of a server
  go to the sessions whose shard owns it: ``(guild_id >> 22) % num_shards == shard_id``; DMs and
  other events outside any server go to shard 0 only. READY and the GUILD_CREATEs after it hold
  only the shard's servers. A session without ``shard`` is ``[0, 1]``: every server.
- An invalid shard (not two integers, ``num_shards < 1``, ``shard_id`` outside ``0..num_shards-1``)
  is closed with 4010 "Invalid shard."; a session that would hold ``MAX_GUILDS_PER_SHARD`` servers
  or more is closed with 4011 "Sharding required.".
- ``GET /gateway/bot`` recommends about one shard per ``GUILDS_PER_SHARD`` servers and gives the
  session start limit: ``max_concurrency`` IDENTIFYs per ``IDENTIFY_WINDOW_S`` seconds for each
  rate-limit key ``shard_id % max_concurrency`` (most bots: 1); one more within the window is
  answered with op 9 Invalid Session (when the limit is switched on: ``Fake.start(identify_limit=True)``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

MAX_GUILDS_PER_SHARD = 2500
GUILDS_PER_SHARD = 1000
IDENTIFY_WINDOW_S = 5.0
SESSION_START_TOTAL = 1000

NO_SHARD = (0, 1)


def shard_of(guild_id: int, num_shards: int) -> int:
    """The shard that receives the events of ``guild_id`` (Discord's formula)."""
    return (guild_id >> 22) % num_shards


def owns(shard: tuple[int, int], guild_id: int | None) -> bool:
    """Whether a session identified with ``shard`` receives the events of ``guild_id`` (None: a DM)."""
    shard_id, num_shards = shard
    if guild_id is None:
        return shard_id == 0
    return shard_of(guild_id, num_shards) == shard_id


def recommended_shards(guild_count: int) -> int:
    """What ``GET /gateway/bot`` recommends: about one shard per 1,000 servers."""
    return max(1, math.ceil(guild_count / GUILDS_PER_SHARD))


def parse_shard(value: Any) -> tuple[int, int] | None:
    """IDENTIFY's ``shard`` field: ``(shard_id, num_shards)``, :data:`NO_SHARD` when absent, None when invalid."""
    if value is None:
        return NO_SHARD
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    shard_id, num_shards = value
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (shard_id, num_shards)):
        return None
    if num_shards < 1 or not 0 <= shard_id < num_shards:
        return None
    return shard_id, num_shards


class IdentifyLimiter:
    """``max_concurrency`` IDENTIFYs per 5 s for each rate-limit key (``shard_id % max_concurrency``)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.enabled = False
        self.max_concurrency = 1
        self._last: dict[int, float] = {}
        self.refused = 0

    def allow(self, shard_id: int) -> bool:
        """Record an IDENTIFY of ``shard_id``; False when it comes too soon after its key's last one."""
        key = shard_id % max(1, self.max_concurrency)
        now = self.clock()
        last = self._last.get(key)
        if self.enabled and last is not None and now - last < IDENTIFY_WINDOW_S:
            self.refused += 1
            return False
        self._last[key] = now
        return True
