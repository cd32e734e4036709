"""The daily question's tables: the only place with their SQL (see V4__questions.sql).

Privacy lives here too: nothing returns a partner's answer to a question that is not revealed,
except to its writer (:meth:`QuestionRepository.my_answer`, :meth:`QuestionRepository.export`).

The rows it returns are in :mod:`bot.db.question_models` (re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from bot.db.connection import Database, Tx
from bot.db.question_models import (
    CATEGORIES,
    DEFAULT_CATEGORIES,
    OWN_PREFIX,
    TIERS,
    Answer,
    Asked,
    History,
    OwnQuestion,
    Pick,
    QuestionDay,
    QuestionSettings,
    Saved,
    answer_from_row,
    day_from_row,
    own_from_row,
)
from bot.db.repositories.question_archive import QuestionArchive
from bot.db.repositories.question_history import QuestionHistory
from bot.timeutil import to_unix


def _csv(values: Iterable[object]) -> str:
    return ",".join(str(v) for v in sorted(values, key=str))


# Open question days with no closing planned. IFNULL on both sides, so the lookup uses the
# schedules' identity index (kind, server, key): with ``d.guild_id`` alone SQLite read every
# closing of the kind for each open day (minutes at start-up with 10,000 couples).
UNCLOSED_DAYS = (
    "SELECT * FROM question_days d WHERE status = 'open' AND closed_at IS NULL "
    "AND (:guild IS NULL OR guild_id = :guild) AND NOT EXISTS (SELECT 1 FROM schedules s "
    "WHERE s.kind = :kind AND IFNULL(s.guild_id, 0) = IFNULL(d.guild_id, 0) "
    "AND s.key = CAST(d.id AS TEXT)) ORDER BY id"
)


async def refusal_of_closed_day(tx: Tx, day_id: int) -> Saved | None:
    """Why an answer (or a guess day's play) can't be saved on this day any more: missing,
    revealed ("locked"), skipped or closed; None while it is open."""
    day = await tx.fetchone("SELECT status, closed_at FROM question_days WHERE id = ?", (day_id,))
    if day is None:
        return Saved("missing")
    if day["status"] == "revealed":
        return Saved("locked")
    if day["status"] == "skipped":
        return Saved("skipped")
    if day["closed_at"] is not None:
        return Saved("closed")
    return None


class QuestionRepository(QuestionArchive, QuestionHistory):
    """The daily question's tables (the data export's reads and writes: :class:`QuestionArchive`;
    the reads of the past: :class:`QuestionHistory`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- settings and own questions ---------------------------------------------------------------

    async def settings(self, guild_id: int) -> QuestionSettings:
        row = await self.db.fetchone(
            "SELECT categories, tiers FROM question_settings WHERE guild_id = ?", (guild_id,)
        )
        if row is None:
            return QuestionSettings.everything()
        categories = frozenset(c for c in row["categories"].split(",") if c in CATEGORIES)
        tiers = frozenset(int(t) for t in row["tiers"].split(",") if t.strip().isdigit() and int(t) in TIERS)
        return QuestionSettings(categories, tiers)

    async def set_settings(
        self,
        guild_id: int,
        *,
        categories: Iterable[str] | None = None,
        tiers: Iterable[int] | None = None,
        by: int,
        now: datetime,
    ) -> QuestionSettings:
        """Change the enabled categories and/or tiers; the settings after the change."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT categories, tiers FROM question_settings WHERE guild_id = ?", (guild_id,)
            )
            current_cats = row["categories"] if row else _csv(DEFAULT_CATEGORIES)
            current_tiers = row["tiers"] if row else _csv(TIERS)
            new_cats = _csv(categories) if categories is not None else current_cats
            new_tiers = _csv(tiers) if tiers is not None else current_tiers
            await tx.execute(
                "INSERT INTO question_settings (guild_id, categories, tiers, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET categories = excluded.categories, "
                "tiers = excluded.tiers, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (guild_id, new_cats, new_tiers, by, to_unix(now)),
            )
        return await self.settings(guild_id)

    async def add_own(self, guild_id: int, text: str, category: str, by: int, now: datetime) -> OwnQuestion:
        row_id = await self.db.execute(
            "INSERT INTO own_questions (guild_id, text, category, added_by, added_at) VALUES (?, ?, ?, ?, ?)",
            (guild_id, text, category, by, to_unix(now)),
        )
        row = await self.db.fetchone("SELECT * FROM own_questions WHERE id = ?", (row_id,))
        assert row is not None
        return own_from_row(row)

    async def own_questions(self, guild_id: int) -> list[OwnQuestion]:
        rows = await self.db.fetchall(
            "SELECT * FROM own_questions WHERE guild_id = ? ORDER BY id", (guild_id,)
        )
        return [own_from_row(r) for r in rows]

    # -- what choosing needs -----------------------------------------------------------------------

    async def history(self, guild_id: int) -> History:
        """The couple's history as :func:`cogs.questions.rules.choose` reads it: one grouped pass over a
        covering index (days skipped apart: a question set aside "Not today" is not asked), plus the
        (small) vetoes and own questions."""
        stats = await self.db.fetchall(
            "SELECT question_id, SUM(status <> 'skipped') AS days, "
            "SUM(status <> 'skipped' AND repeat_of IS NULL) AS asked, "
            "MAX(CASE WHEN status <> 'skipped' THEN local_date END) AS last_date, "
            "MAX(CASE WHEN status = 'revealed' THEN id END) AS revealed_day, "
            "MAX(CASE WHEN status <> 'skipped' AND repeat_of IS NOT NULL THEN local_date END) AS last_repeat, "
            "MAX(CASE WHEN status = 'skipped' THEN local_date END) AS skipped_on "
            "FROM question_days WHERE guild_id = ? GROUP BY question_id",
            (guild_id,),
        )
        vetoed = frozenset(
            r[0]
            for r in await self.db.fetchall(
                "SELECT question_id FROM question_vetoes WHERE guild_id = ?", (guild_id,)
            )
        )
        asked: dict[str, Asked] = {}
        set_aside: dict[str, date] = {}
        days = 0
        last_repeat: str | None = None
        latest: tuple[str, str] | None = None  # (date, question id) of the newest question day
        for r in stats:
            if r["skipped_on"] and r["question_id"] not in vetoed:
                set_aside[r["question_id"]] = date.fromisoformat(r["skipped_on"])
            last_date = r["last_date"]
            if last_date is None:
                continue  # only ever skipped
            asked[r["question_id"]] = Asked(int(r["asked"]), date.fromisoformat(last_date), r["revealed_day"])
            days += r["days"]
            if r["last_repeat"] and (last_repeat is None or r["last_repeat"] > last_repeat):
                last_repeat = r["last_repeat"]
            if latest is None or last_date > latest[0]:
                latest = (last_date, r["question_id"])
        own = await self.own_questions(guild_id)
        return History(
            asked=asked,
            vetoed=vetoed,
            own=tuple(o.question for o in own),
            days=days,
            last_was_own=latest is not None and latest[1].startswith(OWN_PREFIX),
            last_repeat=date.fromisoformat(last_repeat) if last_repeat else None,
            set_aside=set_aside,
        )

    async def attempts(self, guild_id: int, local_date: date) -> int:
        """How many questions were skipped on that day (each skip draws anew)."""
        return int(
            await self.db.fetchval(
                "SELECT COUNT(*) FROM question_days WHERE guild_id = ? AND local_date = ? AND status = 'skipped'",
                (guild_id, local_date.isoformat()),
            )
        )

    # -- question days -----------------------------------------------------------------------------

    async def create_day(
        self,
        guild_id: int,
        pick: Pick,
        *,
        day_number: int,
        local_date: date,
        zone: str,
        now: datetime,
    ) -> QuestionDay:
        """The live question of that date: created from ``pick``, or the one already there."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO question_days (guild_id, question_id, question, category, tier, day_number, "
                "local_date, zone, round, new_round, repeat_of, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    guild_id,
                    pick.question.id,
                    pick.question.text,
                    pick.question.category,
                    pick.question.tier,
                    day_number,
                    local_date.isoformat(),
                    zone,
                    pick.round,
                    int(pick.new_round),
                    pick.repeat_of,
                    to_unix(now),
                ),
            )
            row = await tx.fetchone(
                "SELECT * FROM question_days WHERE guild_id = ? AND local_date = ? AND status <> 'skipped'",
                (guild_id, local_date.isoformat()),
            )
        assert row is not None
        return day_from_row(row)

    async def day(self, day_id: int) -> QuestionDay | None:
        row = await self.db.fetchone("SELECT * FROM question_days WHERE id = ?", (day_id,))
        return day_from_row(row) if row else None

    async def live_day(self, guild_id: int, local_date: date) -> QuestionDay | None:
        """The question of that date (not a skipped one)."""
        row = await self.db.fetchone(
            "SELECT * FROM question_days WHERE guild_id = ? AND local_date = ? AND status <> 'skipped'",
            (guild_id, local_date.isoformat()),
        )
        return day_from_row(row) if row else None

    async def latest_day(self, guild_id: int) -> QuestionDay | None:
        """The couple's current question: the latest one not skipped."""
        row = await self.db.fetchone(
            "SELECT * FROM question_days WHERE guild_id = ? AND status <> 'skipped' "
            "ORDER BY local_date DESC, id DESC LIMIT 1",
            (guild_id,),
        )
        return day_from_row(row) if row else None

    async def set_posted(
        self, day_id: int, channel_id: int | None, message_id: int | None, now: datetime
    ) -> None:
        await self.db.execute(
            "UPDATE question_days SET channel_id = ?, message_id = ?, posted_at = COALESCE(posted_at, ?) "
            "WHERE id = ?",
            (channel_id, message_id, to_unix(now), day_id),
        )

    async def set_reveal_posted(self, day_id: int, thread_id: int | None, message_id: int | None) -> None:
        await self.db.execute(
            "UPDATE question_days SET thread_id = ?, reveal_message_id = ? WHERE id = ?",
            (thread_id, message_id, day_id),
        )

    async def set_thread(self, day_id: int, thread_id: int) -> None:
        await self.db.execute("UPDATE question_days SET thread_id = ? WHERE id = ?", (thread_id, day_id))

    async def close(self, day_id: int, now: datetime) -> bool:
        """The day ended before both answered: close it (False when it is revealed, skipped or
        closed already)."""
        return (
            await self.db.execute_count(
                "UPDATE question_days SET closed_at = ? WHERE id = ? AND status = 'open' AND closed_at IS NULL",
                (to_unix(now), day_id),
            )
            == 1
        )

    async def unclosed_days(self, close_kind: str, *, guild_id: int | None = None) -> list[QuestionDay]:
        """Open days (not closed yet) with no closing planned: days from before closing existed, or
        an import's (one server's with ``guild_id``)."""
        rows = await self.db.fetchall(
            UNCLOSED_DAYS,
            {"guild": guild_id, "kind": close_kind},
        )
        return [day_from_row(r) for r in rows]

    async def unposted_reveals(self, limit: int = 100, *, guild_id: int | None = None) -> list[QuestionDay]:
        """Revealed days whose reveal was never posted (Closer stopped in between); of one server
        when ``guild_id`` is given."""
        rows = await self.db.fetchall(
            "SELECT * FROM question_days WHERE status = 'revealed' AND reveal_message_id IS NULL "
            "AND (:guild IS NULL OR guild_id = :guild) ORDER BY revealed_at LIMIT :limit",
            {"guild": guild_id, "limit": limit},
        )
        return [day_from_row(r) for r in rows]

    # -- answers -----------------------------------------------------------------------------------

    async def answered_by(self, day_id: int) -> frozenset[int]:
        """Who has answered (never what)."""
        rows = await self.db.fetchall("SELECT user_id FROM question_answers WHERE day_id = ?", (day_id,))
        return frozenset(r[0] for r in rows)

    async def my_answer(self, day_id: int, user_id: int) -> Answer | None:
        """A partner's own answer (for their own eyes: the modal's prefill, their export)."""
        row = await self.db.fetchone(
            "SELECT * FROM question_answers WHERE day_id = ? AND user_id = ?", (day_id, user_id)
        )
        return answer_from_row(row) if row else None

    async def earlier_answer(
        self, guild_id: int, question_id: str, user_id: int, before: int
    ) -> Answer | None:
        """A partner's own answer to the same question on an earlier day that was never revealed
        (set aside, or closed): the form fills it in when the question comes back."""
        row = await self.db.fetchone(
            "SELECT a.* FROM question_answers a JOIN question_days d ON d.id = a.day_id "
            "WHERE d.guild_id = ? AND d.question_id = ? AND a.user_id = ? AND d.id < ? "
            "AND d.status <> 'revealed' ORDER BY d.id DESC LIMIT 1",
            (guild_id, question_id, user_id, before),
        )
        return answer_from_row(row) if row else None

    async def revealed_answers(self, day_id: int) -> list[Answer]:
        """Both answers of a revealed day; nothing before the reveal."""
        rows = await self.db.fetchall(
            "SELECT a.* FROM question_answers a JOIN question_days d ON d.id = a.day_id "
            "WHERE a.day_id = ? AND d.status = 'revealed' ORDER BY a.answered_at, a.user_id",
            (day_id,),
        )
        return [answer_from_row(r) for r in rows]

    async def save_answer(
        self,
        day_id: int,
        user_id: int,
        text: str,
        *,
        now: datetime,
        local_date: date,
        on_time: bool,
        partners: Sequence[int],
    ) -> Saved:
        """Save or replace an answer while the day is open; reveal when both partners have answered.

        ``on_time`` once earned is kept when the answer is replaced later.
        """
        async with self.db.transaction() as tx:
            refused = await refusal_of_closed_day(tx, day_id)
            if refused is not None:
                return refused
            existed = await tx.fetchval(
                "SELECT 1 FROM question_answers WHERE day_id = ? AND user_id = ?", (day_id, user_id)
            )
            await tx.execute(
                "INSERT INTO question_answers (day_id, user_id, answer, answered_at, updated_at, local_date, on_time) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day_id, user_id) DO UPDATE SET "
                "answer = excluded.answer, updated_at = excluded.updated_at, "
                "on_time = MAX(question_answers.on_time, excluded.on_time)",
                (day_id, user_id, text, to_unix(now), to_unix(now), local_date.isoformat(), int(on_time)),
            )
            rows = await tx.fetchall("SELECT user_id FROM question_answers WHERE day_id = ?", (day_id,))
            answered = frozenset(r[0] for r in rows)
            revealed = False
            if answered >= frozenset(partners):
                cursor = await tx.execute(
                    "UPDATE question_days SET status = 'revealed', revealed_at = ? WHERE id = ? AND status = 'open'",
                    (to_unix(now), day_id),
                )
                revealed = cursor.rowcount == 1
        return Saved("replaced" if existed else "saved", answered, revealed)

    # -- skipping and nudges -----------------------------------------------------------------------

    async def skip(self, day_id: int, user_id: int, now: datetime, *, never: bool) -> QuestionDay | None:
        """Skip an open question: the day is set aside (answers already written stay, for their
        writers). ``never``: the question is vetoed, never asked again; otherwise ("Not today") it
        may come back.

        None when it is not open any more (revealed, closed, or skipped already).
        """
        async with self.db.transaction() as tx:
            cursor = await tx.execute(
                "UPDATE question_days SET status = 'skipped', skipped_by = ?, skipped_at = ? "
                "WHERE id = ? AND status = 'open' AND closed_at IS NULL",
                (user_id, to_unix(now), day_id),
            )
            if cursor.rowcount != 1:
                return None
            row = await tx.fetchone("SELECT * FROM question_days WHERE id = ?", (day_id,))
            assert row is not None
            if not never:
                return day_from_row(row)
            await tx.execute(
                "INSERT INTO question_vetoes (guild_id, question_id, question, category, vetoed_by, vetoed_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (
                    row["guild_id"],
                    row["question_id"],
                    row["question"],
                    row["category"],
                    user_id,
                    to_unix(now),
                ),
            )
        return day_from_row(row)

    async def record_nudge(self, day_id: int, user_id: int, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO question_nudges (day_id, user_id, nudged_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (day_id, user_id, to_unix(now)),
        )

    async def forget_nudge(self, day_id: int, user_id: int) -> None:
        """What stood in for the nudge didn't go out: the nudge may come after all."""
        await self.db.execute(
            "DELETE FROM question_nudges WHERE day_id = ? AND user_id = ?", (day_id, user_id)
        )

    async def nudged(self, day_id: int, user_id: int) -> bool:
        return bool(
            await self.db.fetchval(
                "SELECT 1 FROM question_nudges WHERE day_id = ? AND user_id = ?", (day_id, user_id)
            )
        )
