"""Your data: the export, the import, deletion, guild-removal retention and the purge.

The only place with the SQL that reads or writes every feature's tables at once. Privacy lives
here too: :meth:`DataRepository.snapshot` never reads what the requester may not see (a
partner's unrevealed answer or session answer, check-ins beyond what the partner shares, a note
of appreciation still on its way to them).

Rows go out as plain mappings of column name to stored value (Unix seconds, 'YYYY-MM-DD',
'HH:MM') inside frozen dataclasses; :mod:`bot.export` turns them into the export document and
back into an :class:`ImportPlan`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.db.connection import Database, Tx
from bot.db.repositories.questions import Answer, QuestionDay, QuestionRepository
from bot.timeutil import from_unix, to_unix

Row = Mapping[str, Any]

# Schedules that hold a couple's own choices (not derived from another table): restored by an
# import. The others (rituals, calls, dates, visits, nudges, reveals) are rebuilt by their feature.
CHOICE_KINDS = ("question", "question_dm", "checkin")

# Tables whose rows move with a kept space (found from the schema: every table with a foreign key
# to couples), except these: schedules end with the couple, drafts are throwaway.
_NOT_KEPT = frozenset({"schedules", "memory_drafts", "kept_spaces"})
_KINDS = {f"kind{n}": kind for n, kind in enumerate(CHOICE_KINDS)}
_KIND_PARAMS = ", ".join(f":{name}" for name in _KINDS)


def _rows(rows: Sequence[sqlite3.Row]) -> tuple[Row, ...]:
    return tuple(dict(r) for r in rows)


class SpaceTaken(Exception):
    """An import into a server that has a couple (it got one while the import was running)."""


@dataclass(frozen=True)
class Snapshot:
    """Everything one partner may see of a couple's space, as stored."""

    server_id: int  # the Discord server the space is (or was) in
    requester_id: int
    couple: Row
    partners: tuple[Row, ...]
    question_settings: Row | None
    own_questions: tuple[Row, ...]
    question_days: tuple[tuple[QuestionDay, tuple[Answer, ...]], ...]
    question_vetoes: tuple[Row, ...]
    checkin_sharing: tuple[Row, ...]
    love_languages: tuple[Row, ...]
    checkins: tuple[Row, ...]
    appreciations: tuple[Row, ...]
    wins: tuple[Row, ...]
    goodnights: tuple[Row, ...]
    memories: tuple[Row, ...]
    memory_photos: tuple[Row, ...]
    rituals: tuple[Row, ...]
    ritual_runs: tuple[Row, ...]
    ritual_answers: tuple[Row, ...]
    calls: tuple[Row, ...]
    call_changes: tuple[Row, ...]
    call_rsvps: tuple[Row, ...]
    call_proposals: tuple[Row, ...]
    call_nights: tuple[Row, ...]
    visits: tuple[Row, ...]
    special_dates: tuple[Row, ...]
    schedules: tuple[Row, ...]


@dataclass(frozen=True)
class ImportPlan:
    """A couple's space ready to be written, as stored values. ``ref`` fields are the export's
    own ids (question days, own questions), mapped to new ids while writing; nested rows
    (answers, photos, runs, a call's changes) sit inside their parent's row."""

    couple: Row
    partners: tuple[Row, ...]
    question_settings: Row | None
    own_questions: tuple[Row, ...]
    question_days: tuple[Row, ...]
    question_vetoes: tuple[Row, ...]
    checkin_sharing: tuple[Row, ...]
    love_languages: tuple[Row, ...]
    checkins: tuple[Row, ...]
    appreciations: tuple[Row, ...]
    wins: tuple[Row, ...]
    goodnights: tuple[Row, ...]
    memories: tuple[Row, ...]
    rituals: tuple[Row, ...]
    calls: tuple[Row, ...]
    visits: tuple[Row, ...]
    special_dates: tuple[Row, ...]
    schedules: tuple[Row, ...]


