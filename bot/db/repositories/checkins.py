"""Check-ins, sharing levels, love languages, appreciations and wins: the only place with their SQL.

It also names what these rows may hold (:class:`Sharing` levels, the :data:`LOVE_LANGUAGES`),
so the check-in rooms (check-ins, the mood chart, love languages, the digest) share one vocabulary.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from bot.db.connection import Database
from bot.db.repositories.checkin_archive import CheckinArchive
from bot.timeutil import from_unix, to_unix


class Sharing(StrEnum):
    """What a partner's check-ins show the other partner."""

    FULL = "full"  # the mood and the note
    MOOD = "mood"  # the mood only
    NOTHING = "nothing"  # nothing: check-ins stay private

    @property
    def shared(self) -> bool:
        """Whether the other partner may learn anything of a check-in at this level."""
        return self is not Sharing.NOTHING


PRIVACY = (Sharing.FULL, Sharing.MOOD, Sharing.NOTHING)  # from the most open to the most private


def most_private(*levels: Sharing) -> Sharing:
    """The most private of ``levels``: what a check-in changed under a new level keeps."""
    return max(levels, key=PRIVACY.index)


LOVE_LANGUAGES: dict[str, str] = {
    "words": "words of affirmation",
    "time": "quality time",
    "gifts": "receiving gifts",
    "service": "acts of service",
    "touch": "physical touch",
}


@dataclass(frozen=True, slots=True)
class CheckIn:
    guild_id: int
    user_id: int
    day: date
    mood: int
    note: str | None
    zone: str
    created_at: datetime
    updated_at: datetime
    told_at: datetime | None
    suggested_at: datetime | None
    sharing: Sharing = Sharing.FULL  # what the other partner may see of this check-in
    idea: str | None = None  # the idea (template) the other partner got with its news

    @property
    def shared(self) -> bool:
        return self.sharing.shared


@dataclass(frozen=True, slots=True)
class LoveLanguages:
    primary: str
    secondary: str | None


@dataclass(frozen=True, slots=True)
class Appreciation:
    id: int
    guild_id: int
    from_user: int
    to_user: int
    message: str
    created_at: datetime
    delivered_at: datetime | None


@dataclass(frozen=True, slots=True)
class Win:
    id: int
    guild_id: int
    user_id: int
    text: str
    created_at: datetime
    channel_id: int | None
    message_id: int | None
    celebrated_by: int | None
    celebrated_at: datetime | None


def _maybe_time(value: int | None) -> datetime | None:
    return from_unix(value) if value is not None else None


def _checkin(row: sqlite3.Row) -> CheckIn:
    return CheckIn(
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        day=date.fromisoformat(row["day"]),
        mood=row["mood"],
        note=row["note"],
        zone=row["zone"],
        created_at=from_unix(row["created_at"]),
        updated_at=from_unix(row["updated_at"]),
        told_at=_maybe_time(row["told_at"]),
        suggested_at=_maybe_time(row["suggested_at"]),
        sharing=Sharing(row["sharing"]),
        idea=row["idea"],
    )


def _appreciation(row: sqlite3.Row) -> Appreciation:
    return Appreciation(
        id=row["id"],
        guild_id=row["guild_id"],
        from_user=row["from_user"],
        to_user=row["to_user"],
        message=row["message"],
        created_at=from_unix(row["created_at"]),
        delivered_at=_maybe_time(row["delivered_at"]),
    )


def _win(row: sqlite3.Row) -> Win:
    return Win(
        id=row["id"],
        guild_id=row["guild_id"],
        user_id=row["user_id"],
        text=row["text"],
        created_at=from_unix(row["created_at"]),
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        celebrated_by=row["celebrated_by"],
        celebrated_at=_maybe_time(row["celebrated_at"]),
    )


KEEP: object = object()  # "leave the note as it is"


