"""``python -m bot doctor``: check a host's setup and say, in plain words, what is wrong and what to
do about it. One line per check (✓ or ✗, and for a ✗ what to do), then the list of problems; exit
status 0 when all is well, 1 otherwise.

It works whether Closer is running or stopped: it reads the database read-only and never takes the
lock a running Closer holds (:class:`bot.backup.DataLock`), and it talks to Discord over REST only
(no gateway session to compete with the bot's). Checked: the token, the intents, every couple's
channel permissions, whether each partner gets DMs (from the delivery ledger), the database
(integrity, schema version, size, write-ahead log), the last backup (age, and that it opens), disk
space where the data lives, and the clock against Discord's.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.client import intents
from bot.clock import SystemClock
from bot.db.migrate import load_migrations
from bot.doctor import couples as couple_checks
from bot.doctor import discord_side
from bot.doctor.local import check_backup_folder, check_database, check_disk
from bot.doctor.report import Report, good
from bot.settings import Settings


def settings_source() -> str:
    """Where the settings come from (a host in the wrong folder reads no .env)."""
    env = Path(".env")
    if env.is_file():
        return f"settings from {env.resolve()} and the environment"
    return f"settings from the environment; there is no .env in {Path.cwd()}"


async def diagnose(settings: Settings, report: Report, source: str = "") -> int:
    """Run every check, printing each finding; the exit status."""
    report.say(f"Closer doctor: checking this host ({source or 'settings given'}).\n")
    latest = max((m.version for m in load_migrations()), default=0)
    database = settings.database_path
    finding, readable = check_database(database, latest)
    report.add(finding)
    now = SystemClock().now()
    report.add(check_backup_folder(settings.backups_dir, now, latest))
    report.add(check_disk(database, [settings.data_dir, settings.backups_dir]))

    couples = []
    db = None
    if readable:
        db = await couple_checks.open_read_only(database)
        couples = await couple_checks.paired_couples(db)
    try:
        session, token = await discord_side.login(settings.discord_token.get_secret_value().strip())
        report.add(token)
        report.add(discord_side.check_intents(intents(), session.flags if session else None))
        names: dict[int, str] = {}
        if session is not None:
            try:
                findings, names = await discord_side.check_channels(session, couples)
                if len(couples) > couple_checks.PER_COUPLE_LINES:
                    problems = [f for f in findings if not f.ok]
                    findings = problems or [
                        good("Channels", f"Closer may post in all {len(couples)} couples' channels")
                    ]
                if not couples and readable:
                    findings = [good("Channels", "no couple has paired yet: nothing to check")]
                report.add(*findings)
            finally:
                await session.http.close()
        if db is not None and couples:
            report.add(*await couple_checks.check_dms(db, couples, names))
    finally:
        if db is not None:
            await db.close()
    if session is not None or token.what == "Token":  # Discord answered (the clock needs an answer)
        report.add(await discord_side.check_clock())
    return report.verdict()


def doctor_command(settings: Settings) -> int:
    """``python -m bot doctor``: the exit status (0: all is well, 1: problems were found)."""
    return asyncio.run(diagnose(settings, Report(), settings_source()))
