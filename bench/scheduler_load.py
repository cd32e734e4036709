"""Scheduler load: 10,000 rituals armed at start, and the idle bot's resident memory.

Builds a database with 5,000 paired couples holding two rituals each (10,000 schedules), then,
in a fresh process, starts the real bot against the emulator on loopback and measures how long
``Scheduler.start()`` takes (it reads every schedule and arms those due within its two-hour
window), and the process's resident memory once idle.
The emulator runs in the same process, so the memory figure includes it (a few MB).

Run: ``python -m bench.scheduler_load`` (targets: under 1 s, under 150 MB).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

COUPLES = 5_000
RITUALS_PER_COUPLE = 2
RUNS = 3
ZONES = ["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney", "America/New_York"]


ROOT = Path(__file__).resolve().parent.parent


async def build_database(path: Path, couples: int = COUPLES) -> int:
    """A migrated database with ``couples`` couples and their rituals, written through the
    repositories (bench/seed.py); the number of schedules."""
    from bench.seed import paired, ritual_row, write
    from bot.db import Database, migrate
    from bot.db.models import Schedule
    from bot.scheduler import fire_time, next_occurrence
    from bot.timeutil import ALL_DAYS

    now = datetime.now(UTC)
    spaces = []
    ritual_id = 0
    for n in range(couples):
        guild = 10_000_000 + n
        zone = ZONES[n % len(ZONES)]
        space = paired(guild, (zone, ZONES[(n + 1) % len(ZONES)]), 0)
        for r in range(RITUALS_PER_COUPLE):
            ritual_id += 1
            at = clock_time(8 + (n + r) % 14, (n * 7) % 60)
            space.rituals.append(
                ritual_row(
                    ritual_id,
                    template="custom",
                    weekdays=127,
                    local_time=at.strftime("%H:%M"),
                    zone=zone,
                    message="hello",
                    created_by=guild + 2,
                    created_at=0,
                )
            )
            schedule = Schedule(
                ritual_id, guild, "ritual", f"{ritual_id}:all", "Custom", guild + 2, False, at,
                ALL_DAYS, zone, None, False, None, None, {}, now,
            )  # fmt: skip
            # From an hour ahead: nothing comes due while the benchmark measures an idle bot.
            nominal = next_occurrence(schedule, None, now + timedelta(hours=1))
            assert nominal is not None
            fire = fire_time(schedule, None, nominal)
            space.schedules.append(
                {
                    "id": ritual_id,
                    "guild_id": guild,
                    "kind": "ritual",
                    "key": f"{ritual_id}:all",
                    "label": "Custom",
                    "owner_id": guild + 2,
                    "local_time": at.strftime("%H:%M"),
                    "zone": zone,
                    "next_due": int(nominal.timestamp()),
                    "fire_at": int(fire.timestamp()),
                    "payload": json.dumps({"ritual": ritual_id, "template": "custom"}),
                    "created_at": 0,
                }
            )
        spaces.append(space)
    db = await Database.open(path)
    try:
        await migrate(db)
        return await write(db, spaces)
    finally:
        await db.close()


def copy_database(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(database: Path) -> dict[str, float]:
    """Start the bot on ``database`` against the emulator; arm time and idle memory."""
    from bot.client import CloserBot
    from bot.scheduler import Scheduler
    from bot.settings import Settings
    from emulator import Fake

    timings: dict[str, float] = {}
    original_start = Scheduler.start

    async def timed_start(self: Scheduler) -> None:
        begin = time.perf_counter()
        await original_start(self)
        timings["arm_s"] = time.perf_counter() - begin
        timings["jobs"] = len(self.aps.get_jobs())

    Scheduler.start = timed_start  # type: ignore[method-assign]
    fake = await Fake.start()
    try:
        settings = Settings(_env_file=None, discord_token=fake.token, database_path=database)  # type: ignore[call-arg]
        # Core and rituals only: this measures the scheduler arming 10,000 rituals. (The cold-start
        # benchmark, bench/cold_start.py, runs every feature on realistic couples.)
        bot = CloserBot(
            settings, guild_ready_timeout=0.05, extensions=("cogs.couple", "cogs.rituals", "cogs.help")
        )
        begin = time.perf_counter()
        task = asyncio.create_task(bot.start(fake.token))
        await fake.wait_for_ready(task)
        await bot.wait_until_ready()
        timings["ready_s"] = time.perf_counter() - begin
        await asyncio.sleep(2)  # idle
        timings["rss_mb"] = rss_mb()
        await bot.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
    finally:
        await fake.stop()
    return timings


async def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "closer.sqlite3"
        schedules = await build_database(database, COUPLES)
        results = []
        for _ in range(RUNS):
            # The bot would post the occurrences due right now; keep each run on a pristine copy.
            copy = Path(tmp) / "run.sqlite3"
            await asyncio.to_thread(copy_database, database, copy)
            child = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.scheduler_load",
                "--child",
                str(copy),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                cwd=ROOT,
            )
            out, err = await child.communicate()
            if child.returncode != 0:
                raise RuntimeError(err.decode())
            results.append(json.loads(out.decode().strip().splitlines()[-1]))
            await asyncio.to_thread(copy.unlink)
    return {
        "schedules": float(schedules),
        "jobs_armed": statistics.median(r["jobs"] for r in results),
        "arm_10k_rituals_s": statistics.median(r["arm_s"] for r in results),
        "start_to_ready_s": statistics.median(r["ready_s"] for r in results),
        "idle_rss_mb": statistics.median(r["rss_mb"] for r in results),
    }


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        print(json.dumps(asyncio.run(measure(Path(sys.argv[2])))))
    else:
        for key, value in asyncio.run(run()).items():
            print(f"{key}: {value:.3f}")
