"""/mood history 365: how fast the deferred answer goes out, and how long until the chart is there.

Starts the real bot against the emulator on loopback, pairs Alice (Berlin) and Bob (Los Angeles)
through the real flow, stores a full year of daily check-ins for both, then runs
``/mood history days:365`` several times as Alice. For each run it records:

- ``deferred``: from the interaction being dispatched to the deferred response (emulator clock);
- ``chart``: from dispatch until the response was edited with the PNG (the whole command).

The first run includes importing matplotlib in the worker thread (a cold bot); it is reported on
its own, and the medians are over the runs after it.

Run: ``python -m bench.mood_chart`` (targets: deferred under 100 ms, chart under 1.5 s).
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
DAYS = 365
NOW = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)


async def run() -> dict[str, float]:
    from bot.client import CloserBot
    from bot.clock import FakeClock
    from bot.moods import checkin_day
    from bot.settings import Settings
    from emulator import Fake

    fake = await Fake.start()
    alice, bob = fake.create_user("alice"), fake.create_user("bob")
    guild = fake.create_guild("Our place", members=[alice, bob], text_channels=["general", "us"])
    channel = guild.channel("us")
    deferred: list[float] = []
    charts: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(
                _env_file=None,  # type: ignore[call-arg]
                discord_token=fake.token,
                database_path=Path(tmp) / "closer.sqlite3",
                dev_guild_id=None,
            )
            bot = CloserBot(
                settings, clock=FakeClock(NOW), scheduler_autostart=False, guild_ready_timeout=0.05
            )
            task = asyncio.create_task(bot.start(fake.token))
            await fake.wait_for_ready(task)
            await bot.wait_until_ready()
            try:
                await fake.slash(
                    alice, "couple setup", partner=bob, options={"channel": channel}, timezone="Europe/Berlin"
                )
                invitation = await fake.wait_for_message(channel, lambda m: "Accept" in m.buttons)
                await fake.click(invitation, "Accept", bob)
                await fake.slash(bob, "couple timezone", timezone="America/Los_Angeles")
                repo = bot.get_cog("CheckinCog").service.repo  # type: ignore[union-attr]
                for user, zone in ((alice, "Europe/Berlin"), (bob, "America/Los_Angeles")):
                    from zoneinfo import ZoneInfo

                    today = checkin_day(NOW, ZoneInfo(zone))
                    for back in range(DAYS):
                        mood = 1 + (back * 7 + user.id) % 5
                        day = today - timedelta(days=back)
                        await repo.save(guild.id, user.id, day, mood=mood, zone=zone, now=NOW)
                for _ in range(RUNS):
                    begin = time.perf_counter()
                    result = await fake.slash(alice, "mood history", days=DAYS)
                    charts.append(time.perf_counter() - begin)
                    assert result.type == 5, "the command did not defer"
                    assert len(result.attachments) == 1, result.text
                    assert result.latency is not None
                    deferred.append(result.latency)
            finally:
                await bot.close()
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await task
    finally:
        await fake.stop()
    warm_deferred, warm_charts = deferred[1:], charts[1:]
    return {
        "runs": float(RUNS),
        "deferred_median_ms": statistics.median(warm_deferred) * 1000,
        "deferred_max_ms": max(deferred) * 1000,
        "chart_median_s": statistics.median(warm_charts),
        "chart_max_warm_s": max(warm_charts),
        "cold_deferred_ms": deferred[0] * 1000,
        "cold_chart_s": charts[0],
    }


if __name__ == "__main__":
    for key, value in asyncio.run(run()).items():
        print(f"{key}: {value:.3f}")
