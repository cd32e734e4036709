"""The daily question's past, read: the questions set aside and vetoed, and what the history
page, the streak and the weekly digest read. A part of
:class:`~bot.db.repositories.questions.QuestionRepository`, kept apart to keep each file short;
with it and :mod:`~bot.db.repositories.question_archive`, the only places with the question
tables' SQL.
"""

from __future__ import annotations

from datetime import date

from bot.db.connection import Database
from bot.db.question_models import QuestionDay, SetAside, StreakDay, Veto, day_from_row
from bot.timeutil import from_unix


class QuestionHistory:
    """Reads of the couple's past questions."""

    db: Database

    async def set_aside(self, guild_id: int) -> list[SetAside]:
        """Questions set aside with "Not today" (skipped, never vetoed), each once with the last day
        it was set aside on, newest first."""
        rows = await self.db.fetchall(
            "SELECT question_id, question, category, MAX(local_date) AS day FROM question_days d "
            "WHERE guild_id = :guild AND status = 'skipped' AND NOT EXISTS ("
            "SELECT 1 FROM question_vetoes v WHERE v.guild_id = :guild AND v.question_id = d.question_id) "
            "GROUP BY question_id ORDER BY day DESC, question_id",
            {"guild": guild_id},
        )
        return [SetAside(r[0], r[1], r[2], date.fromisoformat(r[3])) for r in rows]

    async def vetoes(self, guild_id: int) -> list[Veto]:
        rows = await self.db.fetchall(
            "SELECT * FROM question_vetoes WHERE guild_id = ? ORDER BY vetoed_at DESC", (guild_id,)
        )
        return [
            Veto(r["question_id"], r["question"], r["category"], r["vetoed_by"], from_unix(r["vetoed_at"]))
            for r in rows
        ]

    async def revealed_question_ids(self, guild_id: int) -> frozenset[str]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT question_id FROM question_days WHERE guild_id = ? AND status = 'revealed'",
            (guild_id,),
        )
        return frozenset(r[0] for r in rows)

    async def revealed_count(self, guild_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM question_days WHERE guild_id = ? AND status = 'revealed'", (guild_id,)
            )
        )

    async def revealed_page(self, guild_id: int, offset: int, limit: int = 1) -> list[QuestionDay]:
        """Revealed days, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM question_days WHERE guild_id = ? AND status = 'revealed' "
            "ORDER BY local_date DESC, id DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return [day_from_row(r) for r in rows]

    async def streak_facts(self, guild_id: int, since: date | None = None) -> list[StreakDay]:
        """Every live day (from ``since``) with when it reached the couple, and who answered it in
        time (never the texts), in one grouped query."""
        rows = await self.db.fetchall(
            "SELECT d.local_date, COALESCE(d.posted_at, d.created_at) AS reached, "
            "group_concat(a.user_id || ':' || a.on_time) AS answers "
            "FROM question_days d LEFT JOIN question_answers a ON a.day_id = d.id "
            "WHERE d.guild_id = ? AND d.status <> 'skipped' AND d.local_date >= ? "
            "GROUP BY d.id ORDER BY d.local_date",
            (guild_id, since.isoformat() if since else ""),
        )
        days = []
        for r in rows:
            answered: dict[int, bool] = {}
            for item in (r["answers"] or "").split(","):
                if item:
                    user, _, on_time = item.partition(":")
                    answered[int(user)] = on_time == "1"
            days.append(StreakDay(date.fromisoformat(r["local_date"]), from_unix(r["reached"]), answered))
        return days

    async def streak_stamp(self, guild_id: int, before: date) -> tuple[int, ...]:
        """A fingerprint of the live days before ``before`` and their answers: it changes when
        any of them is added, removed, skipped or answered differently."""
        row = await self.db.fetchone(
            "SELECT COUNT(DISTINCT d.id), IFNULL(MAX(d.id), 0), IFNULL(SUM(d.id), 0), COUNT(a.day_id), "
            "IFNULL(SUM(a.on_time), 0), IFNULL(SUM(a.user_id % 1000003), 0) "
            "FROM question_days d LEFT JOIN question_answers a ON a.day_id = d.id "
            "WHERE d.guild_id = ? AND d.status <> 'skipped' AND d.local_date < ?",
            (guild_id, before.isoformat()),
        )
        assert row is not None
        return tuple(int(v) for v in row)

    async def revealed_since(self, guild_id: int, since: date) -> int:
        """Questions answered together (revealed) on days from ``since``."""
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM question_days WHERE guild_id = ? AND status = 'revealed' AND local_date >= ?",
                (guild_id, since.isoformat()),
            )
        )
