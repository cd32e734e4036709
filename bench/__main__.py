"""Run every benchmark and write BENCHMARKS.md at the repository root.

    python -m bench                     # everything, full sizes (about a quarter of an hour)
    python -m bench --quick             # small sizes, one run each: checks the benchmarks still run
    python -m bench --only fanout,storage
    python -m bench --template PATH     # reuse a template kept by `python -m bench.dataset 730 PATH`
    python -m bench --output FILE       # write somewhere else than BENCHMARKS.md

Every benchmark runs the real CloserBot against the Discord emulator on loopback (or calls the
bot's code directly where the figure is about that code). The figures are medians of several
runs; BENCHMARKS.md says, for each, the target, whether it was met and the command behind it.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import platform
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.dataset import DAYS, ROOT, Template, build_template, quiet_logs


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str  # "ms", "s", "MB", "bytes", "" (a count)
    target: tuple[str, float] | None = None  # ("<", 20.0): the figure must be under 20
    scale: float = 1.0

    def verdict(self, value: float) -> str:
        if self.target is None:
            return ""
        op, bound = self.target
        ok = value < bound if op == "<" else value <= bound if op == "<=" else value == bound
        return "met" if ok else "**MISSED**"

    def target_text(self) -> str:
        if self.target is None:
            return ""
        op, bound = self.target
        symbol = {"<": "<", "<=": "≤", "==": "="}[op]
        return f"{symbol} {format_value(bound, self.unit)}"


def format_value(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "n/a"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:,.0f} s"
    if unit == "MB":
        return f"{value:,.1f} MB"
    if unit == "bytes":
        return f"{value:,.0f} bytes"
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-9 else f"{value:,.2f}"


STORAGE_TARGET = 400_000  # bytes per couple-year of typical use


@dataclass(frozen=True)
class Bench:
    name: str
    title: str
    command: str
    figures: tuple[Figure, ...]
    about: str
    uses_template: bool = True
    quick: dict[str, Any] | None = None  # module constants for --quick
    limits: Callable[[dict[str, float]], str] | None = None  # what limits a missed target


def interactions_limits(figures: dict[str, float]) -> str:
    why = {
        "couple_status": (
            "`/couple status` gathers every feature's section: the next question and ritual schedules "
            "(`ScheduleRepository.upcoming`, indexed), the question streak (the last week's days read, "
            "the older ones folded once and checked by a fingerprint query), the check-in, call, visit "
            "and date sections, each a few queries."
        ),
        "memory_search": "`/memory search` runs an FTS5 query and ranks the matches of the couple's book.",
        "memory_list": "`/memory list` reads a page of the couple's memories with their photos.",
        "checkin_now": "`/checkin now` reads today's check-in and the sharing level.",
        "question_answer": "The modal submit saves the answer in a write transaction (fsync: synchronous=FULL).",
    }
    missed = [key for key in why if figures.get(f"{key}_p99_ms", 0) >= 20]
    return " ".join(why[key] for key in missed)


def fanout_limits(figures: dict[str, float]) -> str:
    parts = []
    if figures.get("ledger_failed_or_retry", 0) or figures.get("channels_without_a_post", 0):
        parts.append(
            "Posts were not all delivered within the run: a post that still meets errors after "
            "discord.py's own retries is retried by the scheduler five minutes later "
            "(`Scheduler._deliver`, `retryable`), after the run has ended."
        )
    if figures.get("done_over_bound", 0) > 1.1:
        parts.append(
            "Scheduled posts are paced at 48 per second (`RateGate`, just under the global 50/s), so "
            "pacing alone takes 50/48 of the bound; the rest is APScheduler firing the minute's jobs and "
            "each occurrence's ledger claim and record (write transactions with fsync) on a shared "
            "2-core machine."
        )
    return " ".join(parts)


def storage_limits(figures: dict[str, float]) -> str:
    """What a couple-year holds when it is over the target: mostly what the couple wrote."""
    if figures.get("bytes_per_couple_year", 0) < STORAGE_TARGET:
        return ""
    ledger = sum(figures.get(f"{t}_bytes_per_couple_year", 0) for t in ("schedules", "deliveries"))
    written = sum(
        figures.get(f"{t}_bytes_per_couple_year", 0)
        for t in ("question_answers", "question_days", "checkins", "memories", "memories_fts", "goodnights")
    )
    return (
        f"Closer's own record (schedules and the delivery ledger, compacted daily) is {ledger:,.0f} bytes "
        f"of it; {written:,.0f} bytes are what the couple wrote and keeps until they delete it: answers, "
        "each question day with its question's text (so the history reads the same after the bank "
        "changes), check-ins with their note and the sharing each was made under, memories, goodnights. "
        "Meeting the target would mean storing less of what they wrote (shorter rows: the question by "
        "id only, fewer indexes), a schema change not made here."
    )


def start_limits(
    ready: float, rss: float, restart: float | None, first: float | None
) -> Callable[[dict[str, float]], str]:
    """What limits the cold-start figures that missed their targets (these targets)."""

    def limits(figures: dict[str, float]) -> str:
        parts = []
        if figures.get("start_to_ready_s", 0) >= ready:
            parts.append(
                "Start-up arms only the jobs due in the next hour (`Scheduler.start`, `ARM_WINDOW`) and a "
                "shard is ready as soon as its servers have arrived (`bot/shards.py`), so what remains "
                "is importing, opening the database, loading the features and discord.py handling "
                "every server's GUILD_CREATE."
            )
        if figures.get("idle_rss_mb", 0) >= rss:
            parts.append(
                "The armed jobs are few (one window); what remains is discord.py's cache of the servers "
                "(channels, roles, the bot's member) and the bot's own objects."
            )
        if restart is not None and figures.get("start_to_settled_s", 0) >= restart:
            parts.append(
                "A restart plans no couple again: the database says in one query which servers' marks "
                "(`planning_marks`) ran out, and no feature's rows are read for the others; what remains "
                "is reaching ready."
            )
        if first is not None and figures.get("first_start_to_settled_s", 0) >= first:
            parts.append(
                "A first start (the first after an upgrade that brings the marks, or a lost database "
                "state) plans every couple's calls, visit, dates and milestones again. Here every post "
                "is written again, as the copies were moved to new zones (a real first start finds most "
                "posts as they were and writes only what changed): for each server and feature, a read "
                "of its schedules and of what was already handled, its posts computed in both partners' "
                "zones and quiet hours, and one batched write, one server at a time. A page cache of "
                "128 MB or no fsync changed nothing measurable; planning many servers in one read and "
                "one write is what would reach the target."
            )
        if figures.get("paced_start_to_ready_s", 0):
            parts.append(
                "On Discord a bot of this size has a `max_concurrency` of 1, one IDENTIFY every 5 s: at "
                f"that pace every shard was ready {figures['paced_start_to_ready_s']:.0f} s after start. "
                "No bot can go faster; each shard serves its servers from its own READY on, and the "
                "scheduler posts from the first second."
            )
        return " ".join(parts)

    return limits


def cold_start_figures(
    ready: float, rss: float, restart: float | None, first: float | None
) -> tuple[Figure, ...]:
    return (
        Figure("shards", "shards (as `GET /gateway/bot` recommends)", ""),
        Figure("start_to_schedules_loaded_s", "process start → every schedule armed (setup_hook done)", "s"),
        Figure("start_to_connected_s", "process start → first shard's READY", "s"),
        Figure(
            "start_to_ready_s", "process start → ready (every shard, every server arrived)", "s", ("<", ready)
        ),
        Figure(
            "start_to_settled_s",
            "restart with nothing changed: process start → start-up catch-up done",
            "s",
            ("<", restart) if restart else None,
        ),
        Figure("catch_up_s", "restart: the catch-up itself (ready → done)", "s"),
        Figure(
            "first_start_to_settled_s",
            "first start (no planning marks): process start → catch-up done, every couple re-planned",
            "s",
            ("<", first) if first else None,
        ),
        Figure("first_catch_up_s", "first start: the catch-up itself", "s"),
        Figure(
            "paced_start_to_ready_s",
            "process start → ready at Discord's default pace (max_concurrency 1)",
            "s",
        ),
        Figure("idle_rss_mb", "resident memory when idle", "MB", ("<", rss)),
        Figure("peak_rss_mb", "peak resident memory", "MB"),
        Figure("identify_refused", "IDENTIFYs refused by the session start limit", "", ("==", 0)),
        Figure("jobs_armed", "APScheduler jobs armed", ""),
        Figure("schedules", "schedule rows in the database", ""),
        Figure("database_mb", "database size", "MB"),
    )


BENCHES: tuple[Bench, ...] = (
    Bench(
        "interactions",
        "Interaction latency (1,000 couples × two years of data)",
        "python -m bench.interactions",
        (
            *tuple(
                fig
                for key, label in (
                    ("question_answer", "`/question answer` (modal submit)"),
                    ("checkin_now", "`/checkin now`"),
                    ("memory_search", "`/memory search`"),
                    ("memory_list", "`/memory list`"),
                    ("couple_status", "`/couple status`"),
                )
                for fig in (
                    Figure(f"{key}_p50_ms", f"{label} p50", "ms"),
                    Figure(f"{key}_p99_ms", f"{label} p99", "ms", ("<", 20.0)),
                )
            ),
            Figure("database_mb", "database size", "MB"),
            Figure("violations", "Discord-rule violations", "", ("==", 0)),
        ),
        "From INTERACTION_CREATE sent by the emulator to the interaction callback received "
        "(`InteractionResult.latency`), for one couple (copy 500 of 1,000) of a database where every "
        "couple holds two years of daily questions with both answers, daily check-ins for both, ~100 "
        "memories, rituals, a weekly call, dates and the delivery ledger. The five commands are "
        "interleaved; p50/p99 per run, median over the runs.",
        limits=interactions_limits,
    ),
    Bench(
        "fanout",
        "Fan-out: 2,000 daily questions on the same minute, rate limits on",
        "python -m bench.fanout",
        (
            Figure("done_s", "time from the minute to the last post", "s"),
            Figure("bound_s", "rate-limit bound (requests sent / 50 per s)", "s"),
            Figure("done_over_bound", "time / bound", "", ("<=", 1.1)),
            Figure("posts_delivered", "posts delivered (messages counted in the emulator)", ""),
            Figure("channels_without_a_post", "channels left without their post", "", ("==", 0)),
            Figure("channels_with_more_than_one", "channels with more than one post", "", ("==", 0)),
            Figure("ledger_failed_or_retry", "deliveries failed or left to retry (ledger)", "", ("==", 0)),
            Figure("rate_limited_429", "429s answered by the emulator (then retried)", ""),
            Figure("other_requests", "other requests sent in the window", ""),
            Figure("worst_done_s", "slowest run", "s"),
        ),
        "The scheduler runs by itself on the system clock: the minute comes and APScheduler fires "
        "the 2,000 jobs; the posts are paced by the scheduler (48 per second) and each goes through "
        "discord.py's own rate-limit handling against the "
        "emulator's Discord-like limits (global 50 requests/s, per-route buckets, 429 with `retry_after`). "
        "Target: every post delivered exactly once, no request failed after its retries, and done "
        "within 1.1 × the bound (2,000 posts / 50 per s = 40 s, so 44 s).",
        limits=fanout_limits,
    ),
    Bench(
        "cold_start",
        "Cold start with 10,000 couples",
        "python -m bench.cold_start",
        cold_start_figures(2.5, 200.0, 3.0, 30.0),
        "A fresh `python` process per run runs the real bot (system clock, scheduler running) against "
        "the emulator holding the 10,000 servers (in the parent process, so the bot's memory is its "
        "own), with Discord's sharding rules: the bot opens the shards `GET /gateway/bot` recommends "
        "(one per 1,000 servers) and the emulator refuses IDENTIFYs beyond the session start limit. It "
        "grants the `max_concurrency` Discord gives very large bots (16), so the shards identify at "
        "once and the figures are Closer's own; one more run at Discord's default of 1 shows the pace "
        "a bot of this size really gets. Every couple has every feature's schedules as after two "
        "years of use, and the last 30 days of history. The first run finds no planning marks (a first "
        "start, or the first after upgrading: every couple's calls, visit and dates are planned, and "
        'written again since the copies were moved to new zones); the figures without "first" are '
        "the medians of the restarts after it, with nothing changed.",
        limits=start_limits(2.5, 200.0, 3.0, 30.0),
    ),
    Bench(
        "sharded",
        "Sharded cold start with 25,000 couples",
        "python -m bench.sharded",
        cold_start_figures(6.0, 400.0, None, None),
        "The cold-start measurement at 25,000 couples: 25 shards recommended (Discord refuses a "
        "session holding 2,500 servers or more), the emulator granting a `max_concurrency` of 32 so "
        "they identify at once; then one run at Discord's default of 1.",
        limits=start_limits(6.0, 400.0, None, None),
    ),
    Bench(
        "storage",
        "Storage",
        "python -m bench.storage",
        (Figure("bytes_per_couple_year", "database bytes per couple-year", "bytes", ("<", STORAGE_TARGET)),),
        "Two years of the template couple copied 200 times into one database; what the copies added "
        "over an empty database, per couple-year, and split by table (indexes included). Photos are "
        "files beside the database and not counted.",
        limits=storage_limits,
    ),
    Bench(
        "question_pick",
        "Question pick (couple that answered 3,000 questions)",
        "python -m bench.question_pick",
        (
            Figure("pick_median_ms", "one pick, median", "ms", ("<", 5.0)),
            Figure("pick_p95_ms", "one pick, p95", "ms"),
            Figure("pick_max_ms", "one pick, max", "ms"),
        ),
        "Reading the couple's settings and history through the repository and choosing the next "
        "question, as the daily post does (direct calls on a real migrated database).",
        uses_template=False,
        quick={"ANSWERED": 300, "PICKS": 50, "RUNS": 1},
    ),
    Bench(
        "memory_search",
        "Memory search over 100,000 memories",
        "python -m bench.memory_search",
        (
            Figure("p50_ms", "`/memory search` p50", "ms"),
            Figure("p99_ms", "`/memory search` p99", "ms", ("<", 20.0)),
            Figure("db_p99_ms", "the database query alone, p99", "ms"),
        ),
        "One couple's book of 100,000 memories; searches through the emulator as a partner would.",
        uses_template=False,
        quick={"MEMORIES": 3000, "QUERIES": 40, "WARMUP": 5, "RUNS": 1},
    ),
    Bench(
        "mood_chart",
        "Mood chart (`/mood history 365`)",
        "python -m bench.mood_chart",
        (
            Figure("deferred_median_ms", "deferred response, median", "ms", ("<", 100.0)),
            Figure("deferred_max_ms", "deferred response, max", "ms"),
            Figure("chart_median_s", "chart finished, median", "s", ("<", 1.5)),
            Figure("chart_max_warm_s", "chart finished, slowest warm run", "s"),
            Figure("cold_chart_s", "first chart of a fresh process (imports matplotlib)", "s"),
        ),
        "A year of daily check-ins for both; the command defers, then edits in the PNG.",
        uses_template=False,
        quick={"RUNS": 2},
    ),
    Bench(
        "scheduler_load",
        "10,000 rituals armed at start",
        "python -m bench.scheduler_load",
        (
            Figure("arm_10k_rituals_s", "`Scheduler.start` over 10,000 ritual schedules", "s", ("<", 1.0)),
            Figure("jobs_armed", "APScheduler jobs armed (those due in the next hour)", ""),
            Figure("idle_rss_mb", "resident memory when idle (bot + emulator)", "MB", ("<", 150.0)),
            Figure("start_to_ready_s", "start to ready", "s"),
        ),
        "5,000 couples with two rituals each, at times spread over the day and five zones; core and "
        "rituals cogs only (the cold-start benchmark runs every feature). `Scheduler.start` settles "
        "interrupted claims, reads every pending schedule and arms an APScheduler job for each one "
        "due within the window (`ARM_WINDOW`, 1 h); a refill job arms the next ones every 20 minutes.",
        uses_template=False,
        quick={"COUPLES": 500, "RUNS": 1},
    ),
    Bench(
        "calls",
        "Call nights: planning",
        "python -m bench.calls",
        (
            Figure("plan_all_posts_missing_s", "planning every call, all posts missing (1,000 couples)", "s"),
            Figure("plan_all_in_place_s", "planning every call, all in place", "s"),
            Figure("clock_shifts_ms", "clock-change detection, one call", "ms"),
            Figure("call_schedule_ms", "`/call schedule` round trip", "ms"),
            Figure("call_next_ms", "`/call next` round trip", "ms"),
        ),
        "Planning at start and the call commands, through the emulator.",
        uses_template=False,
        quick={"COUPLES": 100, "RUNS": 1},
    ),
)


# -- the machine ---------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    def read(path: str) -> str:
        try:
            return Path(path).read_text()
        except OSError:
            return ""

    cpu = next((line.split(":", 1)[1].strip() for line in read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")  # fmt: skip
    mem = next((int(line.split()[1]) for line in read("/proc/meminfo").splitlines()
                if line.startswith("MemTotal:")), 0)  # fmt: skip
    pretty = next((line.split("=", 1)[1].strip('"') for line in read("/etc/os-release").splitlines()
                   if line.startswith("PRETTY_NAME=")), platform.platform())  # fmt: skip
    import aiosqlite  # noqa: F401
    import apscheduler
    import discord

    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical cores",
        "RAM": f"{mem / 1024 / 1024:.1f} GiB",
        "OS": f"{pretty} ({platform.system()} {platform.release()}, {platform.machine()})",
        "Python": f"{platform.python_implementation()} {platform.python_version()}",
        "Libraries": f"discord.py {discord.__version__}, APScheduler {apscheduler.__version__}, "
        f"SQLite {sqlite3.sqlite_version}",
    }


def load() -> tuple[float, float, float]:
    return os.getloadavg()


class OthersCpu:
    """How much of the machine other processes used while a benchmark ran (0.0 = quiet)."""

    def __init__(self) -> None:
        self.began = time.monotonic()
        self.busy = self.machine_busy()
        self.ours = self.own()

    @staticmethod
    def machine_busy() -> float:
        try:
            fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        except (OSError, ValueError):
            return float("nan")
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def own() -> float:
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    def share(self) -> float:
        elapsed = time.monotonic() - self.began
        others = (self.machine_busy() - self.busy) - (self.own() - self.ours)
        return max(0.0, others) / (elapsed * (os.cpu_count() or 1)) if elapsed > 0 else float("nan")


# -- running ---------------------------------------------------------------------------------------


async def run_one(bench: Bench, template: Template | None, quick: bool) -> dict[str, float]:
    module = importlib.import_module(f"bench.{bench.name}")
    if bench.uses_template:
        return await module.run(template, quick=quick)
    saved = {}
    if quick and bench.quick:
        for key, value in bench.quick.items():
            saved[key] = getattr(module, key)
            setattr(module, key, value)
    try:
        return await module.run()
    finally:
        for key, value in saved.items():
            setattr(module, key, value)


@dataclass
class Outcome:
    bench: Bench
    figures: dict[str, float] | None
    seconds: float
    load_before: tuple[float, float, float]
    others_cpu: float = float("nan")
    error: str | None = None


async def run_all(
    names: list[str], quick: bool, template_path: Path | None
) -> tuple[Template | None, list[Outcome]]:
    chosen = [b for b in BENCHES if b.name in names]
    template: Template | None = None
    outcomes = []
    with tempfile.TemporaryDirectory() as folder:
        if any(b.uses_template for b in chosen):
            if template_path is not None:
                template = Template.load(template_path)
            else:
                days = 30 if quick else DAYS
                say(f"building the template couple: {days} days through the real bot ...")
                template = await build_template(Path(folder) / "template.sqlite3", days)
            say(f"template: {template.days} days, built in {template.build_s:.0f} s")
        for bench in chosen:
            say(f"{bench.name} ...")
            before = load()
            others = OthersCpu()
            began = time.perf_counter()
            try:
                figures = await run_one(bench, template, quick)
                outcomes.append(Outcome(bench, figures, time.perf_counter() - began, before, others.share()))
            except Exception:
                error = traceback.format_exc(limit=8)
                outcomes.append(
                    Outcome(bench, None, time.perf_counter() - began, before, others.share(), error)
                )
                say(outcomes[-1].error or "")
            say(f"{bench.name} done in {outcomes[-1].seconds:.0f} s")
    return template, outcomes


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- writing BENCHMARKS.md -------------------------------------------------------------------------


def render(template: Template | None, outcomes: list[Outcome], quick: bool, began: datetime, total_s: float,
           load_start: tuple[float, float, float], load_end: tuple[float, float, float]) -> str:  # fmt: skip
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench` (do not edit by hand: run it again). Every benchmark runs the "
        "real CloserBot against the Discord emulator (the `emulator` package) on loopback, on a temporary "
        "database, unless it says it calls the bot's code directly. Each figure is the median of "
        "several runs (the number is given with each benchmark), measured on the machine below.",
        "",
    ]
    if quick:
        lines += ["> **Quick mode** (`--quick`): small sizes and one run each. These figures only show "
                  "that the benchmarks run; they are not the measurements.", ""]  # fmt: skip
    lines += ["## Machine", "", "| | |", "|---|---|"]
    for key, value in machine().items():
        lines.append(f"| {key} | {value} |")
    lines += [
        f"| Measured | {began:%Y-%m-%d %H:%M} UTC, {total_s / 60:.1f} minutes in all |",
        f"| Load average (1, 5, 15 min) | at the start {fmt_load(load_start)}; at the end {fmt_load(load_end)} |",
        "",
        "The machine is shared, so each benchmark below says how much of the CPU other processes used "
        "while it ran (from `/proc/stat`, less the benchmark's own CPU time; 0% is a quiet machine) and "
        "the load average before it (the benchmark itself keeps about one core busy, so a load near 1 "
        "is the benchmark alone). Benchmarks run one after the other, never side by side. The "
        "emulator runs in the benchmark's process, on the same event loop as the bot where the bot "
        "is in-process, so its own work on loopback is inside the latencies: they are an upper bound "
        "of what the bot itself adds.",
        "",
    ]
    if template is not None:
        lines += [
            "## The couples",
            "",
            f"The big databases are copies of one couple that lived {template.days} days through the real "
            "bot and the emulator (`bench/dataset.py`): paired through `/couple setup`, with the daily "
            "question (and a DM copy for one partner), both evening check-ins, the weekly digest, on this "
            "day, gratitude, a weekly check-in session, goodnight, a weekly call, a visit countdown, an "
            "anniversary and two birthdays; every day the scheduler posted what was due and the partners "
            "answered through the modals, checked in from the DM buttons, and so on. Then its rows were "
            "copied in SQL with shifted ids (a few seconds per 100 couples). What one couple holds after "
            f"{template.days} days:",
            "",
            "| table | rows |",
            "|---|---|",
        ]
        for name, count in template.counts.items():
            if count:
                lines.append(f"| {name} | {count:,} |")
        lines += ["", f"Building it took {template.build_s:.0f} s.", ""]
    shares = [o.others_cpu for o in outcomes if o.others_cpu == o.others_cpu]
    if shares:
        lines += [f"Other processes used at most {max(shares):.0%} of the CPU during any one benchmark.", ""]
    lines += [
        "## Summary",
        "",
        "| benchmark | figure | measured | target | verdict |",
        "|---|---|---|---|---|",
    ]
    missed: list[tuple[Outcome, list[Figure]]] = []
    for outcome in outcomes:
        if outcome.figures is None:
            lines.append(f"| {outcome.bench.title} | (failed to run) | | | **FAILED** |")
            continue
        misses = []
        for fig in outcome.bench.figures:
            if fig.target is None or fig.key not in outcome.figures:
                continue
            value = outcome.figures[fig.key]
            verdict = fig.verdict(value)
            if verdict != "met":
                misses.append(fig)
            lines.append(
                f"| {outcome.bench.title} | {fig.label} | {format_value(value, fig.unit)} | "
                f"{fig.target_text()} | {verdict} |"
            )
        if misses:
            missed.append((outcome, misses))
    lines.append("")
    if missed:
        lines += ["### Targets missed", ""]
        for outcome, misses in missed:
            names = ", ".join(f.label for f in misses)
            reason = outcome.bench.limits(outcome.figures or {}) if outcome.bench.limits else ""
            lines.append(f"- **{outcome.bench.title}**: {names}. {reason}".rstrip())
        lines.append("")
    else:
        lines += ["Every target was met.", ""]
    for outcome in outcomes:
        bench = outcome.bench
        lines += [f"## {bench.title}", "", bench.about, ""]
        lines += [
            f"Command: `{bench.command}` (part of `python -m bench`). Took {outcome.seconds:.0f} s; "
            f"load average before it: {fmt_load(outcome.load_before)}; other processes used "
            f"{outcome.others_cpu:.0%} of the machine's CPU while it ran.",
            "",
        ]
        if outcome.figures is None:
            lines += ["It failed to run:", "", "```", (outcome.error or "").strip(), "```", ""]
            continue
        runs = outcome.figures.get("runs")
        if runs is not None:
            lines += [f"Runs: {runs:.0f} (each figure is the median over them).", ""]
        lines += ["| figure | measured | target | verdict |", "|---|---|---|---|"]
        shown = set()
        for fig in bench.figures:
            if fig.key in outcome.figures:
                shown.add(fig.key)
                value = outcome.figures[fig.key]
                lines.append(
                    f"| {fig.label} | {format_value(value, fig.unit)} | {fig.target_text()} | {fig.verdict(value)} |"
                )
        lines.append("")
        rest = {k: v for k, v in outcome.figures.items() if k not in shown}
        if rest:
            lines += ["<details><summary>All figures</summary>", "", "| key | value |", "|---|---|"]
            for key, value in rest.items():
                lines.append(f"| `{key}` | {format_value(value, guess_unit(key))} |")
            lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip() + "\n"


def guess_unit(key: str) -> str:
    if key.endswith("_ms"):
        return "ms"
    if key.endswith("_s"):
        return "s"
    if key.endswith("_mb"):
        return "MB"
    if "bytes" in key:
        return "bytes"
    return ""


def fmt_load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each")
    parser.add_argument("--only", help="comma-separated benchmarks: " + ",".join(b.name for b in BENCHES))
    parser.add_argument(
        "--template", type=Path, help="a template kept by `python -m bench.dataset DAYS PATH`"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    names = args.only.split(",") if args.only else [b.name for b in BENCHES]
    unknown = set(names) - {b.name for b in BENCHES}
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    quiet_logs()
    began = datetime.now(UTC)
    load_start = load()
    started = time.perf_counter()
    template, outcomes = asyncio.run(run_all(names, args.quick, args.template))
    total = time.perf_counter() - started
    args.output.write_text(render(template, outcomes, args.quick, began, total, load_start, load()))
    say(f"wrote {args.output} ({total / 60:.1f} minutes)")
    return 1 if any(o.figures is None for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
