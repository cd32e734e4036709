"""The daily question's side of the data export: every day with the answers one partner may
see, and restoring revealed days (the import; the benchmark builds long histories with it).

A part of :class:`~bot.db.repositories.questions.QuestionRepository`, kept apart to keep each
file short; the only other place with the question tables' SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.db.connection import Database
from bot.db.question_models import Answer, Pick, QuestionDay, answer_from_row, day_from_row
from bot.timeutil import to_unix


class QuestionArchive:
    """The export's reads and the import's writes of the question tables."""

    db: Database

    async def export(self, guild_id: int, user_id: int) -> list[tuple[QuestionDay, list[Answer]]]:
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
        return [(day_from_row(r), by_day.get(r["id"], [])) for r in days]

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
