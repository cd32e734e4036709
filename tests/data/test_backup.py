"""Daily backups: an online copy of the database (and the photos) that opens and passes
PRAGMA integrity_check, rotation 7 daily + 4 weekly, and `python -m bot restore FILE`, which
refuses while Closer runs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.backup import (
    DB_NAME,
    DataLock,
    RestoreRefused,
    backup_name,
    backups,
    create_backup,
    restore,
    rotate,
    to_keep,
)
from emulator import Fake
from tests.support import Closer, People, png

ROOT = Path(__file__).resolve().parents[2]
BACKUP_TIME = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)


def backup_files(closer: Closer) -> list[Path]:
    assert closer.bot is not None
    return [path for _, path in backups(closer.bot.settings.backups_dir)]


def opened(backup: Path, into: Path) -> sqlite3.Connection:
    with zipfile.ZipFile(backup) as archive:
        archive.extract(DB_NAME, into)
    return sqlite3.connect(into / DB_NAME)


def run_restore(tmp_path: Path, database: Path, backup: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID")}
    env.update({"PYTHONPATH": str(ROOT), "DATABASE_PATH": str(database)})
    return subprocess.run(
        [sys.executable, "-m", "bot", "restore", str(backup)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# -- the daily backup -----------------------------------------------------------------------------


async def test_the_daily_backup_opens_and_passes_the_integrity_check(
    couple: People, fake: Fake, closer: Closer, tmp_path: Path
) -> None:
    """At 03:00 UTC a zip appears in data/backups: its database is consistent and holds the couple."""
    await fake.slash(
        couple.alice,
        "memory add",
        title="Beach",
        date="2025-07-14",
        photo=fake.upload("b.png", png(2), "image/png"),
    )
    await closer.at(BACKUP_TIME)
    [backup] = backup_files(closer)
    assert backup.name == "closer-backup-2026-11-25T030000Z.zip"
    assert backup.parent == tmp_path / "data" / "backups"
    conn = opened(backup, tmp_path / "check")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM memories").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM partners").fetchone()[0] == 2
    finally:
        conn.close()


async def test_the_backup_includes_the_photos(couple: People, fake: Fake, closer: Closer) -> None:
    """Every photo file is in the zip under photos/, byte for byte."""
    await fake.slash(
        couple.alice,
        "memory add",
        title="Beach",
        date="2025-07-14",
        photo=fake.upload("b.png", png(2), "image/png"),
    )
    await closer.at(BACKUP_TIME)
    [backup] = backup_files(closer)
    assert closer.bot is not None
    root = closer.bot.settings.photos_dir
    on_disk = {
        "photos/" + p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
    }
    with zipfile.ZipFile(backup) as archive:
        in_zip = {n: archive.read(n) for n in archive.namelist() if n.startswith("photos/")}
    assert in_zip == on_disk
    assert list(in_zip.values()) == [png(2)]


async def test_a_backup_runs_once_a_day_and_is_in_the_ledger(couple: People, closer: Closer) -> None:
    """Two days of clock: two backups, each recorded as sent with its name."""
    await closer.at(BACKUP_TIME)
    await closer.at(BACKUP_TIME + timedelta(hours=12))
    await closer.at(BACKUP_TIME + timedelta(days=1))
    assert [p.name for p in backup_files(closer)] == [
        "closer-backup-2026-11-25T030000Z.zip",
        "closer-backup-2026-11-26T030000Z.zip",
    ]
    assert closer.bot is not None
    details = [
        r[0]
        for r in await closer.bot.db.fetchall(
            "SELECT d.detail FROM deliveries d JOIN schedules s ON s.id = d.schedule_id "
            "WHERE s.kind = 'data_backup' AND d.status = 'sent' ORDER BY d.id"
        )
    ]
    assert [d.split(" ")[0] for d in details] == [p.name for p in backup_files(closer)]


def test_a_backup_made_while_writing_is_consistent(tmp_path: Path) -> None:
    """The online backup of a WAL database with an open writer holds every committed row."""
    database = tmp_path / "live.sqlite3"
    writer = sqlite3.connect(database)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
    writer.executemany("INSERT INTO notes (text) VALUES (?)", [(f"note {n}",) for n in range(500)])
    writer.commit()
    writer.execute("INSERT INTO notes (text) VALUES ('uncommitted')")  # still open
    made = create_backup(database, tmp_path / "photos", tmp_path / "backups", BACKUP_TIME)
    writer.rollback()
    writer.close()
    conn = opened(made.path, tmp_path / "out")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 500
    finally:
        conn.close()


# -- rotation -------------------------------------------------------------------------------------


def days_back(count: int) -> list[datetime]:
    return [BACKUP_TIME - timedelta(days=n) for n in range(count)]


def test_rotation_keeps_seven_daily_and_four_weekly() -> None:
    """Sixty daily backups: the last 7 days, plus the newest of each of the last 4 weeks."""
    kept = sorted(to_keep(days_back(60)), reverse=True)
    assert kept[:7] == days_back(7)
    weeks = {t.isocalendar()[:2] for t in kept}
    assert len(weeks) == 4
    assert len(kept) == 7 + len(weeks - {t.isocalendar()[:2] for t in days_back(7)})
    assert min(kept) >= BACKUP_TIME - timedelta(days=28)


def test_rotation_keeps_the_newest_of_a_day_with_several() -> None:
    """Three backups on one day: only the latest of them counts for that day."""
    morning, noon, night = (BACKUP_TIME.replace(hour=h) for h in (3, 12, 22))
    assert to_keep([morning, noon, night]) == {night}


def test_rotation_deletes_the_files_it_does_not_keep(tmp_path: Path) -> None:
    """Files beyond the policy are removed; others in the folder are left alone."""
    for at in days_back(20):
        (tmp_path / backup_name(at)).write_bytes(b"zip")
    (tmp_path / "notes.txt").write_text("mine")
    removed = rotate(tmp_path)
    left = {p.name for p in tmp_path.iterdir()}
    assert "notes.txt" in left
    assert len(left) - 1 == len(to_keep(days_back(20)))
    assert all(not p.exists() for p in removed)


# -- restore --------------------------------------------------------------------------------------


async def test_python_m_bot_restore_puts_a_backup_back(
    couple: People, fake: Fake, closer: Closer, tmp_path: Path
) -> None:
    """A backup restored with `python -m bot restore FILE` over a changed database brings back
    its rows and photos; what was there before is kept aside."""
    await fake.slash(
        couple.alice,
        "memory add",
        title="Beach",
        date="2025-07-14",
        photo=fake.upload("b.png", png(2), "image/png"),
    )
    await closer.at(BACKUP_TIME)
    [backup] = backup_files(closer)
    await fake.slash(couple.alice, "memory add", title="After the backup", date="2025-08-01")
    await closer.stop()
    database = closer.database

    done = run_restore(tmp_path, database, backup)
    assert done.returncode == 0, done.stderr
    assert "Restored the backup of 2026-11-25T03:00:00Z" in done.stdout
    conn = sqlite3.connect(database)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in conn.execute("SELECT title FROM memories")] == ["Beach"]
    finally:
        conn.close()
    photos = [p.read_bytes() for p in (database.parent / "photos").rglob("*") if p.is_file()]
    assert photos == [png(2)]
    assert any(p.name.startswith("closer.sqlite3.before-restore-") for p in database.parent.iterdir())

    await closer.start()  # Closer runs on the restored database
    listed = await fake.slash(couple.alice, "memory list")
    assert "Beach" in listed.text
    assert "After the backup" not in listed.text


def test_restore_refuses_while_closer_runs(tmp_path: Path) -> None:
    """With the running bot's lock held, the restore exits 1 and changes nothing."""
    database = tmp_path / "data" / "closer.sqlite3"
    database.parent.mkdir()
    sqlite3.connect(database).close()
    made = create_backup(database, tmp_path / "data" / "photos", tmp_path / "backups", BACKUP_TIME)
    database.write_bytes(b"current")
    lock = DataLock(database)
    assert lock.acquire()
    try:
        done = run_restore(tmp_path, database, made.path)
    finally:
        lock.release()
    assert done.returncode == 1
    assert "Closer is running" in done.stderr
    assert database.read_bytes() == b"current"


@pytest.mark.parametrize("content", [b"not a zip", None])
def test_restore_refuses_what_is_not_a_sound_backup(tmp_path: Path, content: bytes | None) -> None:
    """A file that isn't a backup, or a backup with a damaged database, changes nothing."""
    database = tmp_path / "closer.sqlite3"
    database.write_bytes(b"current")
    backup = tmp_path / "closer-backup-2026-11-25T030000Z.zip"
    if content is not None:
        backup.write_bytes(content)
    else:
        with zipfile.ZipFile(backup, "w") as archive:
            archive.writestr(DB_NAME, b"SQLite format 3\x00" + b"\xff" * 4000)
    with pytest.raises(RestoreRefused):
        restore(backup, database, tmp_path / "photos", latest_version=8, now=BACKUP_TIME)
    assert database.read_bytes() == b"current"


def test_restore_without_a_file_shows_the_usage(tmp_path: Path) -> None:
    """`python -m bot restore` alone is a usage error (exit 2), and needs no token."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISCORD_TOKEN", "DEV_GUILD_ID")}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "restore"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "python -m bot restore FILE" in done.stderr
