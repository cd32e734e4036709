"""Reading the memory book: its memories and photos as rows, and finding them (one, a page,
one at random, by words, by date, by id or title). :class:`MemoryReader` is the reading half
of :class:`bot.db.repositories.memories.MemoryRepository`.

Search goes through the FTS5 index ``memories_fts``: any text a user types is cut into plain
words here (:func:`search_terms`) and each word is quoted, so quotes, operators (``AND``,
``NEAR(``), ``*`` or brackets are never read as FTS5 syntax.
"""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.db.connection import Database
from bot.timeutil import from_unix

# Search: at most this many words of a query are searched (a 10,000-character query stays fast).
MAX_TERMS = 12
MAX_TERM_LENGTH = 64
# Ranking: bm25 weights of the FTS columns scope (the server: no weight), title, description,
# quote, tags. At most CANDIDATES matches (the most recently written) are ranked per search.
RANK = "bm25(memories_fts, 0.0, 8.0, 2.0, 1.0, 5.0)"
CANDIDATES = 500

_WORD = re.compile(r"[^\W_]+")  # letters and digits: what FTS5's unicode61 tokenizer keeps


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Photo:
    id: int
    memory_id: int
    position: int
    path: str
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Memory:
    id: int
    guild_id: int
    author_id: int
    title: str
    happened_on: date
    description: str
    tags: tuple[str, ...]
    quote: str
    source_channel_id: int | None
    source_message_id: int | None
    source_author_id: int | None
    created_at: datetime
    updated_at: datetime
    updated_by: int
    photos: tuple[Photo, ...] = ()

    @property
    def source_url(self) -> str | None:
        """A link to the message it was saved from, if it was."""
        if self.source_channel_id is None or self.source_message_id is None:
            return None
        return (
            f"https://discord.com/channels/{self.guild_id}/{self.source_channel_id}/{self.source_message_id}"
        )


@dataclass(frozen=True, slots=True)
class SearchPage:
    memories: list[Memory]
    total: int  # matches ranked (at most CANDIDATES)
    capped: bool  # True: more memories matched than were ranked
    terms: tuple[str, ...]
    every_word: bool  # True: the hits hold every word; False: any of them (nothing held all)


def photo_of(row: sqlite3.Row) -> Photo:
    return Photo(
        id=row["id"],
        memory_id=row["memory_id"],
        position=row["position"],
        path=row["path"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        sha256=row["sha256"],
    )


def memory_of(row: sqlite3.Row, photos: Sequence[Photo] = ()) -> Memory:
    return Memory(
        id=row["id"],
        guild_id=row["guild_id"],
        author_id=row["author_id"],
        title=row["title"],
        happened_on=date.fromisoformat(row["happened_on"]),
        description=row["description"],
        tags=tuple(t for t in row["tags"].split(",") if t),
        quote=row["quote"],
        source_channel_id=row["source_channel_id"],
        source_message_id=row["source_message_id"],
        source_author_id=row["source_author_id"],
        created_at=from_unix(row["created_at"]),
        updated_at=from_unix(row["updated_at"]),
        updated_by=row["updated_by"],
        photos=tuple(photos),
    )


# ---------------------------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------------------------


def search_terms(text: str, limit: int = MAX_TERMS) -> tuple[str, ...]:
    """The plain words of a query, lowercased, without repeats, at most ``limit`` of them.

    Everything that is not a letter or a digit separates words, as in the FTS5 index, so no
    input (quotes, ``AND``/``OR``, ``NEAR(``, ``*``, brackets, emoji) can be read as syntax.
    """
    terms: list[str] = []
    for match in _WORD.finditer(text or ""):
        term = match.group(0)[:MAX_TERM_LENGTH].casefold()
        if term not in terms:
            terms.append(term)
            if len(terms) >= limit:
                break
    return tuple(terms)


def fts_query(terms: Sequence[str], *, every_word: bool = True) -> str:
    """An FTS5 MATCH expression where each term is a quoted string (never an operator)."""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms]
    return (" " if every_word else " OR ").join(quoted)


