"""How the scheduler engine paces itself: its window of armed jobs, catch-up and delivery bounds."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

# Never walk more than this many past occurrences of one schedule in a single catch-up.
CATCH_UP_LIMIT = 1000
# APScheduler holds jobs only for what fires within this window; a refill job arms the next
# stretch every REFILL_EVERY. Memory and start-up time then do not grow with the number of
# couples (the table stays the source of truth). The window is three refills long, so a refill
# that runs late still finds everything armed; it is short because start-up arms all of it (at
# 10,000 couples an evening hour holds thousands of jobs, each costing APScheduler ~30 µs).
ARM_WINDOW = timedelta(hours=1)
REFILL_EVERY = timedelta(minutes=20)
# Scheduled posts are paced below Discord's global limit of 50 requests per second, so a
# thousand posts due on the same minute flow out steadily instead of meeting 429s in a herd.
POSTS_PER_SECOND = 48.0
# How many fired jobs are handled at once. Each delivery reads and writes the database before it
# posts; with thousands due on one minute and no bound, every one of them queues its reads on the
# single database thread before the first post can go out. A few dozen keep the posts flowing
# from the first second (enough to fill the pace even with Discord's real latency).
CONCURRENT_DELIVERIES = 32


class InFlight:
    """The deliveries under way (APScheduler jobs' tasks): a stop waits for them to finish, so a
    post that has started goes out rather than being cut off."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    @contextmanager
    def track(self) -> Iterator[None]:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            yield
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def drain(self, within: float) -> None:
        """Wait up to ``within`` seconds for those under way."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=within)
