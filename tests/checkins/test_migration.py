"""V13: each check-in keeps the sharing level it was made under; existing ones take their
partner's current level, and the check-in schedules get plain names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.db import Database, migrate
from bot.db.migrate import load_migrations


async def test_existing_check_ins_take_their_partners_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = await Database.open(tmp_path / "closer.sqlite3")
    try:
        before = [m for m in load_migrations() if m.version < 13]
        monkeypatch.setattr(sys.modules["bot.db.migrate"], "load_migrations", lambda: before)
        assert await migrate(db) == 12
        await db.execute(
            "INSERT INTO couples (guild_id, channel_id, status, inviter_id, invitee_id, created_at) "
            "VALUES (1, 2, 'paired', 10, 20, 0)"
        )
        for user in (10, 20):
            for day in ("2026-11-23", "2026-11-24"):
                await db.execute(
                    "INSERT INTO checkins (guild_id, user_id, day, mood, note, zone, created_at, updated_at) "
                    "VALUES (1, ?, ?, 3, 'n', 'UTC', 0, 0)",
                    (user, day),
                )
        await db.execute(
            "INSERT INTO checkin_sharing (guild_id, user_id, level, updated_at) VALUES (1, 20, 'nothing', 0)"
        )
        for kind, key, label, at in (
            ("checkin", "10", "Check-in for alice", "20:00"),
            ("checkin", "20", "Check-in for bob", "09:00"),
            ("checkin_share", "10", "alice's check-in, for bob", None),
            ("checkin_note", "low_streak:10:2026-11-20", "A gentle note for bob", None),
        ):
            await db.execute(
                "INSERT INTO schedules (guild_id, kind, key, label, local_time, created_at) VALUES (1, ?, ?, ?, ?, 0)",
                (kind, key, label, at),
            )
        monkeypatch.undo()
        assert await migrate(db) >= 13
        rows = await db.fetchall("SELECT user_id, sharing, idea FROM checkins ORDER BY user_id, day")
        assert [tuple(r) for r in rows] == [
            (10, "full", None),
            (10, "full", None),
            (20, "nothing", None),
            (20, "nothing", None),
        ]
        labels = [r[0] for r in await db.fetchall("SELECT label FROM schedules ORDER BY id")]
        assert labels == ["Evening check-in", "Daily check-in", "alice's check-in news", "A gentle note"]
    finally:
        await db.close()
