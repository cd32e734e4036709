"""Cold start with 10,000 couples: process start to ready, the start-up catch-up, resident memory.

The database holds 10,000 copies of the couple that lived two years through the real bot
(``bench.dataset``), so every feature's schedules are there as after normal use: the daily
question with its nudges and a DM copy, both check-ins, the weekly digest, on this day,
gratitude, the weekly check-in session, goodnight for both, a weekly call with its planned
reminders and memory prompt, the visit countdown, anniversary and birthday reminders, and the
one-off schedules two years leave behind (reveals, appreciations, notes). Of the history, the
last ``KEEP_DAYS`` days are kept (all of it would be ~10,000 x two years of answers: see
BENCHMARKS.md). Copy ``k`` lives in the ``k``-th pair of zones of ``ZONE_PAIRS`` (Berlin and Los
Angeles, London and New York, Kolkata and Paris, ...), so the 10,000 couples' schedules fall all
around the clock as a real host's would; every pending schedule is then recomputed from ten
minutes ahead with the scheduler's own maths, so nothing is due during the measurement.

Each run starts a fresh ``python`` process that runs the real CloserBot (system clock, its
scheduler running) against the Discord emulator, which runs in this process and holds the
servers (so the bot's memory does not include the emulator's). The emulator applies Discord's
sharding rules: the bot opens the shards ``GET /gateway/bot`` recommends (one per 1,000 servers),
and IDENTIFYs beyond the session start limit are refused (op 9). The emulator grants a
``max_concurrency`` of ``MAX_CONCURRENCY`` (what Discord gives very large bots), so every shard
identifies at once and the figures are Closer's own start-up; one more run at Discord's default
of 1 shows the pace a bot of this size gets on Discord (5 s per shard after the first).

The first run finds no planning marks (a first start, or the first after upgrading): the
start-up catch-up plans every couple's calls, visit and dates, and as the copies were moved to
new zones, writes all of their posts again. The ``RESTARTS`` runs after it find nothing changed.
Measured from just before the process is spawned:

- ``start_to_schedules_loaded_s``: setup_hook done (database open, migrations, every cog loaded,
  every schedule of the coming hour armed in APScheduler, commands synced);
- ``start_to_connected_s``: the first shard's READY;
- ``start_to_ready_s``: discord.py's ready: every shard's READY and all its servers' GUILD_CREATEs
  (target < 2.5 s at 10,000 couples);
- ``start_to_settled_s``: the start-up catch-up done (target < 3 s on a restart with nothing
  changed; ``first_start_to_settled_s`` < 30 s on a first start);
- ``idle_rss_mb``: resident memory 5 s after that, idle (target < 200 MB); ``peak_rss_mb``.

Run: ``python -m bench.cold_start`` (medians of the restarts; ``--quick``: 500 couples, one restart).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.dataset import (
    DAYS,
    ROOT,
    Template,
    build_template,
    copy_database,
    database_bytes,
    emulated_couples,
    median,
    quiet_logs,
    rebase_all,
    replicate,
    template_argument,
    trim,
)

COUPLES = 10_000
RESTARTS = 3
KEEP_DAYS = 30
IDLE_S = 5.0
MAX_CONCURRENCY = 16  # a very large bot's session start limit: its shards identify at once


async def run(template: Template | None = None, *, quick: bool = False) -> dict[str, float]:
    if quick:
        return await measure(template, 500, restarts=1, quick=True, paced=False)
    return await measure(template, COUPLES, restarts=RESTARTS)


async def measure(
    template: Template | None,
    couples: int,
    *,
    restarts: int,
    quick: bool = False,
    paced: bool = True,
    max_concurrency: int = MAX_CONCURRENCY,
) -> dict[str, float]:
    """A first start, ``restarts`` restarts and (``paced``) one at Discord's default pace, of the
    bot on ``couples`` copies of the template couple."""
    from emulator import Fake

    quiet_logs()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if template is None:
            template = await build_template(tmp / "template.sqlite3", 30 if quick else DAYS)
        fake = await Fake.start(patch=False, max_concurrency=max_concurrency, identify_limit=True)
        try:
            targets = emulated_couples(fake, couples, ("general", "us"))
            prepared = tmp / "prepared.sqlite3"
            copy_database(template.path, prepared)
            trim(prepared, template.end - timedelta(days=KEEP_DAYS))
            database = tmp / "closer.sqlite3"
            built = replicate(
                template, database, couples, targets=targets, source=prepared, spread_zones=True
            )
            # Every schedule from a few minutes ahead, in its couple's zones: spread around the clock.
            await rebase_all(database, datetime.now(UTC) + timedelta(minutes=10))
            forget_planning(database)  # a first start: no server has been planned by this Closer
            schedules, armed = count_schedules(database)
            first = await one_run(fake, database)
            again = [await one_run(fake, database) for _ in range(restarts)]
            slow = None
            if paced:
                fake.max_concurrency = 1  # Discord's default: one IDENTIFY every 5 s
                slow = await one_run(fake, database)
            size = database_bytes(database)
            refused = fake.identify_refused
        finally:
            await fake.stop()
    figures: dict[str, float] = {
        "couples": float(couples),
        "runs": float(restarts),
        "shards": first["shards"],
        "max_concurrency": float(max_concurrency),
        "schedules": float(schedules),
        "schedules_armed": float(armed),
        "database_mb": size / 1e6,
        "build_s": built["replicate_s"],
        "identify_refused": float(refused),
    }
    for key in again[0]:
        figures[key] = median(r[key] for r in again)
    figures["catch_up_s"] = median(r["start_to_settled_s"] - r["start_to_ready_s"] for r in again)
    figures["first_start_to_ready_s"] = first["start_to_ready_s"]
    figures["first_start_to_settled_s"] = first["start_to_settled_s"]
    figures["first_catch_up_s"] = first["start_to_settled_s"] - first["start_to_ready_s"]
    if slow is not None:
        figures["paced_start_to_ready_s"] = slow["start_to_ready_s"]
        figures["paced_identify_wait_s"] = slow["identify_wait_s"]
    return figures


def forget_planning(database: Path) -> None:
    import sqlite3

    with sqlite3.connect(database) as conn:
        conn.execute("DELETE FROM planning_marks")


def count_schedules(database: Path) -> tuple[int, int]:
    import sqlite3

    with sqlite3.connect(database) as conn:
        total = conn.execute("SELECT COUNT(*) FROM schedules").fetchone()[0]
        armed = conn.execute(
            "SELECT COUNT(*) FROM schedules WHERE paused = 0 AND fire_at IS NOT NULL"
        ).fetchone()[0]
    return total, armed


async def one_run(fake: object, database: Path) -> dict[str, float]:
    spawned = time.time()
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.cold_start",
        "--child",
        str(database),
        fake.base_url,  # type: ignore[attr-defined]
        fake.token,  # type: ignore[attr-defined]
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=ROOT,
    )
    out, err = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(err.decode()[-3000:])
    marks = json.loads(out.decode().strip().splitlines()[-1])
    return {
        "start_to_imported_s": marks["imported"] - spawned,
        "start_to_schedules_loaded_s": marks["setup_hook"] - spawned,
        "start_to_connected_s": marks["connected"] - spawned,
        "start_to_ready_s": marks["ready"] - spawned,
        "start_to_settled_s": marks["settled"] - spawned,
        "jobs_armed": marks["jobs"],
        "guilds_seen": marks["guilds"],
        "shards": marks["shards"],
        "identify_wait_s": marks["identify_wait"],
        "idle_rss_mb": marks["rss_mb"],
        "peak_rss_mb": marks["peak_mb"],
    }


def memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def child(database: Path, url: str, token: str) -> dict[str, float]:
    """The bot as ``python -m bot`` runs it (system clock, scheduler running), timed."""
    from bench.dataset import extensions
    from bot.client import CloserBot
    from bot.settings import Settings
    from emulator.patch import DiscordPatch

    marks: dict[str, float] = {"imported": time.time()}
    quiet_logs()

    class Timed(CloserBot):
        async def setup_hook(self) -> None:
            await super().setup_hook()
            marks["setup_hook"] = time.time()

        async def on_connect(self) -> None:
            # One event per shard; no per-server listener, which would add 10,000 tasks to what is timed.
            marks.setdefault("connected", time.time())

    patch = DiscordPatch(url).apply()
    settings = Settings(_env_file=None, discord_token=token, database_path=database, dev_guild_id=None)  # type: ignore[call-arg]
    bot = Timed(settings, extensions=extensions())  # as python -m bot runs it
    task = asyncio.create_task(bot.start(token))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), timeout=300)
        marks["ready"] = time.time()
        await asyncio.wait_for(bot.settled(), timeout=1800)
        marks["settled"] = time.time()
        marks["jobs"] = float(len(bot.scheduler.aps.get_jobs()))
        marks["guilds"] = float(len(bot.guilds))
        marks["shards"] = float(len(bot.shards))
        marks["identify_wait"] = bot.identify_pacer.waited
        await asyncio.sleep(IDLE_S)
        marks["rss_mb"] = memory_mb("VmRSS")
        marks["peak_mb"] = memory_mb("VmHWM")
    finally:
        await bot.close()
        task.cancel()
        patch.restore()
    return marks


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        print(json.dumps(asyncio.run(child(Path(sys.argv[2]), sys.argv[3], sys.argv[4]))))
    else:
        began = time.perf_counter()
        for key, value in asyncio.run(run(template_argument(sys.argv), quick="--quick" in sys.argv)).items():
            print(f"{key}: {value:.3f}")
        print(f"took {time.perf_counter() - began:.0f} s")
