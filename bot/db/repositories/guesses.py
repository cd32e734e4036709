"""The guessing game's tables (see V18__guess.sql): how often a couple's guess questions come, and
each partner's play (their own pick and their guess of the other's).

A play is also its player's answer to the question day (``question_answers``: the text of the
option picked), written in the same transaction, so the day's reveal, streak and closing are the
daily question's own. Privacy lives here as for answers: nothing returns a partner's play on a day
that is not revealed, except to its player (:meth:`GuessRepository.my_play`, the export).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.db.connection import Database, Tx
from bot.db.question_models import Saved
from bot.db.repositories.questions import refusal_of_closed_day
from bot.timeutil import from_unix, to_unix

FREQUENCIES = ("never", "weekly", "twice")
DEFAULT_FREQUENCY = "weekly"
GUESS_LIKE = "guess-%"  # the question ids of guess questions


@dataclass(frozen=True, slots=True)
class Play:
    day_id: int
    user_id: int
    pick: int  # 0-based index of the option they picked for themselves
    guess: int  # ... and of the one they guessed for the other
    played_at: datetime


@dataclass(frozen=True, slots=True)
class Score:
    """Right guesses out of guesses, on revealed guess days, by category and by who guessed."""

    by_category: Mapping[str, tuple[int, int]]
    by_user: Mapping[int, tuple[int, int]]

    @property
    def total(self) -> tuple[int, int]:
        right = sum(r for r, _ in self.by_category.values())
        return right, sum(n for _, n in self.by_category.values())


def _play(row: Any) -> Play:
    return Play(row["day_id"], row["user_id"], row["pick"], row["guess"], from_unix(row["played_at"]))


class GuessRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- how often -------------------------------------------------------------------------------

    async def frequency(self, guild_id: int) -> str:
        value = await self.db.fetchval("SELECT frequency FROM guess_settings WHERE guild_id = ?", (guild_id,))
        return value if value in FREQUENCIES else DEFAULT_FREQUENCY

    async def set_frequency(self, guild_id: int, frequency: str, *, by: int, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO guess_settings (guild_id, frequency, updated_by, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET frequency = excluded.frequency, "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            (guild_id, frequency, by, to_unix(now)),
        )

    # -- plays -----------------------------------------------------------------------------------

    async def save_play(
        self,
        day_id: int,
        user_id: int,
        *,
        pick: int,
        guess: int,
        answer: str,
        now: datetime,
        local_date: date,
        on_time: bool,
        partners: Sequence[int],
    ) -> Saved:
        """Save or replace a play (and its answer) while the day is open; reveal the day when both
        partners have played. ``on_time`` once earned is kept."""
        async with self.db.transaction() as tx:
            refused = await refusal_of_closed_day(tx, day_id)
            if refused is not None:
                return refused
            existed = await tx.fetchval(
                "SELECT 1 FROM guess_plays WHERE day_id = ? AND user_id = ?", (day_id, user_id)
            )
            stamp = to_unix(now)
            await tx.execute(
                "INSERT INTO question_answers (day_id, user_id, answer, answered_at, updated_at, local_date, on_time) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day_id, user_id) DO UPDATE SET "
                "answer = excluded.answer, updated_at = excluded.updated_at, "
                "on_time = MAX(question_answers.on_time, excluded.on_time)",
                (day_id, user_id, answer, stamp, stamp, local_date.isoformat(), int(on_time)),
            )
            await tx.execute(
                "INSERT INTO guess_plays (day_id, user_id, pick, guess, played_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (day_id, user_id) DO UPDATE SET pick = excluded.pick, guess = excluded.guess, "
                "played_at = excluded.played_at",
                (day_id, user_id, pick, guess, stamp),
            )
            rows = await tx.fetchall("SELECT user_id FROM guess_plays WHERE day_id = ?", (day_id,))
            played = frozenset(r[0] for r in rows)
            revealed = False
            if played >= frozenset(partners):
                cursor = await tx.execute(
                    "UPDATE question_days SET status = 'revealed', revealed_at = ? WHERE id = ? AND status = 'open'",
                    (stamp, day_id),
                )
                revealed = cursor.rowcount == 1
        return Saved("replaced" if existed else "saved", played, revealed)

    async def my_play(self, day_id: int, user_id: int) -> Play | None:
        """A partner's own play (for their own eyes: the form's defaults)."""
        row = await self.db.fetchone(
            "SELECT * FROM guess_plays WHERE day_id = ? AND user_id = ?", (day_id, user_id)
        )
        return _play(row) if row else None

    async def revealed_plays(self, day_id: int) -> list[Play]:
        """Both plays of a revealed day; nothing before the reveal."""
        rows = await self.db.fetchall(
            "SELECT p.* FROM guess_plays p JOIN question_days d ON d.id = p.day_id "
            "WHERE p.day_id = ? AND d.status = 'revealed' ORDER BY p.played_at, p.user_id",
            (day_id,),
        )
        return [_play(r) for r in rows]

    async def score(self, guild_id: int) -> Score:
        """Right guesses / guesses on revealed days, by category and by who guessed."""
        rows = await self.db.fetchall(
            "SELECT d.category, g.user_id, SUM(g.guess = o.pick) AS right, COUNT(*) AS made "
            "FROM guess_plays g JOIN guess_plays o ON o.day_id = g.day_id AND o.user_id <> g.user_id "
            "JOIN question_days d ON d.id = g.day_id "
            "WHERE d.guild_id = ? AND d.status = 'revealed' GROUP BY d.category, g.user_id",
            (guild_id,),
        )
        by_category: dict[str, tuple[int, int]] = {}
        by_user: dict[int, tuple[int, int]] = {}
        for r in rows:
            right, made = int(r["right"]), int(r["made"])
            c = by_category.get(r["category"], (0, 0))
            by_category[r["category"]] = (c[0] + right, c[1] + made)
            u = by_user.get(r["user_id"], (0, 0))
            by_user[r["user_id"]] = (u[0] + right, u[1] + made)
        return Score(by_category, by_user)

    # -- the export and the import ---------------------------------------------------------------

    async def export_rows(self, guild_id: int, user_id: int) -> tuple[str, list[dict[str, Any]]]:
        """The frequency, and every live guess day with the plays ``user_id`` may see: both once
        revealed, only their own before."""
        frequency = await self.frequency(guild_id)
        rows = await self.db.fetchall(
            "SELECT d.local_date, d.question_id, d.status, p.user_id, p.pick, p.guess, p.played_at "
            "FROM question_days d JOIN guess_plays p ON p.day_id = d.id "
            "WHERE d.guild_id = ? AND d.status <> 'skipped' AND d.question_id LIKE ? "
            "AND (d.status = 'revealed' OR p.user_id = ?) ORDER BY d.local_date, p.played_at, p.user_id",
            (guild_id, GUESS_LIKE, user_id),
        )
        days: dict[str, dict[str, Any]] = {}
        for r in rows:
            day = days.setdefault(
                r["local_date"], {"local_date": r["local_date"], "question_id": r["question_id"], "plays": []}
            )
            day["plays"].append(
                {"user_id": r["user_id"], "pick": r["pick"], "guess": r["guess"], "played_at": r["played_at"]}
            )
        return frequency, list(days.values())

    async def restore_rows(self, tx: Tx, guild_id: int, rows: Mapping[str, Any]) -> list[tuple[str, int]]:
        """Write an import's guess rows, after the question days and answers they belong to (a
        play whose day or answer the file doesn't hold is left out)."""
        if rows["guess_settings"] is not None:
            await tx.insert("guess_settings", {**rows["guess_settings"], "guild_id": guild_id})
        plays = 0
        for play in rows["guess_plays"]:
            cursor = await tx.execute(
                "INSERT INTO guess_plays (day_id, user_id, pick, guess, played_at) "
                "SELECT a.day_id, a.user_id, ?, ?, ? FROM question_answers a JOIN question_days d "
                "ON d.id = a.day_id WHERE d.guild_id = ? AND d.local_date = ? AND d.question_id = ? "
                "AND d.status <> 'skipped' AND a.user_id = ?",
                (
                    play["pick"],
                    play["guess"],
                    play["played_at"],
                    guild_id,
                    play["local_date"],
                    play["question_id"],
                    play["user_id"],
                ),
            )
            plays += max(cursor.rowcount, 0)
        return [("guesses", plays)]
