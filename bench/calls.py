"""Call nights: planning cost at start, clock-change detection, and command round trips.

- ``plan_all_posts_missing_s`` / ``plan_all_in_place_s``: the calls cog plans every call when the
  bot starts (reminders whose planning moment passed while it was down). Measured on a database
  of ``COUPLES`` paired couples with one weekly call each: once with every reminder and memory
  prompt missing (the worst case: all of them are written), once with everything in place (a
  normal restart: nothing is written). ``start_to_ready_s`` is the whole start on that database.
- ``clock_shifts_ms``: detecting DST changes and trip ends in the next 7 days for one call.
- ``call_schedule_ms`` / ``call_next_ms``: ``/call schedule`` and ``/call next`` answered through
  the Discord emulator on loopback (the real bot, the real database).

Run: ``python -m bench.calls`` (medians of several runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

COUPLES = 1_000
RUNS = 3
ROOT = Path(__file__).resolve().parent.parent
ZONES = ["Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata", "Australia/Sydney", "America/New_York"]


async def build_database(path: Path, now: datetime, couples: int = COUPLES) -> None:
    """A migrated database with ``couples`` couples, each with a weekly call and its schedule,
    written through the repositories (bench/seed.py)."""
    from bench.seed import call_row, paired, write
    from bot.db import Database, migrate
    from bot.db.models import Schedule
    from bot.scheduler import next_occurrence

    created = int((now - timedelta(days=30)).timestamp())
    spaces = []
    for n in range(couples):
        guild = 10_000_000 + n
        zone = ZONES[n % len(ZONES)]
        space = paired(guild, (zone, ZONES[(n + 1) % len(ZONES)]), created)
        weekday, at = n % 7, clock_time(18 + n % 4, (n * 5) % 60)
        space.calls.append(
            call_row(
                n + 1,
                kind="weekly",
                weekday=weekday,
                local_time=at.strftime("%H:%M"),
                zone=zone,
                reminders="60,10",
                created_by=guild + 2,
                created_at=created,
            )
        )
        schedule = Schedule(
            n + 1, guild, "call", f"{n + 1}:weekly", "Video call", guild + 2, False, at,
            frozenset({weekday}), zone, None, False, None, None, {}, now,
        )  # fmt: skip
        nominal = next_occurrence(schedule, None, now)
        assert nominal is not None
        space.schedules.append(
            {
                "id": n + 1,
                "guild_id": guild,
                "kind": "call",
                "key": f"{n + 1}:weekly",
                "label": f"Video call #{n + 1}",
                "owner_id": guild + 2,
                "local_time": at.strftime("%H:%M"),
                "weekdays": 1 << weekday,
                "zone": zone,
                "next_due": int(nominal.timestamp()),
                "fire_at": int(nominal.timestamp()),
                "payload": json.dumps({"call": n + 1}),
                "created_at": created,
            }
        )
        spaces.append(space)
    db = await Database.open(path)
    try:
        await migrate(db)
        await write(db, spaces)
    finally:
        await db.close()


async def timed_plans(database: Path, now: datetime) -> tuple[float, float, float]:
    """(start to ready, planning every call with all posts missing, planning again), in seconds."""
    from bot.client import CloserBot
    from bot.clock import FakeClock
    from bot.settings import Settings
    from emulator import Fake

    fake = await Fake.start()
    settings = Settings(_env_file=None, discord_token=fake.token, database_path=database)  # type: ignore[call-arg]
    bot = CloserBot(settings, clock=FakeClock(now), scheduler_autostart=False, guild_ready_timeout=0.05)
    try:
        begin = time.perf_counter()
        task = asyncio.create_task(bot.start(fake.token))
        await fake.wait_for_ready(task, timeout=300)
        await bot.wait_until_ready()
        ready = time.perf_counter() - begin
        cog = bot.get_cog("CallCog")
        assert cog is not None
        await bot.db.execute(
            "DELETE FROM schedules WHERE kind IN ('call_reminder', 'call_after', 'call_notice')"
        )
        begin = time.perf_counter()
        await cog.plan_everything()  # type: ignore[attr-defined]
        first = time.perf_counter() - begin
        begin = time.perf_counter()
        await cog.plan_everything()  # type: ignore[attr-defined]
        again = time.perf_counter() - begin
    finally:
        await bot.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
        await fake.stop()
    return ready, first, again


def clock_shift_ms(now: datetime, samples: int = 300) -> float:
    from bot.db.models import Couple, Partner
    from bot.db.repositories.calls import Call
    from bot.timeutil import QuietHours
    from cogs.calls.rules import clock_shifts

    times = []
    for n in range(samples):
        partners = (
            Partner(1, 1, 1, "A", ZONES[n % 5], QuietHours()),
            Partner(1, 2, 2, "B", ZONES[(n + 1) % 5], QuietHours()),
        )
        couple = Couple(1, 2, "paired", 1, 2, None, now, now, partners)
        call = Call(1, 1, "weekly", n % 7, clock_time(20), ZONES[n % 5], None, (60, 10), 60, 1,
                    now - timedelta(days=30), None)  # fmt: skip
        start = now + timedelta(hours=n)
        begin = time.perf_counter()
        clock_shifts(call, couple, start)
        times.append((time.perf_counter() - begin) * 1000)
    return statistics.median(times)


async def command_round_trips(tmp: Path) -> tuple[float, float]:
    """Median latency of /call schedule and /call next through the emulator."""
    from bot.client import CloserBot
    from bot.settings import Settings
    from emulator import Fake

    fake = await Fake.start()
    alice, bob = fake.create_user("alice"), fake.create_user("bob")
    guild = fake.create_guild("Ours", members=[alice, bob], text_channels=["us"])
    channel = guild.channel("us")
    settings = Settings(_env_file=None, discord_token=fake.token, database_path=tmp / "rt.sqlite3")  # type: ignore[call-arg]
    bot = CloserBot(settings, scheduler_autostart=False, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(fake.token))
    try:
        await fake.wait_for_ready(task)
        await fake.slash(
            alice, "couple setup", partner=bob, options={"channel": channel}, timezone="Europe/Berlin"
        )
        invitation = await fake.wait_for_message(channel, lambda m: "Accept" in m.buttons)
        await fake.click(invitation, "Accept", bob)
        await fake.slash(bob, "couple timezone", timezone="America/Los_Angeles")
        schedule, nxt = [], []
        for n in range(9):
            begin = time.perf_counter()
            await fake.slash(alice, "call schedule", weekday=n % 7, time=f"{18 + n % 4}:30")
            schedule.append((time.perf_counter() - begin) * 1000)
            await fake.idle()
        for _ in range(20):
            begin = time.perf_counter()
            await fake.slash(bob, "call next")
            nxt.append((time.perf_counter() - begin) * 1000)
    finally:
        await bot.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
        await fake.stop()
    return statistics.median(schedule), statistics.median(nxt)


async def run() -> dict[str, float]:
    now = datetime.now(UTC).replace(microsecond=0)
    ready, first, again, schedule, nxt = [], [], [], [], []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as name:
            tmp = Path(name)
            database = tmp / "closer.sqlite3"
            await build_database(database, now, COUPLES)
            r, a, b = await timed_plans(database, now)
            ready.append(r)
            first.append(a)
            again.append(b)
            s, n = await command_round_trips(tmp)
            schedule.append(s)
            nxt.append(n)
    return {
        "couples_with_a_weekly_call": float(COUPLES),
        "start_to_ready_s": statistics.median(ready),
        "plan_all_posts_missing_s": statistics.median(first),
        "plan_all_in_place_s": statistics.median(again),
        "clock_shifts_ms": clock_shift_ms(now),
        "call_schedule_ms": statistics.median(schedule),
        "call_next_ms": statistics.median(nxt),
    }


if __name__ == "__main__":
    for key, value in asyncio.run(run()).items():
        print(f"{key}: {value:.3f}")
