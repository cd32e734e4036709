"""Your data: an export, an import and a backup of a long-lived couple, timed.

Builds a couple's space of two years (730 question days with both answers, 1,460 check-ins,
300 memories, 150 of them with a 300 KB photo, 200 appreciations and wins), then times, calling
Closer's own code directly (no Discord in the way):

- ``export_*``: reading what a partner may see, every feature's part (``SpaceArchive.gather``),
  validating the document (``ArchiveFormat.validate``), and packing the zip parts under Discord's
  10 MB upload limit (the memory book, reading the photos, ``archive.pack``);
- ``import_ms``: checking the document (``ArchiveFormat.plan``) and writing it into a new server
  (``SpaceArchive.restore``, one transaction), photos left out;
- ``backup_ms``: the daily backup (SQLite online backup, integrity check, zip with the photos).

Run: ``python -m bench.data``. Figures are medians of RUNS runs.
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

RUNS = 5
DAYS = 730
MEMORIES = 300
PHOTO_BYTES = 300 * 1024
GUILD, ALICE, BOB = 10_001, 20_001, 20_002
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
LIMIT = 10 * 1024 * 1024


def build_database(path: Path, photos: Path) -> None:
    """The space, written straight into SQLite (only the timed parts go through Closer)."""
    from bot.db.migrate import load_migrations

    rng = random.Random(7)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    for migration in load_migrations():
        conn.executescript(migration.sql)
    conn.execute(f"PRAGMA user_version = {len(load_migrations())}")
    start = int((NOW - timedelta(days=DAYS)).timestamp())
    conn.execute(
        "INSERT INTO couples (guild_id, channel_id, status, inviter_id, invitee_id, created_at, paired_at) "
        "VALUES (?, 1, 'paired', ?, ?, ?, ?)",
        (GUILD, ALICE, BOB, start, start),
    )
    conn.executemany(
        "INSERT INTO partners (guild_id, user_id, position, display_name, zone) VALUES (?, ?, ?, ?, ?)",
        [(GUILD, ALICE, 1, "Alice", "Europe/Berlin"), (GUILD, BOB, 2, "Bob", "America/Los_Angeles")],
    )
    words = [
        "we",
        "laughed",
        "about",
        "the",
        "long",
        "call",
        "and",
        "the",
        "train",
        "and",
        "coffee",
        "in",
        "the",
        "morning",
        "light",
    ]

    def text(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    for n in range(DAYS):
        at = start + n * 86400
        day = (date(2024, 11, 24) + timedelta(days=n)).isoformat()
        cursor = conn.execute(
            "INSERT INTO question_days (guild_id, question_id, question, category, tier, day_number, local_date,"
            " zone, created_at, posted_at, status, revealed_at, reveal_message_id) "
            "VALUES (?, ?, ?, 'dreams', 1, ?, ?, 'Europe/Berlin', ?, ?, 'revealed', ?, 0)",
            (GUILD, f"dreams-{n:03d}", text(12) + "?", n + 1, day, at, at, at + 3600),
        )
        conn.executemany(
            "INSERT INTO question_answers (day_id, user_id, answer, answered_at, updated_at, local_date) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(cursor.lastrowid, uid, text(60), at + 60, at + 60, day) for uid in (ALICE, BOB)],
        )
        conn.executemany(
            "INSERT INTO checkins (guild_id, user_id, day, mood, note, zone, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, 'UTC', ?, ?)",
            [(GUILD, uid, day, rng.randint(1, 5), text(20), at, at) for uid in (ALICE, BOB)],
        )
    photos.mkdir(parents=True, exist_ok=True)
    for n in range(MEMORIES):
        at = start + n * 86400
        cursor = conn.execute(
            "INSERT INTO memories (guild_id, author_id, title, happened_on, description, tags, created_at, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, 'trip,home', ?, ?, ?)",
            (GUILD, ALICE if n % 2 else BOB, f"Memory {n}", "2025-01-01", text(200), at, at, ALICE),
        )
        if n % 2 == 0:
            data = b"\x89PNG\r\n\x1a\n" + os.urandom(PHOTO_BYTES)
            relative = f"{GUILD}/photo-{n:04d}.png"
            (photos / relative).parent.mkdir(parents=True, exist_ok=True)
            (photos / relative).write_bytes(data)
            conn.execute(
                "INSERT INTO memory_photos (memory_id, position, path, filename, content_type, size, sha256) "
                "VALUES (?, 0, ?, 'p.png', 'image/png', ?, ?)",
                (cursor.lastrowid, relative, len(data), __import__("hashlib").sha256(data).hexdigest()),
            )
    conn.executemany(
        "INSERT INTO appreciations (guild_id, from_user, to_user, message, created_at, delivered_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(GUILD, ALICE, BOB, text(30), start + n * 3600, start + n * 3600) for n in range(200)],
    )
    conn.executemany(
        "INSERT INTO wins (guild_id, user_id, text, created_at) VALUES (?, ?, ?, ?)",
        [(GUILD, BOB, text(15), start + n * 3600) for n in range(200)],
    )
    conn.commit()
    conn.close()


def space_archive(db: Any) -> Any:
    """Every feature's part of the export over ``db``, as the loaded bot registers them."""
    from bot.archive import SpaceArchive
    from bot.db.repositories.calls import CallRepository
    from bot.db.repositories.checkins import CheckinRepository
    from bot.db.repositories.couples import CoupleRepository
    from bot.db.repositories.dates import DateRepository
    from bot.db.repositories.memories import MemoryRepository
    from bot.db.repositories.questions import QuestionRepository
    from bot.db.repositories.rituals import RitualRepository
    from bot.db.repositories.schedules import ScheduleRepository
    from bot.db.repositories.visits import VisitRepository
    from cogs.appreciate import AppreciationsArchive
    from cogs.calls.archive import CallsArchive
    from cogs.checkins.archive import CheckinsArchive
    from cogs.dates.archive import DatesArchive
    from cogs.memories.archive import MemoriesArchive
    from cogs.questions.archive import QuestionsArchive
    from cogs.rituals.archive import GoodnightsArchive, RitualsArchive
    from cogs.visits.archive import VisitsArchive
    from cogs.win import WinsArchive

    checkins, rituals = CheckinRepository(db), RitualRepository(db)
    parts = [
        QuestionsArchive(QuestionRepository(db)),
        CheckinsArchive(checkins),
        AppreciationsArchive(checkins),
        WinsArchive(checkins),
        GoodnightsArchive(rituals),
        MemoriesArchive(MemoryRepository(db)),
        RitualsArchive(rituals),
        CallsArchive(CallRepository(db)),
        VisitsArchive(VisitRepository(db)),
        DatesArchive(DateRepository(db)),
    ]
    return SpaceArchive(db, CoupleRepository(db), ScheduleRepository(db), lambda: parts)


