"""Safe upgrades: a database made by the previous release (schema V1-V10, from the migration files
themselves) is backed up, upgraded by every later migration at start, and every feature works on
it through the emulator; the copy taken before the upgrade restores it; a copy that can't be made
stops the upgrade with nothing changed.

The previous release's database is built from ``bot/db/migrations/V1..V10`` and filled with a
lived-in space: a couple that used every feature through the real commands (questions answered
and skipped, check-ins, a memory with its photo, rituals and their answers, a weekly call with a
skip, a visit, an anniversary, appreciations, a win, their schedules and the delivery ledger), its
rows copied column by column into the V10 tables.
"""

from __future__ import annotations

import sqlite3
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.backup import restore_command
from bot.db import Database, migrate
from bot.db import files as db_files
from bot.db.migrate import NotBackedUp, load_migrations
from emulator import Fake
from tests.data.test_data_export import export_of, fill
from tests.support import Closer, People, latest_post, question_posts

PREVIOUS = 10  # the schema version of the previous release


def build_previous_release(database: Path, lived: Path) -> None:
    """``database``: the tables of migrations V1..V10 only, holding ``lived``'s rows (the columns
    those tables have)."""
    conn = sqlite3.connect(database, isolation_level=None)
    try:
        for migration in load_migrations():
            if migration.version <= PREVIOUS:
                conn.executescript(migration.sql)
        conn.execute(f"PRAGMA user_version = {PREVIOUS}")
        conn.execute("ATTACH DATABASE ? AS lived", (str(lived),))
        conn.execute("BEGIN")
        tables = conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE TABLE%' "
            "AND name NOT LIKE 'memories_fts%'"  # the search index fills itself from memories
        ).fetchall()
        for (table,) in tables:
            columns = ", ".join(f'"{row[1]}"' for row in conn.execute(f'PRAGMA main.table_info("{table}")'))
            conn.execute(f'INSERT INTO main."{table}" ({columns}) SELECT {columns} FROM lived."{table}"')
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE lived")
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def _replace(database: Path, by: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    by.rename(database)


def _version(database: Path) -> int:
    with sqlite3.connect(database) as conn:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])


def _comparable(document: Any) -> dict[str, Any]:
    data = document.model_dump(mode="json")
    data.pop("exported_at", None)
    return data


@pytest.mark.allow_violations("dm.closed")
async def test_the_previous_release_database_upgrades_and_every_feature_works(
    closer: Closer, fake: Fake, couple: People, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    await fill(closer, fake, couple)
    before, _ = await export_of(fake, couple.alice)
    recent_before = (await fake.slash(couple.alice, "couple status")).all_text
    await closer.stop()
    old = tmp_path / "previous-release.sqlite3"
    build_previous_release(old, closer.database)
    _replace(closer.database, old)
    assert _version(closer.database) == PREVIOUS

    await closer.start()  # migrates V11 and later, after copying the database aside
    latest = load_migrations()[-1].version
    assert _version(closer.database) == latest
    [copy] = db_files.upgrade_copies(closer.database)
    assert copy.name.startswith(f"closer.sqlite3.before-upgrade-v{PREVIOUS}-")
    assert _version(copy) == PREVIOUS
    assert db_files.integrity(copy) == "ok"

    # Everything the couple had is there, as it was: the whole export, item by item.
    after, files = await export_of(fake, couple.alice)
    assert _comparable(after) == _comparable(before)
    assert any(name.startswith("photos/") for name in files)
    # The commands read it.
    status = (await fake.slash(couple.alice, "couple status")).all_text
    for partner in ("alice", "bob"):
        assert partner in status
    assert "Lately" in status
    assert status.split("Lately")[1][:200] == recent_before.split("Lately")[1][:200]
    history = (await fake.slash(couple.alice, "question history")).all_text
    assert "Alice: the mountains, always." in history
    assert "Bob: the sea, with you." in history
    memories = (await fake.slash(couple.bob, "memory list")).all_text
    assert "Beach day" in memories
    assert "Snow in Kyoto" in memories
    assert closer.bot is not None
    beach = await closer.bot.db.fetchval("SELECT id FROM memories WHERE title = 'Beach day'")
    shown = await fake.slash(couple.bob, "memory show", id=beach)
    assert [a.filename for a in shown.attachments if a.filename.endswith(".png")]
    assert "19:30" in (await fake.slash(couple.alice, "call list")).all_text
    assert "Our anniversary" in (await fake.slash(couple.alice, "date list")).all_text
    assert "ratitude" in (await fake.slash(couple.alice, "ritual list")).all_text
    # The scheduler carries on: tomorrow's question comes at 09:00 in Berlin.
    posts = len(question_posts(fake, couple))
    await closer.at(closer.clock.now() + timedelta(days=1))
    assert len(question_posts(fake, couple)) == posts + 1
    assert latest_post(fake, couple).embed is not None

    # Going back: `python -m bot restore <the copy>` puts the previous release's database back.
    await closer.stop()
    settings = closer.settings()
    capsys.readouterr()
    assert restore_command(settings, copy, now=closer.clock.now()) == 0
    said = capsys.readouterr().out
    assert f"Restored the database copy of {copy.name.rsplit('-v10-', 1)[1]}" in said
    assert "the photos were left as they are" in said
    assert "closer.sqlite3.before-restore-" in said
    assert _version(closer.database) == PREVIOUS
    assert any(settings.photos_dir.rglob("*.png"))


async def test_no_copy_for_a_new_database_or_one_already_current(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "closer.sqlite3")
    try:
        await migrate(db)
        await migrate(db)
    finally:
        await db.close()
    assert db_files.upgrade_copies(tmp_path / "closer.sqlite3") == []


async def test_an_upgrade_that_cannot_back_up_first_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "closer.sqlite3"
    with sqlite3.connect(database) as conn:
        for migration in load_migrations():
            if migration.version <= PREVIOUS:
                conn.executescript(migration.sql)
        conn.execute(f"PRAGMA user_version = {PREVIOUS}")

    def full_disk(*args: object) -> Path:
        raise OSError(28, "No space left on device")

    # (bot.db.migrate is also the name of the function bot.db exports: patch the module itself)
    monkeypatch.setattr(sys.modules["bot.db.migrate"], "copy_before_upgrade", full_disk)
    db = await Database.open(database)
    try:
        with pytest.raises(NotBackedUp, match="could not copy it first") as refused:
            await migrate(db)
        assert "Nothing was changed" in str(refused.value)
        assert await db.fetchval("PRAGMA user_version") == PREVIOUS
    finally:
        await db.close()


def test_only_the_newest_copies_are_kept(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    database = tmp_path / "closer.sqlite3"
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TABLE t (x)")
    made = [
        db_files.copy_before_upgrade(database, version, datetime(2026, 1, version, tzinfo=UTC))
        for version in range(1, 6)
    ]
    assert db_files.upgrade_copies(database) == made[-db_files.UPGRADE_KEEP :]
