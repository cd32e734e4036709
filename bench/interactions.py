"""Interaction latency with 1,000 couples in the database, each holding two years of data.

The database holds 1,000 copies of a couple that lived two years through the real bot
(``bench.dataset``: daily questions with both answers, daily check-ins for both, ~100 memories,
rituals, a weekly call, dates, the delivery ledger). The measured couple is copy 500 of the
1,000; its server, channel and partners are a world in the Discord emulator on loopback, and the
real CloserBot runs on the database with the clock at the couple's "now" (10:00 in Berlin, the
day's question posted and not answered yet).

For each command, the latency is the emulator's ``InteractionResult.latency``: from the
INTERACTION_CREATE being sent to the interaction callback being received.

- ``question_answer``: submitting the ``/question answer`` modal (the answer is saved; the first
  submit of a run saves it, the next ones replace it, as editing before the reveal does);
- ``checkin_now``, ``memory_search`` (one or two words a couple would look for),
  ``memory_list``, ``couple_status``: the slash commands as Alice and Bob.

The commands are interleaved (one of each, then again), ``SAMPLES`` times per run; each figure
is the median over ``RUNS`` runs (a fresh bot process on the same database each run) of that
run's p50 or p99. Target: p99 under 20 ms for each.

Run: ``python -m bench.interactions`` (``--quick``: 30 days of history, 100 couples, one run).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.dataset import (
    DAYS,
    WORDS,
    Ids,
    Template,
    Texts,
    build_template,
    extensions,
    median,
    percentile,
    quiet_logs,
    replicate,
    template_argument,
)

COUPLES = 1_000
SAMPLES = 200
WARMUP = 10
RUNS = 3
TARGET_P99_MS = 20.0
COMMANDS = ("question_answer", "checkin_now", "memory_search", "memory_list", "couple_status")


async def run(template: Template | None = None, *, quick: bool = False) -> dict[str, float]:
    from emulator import Fake

    quiet_logs()
    couples, samples, runs = (100, 40, 1) if quick else (COUPLES, SAMPLES, RUNS)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if template is None:
            template = await build_template(tmp / "template.sqlite3", 30 if quick else DAYS)
        fake = await Fake.start()
        try:
            alice, bob = fake.create_user("alice"), fake.create_user("bob")
            guild = fake.create_guild("Our place", members=[alice, bob], text_channels=["general", "us"])
            measured = couples // 2
            ids = Ids(guild.id, guild.channel("us").id, alice.id, bob.id)
            database = tmp / "closer.sqlite3"
            built = replicate(template, database, couples, targets={measured: ids})
            unpost_latest_question(database, ids.guild)
            per_run = []
            for index in range(runs):
                per_run.append(await one_run(fake, template, database, ids, samples, first=index == 0))
        finally:
            await fake.stop()
    figures: dict[str, float] = {
        "couples": float(couples),
        "days_of_history": float(template.days),
        "runs": float(runs),
        "samples_per_command_per_run": float(samples),
        "database_mb": built["bytes"] / 1e6,
    }
    for key in per_run[0]:
        figures[key] = median(r[key] for r in per_run)
    return figures


def unpost_latest_question(database: Path, guild_id: int) -> None:
    """The measured couple's day is posted again in this emulator (by ``/question now``), so edits
    of its post land on a real message."""
    import sqlite3

    with sqlite3.connect(database) as conn:
        conn.execute(
            "UPDATE question_days SET posted_at = NULL, channel_id = NULL, message_id = NULL "
            "WHERE id = (SELECT MAX(id) FROM question_days WHERE guild_id = ? AND status <> 'skipped')",
            (guild_id,),
        )


async def one_run(fake: Any, template: Template, database: Path, ids: Ids, samples: int, *, first: bool
                  ) -> dict[str, float]:  # fmt: skip
    from bot.client import CloserBot
    from bot.clock import FakeClock
    from bot.settings import Settings

    settings = Settings(_env_file=None, discord_token=fake.token, database_path=database, dev_guild_id=None)  # type: ignore[call-arg]
    bot = CloserBot(
        settings,
        clock=FakeClock(template.end),
        scheduler_autostart=False,
        guild_ready_timeout=0.05,
        extensions=extensions(),
    )
    task = asyncio.create_task(bot.start(fake.token))
    rng = random.Random(5)
    texts = Texts(rng)
    alice, bob = fake.world.users[ids.alice], fake.world.users[ids.bob]
    latencies: dict[str, list[float]] = {name: [] for name in COMMANDS}
    try:
        await fake.wait_for_ready(task, timeout=120)
        await bot.wait_until_ready()
        await asyncio.wait_for(bot.settled(), timeout=300)
        if first:
            posted = await fake.slash(alice, "question now")
            assert "Posted today's question" in posted.all_text, posted.all_text
        await fake.idle()
        form = await fake.slash(alice, "question answer")
        assert form.modal is not None, form.text

        async def question_answer() -> Any:
            result = await fake.submit_modal(form, {"Your answer": texts.paragraph((1, 5))}, alice)
            assert "Saved" in result.text or "Updated" in result.text, result.text
            return result

        async def checkin_now() -> Any:
            return await fake.slash(rng.choice([alice, bob]), "checkin now")

        async def memory_search() -> Any:
            query = " ".join(rng.sample(WORDS[:150], rng.choice([1, 1, 2])))
            return await fake.slash(rng.choice([alice, bob]), "memory search", query=query)

        async def memory_list() -> Any:
            return await fake.slash(rng.choice([alice, bob]), "memory list")

        async def couple_status() -> Any:
            return await fake.slash(rng.choice([alice, bob]), "couple status")

        actions = {
            "question_answer": question_answer,
            "checkin_now": checkin_now,
            "memory_search": memory_search,
            "memory_list": memory_list,
            "couple_status": couple_status,
        }
        for index in range(WARMUP + samples):
            for name, action in actions.items():
                result = await action()
                assert result.latency is not None, f"{name}: no callback"
                # Work a command does after answering (editing the question post) finishes first.
                await fake.idle(quiet=0.002)
                if index >= WARMUP:
                    latencies[name].append(result.latency * 1000)
        violations = len(fake.violations)
    finally:
        await bot.close()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await task
    figures = {"violations": float(violations)}
    for name, values in latencies.items():
        figures[f"{name}_p50_ms"] = median(values)
        figures[f"{name}_p99_ms"] = percentile(values, 99)
    return figures


def report(figures: dict[str, float]) -> None:
    for key, value in figures.items():
        print(f"{key}: {value:.3f}")


if __name__ == "__main__":
    began = time.perf_counter()
    report(asyncio.run(run(template_argument(sys.argv), quick="--quick" in sys.argv)))
    print(f"took {time.perf_counter() - began:.0f} s")
