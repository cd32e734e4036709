"""The daily question's side of the data export: everything one partner may see of the question
tables (:meth:`QuestionArchive.export_rows`; the privacy rule is :meth:`QuestionArchive.export`),
writing an import's rows back (:meth:`QuestionArchive.restore_rows`), and restoring revealed days
and vetoes in bulk (the benchmark builds long histories with them).

A part of :class:`~bot.db.repositories.questions.QuestionRepository`, kept apart to keep each
file short; the only other place with the question tables' SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.db.connection import Database, Row, Tx, without
from bot.db.question_models import Answer, Pick, Question, QuestionDay, answer_from_row, day_from_row
from bot.timeutil import to_unix


@dataclass(frozen=True, slots=True)
class QuestionExport:
    """The question tables as one partner may see them (stored rows; days with their answers)."""

    settings: Row | None
    own: tuple[Row, ...]
    days: tuple[tuple[QuestionDay, tuple[Answer, ...]], ...]
    vetoes: tuple[Row, ...]


class QuestionArchive:
    """The export's reads and the import's writes of the question tables."""

    db: Database

    async def export(self, guild_id: int, user_id: int) -> list[tuple[QuestionDay, tuple[Answer, ...]]]:
        """Every question day of the couple with the answers ``user_id`` may see: their own, and
        their partner's only once revealed."""
        days = await self.db.fetchall(
            "SELECT * FROM question_days WHERE guild_id = ? ORDER BY local_date, id", (guild_id,)
        )
        answers = await self.db.fetchall(
            "SELECT a.* FROM question_answers a JOIN question_days d ON d.id = a.day_id "
            "WHERE d.guild_id = ? AND (a.user_id = ? OR d.status = 'revealed') ORDER BY a.answered_at",
            (guild_id, user_id),
        )
        by_day: dict[int, list[Answer]] = {}
        for r in answers:
            by_day.setdefault(r["day_id"], []).append(answer_from_row(r))
        return [(day_from_row(r), tuple(by_day.get(r["id"], []))) for r in days]

    async def export_rows(self, guild_id: int, user_id: int) -> QuestionExport:
        """Everything of the daily question ``user_id`` may see: the days (:meth:`export`), the
        settings, own questions and vetoes."""
        settings = await self.db.fetchrows("SELECT * FROM question_settings WHERE guild_id = ?", (guild_id,))
        return QuestionExport(
            settings=settings[0] if settings else None,
            own=await self.db.fetchrows(
                "SELECT * FROM own_questions WHERE guild_id = ? ORDER BY id", (guild_id,)
            ),
            days=tuple(await self.export(guild_id, user_id)),
            vetoes=await self.db.fetchrows(
                "SELECT * FROM question_vetoes WHERE guild_id = ? ORDER BY vetoed_at, question_id",
                (guild_id,),
            ),
        )

    async def restore_rows(self, tx: Tx, guild_id: int, rows: Mapping[str, Any]) -> list[tuple[str, int]]:
        """Write an import's question rows (``rows``: question_settings, own_questions,
        question_days with their answers, question_vetoes). The export's own ids (``ref``) of
        own questions and days become new ids: ``own-{ref}`` and ``repeat_of`` follow them."""
        if rows["question_settings"] is not None:
            await tx.insert("question_settings", {**rows["question_settings"], "guild_id": guild_id})
        own: dict[str, str] = {}
        for row in rows["own_questions"]:
            new = await tx.insert("own_questions", {**without(row, "ref"), "guild_id": guild_id})
            own[f"own-{row['ref']}"] = f"own-{new}"
        days: dict[int, int] = {}
        later: list[tuple[int, int]] = []  # (day, the day it repeats) written after it
        answers = 0
        for row in rows["question_days"]:
            values = without(row, "ref", "repeat_ref", "answers")
            values["question_id"] = own.get(values["question_id"], values["question_id"])
            repeat = row["repeat_ref"]
            values["repeat_of"] = days.get(repeat) if repeat is not None else None
            new = await tx.insert("question_days", {**values, "guild_id": guild_id})
            days[row["ref"]] = new
            if repeat is not None and repeat not in days:
                later.append((new, repeat))
            for answer in row["answers"]:
                await tx.insert("question_answers", {**answer, "day_id": new})
                answers += 1
        for day_id, repeat in later:
            if repeat in days:
                await tx.execute(
                    "UPDATE question_days SET repeat_of = ? WHERE id = ?", (days[repeat], day_id)
                )
        for row in rows["question_vetoes"]:
            values = dict(row)
            values["question_id"] = own.get(values["question_id"], values["question_id"])
            await tx.insert("question_vetoes", {**values, "guild_id": guild_id})
        return [("question_days", len(rows["question_days"])), ("answers", answers)]

    async def import_days(
        self, guild_id: int, days: Sequence[tuple[Pick, date, str, datetime, Sequence[tuple[int, str]]]]
    ) -> None:
        """Restore revealed question days with both answers in one transaction (the data import;
        the benchmark builds long histories with it). Each entry: (pick, date, zone, instant, answers)."""
        async with self.db.transaction() as tx:
            number = int(
                await tx.fetchval(
                    "SELECT COUNT(*) FROM question_days WHERE guild_id = ? AND status <> 'skipped'",
                    (guild_id,),
                )
            )
            for pick, day, zone, at, answers in days:
                number += 1
                cursor = await tx.execute(
                    "INSERT INTO question_days (guild_id, question_id, question, category, tier, day_number, "
                    "local_date, zone, round, new_round, repeat_of, created_at, posted_at, status, revealed_at, "
                    "reveal_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'revealed', ?, 0)",
                    (
                        guild_id,
                        pick.question.id,
                        pick.question.text,
                        pick.question.category,
                        pick.question.tier,
                        number,
                        day.isoformat(),
                        zone,
                        pick.round,
                        int(pick.new_round),
                        pick.repeat_of,
                        to_unix(at),
                        to_unix(at),
                        to_unix(at),
                    ),
                )
                await tx.executemany(
                    "INSERT INTO question_answers (day_id, user_id, answer, answered_at, updated_at, local_date, "
                    "on_time) VALUES (?, ?, ?, ?, ?, ?, 1)",
                    [
                        (cursor.lastrowid, user_id, text, to_unix(at), to_unix(at), day.isoformat())
                        for user_id, text in answers
                    ],
                )

    async def import_vetoes(
        self, guild_id: int, questions: Iterable[Question], vetoed_by: int, now: datetime
    ) -> None:
        """Veto many questions in one transaction, as "Never ask this" vetoes one (the benchmark
        builds long histories with it): none of them is drawn again. A question vetoed already
        keeps its first veto."""
        async with self.db.transaction() as tx:
            await tx.executemany(
                "INSERT INTO question_vetoes (guild_id, question_id, question, category, vetoed_by, vetoed_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [(guild_id, q.id, q.text, q.category, vetoed_by, to_unix(now)) for q in questions],
            )