class CheckinRepository(CheckinArchive):
    """The check-in rooms' tables (the data export's reads and writes: :class:`CheckinArchive`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # -- check-ins -------------------------------------------------------------------------------

    async def save(
        self,
        guild_id: int,
        user_id: int,
        day: date,
        *,
        mood: int,
        zone: str,
        now: datetime,
        note: str | object | None = KEEP,
    ) -> tuple[CheckIn, CheckIn | None]:
        """Check in for ``day`` (or update that day's check-in): (the saved row, the row before).

        ``note`` left out keeps the day's note; None or "" removes it. The check-in is shared at
        the partner's current level; an update keeps the more private of its level and that one.
        """
        async with self.db.transaction() as tx:
            before = await tx.fetchone(
                "SELECT * FROM checkins WHERE guild_id = ? AND user_id = ? AND day = ?",
                (guild_id, user_id, day.isoformat()),
            )
            current = await tx.fetchval(
                "SELECT level FROM checkin_sharing WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
            )
            level = Sharing(current) if current else Sharing.FULL
            if before is not None:
                level = most_private(Sharing(before["sharing"]), level)
            new_note = (before["note"] if before is not None else None) if note is KEEP else (note or None)
            row = await tx.fetchone(
                "INSERT INTO checkins (guild_id, user_id, day, mood, note, zone, created_at, updated_at, sharing) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, day) DO UPDATE SET "
                "mood = excluded.mood, note = excluded.note, updated_at = excluded.updated_at, "
                "sharing = excluded.sharing RETURNING *",
                (
                    guild_id,
                    user_id,
                    day.isoformat(),
                    mood,
                    new_note,
                    zone,
                    to_unix(now),
                    to_unix(now),
                    level.value,
                ),
            )
            assert row is not None
            return _checkin(row), (_checkin(before) if before is not None else None)

    async def get(self, guild_id: int, user_id: int, day: date) -> CheckIn | None:
        row = await self.db.fetchone(
            "SELECT * FROM checkins WHERE guild_id = ? AND user_id = ? AND day = ?",
            (guild_id, user_id, day.isoformat()),
        )
        return _checkin(row) if row else None

    async def between(self, guild_id: int, user_id: int, first: date, last: date) -> list[CheckIn]:
        """A partner's check-ins from day ``first`` to day ``last`` included, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM checkins WHERE guild_id = ? AND user_id = ? AND day BETWEEN ? AND ? ORDER BY day",
            (guild_id, user_id, first.isoformat(), last.isoformat()),
        )
        return [_checkin(r) for r in rows]

    async def last_day(self, guild_id: int, user_id: int) -> date | None:
        value = await self.db.fetchval(
            "SELECT MAX(day) FROM checkins WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return date.fromisoformat(value) if value else None

    async def mark_told(
        self, guild_id: int, user_id: int, day: date, now: datetime, *, idea: str | None = None
    ) -> None:
        """The other partner was told about this check-in (with ``idea``, the template of the idea
        they got for a low day, if any)."""
        await self.db.execute(
            "UPDATE checkins SET told_at = ?, suggested_at = CASE WHEN ? IS NULL THEN suggested_at ELSE ? END, "
            "idea = IFNULL(?, idea) WHERE guild_id = ? AND user_id = ? AND day = ?",
            (to_unix(now), idea, to_unix(now), idea, guild_id, user_id, day.isoformat()),
        )

    async def ideas_since(self, guild_id: int, since: datetime) -> set[str]:
        """The ideas (templates) either partner was given since ``since``: none is given twice."""
        rows = await self.db.fetchall(
            "SELECT idea FROM checkins WHERE guild_id = ? AND idea IS NOT NULL AND suggested_at >= ?",
            (guild_id, to_unix(since)),
        )
        return {r[0] for r in rows}

    # -- sharing and love languages ----------------------------------------------------------------

    async def sharing(self, guild_id: int, user_id: int) -> Sharing:
        value = await self.db.fetchval(
            "SELECT level FROM checkin_sharing WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        return Sharing(value) if value else Sharing.FULL

    async def sharing_since(self, guild_id: int, user_id: int) -> tuple[Sharing, datetime | None]:
        """A partner's current level, and since when (None: never set, so ``full`` all along)."""
        row = await self.db.fetchone(
            "SELECT level, updated_at FROM checkin_sharing WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return (Sharing(row[0]), from_unix(row[1])) if row else (Sharing.FULL, None)

    async def set_sharing(
        self, guild_id: int, user_id: int, level: Sharing, now: datetime, *, today: date | None = None
    ) -> None:
        """The partner's level from now on; ``today``'s check-in, if any, becomes as private as it
        when that is more private (never more open: what was kept private stays private)."""
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO checkin_sharing (guild_id, user_id, level, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (guild_id, user_id) DO UPDATE SET level = excluded.level, "
                "updated_at = excluded.updated_at",
                (guild_id, user_id, level.value, to_unix(now)),
            )
            if today is not None:
                more_open = [p.value for p in PRIVACY[: PRIVACY.index(level)]]
                if more_open:
                    marks = ", ".join("?" for _ in more_open)
                    await tx.execute(
                        f"UPDATE checkins SET sharing = ? WHERE guild_id = ? AND user_id = ? AND day = ? "
                        f"AND sharing IN ({marks})",
                        (level.value, guild_id, user_id, today.isoformat(), *more_open),
                    )

    async def love_languages(self, guild_id: int, user_id: int) -> LoveLanguages | None:
        row = await self.db.fetchone(
            "SELECT primary_language, secondary_language FROM love_languages WHERE guild_id = ? AND user_id = ?",
            (guild_id, user_id),
        )
        return LoveLanguages(row[0], row[1]) if row else None

    async def set_love_languages(
        self, guild_id: int, user_id: int, primary: str, secondary: str | None, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO love_languages (guild_id, user_id, primary_language, secondary_language, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id) DO UPDATE SET "
            "primary_language = excluded.primary_language, secondary_language = excluded.secondary_language, "
            "updated_at = excluded.updated_at",
            (guild_id, user_id, primary, secondary, to_unix(now)),
        )

    # -- appreciations ---------------------------------------------------------------------------

    async def add_appreciation(
        self, guild_id: int, from_user: int, to_user: int, message: str, now: datetime
    ) -> Appreciation:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO appreciations (guild_id, from_user, to_user, message, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING *",
                (guild_id, from_user, to_user, message, to_unix(now)),
            )
            assert row is not None
            return _appreciation(row)

    async def appreciation(self, appreciation_id: int) -> Appreciation | None:
        row = await self.db.fetchone("SELECT * FROM appreciations WHERE id = ?", (appreciation_id,))
        return _appreciation(row) if row else None

    async def mark_delivered(self, appreciation_id: int, now: datetime) -> None:
        await self.db.execute(
            "UPDATE appreciations SET delivered_at = ? WHERE id = ?", (to_unix(now), appreciation_id)
        )

    async def appreciations_between(
        self, guild_id: int, start: datetime, end: datetime
    ) -> list[Appreciation]:
        """Appreciations written after ``start`` and up to ``end``, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM appreciations WHERE guild_id = ? AND created_at > ? AND created_at <= ? "
            "ORDER BY created_at, id",
            (guild_id, to_unix(start), to_unix(end)),
        )
        return [_appreciation(r) for r in rows]

    # -- wins --------------------------------------------------------------------------------------

    async def add_win(self, guild_id: int, user_id: int, text: str, now: datetime) -> Win:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO wins (guild_id, user_id, text, created_at) VALUES (?, ?, ?, ?) RETURNING *",
                (guild_id, user_id, text, to_unix(now)),
            )
            assert row is not None
            return _win(row)

    async def win(self, win_id: int, guild_id: int) -> Win | None:
        row = await self.db.fetchone("SELECT * FROM wins WHERE id = ? AND guild_id = ?", (win_id, guild_id))
        return _win(row) if row else None

    async def delete_win(self, win_id: int) -> None:
        await self.db.execute("DELETE FROM wins WHERE id = ?", (win_id,))

    async def set_win_message(self, win_id: int, channel_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE wins SET channel_id = ?, message_id = ? WHERE id = ?", (channel_id, message_id, win_id)
        )

    async def celebrate(self, win_id: int, user_id: int, now: datetime) -> bool:
        """Record the celebration; False when the win was already celebrated."""
        changed = await self.db.execute_count(
            "UPDATE wins SET celebrated_by = ?, celebrated_at = ? WHERE id = ? AND celebrated_at IS NULL",
            (user_id, to_unix(now), win_id),
        )
        return changed == 1

    async def wins_between(self, guild_id: int, start: datetime, end: datetime) -> list[Win]:
        """Wins shared after ``start`` and up to ``end``, oldest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM wins WHERE guild_id = ? AND created_at > ? AND created_at <= ? ORDER BY created_at, id",
            (guild_id, to_unix(start), to_unix(end)),
        )
        return [_win(r) for r in rows]
