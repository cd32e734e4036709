"""Picking the next daily question for a couple that has answered 3,000 questions.

A real, migrated SQLite database (WAL, the bot's pragmas) holds one paired couple with
``ANSWERED`` revealed question days, both answers each, built by the selection itself so the
history is realistic (several rounds through the bank, then-and-now repeats, a few vetoes and
own questions). One pick is what the daily post does before posting: read the couple's settings
and history through the repository and choose (``cogs.questions.rules.choose``).

- ``pick_median_ms`` / ``pick_p95_ms`` / ``pick_max_ms``: one whole pick (target: under 5 ms).
- ``history_read_median_ms``: the repository part; ``choose_median_ms``: the pure choice.
- ``build_s``: building the 3,000-day history (not part of a pick).

Run: ``python -m bench.question_pick`` (medians of ``RUNS`` runs of ``PICKS`` picks each).
"""

from __future__ import annotations

import asyncio
import dataclasses
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.db import Database, migrate
from bot.db.question_models import Asked, History, Pick
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.questions import QuestionRepository
from cogs.questions.bank import bank
from cogs.questions.rules import choose, seed_for

ANSWERED = 3_000
PICKS = 200
RUNS = 5
GUILD, ALICE, BOB = 1, 11, 22
FIRST_DAY = date(2018, 1, 1)


async def build(path: Path) -> tuple[Database, QuestionRepository]:
    """A database with one couple that has answered ``ANSWERED`` questions together."""
    db = await Database.open(path)
    await migrate(db)
    couples = CoupleRepository(db)
    start = datetime(2017, 12, 1, tzinfo=UTC)
    await couples.invite(
        guild_id=GUILD,
        channel_id=5,
        inviter_id=ALICE,
        inviter_name="alice",
        invitee_id=BOB,
        zone="Europe/Berlin",
        now=start,
    )
    await couples.accept(GUILD, BOB, "bob", start)
    repo = QuestionRepository(db)
    for index, text in enumerate(["What should our first shared bookshelf hold?", "Where do we retire?"]):
        await repo.add_own(GUILD, text, "dreams", ALICE, start + timedelta(minutes=index))
    history = History(own=tuple(o.question for o in await repo.own_questions(GUILD)))
    days: list[tuple[Pick, date, str, datetime, list[tuple[int, str]]]] = []
    for offset in range(ANSWERED):
        today = FIRST_DAY + timedelta(days=offset)
        pick = choose(
            bank(),
            history,
            categories=[q.category for q in bank()],
            tiers=[1, 2, 3],
            day_number=offset + 1,
            today=today,
            rng=seed_for(GUILD, today),
        )
        assert pick is not None
        at = datetime.combine(today, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
        days.append((pick, today, "Europe/Berlin", at, [(ALICE, f"Alice {offset}"), (BOB, f"Bob {offset}")]))
        asked = dict(history.asked)
        before = asked.get(pick.question.id)
        count = (before.count if before else 0) + (0 if pick.repeat_of else 1)
        asked[pick.question.id] = Asked(count, today, offset + 1)
        history = dataclasses.replace(
            history,
            asked=asked,
            days=offset + 1,
            last_was_own=pick.question.own,
            last_repeat=today if pick.repeat_of else history.last_repeat,
        )
    await repo.import_days(GUILD, days)
    await repo.import_vetoes(GUILD, bank()[::40], BOB, start)  # a few, as a real couple would have
    return db, repo


async def pick_once(repo: QuestionRepository, today: date) -> tuple[float, float]:
    """(whole pick, repository part) in milliseconds."""
    started = time.perf_counter()
    settings = await repo.settings(GUILD)
    history = await repo.history(GUILD)
    attempt = await repo.attempts(GUILD, today)
    read = time.perf_counter()
    pick = choose(
        bank(),
        history,
        categories=settings.categories,
        tiers=settings.tiers,
        day_number=history.days + 1,
        today=today,
        rng=seed_for(GUILD, today, attempt),
    )
    done = time.perf_counter()
    assert pick is not None
    return (done - started) * 1000, (read - started) * 1000


async def one_run(repo: QuestionRepository) -> dict[str, float]:
    today = FIRST_DAY + timedelta(days=ANSWERED)
    for _ in range(5):  # warm up the page cache and the bank
        await pick_once(repo, today)
    whole, reads = [], []
    for _ in range(PICKS):
        total, read = await pick_once(repo, today)
        whole.append(total)
        reads.append(read)
    whole.sort()
    return {
        "pick_median_ms": statistics.median(whole),
        "pick_p95_ms": whole[int(len(whole) * 0.95) - 1],
        "pick_max_ms": whole[-1],
        "history_read_median_ms": statistics.median(reads),
        "choose_median_ms": statistics.median(w - r for w, r in zip(whole, reads, strict=True)),
    }


async def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        db, repo = await build(Path(folder) / "bench.sqlite3")
        built = time.perf_counter() - started
        try:
            answered = await repo.revealed_count(GUILD)
            assert answered == ANSWERED, answered
            runs = [await one_run(repo) for _ in range(RUNS)]
        finally:
            await db.close()
    figures = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    figures["build_s"] = built
    figures["answered"] = float(ANSWERED)
    return figures


if __name__ == "__main__":
    results = asyncio.run(run())
    for name, value in results.items():
        print(f"{name}: {value:.3f}")
