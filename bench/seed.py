"""Benchmark spaces written through Closer's own repositories, in one transaction each batch.

The benchmarks need thousands of couples with calls or rituals in place before they measure. They
write them with the same repository methods an import uses (``restore_rows`` and friends), so the
schema is known in one place (the repositories) and a migration never leaves a benchmark behind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.db import Database
from bot.db.repositories.call_archive import CHILDREN
from bot.db.repositories.calls import CallRepository
from bot.db.repositories.couples import CoupleRepository
from bot.db.repositories.rituals import RitualRepository
from bot.db.repositories.schedules import ScheduleRepository

Row = dict[str, Any]


@dataclass
class Space:
    """One benchmark couple: its rows as an import would write them."""

    guild_id: int
    couple: Row
    partners: tuple[Row, ...]
    calls: list[Row] = field(default_factory=list)
    rituals: list[Row] = field(default_factory=list)
    schedules: list[Row] = field(default_factory=list)


def paired(guild_id: int, zones: tuple[str, str], created_at: int) -> Space:
    """A paired couple in server ``guild_id`` (partners ``guild_id + 2`` and ``+ 3``)."""
    couple = {
        "channel_id": guild_id + 1,
        "status": "paired",
        "inviter_id": guild_id + 2,
        "invitee_id": guild_id + 3,
        "created_at": created_at,
        "paired_at": created_at,
    }
    partners = (
        {"user_id": guild_id + 2, "position": 1, "display_name": "A", "zone": zones[0]},
        {"user_id": guild_id + 3, "position": 2, "display_name": "B", "zone": zones[1]},
    )
    return Space(guild_id, couple, partners)


def call_row(call_id: int, **values: Any) -> Row:
    """A call with none of its children yet (changes, answers, proposals, nights)."""
    return {"id": call_id, **values, **{key: [] for key, _ in CHILDREN}, "nights": []}


def ritual_row(ritual_id: int, **values: Any) -> Row:
    return {"id": ritual_id, **values, "runs": []}


async def write(db: Database, spaces: Iterable[Space], batch: int = 2_000) -> int:
    """Write every space through the repositories; returns how many schedules were written."""
    couples, calls = CoupleRepository(db), CallRepository(db)
    rituals, schedules = RitualRepository(db), ScheduleRepository(db)
    pending: list[Space] = []
    written = 0

    async def flush(group: Sequence[Space]) -> int:
        async with db.transaction() as tx:
            for space in group:
                await couples.restore_rows(tx, space.guild_id, space.couple, space.partners)
                await calls.restore_rows(tx, space.guild_id, space.calls)
                await rituals.restore_rituals(tx, space.guild_id, space.rituals)
                await schedules.restore_choices(tx, space.schedules)
        return sum(len(space.schedules) for space in group)

    for space in spaces:
        pending.append(space)
        if len(pending) >= batch:
            written += await flush(pending)
            pending = []
    if pending:
        written += await flush(pending)
    return written
