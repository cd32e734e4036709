"""Memory search: `/memory search` over a book of 100,000 memories, through Discord (the emulator).

Builds a couple's book of 100,000 generated memories (titles, descriptions and tags drawn from a
vocabulary with a natural, Zipf-like word frequency, so some words are in most memories and
others in a handful), pairs the couple through the real flow, then runs searches as a partner
would: one to three words, common and rare ones, words in no memory, and hostile input. Each
figure is the time from the interaction being dispatched to the bot's response arriving at the
emulator on loopback (``InteractionResult.latency``); the database part alone is measured too.

Run: ``python -m bench.memory_search`` (target: p99 under 20 ms). Figures are medians of RUNS.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

MEMORIES = 100_000
QUERIES = 300
WARMUP = 30
RUNS = 3
SEED = 7

ROOT = Path(__file__).resolve().parent.parent

# A small language of shared moments; earlier words are more frequent (Zipf-like).
VOCABULARY = str.split(
    """
we the and a to our you i of in at it was my your with on so for that together night day first
time home call love laughed talked walked watched long little so much finally again dinner
morning evening video train airport beach city park coffee movie music song dance kitchen cooked
rain snow sun sunset stars sky lake river sea mountains trail hike picnic breakfast lunch cake
birthday anniversary surprise gift letter postcard package flowers ring promise kiss hug hands
goodbye hello visit station bridge market museum gallery concert festival fireworks lights
christmas halloween summer winter spring autumn weekend holiday trip road car bus ferry boat
plane flight hotel cabin tent camping fire chocolate tea wine pizza pasta sushi ramen tacos
pancakes croissant bakery garden balcony window couch blanket pillow photo picture camera map
paris london tokyo berlin rome lisbon barcelona kyoto seattle porto vienna prague oslo dublin
mum dad sister brother grandma cousin friends wedding party game chess cards puzzle book read
aloud poem wrote drew painted built fixed planted learned taught sang cried missed waited counted
days until next together forever silly joke inside secret dream plan future apartment keys moved
dog cat puppy kitten bird horse ducks swans whale dolphins owl fox deer squirrel bees butterflies
meteor shower eclipse aurora rainbow thunderstorm fog frost heatwave storm breeze tide waves shells
"""
)
TAGS = [
    "calls", "firsts", "travel", "food", "home", "family", "friends", "music", "nature",
    "anniversary", "birthday", "visit", "funny", "cozy", "adventure", "holiday",
]  # fmt: skip
HOSTILE = ['"', "AND OR", "NEAR(", "*", "🏖️🌊", "(beach OR", "title: love", "x" * 3000]


def zipf_weights(n: int, exponent: float = 1.0) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, n + 1)]


def book(rng: random.Random, count: int) -> list[tuple[str, date, str, tuple[str, ...]]]:
    weights = zipf_weights(len(VOCABULARY))

    def words(low: int, high: int) -> str:
        return " ".join(rng.choices(VOCABULARY, weights, k=rng.randint(low, high)))

    out = []
    for _ in range(count):
        title = words(2, 6).capitalize()[:100]
        description = words(8, 80)
        day = date.fromordinal(date(2012, 1, 1).toordinal() + rng.randrange(5000))
        tags = tuple(sorted(set(rng.sample(TAGS, rng.randint(0, 3)))))
        out.append((title, day, description, tags))
    return out


def queries(rng: random.Random, count: int) -> list[str]:
    weights = zipf_weights(len(VOCABULARY), 0.8)
    out = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.05:
            out.append(rng.choice(HOSTILE))
        elif roll < 0.12:
            out.append(rng.choice(["zanzibar", "quokka", "xylophone", "igloo"]))  # in no memory
        elif roll < 0.2:
            out.append(rng.choice(TAGS))
        else:
            out.append(" ".join(rng.choices(VOCABULARY, weights, k=rng.choice([1, 1, 2, 2, 3]))))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


async def one_run(run_index: int) -> dict[str, float]:
    from bot.client import CloserBot
    from bot.db.repositories.memories import MemoryRepository, NewMemory
    from bot.db.repositories.memory_search import search_terms
    from bot.settings import Settings
    from emulator import Fake

    rng = random.Random(SEED + run_index)
    fake = await Fake.start()
    try:
        alice, bob = fake.create_user("alice"), fake.create_user("bob")
        guild = fake.create_guild("Our place", members=[alice, bob], text_channels=["general", "us"])
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None, discord_token=fake.token, database_path=Path(tmp) / "closer.sqlite3"
            )
            bot = CloserBot(settings, scheduler_autostart=False, guild_ready_timeout=0.05)
            task = asyncio.create_task(bot.start(fake.token))
            try:
                await fake.wait_for_ready(task)
                await bot.wait_until_ready()
                await fake.slash(
                    alice,
                    "couple setup",
                    partner=bob,
                    options={"channel": guild.channel("us")},
                    timezone="Berlin",
                )
                invitation = await fake.wait_for_message(guild.channel("us"), lambda m: "Accept" in m.buttons)
                await fake.click(invitation, "Accept", bob)

                repo = MemoryRepository(bot.db)
                built = time.perf_counter()
                items = [
                    NewMemory(alice.id if n % 2 else bob.id, title, day, description, tags)
                    for n, (title, day, description, tags) in enumerate(book(rng, MEMORIES))
                ]
                await repo.add_many(guild.id, items, bot.clock.now())
                build_s = time.perf_counter() - built
                del items  # the running bot holds none of this; don't make its GC walk it
                gc.collect()
                assert await repo.count(guild.id) == MEMORIES

                asked = queries(rng, WARMUP + QUERIES)
                latencies: list[float] = []
                database: list[float] = []
                found = 0
                for index, query in enumerate(asked):
                    result = await fake.slash(rng.choice([alice, bob]), "memory search", query=query)
                    assert result.latency is not None
                    if "Nothing found" not in result.text:
                        found += 1
                    started = time.perf_counter()
                    await repo.search(guild.id, search_terms(query), offset=0, limit=10)
                    if index >= WARMUP:
                        latencies.append(result.latency * 1000)
                        database.append((time.perf_counter() - started) * 1000)
                violations = len(fake.violations)
            finally:
                await bot.close()
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await task
    finally:
        await fake.stop()
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies),
        "db_p50_ms": statistics.median(database),
        "db_p99_ms": percentile(database, 99),
        "found_share": found / len(asked),
        "build_100k_s": build_s,
        "violations": float(violations),
    }


async def run() -> dict[str, float]:
    logging.getLogger("discord").setLevel(logging.WARNING)
    results = [await one_run(index) for index in range(RUNS)]
    figures = {key: statistics.median(r[key] for r in results) for key in results[0]}
    figures["memories"] = float(MEMORIES)
    figures["queries_per_run"] = float(QUERIES)
    figures["runs"] = float(RUNS)
    return figures


if __name__ == "__main__":
    for key, value in asyncio.run(run()).items():
        print(f"{key}: {value:.3f}")
