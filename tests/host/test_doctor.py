"""``python -m bot doctor`` against the emulator, as a host runs it: a process of its own with
DISCORD_TOKEN, DATABASE_PATH and BACKUP_DIR in its environment, beside a running Closer (which
holds its lock) and after it stopped.

No fault: every line is ✓, "All is well.", exit 0. With a permission taken away in the couple's
channel, a partner whose DMs are closed (a DM Closer really tried, refused by Discord) and a
damaged backup: each is named with what to do, exit 1.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.backup import DataLock, create_backup
from bot.clock import FakeClock, SystemClock
from emulator import Fake
from tests.host.doctor import Diagnosis, run_doctor
from tests.support import START, Closer, People

AWAKE = START + timedelta(hours=5)  # 18:00 in Berlin, 09:00 in Los Angeles: nobody's quiet hours


def _backup(closer: Closer, folder: Path) -> Path:
    """Today's backup, made by the function the daily backup job runs (stamped with the real time,
    which the doctor compares it with)."""
    settings = closer.settings()
    return create_backup(settings.database_path, settings.photos_dir, folder, SystemClock().now()).path


async def _doctor(fake: Fake, closer: Closer, backups: Path) -> Diagnosis:
    return await run_doctor(fake, backups.parent, DATABASE_PATH=str(closer.database), BACKUP_DIR=str(backups))


async def test_all_is_well(closer: Closer, fake: Fake, couple: People, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    _backup(closer, backups)
    with DataLock(closer.database):  # as a running `python -m bot` holds it: the doctor must not mind
        running = await _doctor(fake, closer, backups)
    assert running.status == 0, running.output
    lines = [line for line in running.output.splitlines() if line.startswith(("✓", "✗"))]
    assert lines
    assert all(line.startswith("✓") for line in lines), running.output
    for check in (
        "Token",
        "Intents",
        '"Our place" #us',
        '"Our place"',
        "Database",
        "Backup",
        "Disk",
        "Clock",
    ):
        running.line(f"✓ {check}")
    assert "All is well." in running.output
    assert "Emulated Bot" in running.line("✓ Token")
    assert "schema version" in running.line("✓ Database")
    await closer.stop()
    stopped = await _doctor(fake, closer, backups)
    assert stopped.status == 0, stopped.output


@pytest.mark.allow_violations("dm.closed", "channel.missing_permissions")
async def test_names_each_fault_and_what_to_do(
    closer: Closer, fake: Fake, couple: People, clock: FakeClock, tmp_path: Path
) -> None:
    # Bob's DMs are closed: Alice's note of appreciation, a DM Closer sends at once, is refused.
    fake.close_dms(couple.bob)
    clock.set(AWAKE)
    await fake.slash(couple.alice, "appreciate", message="Thank you for the call last night")
    await fake.idle()
    # Closer's role loses Embed Links in #us (an overwrite on the channel).
    [closer_role] = [r for r in couple.guild.roles if r.managed]
    fake.deny(couple.channel, closer_role, "embed_links")
    # The newest backup is damaged (cut in half).
    backups = tmp_path / "backups"
    made = _backup(closer, backups)
    made.write_bytes(made.read_bytes()[: made.stat().st_size // 2])
    with DataLock(closer.database):
        found = await _doctor(fake, closer, backups)
    assert found.status == 1, found.output
    channel = found.line('✗ "Our place" #us')
    assert "lacks Embed Links" in channel
    assert "Edit Channel → Permissions" in found.output
    dms = found.line('✗ "Our place": Discord refused a DM to bob')
    assert "DMs are closed" in dms
    assert "Privacy Settings" in found.output
    backup = found.line("✗ Backup")
    assert made.name in backup
    assert "damaged" in backup
    assert "3 problems to look at:" in found.output
    for fine in ("Token", "Database", "Disk", "Clock"):
        found.line(f"✓ {fine}")
    assert "All is well." not in found.output


async def test_a_token_discord_rejects(closer: Closer, fake: Fake, couple: People, tmp_path: Path) -> None:
    fake.reject_token(fake.token)
    backups = tmp_path / "backups"
    _backup(closer, backups)
    found = await _doctor(fake, closer, backups)
    assert found.status == 1
    assert "Discord rejected DISCORD_TOKEN" in found.line("✗ Token")
    assert "Reset Token" in found.output
