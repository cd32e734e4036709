"""Fan-out: 2,000 couples whose daily question falls on the same minute, under Discord's rate limits.

The database holds 2,000 copies of the couple that lived two years through the real bot
(``bench.dataset``), each with its own server, channel and partners in the Discord emulator on
loopback, whose Discord-like rate limits are on (a global 50 requests per second, per-route
buckets such as 5 messages per 5 s per channel, 429 answers with ``retry_after``). Every couple's
daily question is moved to the same wall-clock minute a little after the bot is ready; every
other schedule is moved past the measurement (nothing else is sent then). The real CloserBot
runs on the system clock with its scheduler running by itself: when the minute comes, APScheduler
fires the 2,000 jobs and each post goes through discord.py's own rate-limit handling.

Measured, per run (a fresh bot on a fresh copy of the database, the same emulator world):

- ``done_s``: from the minute to the last question post accepted by the emulator;
- ``bound_s``: what the global limit allows at best, (posts + other requests sent meanwhile) / 50;
  the target is ``done_s`` within 1.1 x the bound (44 s for 2,000 posts);
- ``done_over_bound``: ``done_s`` / ``bound_s`` (target: at most 1.1);
- ``posts_delivered``, ``channels_without_a_post``, ``channels_with_more_than_one``: messages
  counted per channel in the emulator (target: every channel exactly one);
- ``rate_limited_429``: 429s the emulator sent; ``ledger_sent`` / ``ledger_failed_or_retry``: the
  delivery ledger's view of the 2,000 occurrences (every 429 must have been retried successfully).

Run: ``python -m bench.fanout`` (medians of ``RUNS`` runs; ``--quick``: 200 couples, one run).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.dataset import (
    BERLIN,
    DAYS,
    Ids,
    Template,
    build_template,
    copy_database,
    emulated_couples,
    extensions,
    median,
    quiet_logs,
    rebase,
    replicate,
    template_argument,
    to_unix,
)

COUPLES = 2_000
RUNS = 3
GLOBAL_PER_SECOND = 50
START_MARGIN_S = 40  # the minute is at least this long after the bot is started (first run)
KIND = "question"


async def run(template: Template | None = None, *, quick: bool = False) -> dict[str, float]:
    from emulator import Fake

    quiet_logs()
    couples, runs = (200, 1) if quick else (COUPLES, RUNS)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if template is None:
            template = await build_template(tmp / "template.sqlite3", 30 if quick else DAYS)
        fake = await Fake.start(rate_limits=True)
        try:
            targets = emulated_couples(fake, couples)
            # Nothing but the question is due for a day: every other schedule moves past it.
            prepared = tmp / "prepared.sqlite3"
            copy_database(template.path, prepared)
            await rebase(prepared, datetime.now(UTC) + timedelta(days=1))
            base = tmp / "base.sqlite3"
            replicate(template, base, couples, targets=targets, source=prepared)
            results = []
            margin = float(START_MARGIN_S)
            for _ in range(runs):
                database = tmp / "run.sqlite3"
                copy_database(base, database)
                results.append(await one_run(fake, database, targets, margin))
                # The next minute chosen from how long this start took (less waiting for it).
                margin = results[-1]["start_s"] + 5
        finally:
            await fake.stop()
    figures: dict[str, float] = {"couples": float(couples), "runs": float(runs)}
    for key in results[0]:
        figures[key] = median(r[key] for r in results)
    figures["worst_done_s"] = max(r["done_s"] for r in results)
    return figures


def set_minute(database: Path, minute: datetime) -> None:
    """Every couple's daily question at ``minute`` (wall time in Berlin, the couples' question zone)."""
    local = minute.astimezone(BERLIN)
    with sqlite3.connect(database) as conn:
        conn.execute(
            "UPDATE schedules SET local_time = ?, zone = ?, next_due = ?, fire_at = ?, paused = 0 WHERE kind = ?",
            (f"{local:%H:%M}", BERLIN.key, to_unix(minute), to_unix(minute), KIND),
        )


async def one_run(fake: Any, database: Path, targets: dict[int, Ids], margin: float) -> dict[str, float]:
    from bot.client import CloserBot
    from bot.settings import Settings

    channels = {ids.channel for ids in targets.values()}
    fake.rate_limits(True)  # fresh buckets
    started = time.time()
    minute = datetime.fromtimestamp(math.ceil((started + margin) / 60) * 60, UTC)
    set_minute(database, minute)
    before = len(fake.server.requests)
    hits_before = len(fake.rate_limit_hits)
    known = {m.id for c in channels for m in fake.messages(fake.world.channels[c])}
    settings = Settings(_env_file=None, discord_token=fake.token, database_path=database, dev_guild_id=None)  # type: ignore[call-arg]
    bot = CloserBot(settings, guild_ready_timeout=0.5, extensions=extensions())
    task = asyncio.create_task(bot.start(fake.token))
    try:
        await fake.wait_for_ready(task, timeout=240)
        await bot.wait_until_ready()
        await asyncio.wait_for(bot.settled(), timeout=240)
        ready_at = time.time()
        limit = minute.timestamp() + 10 * len(targets) / GLOBAL_PER_SECOND + 60
        while time.time() < limit:
            handled = await bot.db.fetchval(
                "SELECT COUNT(*) FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
                "WHERE s.kind = ? AND d.scheduled_at = ? AND d.status NOT IN ('claimed', 'retry')",
                (KIND, to_unix(minute)),
            )
            if handled >= len(targets):
                break
            await asyncio.sleep(0.5)
        await fake.idle(quiet=0.5, timeout=60)
        ledger = dict(
            await bot.db.fetchall(
                "SELECT d.status, COUNT(*) FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
                "WHERE s.kind = ? AND d.scheduled_at = ? GROUP BY d.status",
                (KIND, to_unix(minute)),
            )
        )
    finally:
        await bot.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
    offset = time.time() - time.monotonic()  # emulator records carry monotonic times
    window = [r for r in fake.server.requests[before:] if r.time + offset >= minute.timestamp() - 0.5]
    posts = [r for r in window if r.method == "POST" and r.route == "POST /channels/{channel_id}/messages"]
    accepted = [r for r in posts if r.status == 200]
    others = [r for r in window if r not in posts and r.status != 429]
    per_channel = Counter(
        m.channel_id
        for c in channels
        for m in fake.messages(fake.world.channels[c])
        if m.id not in known and m.author_id == fake.bot_user.id
    )
    last = max((r.time + offset for r in accepted), default=float("nan"))
    sent = len(accepted) + len(others)
    return {
        "start_s": ready_at - started,
        "ready_before_minute_s": minute.timestamp() - ready_at,
        "posts_delivered": float(sum(per_channel.values())),
        "channels_without_a_post": float(sum(1 for c in channels if per_channel.get(c, 0) == 0)),
        "channels_with_more_than_one": float(sum(1 for c in channels if per_channel.get(c, 0) > 1)),
        "other_requests": float(len(others)),
        "rate_limited_429": float(len(fake.rate_limit_hits) - hits_before),
        "ledger_sent": float(ledger.get("sent", 0) + ledger.get("late", 0)),
        "ledger_failed_or_retry": float(sum(v for k, v in ledger.items() if k not in ("sent", "late"))),
        "bound_s": sent / GLOBAL_PER_SECOND,
        "done_s": last - minute.timestamp(),
        "done_over_bound": (last - minute.timestamp()) / (sent / GLOBAL_PER_SECOND) if sent else float("nan"),
    }


if __name__ == "__main__":
    began = time.perf_counter()
    for key, value in asyncio.run(run(template_argument(sys.argv), quick="--quick" in sys.argv)).items():
        print(f"{key}: {value:.3f}")
    print(f"took {time.perf_counter() - began:.0f} s")