async def one_run(tmp: Path) -> dict[str, float]:
    from bot import archive
    from bot.backup import create_backup
    from bot.db.connection import Database

    database, photos = tmp / "closer.sqlite3", tmp / "photos"
    build_database(database, photos)
    db = await Database.open(database)
    try:
        space = space_archive(db)
        form = space.format()
        begin = time.perf_counter()
        gathered = await space.gather(GUILD, ALICE, server_id=GUILD, now=NOW)
        assert gathered is not None
        read = time.perf_counter() - begin

        begin = time.perf_counter()
        document = form.validate(gathered.data)
        built = time.perf_counter() - begin

        begin = time.perf_counter()
        first = [
            archive.Entry(archive.JSON_NAME, form.to_json(document), compress=True),
            archive.Entry(archive.BOOK_NAME, form.book(document).encode(), compress=True),
        ]
        rest = [archive.Entry(s.file, (photos / s.path).read_bytes()) for s in gathered.files]
        packed = archive.pack(first, rest, LIMIT, "closer-export", NOW)
        packing = time.perf_counter() - begin

        begin = time.perf_counter()
        plan = form.plan(document, channel_id=2)
        paths = {f.file: f"{GUILD + 1}/missing-{n}.png" for n, f in enumerate(form.files(document))}
        await space.restore(GUILD + 1, plan, paths, NOW)
        imported = time.perf_counter() - begin
    finally:
        await db.close()

    begin = time.perf_counter()
    made = await asyncio.to_thread(create_backup, database, photos, tmp / "backups", NOW)
    backed_up = time.perf_counter() - begin
    return {
        "export_read_ms": read * 1000,
        "export_build_ms": built * 1000,
        "export_pack_ms": packing * 1000,
        "export_total_ms": (read + built + packing) * 1000,
        "export_parts": float(len(packed.parts)),
        "export_mb": sum(len(p.data) for p in packed.parts) / (1024 * 1024),
        "import_ms": imported * 1000,
        "backup_ms": backed_up * 1000,
        "backup_mb": made.size / (1024 * 1024),
    }


async def run() -> dict[str, float]:
    results = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory() as name:
            results.append(await one_run(Path(name)))
    figures = {key: statistics.median(r[key] for r in results) for key in results[0]}
    figures.update(question_days=float(DAYS), memories=float(MEMORIES), runs=float(RUNS))
    return figures


if __name__ == "__main__":
    for key, value in asyncio.run(run()).items():
        print(f"{key}: {value:.3f}")
