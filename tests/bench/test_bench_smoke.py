"""The benchmarks still run: the quick path of the dataset builder and of one latency benchmark.

Benchmarks are not tests (``python -m bench`` runs them); this only checks that their machinery
works against the current bot, so a change that breaks them is seen in CI. No figure's value is
asserted, only that the figures were produced.
"""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest

from bench import interactions
from bench.dataset import Ids, Template, build_template, ids_of, replicate


async def built(tmp_path: Path) -> Template:
    return await build_template(tmp_path / "template.sqlite3", days=4)


async def test_the_benchmark_couple_lives_its_days_through_the_bot_and_copies_consistently(
    tmp_path: Path,
) -> None:
    """A few days of the template couple, then three copies, each a couple with its own rows."""
    template = await built(tmp_path)
    assert template.counts["question_days"] >= 4
    assert template.counts["question_answers"] > 0
    assert template.counts["checkins"] > 0
    copies = tmp_path / "copies.sqlite3"
    replicate(template, copies, 3)
    with sqlite3.connect(copies) as conn:
        couples = conn.execute("SELECT COUNT(*) FROM couples").fetchone()[0]
        days = conn.execute("SELECT COUNT(*) FROM question_days").fetchone()[0]
        orphans = conn.execute(
            "SELECT COUNT(*) FROM question_answers a LEFT JOIN question_days d ON d.id = a.day_id "
            "WHERE d.guild_id IS NULL"
        ).fetchone()[0]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
        triggers = conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]
    with sqlite3.connect(template.path) as conn:
        template_triggers = conn.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"
        ).fetchone()[0]
    assert triggers == template_triggers  # the memories' search index is kept up by triggers
    assert couples == 3
    assert days == 3 * template.counts["question_days"]
    assert orphans == 0
    assert foreign == []


async def test_copies_never_take_the_ids_of_the_emulated_couples(tmp_path: Path) -> None:
    """An emulated couple's server id (made "now") can be exactly where copy ``k``'s shifted
    server would land; that copy moves a stride further instead of clashing."""
    template = await built(tmp_path)
    clash = ids_of(template, 1)
    targets = {2: Ids(clash.guild, clash.channel + 1, clash.alice + 2, clash.bob + 3)}
    copies = tmp_path / "copies.sqlite3"
    replicate(template, copies, 3, targets=targets)  # copy 1 would have had copy 2's server id
    with sqlite3.connect(copies) as conn:
        guilds = {row[0] for row in conn.execute("SELECT guild_id FROM couples")}
    assert guilds == {ids_of(template, k, targets).guild for k in range(3)}
    assert len(guilds) == 3
    assert ids_of(template, 1, targets).guild != clash.guild


async def test_the_quick_interaction_latency_benchmark_produces_every_figure(tmp_path: Path) -> None:
    """``interactions.run(quick=True)``: a p50 and p99 for each measured command, no violation."""
    figures = await interactions.run(await built(tmp_path), quick=True)
    for command in interactions.COMMANDS:
        for stat in ("p50", "p99"):
            value = figures[f"{command}_{stat}_ms"]
            assert math.isfinite(value), (command, stat, value)
            assert value > 0, (command, stat, value)
    assert figures["violations"] == 0


def test_every_benchmark_module_imports() -> None:
    """A change that breaks a benchmark's imports is seen in CI, not when someone runs python -m bench."""
    import importlib
    import pkgutil

    import bench

    for module in pkgutil.iter_modules(bench.__path__):
        importlib.import_module(f"bench.{module.name}")


async def test_benchmark_spaces_are_written_through_the_repositories(tmp_path: Path) -> None:
    """The seeded couples, calls, rituals and schedules are consistent (no orphan, no broken key)."""
    from datetime import UTC, datetime

    from bench import calls, scheduler_load

    schedules = await scheduler_load.build_database(tmp_path / "rituals.sqlite3", couples=20)
    await calls.build_database(tmp_path / "calls.sqlite3", datetime(2026, 11, 24, tzinfo=UTC), couples=20)
    assert schedules == 40
    for name, table, expected in (("rituals", "rituals", 40), ("calls", "calls", 20)):
        with sqlite3.connect(tmp_path / f"{name}.sqlite3") as conn:
            assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == expected
            assert conn.execute("SELECT COUNT(*) FROM partners").fetchone()[0] == 40
            assert conn.execute("SELECT COUNT(*) FROM schedules WHERE next_due IS NULL").fetchone()[0] == 0
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_the_data_benchmark_space_is_written_through_the_repositories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short space of the export benchmark: every row where it belongs, the schema migrated."""
    from bench import data
    from bot.db.migrate import load_migrations

    monkeypatch.setattr(data, "DAYS", 6)
    monkeypatch.setattr(data, "MEMORIES", 4)
    monkeypatch.setattr(data, "PHOTO_BYTES", 64)
    await data.build_database(tmp_path / "data.sqlite3", tmp_path / "photos")
    with sqlite3.connect(tmp_path / "data.sqlite3") as conn:
        counts = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in (
                "couples",
                "partners",
                "question_days",
                "question_answers",
                "checkins",
                "memories",
                "memory_photos",
                "appreciations",
                "wins",
            )
        }
        zones = conn.execute("SELECT zone FROM partners ORDER BY position").fetchall()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert counts == {
        "couples": 1,
        "partners": 2,
        "question_days": 6,
        "question_answers": 12,
        "checkins": 12,
        "memories": 4,
        "memory_photos": 2,
        "appreciations": 200,
        "wins": 200,
    }
    assert zones == [("Europe/Berlin",), ("America/Los_Angeles",)]
    assert version == len(load_migrations())
    assert len(list((tmp_path / "photos").rglob("*.png"))) == 2
