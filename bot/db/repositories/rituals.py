"""Rituals, their runs and answers, and goodnight notes: the only place with their SQL.

The data export reads them as one partner may see them (:meth:`RitualRepository.export_rituals`:
the partner's session answers only to steps both answered) and the import writes them back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from bot.db.connection import Database, Row, Tx, without
from bot.db.models import parse_hhmm
from bot.db.repositories.schedules import weekday_mask, weekday_set
from bot.timeutil import format_clock, from_unix, to_unix


@dataclass(frozen=True, slots=True)
class Ritual:
    id: int
    guild_id: int
    template: str
    weekdays: frozenset[int]
    local_time: time
    zone: str
    message: str | None
    created_by: int
    created_at: datetime
    paused: bool


@dataclass(frozen=True, slots=True)
class RitualRun:
    id: int
    ritual_id: int
    scheduled_at: datetime
    message_id: int | None
    thread_id: int | None
    step: int
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class GoodnightNote:
    id: int
    guild_id: int
    from_user: int
    to_user: int
    message: str
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class RitualAnswer:
    user_id: int
    step: int
    answer: str
    answered_at: datetime


def _ritual(row: sqlite3.Row) -> Ritual:
    return Ritual(
        id=row["id"],
        guild_id=row["guild_id"],
        template=row["template"],
        weekdays=weekday_set(row["weekdays"]),
        local_time=parse_hhmm(row["local_time"]),
        zone=row["zone"],
        message=row["message"],
        created_by=row["created_by"],
        created_at=from_unix(row["created_at"]),
        paused=bool(row["paused"]),
    )


def _run(row: sqlite3.Row) -> RitualRun:
    return RitualRun(
        id=row["id"],
        ritual_id=row["ritual_id"],
        scheduled_at=from_unix(row["scheduled_at"]),
        message_id=row["message_id"],
        thread_id=row["thread_id"],
        step=row["step"],
        completed_at=from_unix(row["completed_at"]) if row["completed_at"] is not None else None,
    )


@dataclass(frozen=True, slots=True)
class RitualExport:
    """A couple's rituals as one partner may see them (stored rows)."""

    rituals: tuple[Row, ...]
    runs: tuple[Row, ...]
    answers: tuple[Row, ...]


class RitualRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        *,
        guild_id: int,
        template: str,
        weekdays: frozenset[int],
        at: time,
        zone: str,
        message: str | None,
        created_by: int,
        now: datetime,
    ) -> int:
        return await self.db.execute(
            "INSERT INTO rituals (guild_id, template, weekdays, local_time, zone, message, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                guild_id,
                template,
                weekday_mask(weekdays),
                format_clock(at),
                zone,
                message,
                created_by,
                to_unix(now),
            ),
        )

    async def get(self, ritual_id: int, guild_id: int | None = None) -> Ritual | None:
        if guild_id is None:
            row = await self.db.fetchone("SELECT * FROM rituals WHERE id = ?", (ritual_id,))
        else:
            row = await self.db.fetchone(
                "SELECT * FROM rituals WHERE id = ? AND guild_id = ?", (ritual_id, guild_id)
            )
        return _ritual(row) if row else None

    async def for_guild(self, guild_id: int) -> list[Ritual]:
        rows = await self.db.fetchall("SELECT * FROM rituals WHERE guild_id = ? ORDER BY id", (guild_id,))
        return [_ritual(r) for r in rows]

    async def find_template(self, guild_id: int, template: str) -> Ritual | None:
        row = await self.db.fetchone(
            "SELECT * FROM rituals WHERE guild_id = ? AND template = ? ORDER BY id LIMIT 1",
            (guild_id, template),
        )
        return _ritual(row) if row else None

    async def update_time(self, ritual_id: int, *, at: time, zone: str, weekdays: frozenset[int]) -> None:
        await self.db.execute(
            "UPDATE rituals SET local_time = ?, zone = ?, weekdays = ? WHERE id = ?",
            (format_clock(at), zone, weekday_mask(weekdays), ritual_id),
        )

    async def set_paused(self, ritual_id: int, paused: bool) -> None:
        await self.db.execute("UPDATE rituals SET paused = ? WHERE id = ?", (int(paused), ritual_id))

    async def delete(self, ritual_id: int) -> None:
        await self.db.execute("DELETE FROM rituals WHERE id = ?", (ritual_id,))

    # -- runs and answers ------------------------------------------------------------------------

    async def start_run(self, ritual_id: int, scheduled_at: datetime) -> RitualRun:
        """The run of this occurrence, created once (a retry reuses it)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO ritual_runs (ritual_id, scheduled_at) VALUES (?, ?) "
                "ON CONFLICT (ritual_id, scheduled_at) DO NOTHING",
                (ritual_id, to_unix(scheduled_at)),
            )
            row = await tx.fetchone(
                "SELECT * FROM ritual_runs WHERE ritual_id = ? AND scheduled_at = ?",
                (ritual_id, to_unix(scheduled_at)),
            )
        assert row is not None
        return _run(row)

    async def run(self, run_id: int) -> RitualRun | None:
        row = await self.db.fetchone("SELECT * FROM ritual_runs WHERE id = ?", (run_id,))
        return _run(row) if row else None

    async def set_run_posts(self, run_id: int, message_id: int | None, thread_id: int | None) -> None:
        await self.db.execute(
            "UPDATE ritual_runs SET message_id = ?, thread_id = ? WHERE id = ?",
            (message_id, thread_id, run_id),
        )

    async def answer(
        self, run_id: int, user_id: int, step: int, answer: str, now: datetime
    ) -> list[RitualAnswer] | None:
        """Save (or replace) an answer to the run's current step; the step's answers after it.

        None when the step is not open any more (the run moved on or completed).
        """
        async with self.db.transaction() as tx:
            run = await tx.fetchone("SELECT step, completed_at FROM ritual_runs WHERE id = ?", (run_id,))
            if run is None or run["completed_at"] is not None or run["step"] != step:
                return None
            await tx.execute(
                "INSERT INTO ritual_answers (run_id, user_id, step, answer, answered_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id, user_id, step) DO UPDATE SET answer = excluded.answer, "
                "answered_at = excluded.answered_at",
                (run_id, user_id, step, answer, to_unix(now)),
            )
            rows = await tx.fetchall(
                "SELECT * FROM ritual_answers WHERE run_id = ? AND step = ? ORDER BY answered_at, user_id",
                (run_id, step),
            )
        return [RitualAnswer(r["user_id"], r["step"], r["answer"], from_unix(r["answered_at"])) for r in rows]

    async def advance(self, run_id: int, from_step: int, last_step: int, now: datetime) -> bool:
        """Move the run past ``from_step`` (completing it after the last); False if already moved."""
        completed = to_unix(now) if from_step >= last_step else None
        count = await self.db.execute_count(
            "UPDATE ritual_runs SET step = ?, completed_at = ? WHERE id = ? AND step = ? AND completed_at IS NULL",
            (from_step + 1, completed, run_id, from_step),
        )
        return count == 1

    async def answers(self, run_id: int, step: int | None = None) -> list[RitualAnswer]:
        if step is None:
            rows = await self.db.fetchall(
                "SELECT * FROM ritual_answers WHERE run_id = ? ORDER BY step, answered_at, user_id", (run_id,)
            )
        else:
            rows = await self.db.fetchall(
                "SELECT * FROM ritual_answers WHERE run_id = ? AND step = ? ORDER BY answered_at, user_id",
                (run_id, step),
            )
        return [RitualAnswer(r["user_id"], r["step"], r["answer"], from_unix(r["answered_at"])) for r in rows]

    # -- goodnight notes ---------------------------------------------------------------------------

    async def add_goodnight(
        self, guild_id: int, from_user: int, to_user: int, message: str, now: datetime
    ) -> int:
        return await self.db.execute(
            "INSERT INTO goodnights (guild_id, from_user, to_user, message, sent_at) VALUES (?, ?, ?, ?, ?)",
            (guild_id, from_user, to_user, message, to_unix(now)),
        )

    async def goodnight(self, note_id: int) -> GoodnightNote | None:
        row = await self.db.fetchone("SELECT * FROM goodnights WHERE id = ?", (note_id,))
        if row is None:
            return None
        return GoodnightNote(
            row["id"],
            row["guild_id"],
            row["from_user"],
            row["to_user"],
            row["message"],
            from_unix(row["sent_at"]),
        )

    async def goodnights(self, guild_id: int) -> list[tuple[int, int, str, datetime]]:
        rows = await self.db.fetchall(
            "SELECT from_user, to_user, message, sent_at FROM goodnights WHERE guild_id = ? ORDER BY sent_at",
            (guild_id,),
        )
        return [(r[0], r[1], r[2], from_unix(r[3])) for r in rows]

    # -- the export and the import ---------------------------------------------------------------

    async def export_goodnights(self, guild_id: int) -> tuple[Row, ...]:
        return await self.db.fetchrows(
            "SELECT * FROM goodnights WHERE guild_id = ? ORDER BY sent_at, id", (guild_id,)
        )

    async def export_rituals(self, guild_id: int, user_id: int) -> RitualExport:
        """The rituals with their runs; the requester's answers, and the partner's to the steps
        both answered."""
        g = {"guild": guild_id}
        answers = await self.db.fetchrows(
            "SELECT a.* FROM ritual_answers a JOIN ritual_runs r ON r.id = a.run_id "
            "JOIN rituals t ON t.id = r.ritual_id WHERE t.guild_id = :guild AND (a.user_id = :user OR "
            "(SELECT COUNT(DISTINCT b.user_id) FROM ritual_answers b WHERE b.run_id = a.run_id "
            "AND b.step = a.step) >= 2) ORDER BY a.run_id, a.step, a.answered_at, a.user_id",
            {**g, "user": user_id},
        )
        return RitualExport(
            rituals=await self.db.fetchrows("SELECT * FROM rituals WHERE guild_id = :guild ORDER BY id", g),
            runs=await self.db.fetchrows(
                "SELECT r.* FROM ritual_runs r JOIN rituals t ON t.id = r.ritual_id "
                "WHERE t.guild_id = :guild ORDER BY r.ritual_id, r.scheduled_at",
                g,
            ),
            answers=answers,
        )

    async def restore_goodnights(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> int:
        return await tx.insert_rows("goodnights", rows, guild_id=guild_id)

    async def restore_rituals(self, tx: Tx, guild_id: int, rows: Iterable[Row]) -> tuple[int, int]:
        """Write an import's rituals, each with its runs (``runs``) and their answers (``answers``);
        returns how many rituals and runs. Their schedules are the feature's to arm."""
        rituals = runs = 0
        for row in rows:
            ritual_id = await tx.insert("rituals", {**without(row, "runs"), "guild_id": guild_id})
            rituals += 1
            for run in row["runs"]:
                run_id = await tx.insert("ritual_runs", {**without(run, "answers"), "ritual_id": ritual_id})
                runs += 1
                await tx.insert_rows("ritual_answers", run["answers"], run_id=run_id)
        return rituals, runs