def anniversary_keys(today: date) -> tuple[str, ...]:
    """The 'MM-DD' dates whose memories come back on ``today``: today's, and on Feb 28 of a
    year without Feb 29, the leap-day memories too."""
    keys = [f"{today:%m-%d}"]
    if (today.month, today.day) == (2, 28) and not _is_leap(today.year):
        keys.append("02-29")
    return tuple(keys)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _contains(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# ---------------------------------------------------------------------------------------------
# The reading half of the repository
# ---------------------------------------------------------------------------------------------


class MemoryReader:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def get(self, memory_id: int, guild_id: int) -> Memory | None:
        row = await self.db.fetchone(
            "SELECT * FROM memories WHERE id = ? AND guild_id = ?", (memory_id, guild_id)
        )
        if row is None:
            return None
        return (await self._with_photos([row]))[0]

    async def count(self, guild_id: int) -> int:
        return int(await self.db.fetchval("SELECT count(*) FROM memories WHERE guild_id = ?", (guild_id,)))

    async def page(self, guild_id: int, *, offset: int, limit: int) -> list[Memory]:
        """Memories newest memory date first (then newest written first)."""
        rows = await self.db.fetchall(
            "SELECT * FROM memories WHERE guild_id = ? ORDER BY happened_on DESC, id DESC LIMIT ? OFFSET ?",
            (guild_id, limit, offset),
        )
        return await self._with_photos(rows)

    async def random(self, guild_id: int, rng: random.Random | None = None) -> Memory | None:
        total = await self.count(guild_id)
        if total == 0:
            return None
        offset = (rng or random).randrange(total)
        memory_id = await self.db.fetchval(
            "SELECT id FROM memories WHERE guild_id = ? ORDER BY happened_on DESC, id DESC LIMIT 1 OFFSET ?",
            (guild_id, offset),
        )
        return await self.get(memory_id, guild_id)

    async def on_this_day(self, guild_id: int, today: date) -> list[Memory]:
        """Memories of earlier years whose month and day are today's (Feb 29 on Feb 28 too)."""
        keys = anniversary_keys(today)
        marks = ", ".join("?" for _ in keys)
        rows = await self.db.fetchall(
            f"SELECT * FROM memories WHERE guild_id = ? AND substr(happened_on, 6, 5) IN ({marks}) "
            "AND happened_on < ? ORDER BY happened_on, id",
            (guild_id, *keys, f"{today.year:04d}-01-01"),
        )
        return await self._with_photos(rows)

    async def suggestions(self, guild_id: int, typed: str, limit: int = 25) -> list[Memory]:
        """Memories for an id's autocomplete: by id when digits are typed, else by title."""
        needle = typed.strip().lstrip("#").strip()
        if not needle:
            rows = await self.db.fetchall(
                "SELECT * FROM memories WHERE guild_id = ? ORDER BY happened_on DESC, id DESC LIMIT ?",
                (guild_id, limit),
            )
        elif needle.isascii() and needle.isdigit() and len(needle) <= 18:  # fits SQLite's INTEGER
            rows = await self.db.fetchall(
                "SELECT * FROM memories WHERE guild_id = ? AND (id = ? OR CAST(id AS TEXT) LIKE ? "
                "OR title LIKE ? ESCAPE '\\') ORDER BY id = ? DESC, happened_on DESC, id DESC LIMIT ?",
                (guild_id, int(needle), f"{needle}%", _contains(needle), int(needle), limit),
            )
        else:
            rows = await self.db.fetchall(
                "SELECT * FROM memories WHERE guild_id = ? AND title LIKE ? ESCAPE '\\' "
                "ORDER BY happened_on DESC, id DESC LIMIT ?",
                (guild_id, _contains(needle), limit),
            )
        return [memory_of(r) for r in rows]

    async def search(self, guild_id: int, terms: Sequence[str], *, offset: int, limit: int) -> SearchPage:
        """Ranked full-text search: memories holding every word, else (none did) any of them.

        The most recently written :data:`CANDIDATES` matches are ranked (bm25, title and tags
        weigh most), which keeps a search over a very common word fast in a huge book.
        """
        terms = tuple(terms)
        if not terms:
            return SearchPage([], 0, False, terms, True)
        every_word = True
        ranked = await self._ranked(guild_id, fts_query(terms))
        if not ranked and len(terms) > 1:
            every_word = False
            ranked = await self._ranked(guild_id, fts_query(terms, every_word=False))
        ids = [row[0] for row in ranked[offset : offset + limit]]
        memories = await self._by_ids(guild_id, ids)
        return SearchPage(memories, len(ranked), len(ranked) >= CANDIDATES, terms, every_word)

    async def _ranked(self, guild_id: int, query: str) -> list[sqlite3.Row]:
        return await self.db.fetchall(
            "SELECT id FROM ("
            f"  SELECT rowid AS id, {RANK} AS score FROM memories_fts"
            "   WHERE memories_fts MATCH ? ORDER BY rowid DESC LIMIT ?"
            ") ORDER BY score, id DESC",
            (f'scope : "g{guild_id}" AND ({query})', CANDIDATES),
        )

    async def _by_ids(self, guild_id: int, ids: Sequence[int]) -> list[Memory]:
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        # "+guild_id": look the rows up by id, never by scanning the server's index.
        rows = await self.db.fetchall(
            f"SELECT * FROM memories WHERE id IN ({marks}) AND +guild_id = ?", (*ids, guild_id)
        )
        order = {memory_id: index for index, memory_id in enumerate(ids)}
        rows.sort(key=lambda r: order[r["id"]])
        return await self._with_photos(rows)

    async def _with_photos(self, rows: Sequence[sqlite3.Row]) -> list[Memory]:
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        marks = ", ".join("?" for _ in ids)
        photo_rows = await self.db.fetchall(
            f"SELECT * FROM memory_photos WHERE memory_id IN ({marks}) ORDER BY memory_id, position", ids
        )
        by_memory: dict[int, list[Photo]] = {}
        for p in photo_rows:
            by_memory.setdefault(p["memory_id"], []).append(photo_of(p))
        return [memory_of(r, by_memory.get(r["id"], ())) for r in rows]

    async def photo_paths(self, guild_id: int) -> list[str]:
        """Every photo file of a server's memories (relative paths), for exports and checks."""
        rows = await self.db.fetchall(
            "SELECT p.path FROM memory_photos p JOIN memories m ON m.id = p.memory_id "
            "WHERE m.guild_id = ? ORDER BY p.id",
            (guild_id,),
        )
        return [r[0] for r in rows]
