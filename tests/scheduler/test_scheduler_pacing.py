"""Pacing: what the scheduler posts by itself is spaced under Discord's global limit; a post a
user's action triggers right now is not queued behind it."""

from __future__ import annotations

import asyncio

from bot.scheduler import PACED, RateGate


async def paced_waits(gate: RateGate, count: int) -> float:
    """How long ``count`` paced sends take to get their slots."""
    loop = asyncio.get_running_loop()
    token = PACED.set(True)
    try:
        began = loop.time()
        for _ in range(count):
            await gate.wait()
        return loop.time() - began
    finally:
        PACED.reset(token)


async def test_scheduled_sends_are_spaced_evenly() -> None:
    """Ten per second: the fourth send gets its slot 0.3 s after the first, not at once."""
    assert await paced_waits(RateGate(10), 4) >= 0.29


async def test_a_send_a_user_triggered_is_not_queued_behind_the_scheduled_ones() -> None:
    """While scheduled sends hold the next slots, an unpaced send goes at once."""
    gate = RateGate(2)  # a slot every half second
    waiting = asyncio.create_task(paced_waits(gate, 3))  # holds the slots of the next second
    await asyncio.sleep(0.05)
    loop = asyncio.get_running_loop()
    began = loop.time()
    await gate.wait()
    assert loop.time() - began < 0.1
    assert not waiting.done()
    assert await waiting >= 0.99


async def test_the_pacing_mark_stays_in_the_task_that_set_it() -> None:
    """A task marked paced (an armed job) does not mark the code around it."""

    async def job() -> bool:
        PACED.set(True)
        return PACED.get()

    assert await asyncio.create_task(job()) is True
    assert PACED.get() is False