@dataclass(frozen=True, slots=True)
class Restored:
    """What an import wrote: new ids of what needs its schedules rebuilt, and counts."""

    ritual_ids: tuple[int, ...]
    call_ids: tuple[int, ...]
    photos: tuple[tuple[int, str], ...]  # (photo row id, path) of every photo row written
    counts: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts by what they count, in the order they are shown ("answers", 12)."""

    items: tuple[tuple[str, int], ...] = ()

    def get(self, name: str) -> int:
        return next((n for key, n in self.items if key == name), 0)

    @property
    def total(self) -> int:
        return sum(n for _, n in self.items)


@dataclass(frozen=True, slots=True)
class Removal:
    """What a deletion or the purge removed from the database: counts, the photo files to delete
    from disk, and the schedules whose timers to drop."""

    tally: Tally
    photo_paths: tuple[str, ...]
    schedule_ids: tuple[int, ...]
    guild_ids: tuple[int, ...] = ()  # the servers whose couples went (purge)
    kept_couple_id: int | None = None  # delete mine: where the partner's entries are kept


@dataclass(frozen=True, slots=True)
class Kept:
    """Entries kept for a partner after the other deleted theirs (see V8__data.sql)."""

    couple_id: int
    guild_id: int
    user_id: int
    left_by: int
    kept_at: datetime


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    id: int
    path: str
    sha256: str
    content_type: str
    filename: str


# What a partner's "mine" covers, as (label, SQL counting it, SQL deleting it). Parameters:
# guild id, user id. Order matters for deletion: answers before the memories' photos are read.
_MINE: tuple[tuple[str, str, str], ...] = (
    (
        "answers",
        "SELECT COUNT(*) FROM question_answers WHERE user_id = :user AND day_id IN "
        "(SELECT id FROM question_days WHERE guild_id = :guild)",
        "DELETE FROM question_answers WHERE user_id = :user AND day_id IN "
        "(SELECT id FROM question_days WHERE guild_id = :guild)",
    ),
    (
        "own_questions",
        "SELECT COUNT(*) FROM own_questions WHERE guild_id = :guild AND added_by = :user",
        "DELETE FROM own_questions WHERE guild_id = :guild AND added_by = :user",
    ),
    (
        "checkins",
        "SELECT COUNT(*) FROM checkins WHERE guild_id = :guild AND user_id = :user",
        "DELETE FROM checkins WHERE guild_id = :guild AND user_id = :user",
    ),
    (
        "appreciations",
        "SELECT COUNT(*) FROM appreciations WHERE guild_id = :guild AND from_user = :user",
        "DELETE FROM appreciations WHERE guild_id = :guild AND from_user = :user",
    ),
    (
        "wins",
        "SELECT COUNT(*) FROM wins WHERE guild_id = :guild AND user_id = :user",
        "DELETE FROM wins WHERE guild_id = :guild AND user_id = :user",
    ),
    (
        "goodnights",
        "SELECT COUNT(*) FROM goodnights WHERE guild_id = :guild AND from_user = :user",
        "DELETE FROM goodnights WHERE guild_id = :guild AND from_user = :user",
    ),
    (
        "ritual_answers",
        "SELECT COUNT(*) FROM ritual_answers WHERE user_id = :user AND run_id IN (SELECT r.id FROM "
        "ritual_runs r JOIN rituals t ON t.id = r.ritual_id WHERE t.guild_id = :guild)",
        "DELETE FROM ritual_answers WHERE user_id = :user AND run_id IN (SELECT r.id FROM "
        "ritual_runs r JOIN rituals t ON t.id = r.ritual_id WHERE t.guild_id = :guild)",
    ),
    (
        "call_replies",
        "SELECT (SELECT COUNT(*) FROM call_rsvps WHERE user_id = :user AND call_id IN "
        "(SELECT id FROM calls WHERE guild_id = :guild)) + (SELECT COUNT(*) FROM call_proposals "
        "WHERE proposed_by = :user AND call_id IN (SELECT id FROM calls WHERE guild_id = :guild))",
        "",  # two statements, see _delete_mine
    ),
    (
        "memories",
        "SELECT COUNT(*) FROM memories WHERE guild_id = :guild AND author_id = :user",
        "",  # photos first, see _delete_mine
    ),
    (
        "photos",
        "SELECT COUNT(*) FROM memory_photos p JOIN memories m ON m.id = p.memory_id "
        "WHERE m.guild_id = :guild AND m.author_id = :user",
        "",
    ),
)

# What a whole space holds, as (label, SQL counting it). Parameter: guild id.
_SPACE: tuple[tuple[str, str], ...] = (
    ("question_days", "SELECT COUNT(*) FROM question_days WHERE guild_id = :guild"),
    (
        "answers",
        "SELECT COUNT(*) FROM question_answers WHERE day_id IN "
        "(SELECT id FROM question_days WHERE guild_id = :guild)",
    ),
    ("own_questions", "SELECT COUNT(*) FROM own_questions WHERE guild_id = :guild"),
    ("checkins", "SELECT COUNT(*) FROM checkins WHERE guild_id = :guild"),
    ("appreciations", "SELECT COUNT(*) FROM appreciations WHERE guild_id = :guild"),
    ("wins", "SELECT COUNT(*) FROM wins WHERE guild_id = :guild"),
    ("goodnights", "SELECT COUNT(*) FROM goodnights WHERE guild_id = :guild"),
    ("memories", "SELECT COUNT(*) FROM memories WHERE guild_id = :guild"),
    (
        "photos",
        "SELECT COUNT(*) FROM memory_photos p JOIN memories m ON m.id = p.memory_id WHERE m.guild_id = :guild",
    ),
    ("rituals", "SELECT COUNT(*) FROM rituals WHERE guild_id = :guild"),
    (
        "ritual_answers",
        "SELECT COUNT(*) FROM ritual_answers WHERE run_id IN (SELECT r.id FROM ritual_runs r "
        "JOIN rituals t ON t.id = r.ritual_id WHERE t.guild_id = :guild)",
    ),
    ("calls", "SELECT COUNT(*) FROM calls WHERE guild_id = :guild"),
    ("visits", "SELECT COUNT(*) FROM visits WHERE guild_id = :guild"),
    ("dates", "SELECT COUNT(*) FROM special_dates WHERE guild_id = :guild"),
    ("schedules", "SELECT COUNT(*) FROM schedules WHERE guild_id = :guild"),
)


async def _count(tx: Tx | Database, sql: str, params: Mapping[str, Any]) -> int:
    return int(await tx.fetchval(sql, params) or 0)


async def _insert(tx: Tx, table: str, row: Row) -> int:
    """INSERT one row given as column -> value (names come from this module, never from a file)."""
    columns = list(row)
    cursor = await tx.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
        dict(row),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _only(row: Row, *drop: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in drop}


class DataRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.questions = QuestionRepository(db)

    # -- the export ------------------------------------------------------------------------------

    async def snapshot(self, couple_id: int, user_id: int, server_id: int | None = None) -> Snapshot | None:
        """What ``user_id`` may see of the space stored under ``couple_id`` (a server id, or a
        kept space's key), or None when there is no such space."""
        db = self.db
        g = {"guild": couple_id}
        gu = {"guild": couple_id, "user": user_id}
        couple = await db.fetchone("SELECT * FROM couples WHERE guild_id = :guild", g)
        if couple is None:
            return None
        partners = await db.fetchall("SELECT * FROM partners WHERE guild_id = :guild ORDER BY position", g)
        days = await self.questions.export(couple_id, user_id)
        checkins = await db.fetchall(
            "SELECT c.user_id, c.day, c.mood, "
            "CASE WHEN c.user_id = :user OR IFNULL(s.level, 'full') = 'full' THEN c.note END AS note, "
            "c.zone, c.created_at, c.updated_at FROM checkins c LEFT JOIN checkin_sharing s "
            "ON s.guild_id = c.guild_id AND s.user_id = c.user_id "
            "WHERE c.guild_id = :guild AND (c.user_id = :user OR IFNULL(s.level, 'full') <> 'nothing') "
            "ORDER BY c.day, c.user_id",
            gu,
        )
        ritual_answers = await db.fetchall(
            "SELECT a.* FROM ritual_answers a JOIN ritual_runs r ON r.id = a.run_id "
            "JOIN rituals t ON t.id = r.ritual_id WHERE t.guild_id = :guild AND (a.user_id = :user OR "
            "(SELECT COUNT(DISTINCT b.user_id) FROM ritual_answers b WHERE b.run_id = a.run_id "
            "AND b.step = a.step) >= 2) ORDER BY a.run_id, a.step, a.answered_at, a.user_id",
            gu,
        )
        in_calls = "call_id IN (SELECT id FROM calls WHERE guild_id = :guild)"
        return Snapshot(
            server_id=server_id if server_id is not None else couple_id,
            requester_id=user_id,
            couple=dict(couple),
            partners=_rows(partners),
            question_settings=_first(
                await db.fetchall("SELECT * FROM question_settings WHERE guild_id = :guild", g)
            ),
            own_questions=_rows(
                await db.fetchall("SELECT * FROM own_questions WHERE guild_id = :guild ORDER BY id", g)
            ),
            question_days=tuple((day, tuple(answers)) for day, answers in days),
            question_vetoes=_rows(
                await db.fetchall(
                    "SELECT * FROM question_vetoes WHERE guild_id = :guild ORDER BY vetoed_at, question_id", g
                )
            ),
            checkin_sharing=_rows(
                await db.fetchall("SELECT * FROM checkin_sharing WHERE guild_id = :guild ORDER BY user_id", g)
            ),
            love_languages=_rows(
                await db.fetchall("SELECT * FROM love_languages WHERE guild_id = :guild ORDER BY user_id", g)
            ),
            checkins=_rows(checkins),
            appreciations=_rows(
                await db.fetchall(
                    "SELECT * FROM appreciations WHERE guild_id = :guild AND (from_user = :user OR "
                    "delivered_at IS NOT NULL) ORDER BY created_at, id",
                    gu,
                )
            ),
            wins=_rows(
                await db.fetchall("SELECT * FROM wins WHERE guild_id = :guild ORDER BY created_at, id", g)
            ),
            goodnights=_rows(
                await db.fetchall("SELECT * FROM goodnights WHERE guild_id = :guild ORDER BY sent_at, id", g)
            ),
            memories=_rows(
                await db.fetchall(
                    "SELECT * FROM memories WHERE guild_id = :guild ORDER BY happened_on, id", g
                )
            ),
            memory_photos=_rows(
                await db.fetchall(
                    "SELECT p.* FROM memory_photos p JOIN memories m ON m.id = p.memory_id "
                    "WHERE m.guild_id = :guild ORDER BY p.memory_id, p.position",
                    g,
                )
            ),
            rituals=_rows(await db.fetchall("SELECT * FROM rituals WHERE guild_id = :guild ORDER BY id", g)),
            ritual_runs=_rows(
                await db.fetchall(
                    "SELECT r.* FROM ritual_runs r JOIN rituals t ON t.id = r.ritual_id "
                    "WHERE t.guild_id = :guild ORDER BY r.ritual_id, r.scheduled_at",
                    g,
                )
            ),
            ritual_answers=_rows(ritual_answers),
            calls=_rows(await db.fetchall("SELECT * FROM calls WHERE guild_id = :guild ORDER BY id", g)),
            call_changes=_rows(
                await db.fetchall(
                    f"SELECT * FROM call_changes WHERE {in_calls} ORDER BY call_id, occurrence_at", g
                )
            ),
            call_rsvps=_rows(
                await db.fetchall(
                    f"SELECT * FROM call_rsvps WHERE {in_calls} ORDER BY call_id, occurrence_at, user_id", g
                )
            ),
            call_proposals=_rows(
                await db.fetchall(f"SELECT * FROM call_proposals WHERE {in_calls} ORDER BY call_id, id", g)
            ),
            call_nights=_rows(
                await db.fetchall(
                    f"SELECT * FROM call_nights WHERE {in_calls} ORDER BY call_id, occurrence_at", g
                )
            ),
            visits=_rows(await db.fetchall("SELECT * FROM visits WHERE guild_id = :guild ORDER BY id", g)),
            special_dates=_rows(
                await db.fetchall("SELECT * FROM special_dates WHERE guild_id = :guild ORDER BY id", g)
            ),
            schedules=_rows(
                await db.fetchall(
                    f"SELECT * FROM schedules WHERE guild_id = :guild AND kind IN ({_KIND_PARAMS}) "
                    "ORDER BY kind, key",
                    {**g, **_KINDS},
                )
            ),
        )

    # -- the import ------------------------------------------------------------------------------

    async def restore(self, guild_id: int, plan: ImportPlan, photo_paths: Mapping[str, str]) -> Restored:
        """Write an imported space into ``guild_id`` in one transaction (the server must have no
        couple). ``photo_paths`` maps each photo's file name in the export to its stored path."""
        async with self.db.transaction() as tx:
            if await tx.fetchval("SELECT 1 FROM couples WHERE guild_id = ?", (guild_id,)):
                raise SpaceTaken(guild_id)
            await _insert(tx, "couples", {**plan.couple, "guild_id": guild_id})
            for row in plan.partners:
                await _insert(tx, "partners", {**row, "guild_id": guild_id})
            if plan.question_settings is not None:
                await _insert(tx, "question_settings", {**plan.question_settings, "guild_id": guild_id})
            own: dict[str, str] = {}
            for row in plan.own_questions:
                new = await _insert(tx, "own_questions", {**_only(row, "ref"), "guild_id": guild_id})
                own[f"own-{row['ref']}"] = f"own-{new}"
            days: dict[int, int] = {}
            later: list[tuple[int, int]] = []  # (day, the day it repeats) written after it
            answers = 0
            for row in plan.question_days:
                values = _only(row, "ref", "repeat_ref", "answers")
                values["question_id"] = own.get(values["question_id"], values["question_id"])
                repeat = row["repeat_ref"]
                values["repeat_of"] = days.get(repeat) if repeat is not None else None
                new = await _insert(tx, "question_days", {**values, "guild_id": guild_id})
                days[row["ref"]] = new
                if repeat is not None and repeat not in days:
                    later.append((new, repeat))
                for answer in row["answers"]:
                    await _insert(tx, "question_answers", {**answer, "day_id": new})
                    answers += 1
            for day_id, repeat in later:
                if repeat in days:
                    await tx.execute(
                        "UPDATE question_days SET repeat_of = ? WHERE id = ?", (days[repeat], day_id)
                    )
            for row in plan.question_vetoes:
                values = dict(row)
                values["question_id"] = own.get(values["question_id"], values["question_id"])
                await _insert(tx, "question_vetoes", {**values, "guild_id": guild_id})
            for table in (
                "checkin_sharing",
                "love_languages",
                "checkins",
                "appreciations",
                "wins",
                "goodnights",
            ):
                for row in getattr(plan, table):
                    await _insert(tx, table, {**row, "guild_id": guild_id})
            photos: list[tuple[int, str]] = []
            for row in plan.memories:
                memory_id = await _insert(tx, "memories", {**_only(row, "photos"), "guild_id": guild_id})
                for photo in row["photos"]:
                    values = {
                        **_only(photo, "file"),
                        "memory_id": memory_id,
                        "path": photo_paths[photo["file"]],
                    }
                    photos.append((await _insert(tx, "memory_photos", values), values["path"]))
            ritual_ids: list[int] = []
            runs = 0
            for row in plan.rituals:
                ritual_id = await _insert(tx, "rituals", {**_only(row, "runs"), "guild_id": guild_id})
                ritual_ids.append(ritual_id)
                for run in row["runs"]:
                    run_id = await _insert(
                        tx, "ritual_runs", {**_only(run, "answers"), "ritual_id": ritual_id}
                    )
                    runs += 1
                    for answer in run["answers"]:
                        await _insert(tx, "ritual_answers", {**answer, "run_id": run_id})
            call_ids: list[int] = []
            for row in plan.calls:
                call_id = await _insert(
                    tx,
                    "calls",
                    {**_only(row, "changes", "rsvps", "proposals", "nights"), "guild_id": guild_id},
                )
                call_ids.append(call_id)
                for table, key in (
                    ("call_changes", "changes"),
                    ("call_rsvps", "rsvps"),
                    ("call_proposals", "proposals"),
                ):
                    for child in row[key]:
                        await _insert(tx, table, {**child, "call_id": call_id})
                for night in row["nights"]:
                    await _insert(tx, "call_nights", {**night, "call_id": call_id, "guild_id": guild_id})
            for table in ("visits", "special_dates"):
                for row in getattr(plan, table):
                    await _insert(tx, table, {**row, "guild_id": guild_id})
        counts = (
            ("question_days", len(plan.question_days)),
            ("answers", answers),
            ("checkins", len(plan.checkins)),
            ("memories", len(plan.memories)),
            ("photos", len(photos)),
            ("appreciations", len(plan.appreciations)),
            ("wins", len(plan.wins)),
            ("goodnights", len(plan.goodnights)),
            ("rituals", len(plan.rituals)),
            ("ritual_runs", runs),
            ("calls", len(plan.calls)),
            ("visits", len(plan.visits)),
            ("dates", len(plan.special_dates)),
        )
        return Restored(tuple(ritual_ids), tuple(call_ids), tuple(photos), counts)

    async def photos_of(self, guild_id: int) -> list[StoredPhoto]:
        """Every photo row of a server (the caller checks which files are missing on disk)."""
        rows = await self.db.fetchall(
            "SELECT p.id, p.path, p.sha256, p.content_type, p.filename FROM memory_photos p "
            "JOIN memories m ON m.id = p.memory_id WHERE m.guild_id = ? ORDER BY p.id",
            (guild_id,),
        )
        return [StoredPhoto(r["id"], r["path"], r["sha256"], r["content_type"], r["filename"]) for r in rows]

    async def set_photo_path(self, photo_id: int, path: str) -> None:
        await self.db.execute("UPDATE memory_photos SET path = ? WHERE id = ?", (path, photo_id))

    # -- deletion --------------------------------------------------------------------------------

    async def mine_tally(self, guild_id: int, user_id: int) -> Tally:
        """What "delete mine" would delete of ``user_id``'s entries."""
        params = {"guild": guild_id, "user": user_id}
        return Tally(tuple([(label, await _count(self.db, sql, params)) for label, sql, _ in _MINE]))

    async def space_tally(self, guild_id: int) -> Tally:
        params = {"guild": guild_id}
        return Tally(tuple([(label, await _count(self.db, sql, params)) for label, sql in _SPACE]))

    async def delete_mine(self, guild_id: int, user_id: int, now: datetime) -> Removal:
        """Delete a partner's own entries and unpair: what is left of the space (the other
        partner's entries and the shared setup) moves to a kept space for the other partner,
        removed (so it is purged 30 days later); the couple and its schedules end."""
        params = {"guild": guild_id, "user": user_id}
        async with self.db.transaction() as tx:
            couple = await tx.fetchone("SELECT * FROM couples WHERE guild_id = ?", (guild_id,))
            if couple is None:
                return Removal(Tally(), (), ())
            other = couple["invitee_id"] if couple["inviter_id"] == user_id else couple["inviter_id"]
            tally: list[tuple[str, int]] = []
            paths = await self._memory_paths(tx, "m.guild_id = :guild AND m.author_id = :user", params)
            for label, _, delete in _MINE:
                if delete:
                    cursor = await tx.execute(delete, params)
                    tally.append((label, max(cursor.rowcount, 0)))
            rsvps = await tx.execute(
                "DELETE FROM call_rsvps WHERE user_id = :user AND call_id IN "
                "(SELECT id FROM calls WHERE guild_id = :guild)",
                params,
            )
            proposals = await tx.execute(
                "DELETE FROM call_proposals WHERE proposed_by = :user AND call_id IN "
                "(SELECT id FROM calls WHERE guild_id = :guild)",
                params,
            )
            tally.append(("call_replies", rsvps.rowcount + proposals.rowcount))
            memories = await tx.execute(
                "DELETE FROM memories WHERE guild_id = :guild AND author_id = :user", params
            )
            tally.append(("memories", memories.rowcount))
            tally.append(("photos", len(paths)))
            for table in ("checkin_sharing", "love_languages", "memory_drafts"):
                await tx.execute(f"DELETE FROM {table} WHERE guild_id = :guild AND user_id = :user", params)
            await tx.execute("DELETE FROM partners WHERE guild_id = :guild AND user_id = :user", params)
            schedule_ids = await self._schedule_ids(tx, guild_id)
            kept = await self._keep(tx, guild_id, other, user_id, now)
            await tx.execute("DELETE FROM couples WHERE guild_id = ?", (guild_id,))
            # A kept space of the leaving partner (from an earlier unpairing here) is theirs too.
            kept_paths, _ = await self._delete_kept(tx, guild_id, user_id)
        return Removal(
            Tally(tuple(tally)), tuple(paths + kept_paths), tuple(schedule_ids), kept_couple_id=kept
        )

    async def delete_space(self, guild_id: int, user_id: int) -> Removal:
        """Delete everything of a server's space (and any entries kept here for ``user_id``)."""
        tally = await self.space_tally(guild_id)
        async with self.db.transaction() as tx:
            paths = await self._memory_paths(tx, "m.guild_id = :guild", {"guild": guild_id})
            schedule_ids = await self._schedule_ids(tx, guild_id)
            await tx.execute("DELETE FROM couples WHERE guild_id = ?", (guild_id,))
            kept_paths, kept = await self._delete_kept(tx, guild_id, user_id)
        if kept:
            tally = Tally((*tally.items, ("kept_spaces", kept)))
        return Removal(tally, tuple(paths + kept_paths), tuple(schedule_ids))

    async def delete_kept(self, guild_id: int, user_id: int) -> Removal:
        """Delete the entries kept for ``user_id`` in this server now."""
        async with self.db.transaction() as tx:
            paths, count = await self._delete_kept(tx, guild_id, user_id)
        return Removal(Tally((("kept_spaces", count), ("photos", len(paths)))), tuple(paths), ())

    async def _delete_kept(self, tx: Tx, guild_id: int, user_id: int) -> tuple[list[str], int]:
        rows = await tx.fetchall(
            "SELECT couple_id FROM kept_spaces WHERE guild_id = ? AND user_id = ?", (guild_id, user_id)
        )
        paths: list[str] = []
        for row in rows:
            paths += await self._memory_paths(tx, "m.guild_id = :guild", {"guild": row[0]})
            await tx.execute("DELETE FROM couples WHERE guild_id = ?", (row[0],))
        return paths, len(rows)

    async def _keep(self, tx: Tx, guild_id: int, user_id: int, left_by: int, now: datetime) -> int:
        """Move what is left of a space under a new, removed couple kept for ``user_id``."""
        key = int(await tx.fetchval("SELECT MIN(0, IFNULL(MIN(guild_id), 0)) - 1 FROM couples"))
        stamp = to_unix(now)
        await tx.execute(
            "INSERT INTO couples (guild_id, channel_id, status, inviter_id, invitee_id, created_at, "
            "paired_at, removed_at) SELECT ?, channel_id, status, inviter_id, invitee_id, created_at, "
            "paired_at, ? FROM couples WHERE guild_id = ?",
            (key, stamp, guild_id),
        )
        for table, column in await self._couple_tables(tx):
            if table not in _NOT_KEPT:
                await tx.execute(f"UPDATE {table} SET {column} = ? WHERE {column} = ?", (key, guild_id))
        # A reveal that never got posted would otherwise be posted again at the next start.
        await tx.execute(
            "UPDATE question_days SET reveal_message_id = 0 WHERE guild_id = ? AND status = 'revealed' "
            "AND reveal_message_id IS NULL",
            (key,),
        )
        await tx.execute(
            "INSERT INTO kept_spaces (couple_id, guild_id, user_id, left_by, kept_at) VALUES (?, ?, ?, ?, ?)",
            (key, guild_id, user_id, left_by, stamp),
        )
        return key

    @staticmethod
    async def _couple_tables(tx: Tx) -> list[tuple[str, str]]:
        """(table, column) of every foreign key to couples, read from the schema."""
        rows = await tx.fetchall(
            'SELECT m.name, f."from" FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f '
            "WHERE m.type = 'table' AND f.\"table\" = 'couples' ORDER BY m.name"
        )
        return [(r[0], r[1]) for r in rows]

    @staticmethod
    async def _memory_paths(tx: Tx, where: str, params: Mapping[str, Any]) -> list[str]:
        rows = await tx.fetchall(
            f"SELECT p.path FROM memory_photos p JOIN memories m ON m.id = p.memory_id WHERE {where} "
            "ORDER BY p.id",
            params,
        )
        return [r[0] for r in rows]

    @staticmethod
    async def _schedule_ids(tx: Tx, guild_id: int) -> list[int]:
        rows = await tx.fetchall("SELECT id FROM schedules WHERE guild_id = ?", (guild_id,))
        return [r[0] for r in rows]

    # -- kept spaces -----------------------------------------------------------------------------

    async def kept_for(self, guild_id: int, user_id: int) -> list[Kept]:
        rows = await self.db.fetchall(
            "SELECT k.* FROM kept_spaces k JOIN couples c ON c.guild_id = k.couple_id "
            "WHERE k.guild_id = ? AND k.user_id = ? ORDER BY k.kept_at",
            (guild_id, user_id),
        )
        return [_kept(r) for r in rows]

    async def kept(self, couple_id: int) -> Kept | None:
        row = await self.db.fetchone("SELECT * FROM kept_spaces WHERE couple_id = ?", (couple_id,))
        return _kept(row) if row else None

    async def kept_tally(self, couple_id: int, user_id: int) -> Tally:
        """What a kept space holds of ``user_id``'s own entries (after the other's were deleted)."""
        params = {"guild": couple_id, "user": user_id}
        items = [(label, await _count(self.db, sql, params)) for label, sql, _ in _MINE]
        return Tally(tuple((label, n) for label, n in items if label not in ("photos",)))

    # -- guild removal and the purge -------------------------------------------------------------

    async def removed_guilds(self) -> list[int]:
        """Servers whose couple is kept after Closer was removed from them."""
        rows = await self.db.fetchall(
            "SELECT guild_id FROM couples WHERE removed_at IS NOT NULL AND guild_id > 0 ORDER BY guild_id"
        )
        return [r[0] for r in rows]

    async def purge_removed(self, cutoff: datetime) -> Removal:
        """Delete every couple (server removed, or kept space) removed at or before ``cutoff``."""
        async with self.db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT guild_id FROM couples WHERE removed_at IS NOT NULL AND removed_at <= ?",
                (to_unix(cutoff),),
            )
            keys = [r[0] for r in rows]
            paths: list[str] = []
            schedule_ids: list[int] = []
            for key in keys:
                paths += await self._memory_paths(tx, "m.guild_id = :guild", {"guild": key})
                schedule_ids += await self._schedule_ids(tx, key)
                await tx.execute("DELETE FROM couples WHERE guild_id = ?", (key,))
        return Removal(
            Tally((("couples", len(keys)), ("photos", len(paths)))),
            tuple(paths),
            tuple(schedule_ids),
            guild_ids=tuple(keys),
        )

    async def referenced_paths(self, prefix: str) -> set[str]:
        """Photo paths still in use under ``prefix`` (a server's folder): kept spaces included."""
        rows = await self.db.fetchall(
            "SELECT path FROM memory_photos WHERE substr(path, 1, ?) = ?", (len(prefix), prefix)
        )
        return {r[0] for r in rows}


def _first(rows: Sequence[sqlite3.Row]) -> Row | None:
    return dict(rows[0]) if rows else None


def _kept(row: sqlite3.Row) -> Kept:
    return Kept(row["couple_id"], row["guild_id"], row["user_id"], row["left_by"], from_unix(row["kept_at"]))
