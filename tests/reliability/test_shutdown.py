"""SIGTERM and Ctrl-C (SIGINT) stop Closer cleanly: exit 0 within seconds, nothing confirmed lost.

The bot runs as its own process (``launcher.py``: ``bot.__main__.run``, exactly what ``python -m bot``
runs). The couple pairs and saves a memory, then the process gets the signal, and it must leave
by itself: the gateway closed, the database closed (its WAL folded back: no ``-wal`` file
left behind), no traceback in its log.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import pytest

from emulator import Fake
from tests.support import pair

from .support import integrity
from .test_crash_safety import BotProcess, setup_couple

EXIT_WITHIN = 10.0  # seconds from the signal to the process gone


def wal_bytes(database: Path) -> int:
    """What is left in the write-ahead log (SQLite removes it when the last connection closes)."""
    wal = Path(f"{database}-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_a_signal_shuts_the_bot_down_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    fake = await Fake.start(patch=False)
    logs = tmp_path / "logs"
    logs.mkdir()
    database = tmp_path / "data" / "closer.sqlite3"
    bot = BotProcess(fake, database, logs)
    try:
        couple = await setup_couple(fake)
        await bot.start()
        await pair(fake, couple.alice, couple.bob, couple.channel, alice_zone="Berlin", bob_zone=None)
        saved = await fake.slash(couple.alice, "memory add", title="Before the signal")
        assert "Saved to your memory book" in saved.text
        assert bot.proc is not None
        bot.proc.send_signal(sig)
        code = await asyncio.wait_for(bot.proc.wait(), EXIT_WITHIN)
        assert code == 0, bot.log_text()
        log = bot.log_text()
        assert "Shutting down" in log
        assert "Traceback" not in log
        assert bot.problems_logged() == []
        assert not fake.gateway_connected
        fake.assert_no_violations()
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            await bot.kill()
        await fake.stop()

    assert wal_bytes(database) == 0
    check, foreign = integrity(database)
    assert (check, foreign) == ("ok", [])
    with sqlite3.connect(database) as conn:
        titles = [t for (t,) in conn.execute("SELECT title FROM memories")]
    assert titles == ["Before the signal"]
