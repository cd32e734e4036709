"""The doctor's reading of the couples and of whether each partner gets Closer's DMs.

Read-only: the database is opened with ``mode=ro``, beside a running Closer. Whether a partner can
receive DMs comes from the delivery ledger: the latest personal delivery that tells (a DM that went
through, or one Discord refused because their DMs are closed).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

import aiosqlite

from bot.db.connection import Database
from bot.db.models import Couple
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.ledger import LedgerRepository
from bot.doctor.report import Finding, bad, good

PER_COUPLE_LINES = 10  # up to this many couples, one line each; beyond, a summary and the problems


def read_only_uri(path: Path) -> str:
    return f"{path.resolve().as_uri()}?mode=ro"


async def open_read_only(path: Path) -> Database:
    conn = await aiosqlite.connect(read_only_uri(path), uri=True, isolation_level=None)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA busy_timeout = 10000")
    return Database(conn, path)


async def paired_couples(db: Database) -> list[Couple]:
    return await CoupleRepository(db).all_paired()


async def check_dms(db: Database, couples: Sequence[Couple], names: dict[int, str]) -> list[Finding]:
    """Per couple: a partner whose latest DM Discord refused is a problem (with what to do)."""
    ledger = LedgerRepository(db)
    problems: list[Finding] = []
    fine: list[Finding] = []
    for couple in couples:
        server = names.get(couple.guild_id) or f"Server {couple.guild_id}"
        latest = await ledger.last_dms(couple.guild_id)
        reached, unknown = [], []
        for partner in couple.partners:
            last = latest.get(partner.user_id)
            if last is None:
                unknown.append(partner.display_name)
            elif "DMs closed" in (last.detail or ""):
                day = last.attempted_at.strftime("%Y-%m-%d")
                problems.append(
                    bad(
                        server,
                        f"Discord refused a DM to {partner.display_name} on {day} (their DMs are closed); "
                        "Closer posts their reminders in the shared channel instead, and private notes can't reach them",
                        f"{partner.display_name}: in Discord, open the server menu of {server} → Privacy Settings → "
                        "turn on Direct Messages.",
                    )
                )
            else:
                reached.append(partner.display_name)
        if reached or unknown:
            said = []
            if reached:
                said.append(f"DMs reach {' and '.join(reached)}")
            if unknown:
                said.append(f"no DM sent to {' and '.join(unknown)} yet")
            fine.append(good(server, "; ".join(said)))
    if len(couples) > PER_COUPLE_LINES:
        summary = good("DMs", f"no partner's DMs were refused (of {len(couples)} couples)")
        return problems or [summary]
    return fine + problems
