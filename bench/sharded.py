"""Sharded cold start with 25,000 couples: the same measurement as ``bench.cold_start``, at the size
where a bot must shard well past the minimum (25 shards recommended; Discord refuses a session
holding 2,500 servers or more).

The databases and the runs are those of :func:`bench.cold_start.measure`: 25,000 copies of the
two-year template couple in 25,000 emulated servers, a first start with no planning marks, then
``RESTARTS`` restarts with nothing changed (the figures are their medians), then one run at
Discord's default ``max_concurrency`` of 1. Targets: ready < 6 s, idle resident memory < 400 MB.

Run: ``python -m bench.sharded`` (``--quick``: 3,000 couples, one restart).
"""

from __future__ import annotations

import asyncio
import sys
import time

from bench.cold_start import measure
from bench.dataset import Template, template_argument

COUPLES = 25_000
RESTARTS = 3
MAX_CONCURRENCY = 32  # a very large bot's (Discord gives multiples of 16): 25 shards at once


async def run(template: Template | None = None, *, quick: bool = False) -> dict[str, float]:
    if quick:
        return await measure(template, 3_000, restarts=1, quick=True, paced=False)
    return await measure(template, COUPLES, restarts=RESTARTS, max_concurrency=MAX_CONCURRENCY)


if __name__ == "__main__":
    began = time.perf_counter()
    for key, value in asyncio.run(run(template_argument(sys.argv), quick="--quick" in sys.argv)).items():
        print(f"{key}: {value:.3f}")
    print(f"took {time.perf_counter() - began:.0f} s")
