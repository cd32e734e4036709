"""Your data: an export, an import and a backup of a long-lived couple, timed.

Builds a couple's space of two years (730 question days with both answers, 1,460 check-ins,
300 memories, 150 of them with a 300 KB photo, 200 appreciations and wins), written through the
repositories as an import writes it (so the schema is known only there), then times, calling
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
import hashlib
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class SpaceRows:
    """The two years of the couple, as an import writes them (see :func:`space_rows`)."""

    question_days: list[dict[str, Any]]  # each with its answers
    checkins: list[dict[str, Any]]
    memories: list[dict[str, Any]]  # each with its photos
    paths: dict[str, str]  # a photo's file -> where it is kept
    appreciations: list[dict[str, Any]]
    wins: list[dict[str, Any]]


def space_rows(photos: Path) -> SpaceRows:
    """The couple's rows, the same on every run (``random.Random(7)``); the photo files (random
    bytes) are written into ``photos``."""
    rng = random.Random(7)
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

    began = NOW - timedelta(days=DAYS)
    start = int(began.timestamp())
    days: list[dict[str, Any]] = []
    checkins: list[dict[str, Any]] = []
    for n in range(DAYS):
        at = start + n * 86400
        day = (date(2024, 11, 24) + timedelta(days=n)).isoformat()
        days.append(
            {
                "ref": n,
                "repeat_ref": None,
                "question_id": f"dreams-{n:03d}",
                "question": text(12) + "?",
                "category": "dreams",
                "tier": 1,
                "day_number": n + 1,
                "local_date": day,
                "zone": "Europe/Berlin",
                "created_at": at,
                "posted_at": at,
                "status": "revealed",
                "revealed_at": at + 3600,
                "reveal_message_id": 0,
                "answers": [
                    {
                        "user_id": uid,
                        "answer": text(60),
                        "answered_at": at + 60,
                        "updated_at": at + 60,
                        "local_date": day,
                    }
                    for uid in (ALICE, BOB)
                ],
            }
        )
        checkins += [
            {
                "user_id": uid,
                "day": day,
                "mood": rng.randint(1, 5),
                "note": text(20),
                "zone": "UTC",
                "created_at": at,
                "updated_at": at,
            }
            for uid in (ALICE, BOB)
        ]
    photos.mkdir(parents=True, exist_ok=True)
    memories: list[dict[str, Any]] = []
    paths: dict[str, str] = {}
    for n in range(MEMORIES):
        at = start + n * 86400
        memory: dict[str, Any] = {
            "author_id": ALICE if n % 2 else BOB,
            "title": f"Memory {n}",
            "happened_on": "2025-01-01",
            "description": text(200),
            "tags": "trip,home",
            "created_at": at,
            "updated_at": at,
            "updated_by": ALICE,
            "photos": [],
        }
        if n % 2 == 0:
            data = b"\x89PNG\r\n\x1a\n" + os.urandom(PHOTO_BYTES)
            relative = f"{GUILD}/photo-{n:04d}.png"
            (photos / relative).parent.mkdir(parents=True, exist_ok=True)
            (photos / relative).write_bytes(data)
            paths[relative] = relative
            memory["photos"].append(
                {
                    "position": 0,
                    "file": relative,
                    "filename": "p.png",
                    "content_type": "image/png",
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        memories.append(memory)
    appreciations = [
        {
            "from_user": ALICE,
            "to_user": BOB,
            "message": text(30),
            "created_at": start + n * 3600,
            "delivered_at": start + n * 3600,
        }
        for n in range(200)
    ]
    wins = [{"user_id": BOB, "text": text(15), "created_at": start + n * 3600} for n in range(200)]
    return SpaceRows(days, checkins, memories, paths, appreciations, wins)


async def build_database(path: Path, photos: Path) -> None:
    """The space, written through Closer's repositories as an import writes it (only the timed
    parts go through the rest of Closer)."""
    from bot.db import Database, migrate
    from bot.db.repositories.checkins import CheckinRepository
    from bot.db.repositories.couples import CoupleRepository
    from bot.db.repositories.memories import MemoryRepository
    from bot.db.repositories.questions import QuestionRepository

    rows = space_rows(photos)
    began = NOW - timedelta(days=DAYS)
    db = await Database.open(path)
    try:
        await migrate(db)
        couples = CoupleRepository(db)
        await couples.invite(
            guild_id=GUILD,
            channel_id=1,
            inviter_id=ALICE,
            inviter_name="Alice",
            invitee_id=BOB,
            zone="Europe/Berlin",
            now=began,
        )
        await couples.accept(GUILD, BOB, "Bob", began)
        await couples.set_zone(GUILD, BOB, "America/Los_Angeles")
        questions, rooms = QuestionRepository(db), CheckinRepository(db)
        async with db.transaction() as tx:
            await questions.restore_rows(
                tx,
                GUILD,
                {
                    "question_settings": None,
                    "own_questions": (),
                    "question_days": rows.question_days,
                    "question_vetoes": (),
                },
            )
            await rooms.restore_checkins(tx, GUILD, (), (), rows.checkins)
            await MemoryRepository(db).restore_rows(tx, GUILD, rows.memories, rows.paths)
            await rooms.restore_appreciations(tx, GUILD, rows.appreciations)
            await rooms.restore_wins(tx, GUILD, rows.wins)
    finally:
        await db.close()


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
    await build_database(database, photos)
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
